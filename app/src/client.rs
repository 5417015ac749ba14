//! The browser's calls to the HTTP API and what the browser keeps in
//! localStorage. Compiles for the server too (web-sys stubs), where it is never
//! called: resources that use it are `LocalResource`s and event handlers.

use crate::api::*;
use crate::domain::settings::{SessionSettings, SettingsChange};
use crate::domain::stand::{Stand, StandDiff};
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

pub type ApiResult<T> = Result<T, ApiErrorBody>;

async fn read<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    if response.ok() {
        let text = response
            .text()
            .await
            .map_err(|_| ApiErrorBody::new(ErrorCode::Network))?;
        let text = if text.is_empty() { "null" } else { &text };
        serde_json::from_str(text).map_err(|_| ApiErrorBody::new(ErrorCode::Internal))
    } else {
        Err(response
            .json::<ApiErrorBody>()
            .await
            .unwrap_or_else(|_| ApiErrorBody::new(ErrorCode::Internal)))
    }
}

async fn call<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: Option<&impl Serialize>,
) -> ApiResult<T> {
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(|_| ApiErrorBody::new(ErrorCode::BadRequest))?;
    let response = request
        .send()
        .await
        .map_err(|_| ApiErrorBody::new(ErrorCode::Network))?;
    read(response).await
}

fn moderator(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

const NO_BODY: Option<&()> = None;

pub async fn create_session(req: &CreateSessionRequest) -> ApiResult<CreatedSession> {
    call(Request::post("/api/sessions"), Some(req)).await
}

pub async fn duplicate_session(
    token: &str,
    req: &CreateSessionRequest,
) -> ApiResult<CreatedSession> {
    call(
        moderator(Request::post("/api/moderation/duplicate"), token),
        Some(req),
    )
    .await
}

pub async fn public_session(code: &str) -> ApiResult<PublicSession> {
    call(Request::get(&format!("/api/join/{code}")), NO_BODY).await
}

pub async fn join(code: &str, req: &JoinRequest) -> ApiResult<Me> {
    call(Request::post(&format!("/api/join/{code}")), Some(req)).await
}

pub async fn me(code: &str) -> ApiResult<Me> {
    call(Request::get(&format!("/api/sessions/{code}/me")), NO_BODY).await
}

pub async fn moderator_session(token: &str) -> ApiResult<ModeratorSession> {
    call(
        moderator(Request::get("/api/moderation/session"), token),
        NO_BODY,
    )
    .await
}

pub async fn add_group(token: &str, req: &GroupRequest) -> ApiResult<GroupView> {
    call(
        moderator(Request::post("/api/moderation/groups"), token),
        Some(req),
    )
    .await
}

/// "Stand sichern": saves every board of the session under `req.label`.
pub async fn add_stand(token: &str, req: &StandRequest) -> ApiResult<Stand> {
    call(
        moderator(Request::post("/api/moderation/stands"), token),
        Some(req),
    )
    .await
}

pub async fn stands(token: &str) -> ApiResult<Vec<Stand>> {
    call(
        moderator(Request::get("/api/moderation/stands"), token),
        NO_BODY,
    )
    .await
}

/// What changed from the saved stand `id` to now.
pub async fn stand_diff(token: &str, id: i64) -> ApiResult<StandDiff> {
    let url = format!("/api/moderation/stands/{id}/diff");
    call(moderator(Request::get(&url), token), NO_BODY).await
}

pub async fn update_group(token: &str, id: &str, req: &GroupRequest) -> ApiResult<GroupView> {
    let url = format!("/api/moderation/groups/{id}");
    call(moderator(Request::put(&url), token), Some(req)).await
}

pub async fn change_settings(token: &str, change: &SettingsChange) -> ApiResult<SessionSettings> {
    call(
        moderator(Request::patch("/api/moderation/settings"), token),
        Some(change),
    )
    .await
}

/// The moderator sets a field only the moderator sets (the BarCamp's
/// Zeitfenster and Raum) of a card, as a whole.
pub async fn set_card_field(
    token: &str,
    board: &str,
    card: &str,
    field: &str,
    text: &str,
) -> ApiResult<FieldSaved> {
    let url = format!("/api/moderation/boards/{board}/cards/{card}/fields/{field}");
    let body = FieldText {
        text: text.to_owned(),
    };
    call(moderator(Request::put(&url), token), Some(&body)).await
}

pub async fn move_participant(token: &str, id: &str, req: &MoveRequest) -> ApiResult<()> {
    let url = format!("/api/moderation/participants/{id}/group");
    call(moderator(Request::put(&url), token), Some(req)).await
}

pub async fn remove_group(token: &str, id: &str) -> ApiResult<()> {
    let url = format!("/api/moderation/groups/{id}");
    call(moderator(Request::delete(&url), token), NO_BODY).await
}

pub async fn remove_participant(token: &str, id: &str) -> ApiResult<()> {
    let url = format!("/api/moderation/participants/{id}");
    call(moderator(Request::delete(&url), token), NO_BODY).await
}

/// Deletes the whole session with everything in it (moderator).
pub async fn delete_session(token: &str) -> ApiResult<()> {
    call(
        moderator(Request::delete("/api/moderation/session"), token),
        NO_BODY,
    )
    .await
}

/// A new moderator secret and projector token; the old ones stop working.
pub async fn rotate_secret(token: &str) -> ApiResult<RotatedSecrets> {
    call(
        moderator(Request::post("/api/moderation/secret"), token),
        NO_BODY,
    )
    .await
}

/// A new projector token; the old projector link stops working.
pub async fn rotate_projector(token: &str) -> ApiResult<RotatedSecrets> {
    call(
        moderator(Request::post("/api/moderation/projector"), token),
        NO_BODY,
    )
    .await
}

/// The participant leaves the session; their name is removed everywhere.
pub async fn leave(code: &str) -> ApiResult<()> {
    call(
        Request::delete(&format!("/api/sessions/{code}/me")),
        NO_BODY,
    )
    .await
}

/// Forgets what this browser kept about its participation in a session.
pub fn forget_me(code: &str) {
    LocalStorage::delete(me_key(code));
}

/// A session this device created, so the moderator finds it again without an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownSession {
    pub title: String,
    pub date: String,
    pub join_code: String,
    pub moderator_token: String,
}

const KNOWN_SESSIONS_KEY: &str = "ikz.moderated_sessions";

pub fn known_sessions() -> Vec<KnownSession> {
    LocalStorage::get(KNOWN_SESSIONS_KEY).unwrap_or_default()
}

pub fn remember_session(session: KnownSession) {
    let mut all = known_sessions();
    all.retain(|s| s.moderator_token != session.moderator_token);
    all.insert(0, session);
    // Losing the list only costs convenience: the secret link still works.
    let _ = LocalStorage::set(KNOWN_SESSIONS_KEY, all);
}

/// Forgets a session this device created (after deleting it).
pub fn forget_session(moderator_token: &str) {
    let mut all = known_sessions();
    all.retain(|s| s.moderator_token != moderator_token);
    let _ = LocalStorage::set(KNOWN_SESSIONS_KEY, all);
}

/// After a rotation: the remembered session opens with the new secret.
pub fn replace_session_token(old: &str, new: &str) {
    let mut all = known_sessions();
    for s in all.iter_mut().filter(|s| s.moderator_token == old) {
        s.moderator_token = new.to_owned();
    }
    let _ = LocalStorage::set(KNOWN_SESSIONS_KEY, all);
}

/// The moderator secret travels in the URL fragment, which browsers never send
/// to the server (so it stays out of logs and Referer headers).
pub fn moderator_token_from_location() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let token = hash.trim_start_matches('#').trim().to_owned();
    (!token.is_empty()).then_some(token)
}

/// Which page's token: the moderation page's secret or the projector's.
pub const MODERATOR_TOKEN: &str = "ikz.token.moderation";
pub const PROJECTOR_TOKEN: &str = "ikz.token.projector";

/// The token of this page (`key`): read from the URL fragment, kept in this
/// tab's sessionStorage and removed from the address bar (and so from the
/// browser history); on a reload it comes from sessionStorage.
pub fn take_token(key: &str) -> Option<String> {
    if let Some(token) = moderator_token_from_location() {
        let _ = SessionStorage::set(key, &token);
        if let Some(window) = web_sys::window() {
            let path = window.location().pathname().unwrap_or_default();
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
        return Some(token);
    }
    SessionStorage::get(key).ok()
}

fn projector_key(code: &str) -> String {
    format!("ikz.projector.{code}")
}

/// The projector token of a session, if this tab was given one.
pub fn projector_token(code: &str) -> Option<String> {
    SessionStorage::get(projector_key(code)).ok()
}

pub fn remember_projector_token(code: &str, token: &str) {
    let _ = SessionStorage::set(projector_key(code), token);
}

pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

thread_local! {
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this page as leaving by the user's own action (deleting the
/// session, ending one's participation): the server answers such an action
/// by closing the page's live connection with "reload", and that reload
/// must not overtake the page the user is going to (it did: a deleted
/// session's moderator landed on an error page instead of the start page).
pub fn set_leaving(leaving: bool) {
    LEAVING.with(|l| l.set(leaving));
}

/// Whether this page is on its way elsewhere (see [`set_leaving`]).
pub fn leaving() -> bool {
    LEAVING.with(std::cell::Cell::get)
}

/// A full page load (used where the URL fragment carries state).
pub fn go_to(url: &str) {
    set_leaving(true);
    if let Some(window) = web_sys::window() {
        let location = window.location();
        let same_page = location
            .pathname()
            .is_ok_and(|path| url.split('#').next() == Some(path.as_str()));
        let _ = location.set_href(url);
        // Changing only the fragment does not load the page again.
        if same_page {
            let _ = location.reload();
        }
    }
}

fn me_key(code: &str) -> String {
    format!("ikz.me.{code}")
}

/// Keeps who this browser is in a session, so an offline reload can still
/// show the workspace with its pending edits.
pub fn remember_me(me: &Me) {
    let _ = LocalStorage::set(me_key(&me.session.join_code), me);
}

pub fn last_me(code: &str) -> Option<Me> {
    LocalStorage::get(me_key(code)).ok()
}

/// Registers the service worker that keeps workspaces usable offline.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

/// Asks the service worker to keep the current page for offline reloads.
pub fn keep_page_offline() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(path) = window.location().pathname() else {
        return;
    };
    if let Some(worker) = window.navigator().service_worker().controller() {
        let _ = worker.post_message(&path.into());
    }
}
