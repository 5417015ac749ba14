//! HTTP handlers of the JSON API. Each reads its input, calls the domain for
//! validation and the store for data, and maps errors; nothing more.

use crate::auth::{self, ClientAddr, Moderator, ModeratorOrProjector, Participant, SessionByCode};
use crate::clock;
use crate::error::ApiError;
use crate::export::gather::{self, Download, Requester};
use crate::export::json::{self, ImportError};
use crate::export::{Format, Profile};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::{ImportedGroup, ImportedSession};
use app::api::*;
use app::domain::session::limits;
use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::settings::{SessionSettings, SettingsChange};
use app::domain::stand::{self, Stand, StandDiff};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{rejection::JsonRejection, DefaultBodyLimit, Path, Query, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::serve))
        .route("/api/sessions", post(create_session))
        .route("/api/join/{code}", get(public_session).post(join))
        .route("/api/sessions/{code}/me", get(me).delete(leave))
        .route("/api/sessions/{code}/live", get(crate::live::live))
        .route(
            "/api/moderation/session",
            get(moderator_session).delete(delete_session),
        )
        .route("/api/moderation/secret", post(rotate_secret))
        .route("/api/moderation/projector", post(rotate_projector))
        .route("/api/moderation/settings", patch(change_settings))
        .route("/api/moderation/live", get(crate::live::moderator_live))
        .route("/api/moderation/duplicate", post(duplicate_session))
        .route(
            "/api/moderation/participants/{id}/group",
            put(move_participant),
        )
        .route(
            "/api/moderation/participants/{id}",
            axum::routing::delete(remove_participant),
        )
        .route("/api/join/{code}/qr.svg", get(join_qr))
        .route("/api/moderation/groups", post(add_group))
        .route("/api/moderation/stands", get(list_stands).post(add_stand))
        .route("/api/moderation/stands/{id}/diff", get(stand_diff))
        .route(
            "/api/moderation/groups/{id}",
            put(update_group).delete(remove_group),
        )
        .route(
            "/api/moderation/boards/{board}/cards/{card}/fields/{field}",
            put(set_card_field).layer(DefaultBodyLimit::max(FIELD_BODY_MAX)),
        )
        .route("/api/moderation/export/{format}", get(moderator_export))
        .route(
            "/api/sessions/{code}/export/{format}",
            get(participant_export),
        )
        .route(
            "/api/moderation/groups/{id}/kosten.xlsx",
            get(moderator_kosten),
        )
        .route("/api/sessions/{code}/kosten.xlsx", get(participant_kosten))
        .route(
            "/api/import",
            // One byte over the limit is enough to tell "too large".
            post(import_session).layer(DefaultBodyLimit::max(json::MAX_BYTES + 1)),
        )
}

/// `ok` while writes commit; 503 while the store refuses writes (disk full,
/// read-only, database file gone). An unhealthy store probes with a write here
/// and turns `ok` once that commits.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.health().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(cause) => {
            tracing::warn!(cause, "health check: storage unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable")
        }
    }
}

/// Largest body of a moderator's field edit: the longest text a card's
/// field takes, every character four bytes, JSON-escaped, and the wrapping.
const FIELD_BODY_MAX: usize = app::domain::board::limits::CARD_TEXT * 4 * 2 + 64;

/// The moderator assigns a field only the moderator sets (the BarCamp's
/// Zeitfenster and Raum): committed through the room like every op.
async fn set_card_field(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path((board, card, field)): Path<(String, String, String)>,
    payload: Result<Json<FieldText>, JsonRejection>,
) -> Result<Json<FieldSaved>, ApiError> {
    let FieldText { text } = body(payload)?;
    let (group, _) = app::domain::board::split_board_id(&board).ok_or(ApiError::UnknownBoard)?;
    let groups = state.store.groups(&session.id).await?;
    if !groups.iter().any(|g| g.id == group) {
        return Err(ApiError::UnknownBoard);
    }
    let room = state.hub.room(&session.id).await?;
    let seq = room
        .moderator_edit(&board, &card, &field, &text)
        .await
        .map_err(ApiError::Refused)?;
    Ok(Json(FieldSaved { seq }))
}

/// Unwraps a JSON body, turning axum's rejection into our typed error.
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    payload.map(|Json(v)| v).map_err(|_| ApiError::BadRequest)
}

/// A new session from `client`, within its rate limit.
fn session_allowed(state: &AppState, ClientAddr(client): ClientAddr) -> Result<(), ApiError> {
    if state.limits.new_session(client) {
        Ok(())
    } else {
        Err(ApiError::RateLimited)
    }
}

async fn create_session(
    State(state): State<AppState>,
    client: ClientAddr,
    payload: Result<Json<CreateSessionRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    let req = body(payload)?;
    let details = SessionDetails::validate(&req.title, &req.date, &req.place)?;
    session_allowed(&state, client)?;
    new_session(&state, |code, hash| {
        let store = state.store.clone();
        let details = details.clone();
        async move {
            store
                .create_session(&details, &code, &hash, clock::now())
                .await
        }
    })
    .await
}

/// A new session prepared like this one (groups, methods, weights, dots),
/// with its own code and secret; nothing of the day's content.
async fn duplicate_session(
    State(state): State<AppState>,
    Moderator(source): Moderator,
    client: ClientAddr,
    payload: Result<Json<CreateSessionRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    let req = body(payload)?;
    let details = SessionDetails::validate(&req.title, &req.date, &req.place)?;
    session_allowed(&state, client)?;
    let settings = state.hub.room(&source.id).await?.settings().as_template();
    new_session(&state, |code, hash| {
        let store = state.store.clone();
        let (details, source, settings) = (details.clone(), source.id.clone(), settings.clone());
        async move {
            store
                .duplicate_session(&source, &details, &code, &hash, &settings, clock::now())
                .await
        }
    })
    .await
}

/// Makes a session with a fresh join code, moderator secret and projector
/// token via `create`, retrying on the rare code collision.
async fn new_session<F, Fut>(
    state: &AppState,
    create: F,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError>
where
    F: Fn(app::domain::JoinCode, Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = Result<crate::store::SessionRecord, StoreError>>,
{
    let token = auth::new_token();
    let hash = auth::token_hash(&token);
    // A fresh code collides with an existing one about once in 10^8 sessions;
    // retry a few times rather than fail.
    for _ in 0..5 {
        match create(auth::random_join_code(), hash.clone()).await {
            Ok(session) => {
                tracing::info!(session = %session.id, "session created");
                let projector = auth::new_token();
                state
                    .store
                    .set_secrets(&session.id, None, &auth::token_hash(&projector))
                    .await?;
                return Ok((
                    StatusCode::CREATED,
                    Json(CreatedSession {
                        session_id: session.id,
                        join_code: session.join_code,
                        moderator_token: token,
                        projector_token: projector,
                    }),
                ));
            }
            Err(StoreError::JoinCodeTaken) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::JoinCodeTaken.into())
}

async fn public_session(
    State(state): State<AppState>,
    SessionByCode { session, .. }: SessionByCode,
) -> Result<Json<PublicSession>, ApiError> {
    let groups = state.store.groups(&session.id).await?;
    Ok(Json(session.public(groups)))
}

async fn join(
    State(state): State<AppState>,
    SessionByCode {
        code,
        session,
        client,
    }: SessionByCode,
    jar: CookieJar,
    payload: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<(CookieJar, Json<Me>), ApiError> {
    let req = body(payload)?;
    let details = ParticipantDetails::validate(&req.display_name, &req.kommune)?;
    if state.hub.room(&session.id).await?.settings().joining_closed {
        return Err(ApiError::JoiningClosed);
    }
    if !state.limits.new_participant(client, &session.id) {
        return Err(ApiError::RateLimited);
    }
    let token = auth::new_token();
    let now = clock::now();
    let expires_at = now + auth::PARTICIPANT_TOKEN_DAYS * 86_400;
    let participant = state
        .store
        .add_participant(
            &session.id,
            &req.group_id,
            &details,
            &auth::token_hash(&token),
            now,
            expires_at,
        )
        .await?;
    let https = state.web.https();
    let cookie = Cookie::build((auth::participant_cookie_name(&code, https), token))
        .path("/")
        .secure(https)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(auth::PARTICIPANT_TOKEN_DAYS))
        .build();
    let me = me_view(&state, &session, participant).await?;
    Ok((jar.add(cookie), Json(me)))
}

async fn me(State(state): State<AppState>, who: Participant) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_view(&state, &who.session, who.participant).await?))
}

/// A participant leaves: their row goes, their name leaves every card,
/// rating and logged op, their other tabs close and the cookie is cleared.
async fn leave(
    State(state): State<AppState>,
    who: Participant,
    Path(code): Path<String>,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), ApiError> {
    remove(&state, &who.session.id, &who.participant.id).await?;
    let name = app::domain::JoinCode::parse(&code)
        .map(|c| auth::participant_cookie_name(&c, state.web.https()))
        .map_err(|_| ApiError::NotJoined)?;
    let cookie = Cookie::build((name, ""))
        .path("/")
        .secure(state.web.https())
        .build();
    Ok((jar.remove(cookie), StatusCode::NO_CONTENT))
}

/// Removes a participant in the store and in the live room (names rewritten
/// under the room's lock), then closes their connections.
async fn remove(state: &AppState, session_id: &str, participant_id: &str) -> Result<(), ApiError> {
    let room = state.hub.room(session_id).await?;
    room.rewrite_boards(
        || state.store.remove_participant(session_id, participant_id),
        |boards| {
            for board in boards.values_mut() {
                app::domain::privacy::anonymise_board(board, participant_id);
            }
        },
    )
    .await?;
    room.moved(participant_id);
    tracing::info!(session = %session_id, "participant removed");
    Ok(())
}

/// The moderator removes a participant (e.g. a fake one).
async fn remove_participant(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(participant_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    remove(&state, &session.id, &participant_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Sitzung löschen": every row of the session goes, its screens close.
async fn delete_session(
    State(state): State<AppState>,
    Moderator(session): Moderator,
) -> Result<StatusCode, ApiError> {
    state.store.delete_session(&session.id).await?;
    state.hub.evict(&session.id).await;
    tracing::info!(session = %session.id, "session deleted by its moderator");
    Ok(StatusCode::NO_CONTENT)
}

/// New moderator secret and projector token; the old ones stop working
/// (a leaked moderator link may have leaked the projector link too).
async fn rotate_secret(
    State(state): State<AppState>,
    Moderator(session): Moderator,
) -> Result<Json<RotatedSecrets>, ApiError> {
    let moderator = auth::new_token();
    let projector = auth::new_token();
    let moderator_hash = auth::token_hash(&moderator);
    state
        .store
        .set_secrets(
            &session.id,
            Some(&moderator_hash),
            &auth::token_hash(&projector),
        )
        .await?;
    state.hub.secrets_renewed(&session.id).await;
    Ok(Json(RotatedSecrets {
        moderator_token: Some(moderator),
        projector_token: projector,
    }))
}

/// A new projector token only (the old projector link stops working).
async fn rotate_projector(
    State(state): State<AppState>,
    Moderator(session): Moderator,
) -> Result<Json<RotatedSecrets>, ApiError> {
    let projector = auth::new_token();
    state
        .store
        .set_secrets(&session.id, None, &auth::token_hash(&projector))
        .await?;
    state.hub.secrets_renewed(&session.id).await;
    Ok(Json(RotatedSecrets {
        moderator_token: None,
        projector_token: projector,
    }))
}

async fn me_view(
    state: &AppState,
    session: &crate::store::SessionRecord,
    participant: crate::store::ParticipantRecord,
) -> Result<Me, ApiError> {
    let groups = state.store.groups(&session.id).await?;
    let group = groups
        .iter()
        .find(|g| g.id == participant.group_id)
        .cloned()
        .ok_or(StoreError::UnknownGroup)?;
    Ok(Me {
        participant: participant.view(),
        group,
        session: session.public(groups),
    })
}

/// The session as the cockpit sees it; the projector (its read-only token)
/// sees the same without the list of participants.
async fn moderator_session(
    State(state): State<AppState>,
    who: ModeratorOrProjector,
) -> Result<Json<ModeratorSession>, ApiError> {
    let (session, projector) = match who {
        ModeratorOrProjector::Moderator(s) => (s, false),
        ModeratorOrProjector::Projector(s) => (s, true),
    };
    let groups = state.store.groups(&session.id).await?;
    let participants = if projector {
        Vec::new()
    } else {
        state.store.participants(&session.id).await?
    };
    let room = state.hub.room(&session.id).await?;
    Ok(Json(ModeratorSession {
        session_id: session.id.clone(),
        session: session.public(groups),
        participants: participants.iter().map(|p| p.view()).collect(),
        settings: room.settings(),
        rated: room.rated().await,
    }))
}

/// Methods, weights, blind rating: changed by the moderator, announced live.
async fn change_settings(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    payload: Result<Json<SettingsChange>, JsonRejection>,
) -> Result<Json<SessionSettings>, ApiError> {
    let change = body(payload)?;
    let groups: Vec<String> = state
        .store
        .groups(&session.id)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let room = state.hub.room(&session.id).await?;
    Ok(Json(
        room.change_settings(&state.store, &change, &groups).await?,
    ))
}

/// Moves a participant; their open workspace is told to reload.
async fn move_participant(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(participant_id): Path<String>,
    payload: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = body(payload)?;
    state
        .store
        .move_participant(&session.id, &participant_id, &req.group_id)
        .await?;
    state.hub.room(&session.id).await?.moved(&participant_id);
    Ok(StatusCode::NO_CONTENT)
}

/// The participant link of a session as a QR code (SVG, made here: no
/// external service sees the code).
async fn join_qr(
    SessionByCode { code, .. }: SessionByCode,
    headers: axum::http::HeaderMap,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    let link = format!("{scheme}://{host}/join/{code}");
    let svg = crate::qr::svg(&link).ok_or(ApiError::BadRequest)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    ))
}

async fn add_group(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    payload: Result<Json<GroupRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<GroupView>), ApiError> {
    let req = body(payload)?;
    let details = GroupDetails::validate(&req.name, &req.colour)?;
    let group = state.store.add_group(&session.id, &details).await?;
    Ok((StatusCode::CREATED, Json(group)))
}

/// "Stand sichern": saves every board of the session as it is now (the
/// op log's last number) under a label and today's date.
async fn add_stand(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    payload: Result<Json<StandRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Stand>), ApiError> {
    let req = body(payload)?;
    let label = stand::checked_label(&req.label)?;
    let saved = state
        .store
        .add_stand(
            &session.id,
            &label,
            &crate::retention::today(),
            limits::STANDS_PER_SESSION,
            clock::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

async fn list_stands(
    State(state): State<AppState>,
    Moderator(session): Moderator,
) -> Result<Json<Vec<Stand>>, ApiError> {
    Ok(Json(state.store.stands(&session.id).await?))
}

/// What changed from a saved stand to now.
async fn stand_diff(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(id): Path<String>,
) -> Result<Json<StandDiff>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::UnknownStand)?;
    let saved = state
        .store
        .stands(&session.id)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::UnknownStand)?;
    // The committed boards now are the hub's room (as the exports read them).
    let room = state.hub.room(&session.id).await?;
    let (_, now) = room.snapshot("").await;
    let since = gather::since_stand(&state, &session.id, saved, &room.settings(), &now).await?;
    Ok(Json(since.diff))
}

async fn update_group(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(id): Path<String>,
    payload: Result<Json<GroupRequest>, JsonRejection>,
) -> Result<Json<GroupView>, ApiError> {
    let req = body(payload)?;
    let details = GroupDetails::validate(&req.name, &req.colour)?;
    Ok(Json(
        state.store.update_group(&session.id, &id, &details).await?,
    ))
}

async fn remove_group(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // Its boards and op log go with it, on disk and in the live room.
    let room = state.hub.room(&session.id).await?;
    let prefix = format!("{id}:");
    room.rewrite_boards(
        || state.store.remove_group(&session.id, &id),
        |boards| boards.retain(|board, _| !board.starts_with(&prefix)),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
struct ExportQuery {
    group: Option<String>,
    /// `antrag` for the Antragsentwurf; the Ergebnisprotokoll otherwise.
    profil: Option<String>,
}

impl ExportQuery {
    fn profile(&self) -> Result<Profile, ApiError> {
        self.profil.as_deref().map_or(Ok(Profile::default()), |p| {
            Profile::parse(p).ok_or(ApiError::UnknownFormat)
        })
    }
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let disposition = format!("attachment; filename=\"{}\"", self.file_name);
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// The moderator's download: one group (`?group=<id>`) or the whole session.
async fn moderator_export(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(format): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Download, ApiError> {
    let format = Format::parse(&format).ok_or(ApiError::UnknownFormat)?;
    let profile = query.profile()?;
    let requester = Requester::Moderator {
        group: query.group.as_deref(),
    };
    gather::export(&state, &session, format, profile, requester).await
}

/// A participant's download of their own group's results.
async fn participant_export(
    State(state): State<AppState>,
    who: Participant,
    Path((_, format)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
) -> Result<Download, ApiError> {
    let format = Format::parse(&format).ok_or(ApiError::UnknownFormat)?;
    let profile = query.profile()?;
    let requester = Requester::Participant {
        id: &who.participant.id,
        group: &who.participant.group_id,
    };
    gather::export(&state, &who.session, format, profile, requester).await
}

/// The moderator's download of a group's Kostenaufteilung workbook.
async fn moderator_kosten(
    State(state): State<AppState>,
    Moderator(session): Moderator,
    Path(group): Path<String>,
) -> Result<Download, ApiError> {
    gather::kosten(&state, &session, &group).await
}

/// A participant's download of their own group's Kostenaufteilung workbook.
async fn participant_kosten(
    State(state): State<AppState>,
    who: Participant,
) -> Result<Download, ApiError> {
    gather::kosten(&state, &who.session, &who.participant.group_id).await
}

/// Whether a request declares a JSON body (`application/json`, parameters
/// such as `charset` allowed).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Imports a session file as a new session; answers like session creation.
/// Only as `application/json`: a cross-site `text/plain` form post (which
/// needs no CORS preflight) is refused.
async fn import_session(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    if !is_json(&headers) {
        return Err(ApiError::NotJson);
    }
    session_allowed(&state, client)?;
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::Import(ImportError::TooLarge {
                max: json::MAX_BYTES,
            })
        } else {
            ApiError::BadRequest
        }
    })?;
    let plan =
        gather::in_render_slot(move || json::parse(&bytes, || uuid::Uuid::now_v7().to_string()))
            .await??;
    let boards = plan
        .groups
        .iter()
        .flat_map(|group| {
            group
                .boards
                .iter()
                .map(|(key, board)| (app::domain::board::board_id(&group.id, key), board))
        })
        .collect();
    let import = ImportedSession {
        details: &plan.details,
        settings: &plan.settings,
        groups: plan
            .groups
            .iter()
            .map(|g| ImportedGroup {
                id: &g.id,
                details: &g.details,
            })
            .collect(),
        boards,
    };
    let import = &import;
    new_session(&state, |code, hash| {
        let store = state.store.clone();
        async move {
            store
                .import_session(import, &code, &hash, clock::now())
                .await
        }
    })
    .await
}
