//! HTTP handlers of the JSON API. Each reads its input, calls the domain for
//! validation and the store for data, and maps errors; nothing more.

use crate::auth::{self, JoinAttempt, Moderator, Participant, SessionByCode};
use crate::error::ApiError;
use crate::export::gather::{self, Download, Requester};
use crate::export::json::{self, ImportError};
use crate::export::Format;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::{ImportedGroup, ImportedSession};
use app::api::*;
use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::settings::{SessionSettings, SettingsChange};
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
        .route("/api/sessions", post(create_session))
        .route("/api/join/{code}", get(public_session).post(join))
        .route("/api/sessions/{code}/me", get(me))
        .route("/api/sessions/{code}/live", get(crate::live::live))
        .route("/api/moderation/session", get(moderator_session))
        .route("/api/moderation/settings", patch(change_settings))
        .route("/api/moderation/live", get(crate::live::moderator_live))
        .route("/api/moderation/duplicate", post(duplicate_session))
        .route(
            "/api/moderation/participants/{id}/group",
            put(move_participant),
        )
        .route("/api/join/{code}/qr.svg", get(join_qr))
        .route("/api/moderation/groups", post(add_group))
        .route(
            "/api/moderation/groups/{id}",
            put(update_group).delete(remove_group),
        )
        .route("/api/moderation/export/{format}", get(moderator_export))
        .route(
            "/api/sessions/{code}/export/{format}",
            get(participant_export),
        )
        .route(
            "/api/import",
            // One byte over the limit is enough to tell "too large".
            post(import_session).layer(DefaultBodyLimit::max(json::MAX_BYTES + 1)),
        )
}

async fn healthz() -> &'static str {
    "ok"
}

/// Unwraps a JSON body, turning axum's rejection into our typed error.
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    payload.map(|Json(v)| v).map_err(|_| ApiError::BadRequest)
}

async fn create_session(
    State(state): State<AppState>,
    payload: Result<Json<CreateSessionRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    let req = body(payload)?;
    let details = SessionDetails::validate(&req.title, &req.date, &req.place)?;
    new_session(|code, hash| {
        let store = state.store.clone();
        let details = details.clone();
        async move {
            store
                .create_session(&details, &code, &hash, auth::now())
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
    payload: Result<Json<CreateSessionRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    let req = body(payload)?;
    let details = SessionDetails::validate(&req.title, &req.date, &req.place)?;
    let settings = state.hub.room(&source.id).await?.settings().as_template();
    let settings_json = serde_json::to_string(&settings)
        .map_err(|e| StoreError::Corrupt(format!("settings: {e}")))?;
    new_session(|code, hash| {
        let store = state.store.clone();
        let (details, source, settings_json) =
            (details.clone(), source.id.clone(), settings_json.clone());
        async move {
            store
                .duplicate_session(&source, &details, &code, &hash, &settings_json, auth::now())
                .await
        }
    })
    .await
}

/// Makes a session with a fresh join code and moderator secret via `create`,
/// retrying on the rare code collision.
async fn new_session<F, Fut>(create: F) -> Result<(StatusCode, Json<CreatedSession>), ApiError>
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
                return Ok((
                    StatusCode::CREATED,
                    Json(CreatedSession {
                        session_id: session.id,
                        join_code: session.join_code,
                        moderator_token: token,
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
    _: JoinAttempt,
    State(state): State<AppState>,
    SessionByCode { session, .. }: SessionByCode,
) -> Result<Json<PublicSession>, ApiError> {
    let groups = state.store.groups(&session.id).await?;
    Ok(Json(session.public(groups)))
}

async fn join(
    _: JoinAttempt,
    State(state): State<AppState>,
    SessionByCode { code, session }: SessionByCode,
    jar: CookieJar,
    payload: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<(CookieJar, Json<Me>), ApiError> {
    let req = body(payload)?;
    let details = ParticipantDetails::validate(&req.display_name, &req.kommune)?;
    let token = auth::new_token();
    let now = auth::now();
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
    let cookie = Cookie::build((auth::participant_cookie_name(&code), token))
        .path("/")
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

async fn moderator_session(
    State(state): State<AppState>,
    Moderator(session): Moderator,
) -> Result<Json<ModeratorSession>, ApiError> {
    let groups = state.store.groups(&session.id).await?;
    let participants = state.store.participants(&session.id).await?;
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
    state.store.remove_group(&session.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
struct ExportQuery {
    group: Option<String>,
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
    let requester = Requester::Moderator {
        group: query.group.as_deref(),
    };
    gather::export(&state, &session, format, requester).await
}

/// A participant's download of their own group's results.
async fn participant_export(
    State(state): State<AppState>,
    who: Participant,
    Path((_, format)): Path<(String, String)>,
) -> Result<Download, ApiError> {
    let format = Format::parse(&format).ok_or(ApiError::UnknownFormat)?;
    let requester = Requester::Participant {
        id: &who.participant.id,
        group: &who.participant.group_id,
    };
    gather::export(&state, &who.session, format, requester).await
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
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    if !is_json(&headers) {
        return Err(ApiError::NotJson);
    }
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
    let mut boards = Vec::new();
    for group in &plan.groups {
        for (key, board) in &group.boards {
            let state_json = serde_json::to_string(board)
                .map_err(|e| ApiError::Export(crate::export::ExportError::Json(e)))?;
            boards.push((app::domain::board::board_id(&group.id, key), state_json));
        }
    }
    let settings_json = serde_json::to_string(&plan.settings)
        .map_err(|e| ApiError::Export(crate::export::ExportError::Json(e)))?;
    let import = ImportedSession {
        details: &plan.details,
        settings_json,
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
    new_session(|code, hash| {
        let store = state.store.clone();
        async move {
            store
                .import_session(import, &code, &hash, auth::now())
                .await
        }
    })
    .await
}
