//! Secrets: random tokens, their hashes, and the extractors that turn a request
//! into an authenticated moderator or participant.

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{ParticipantRecord, SessionRecord};
use app::domain::JoinCode;
use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a participant stays signed in (a workshop day plus follow-up).
pub const PARTICIPANT_TOKEN_DAYS: i64 = 30;

/// 256 random bits, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tokens carry 256 bits of entropy, so a fast hash suffices (no brute force
/// possible); the database never holds a usable secret.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Server time in milliseconds since the Unix epoch (the timer's clock).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

pub fn random_join_code() -> JoinCode {
    let mut indices = [0u8; JoinCode::LEN];
    rand::rng().fill_bytes(&mut indices);
    JoinCode::from_random(indices)
}

/// The cookie that holds a participant's token for one session. Over https
/// it carries the `__Host-` prefix: browsers then accept it only with
/// `Secure`, `Path=/` and no `Domain`, so no other host can plant or
/// overwrite it.
pub fn participant_cookie_name(code: &JoinCode, https: bool) -> String {
    let prefix = if https { "__Host-" } else { "" };
    format!("{prefix}ikz_p_{code}")
}

/// A request carrying the moderator secret of a session (`Authorization: Bearer …`).
pub struct Moderator(pub SessionRecord);

impl FromRequestParts<AppState> for Moderator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::ModeratorOnly)?;
        state
            .store
            .session_by_moderator_token(&token_hash(token))
            .await?
            .map(Moderator)
            .ok_or(ApiError::ModeratorOnly)
    }
}

/// The session named by the `{code}` path segment (any case, spaces, dashes).
pub struct SessionByCode {
    pub code: JoinCode,
    pub session: SessionRecord,
}

impl FromRequestParts<AppState> for SessionByCode {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // By name, so routes with further segments (`/export/{format}`) work too.
        let Path(params) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::UnknownJoinCode)?;
        let code = params.get("code").ok_or(ApiError::UnknownJoinCode)?;
        let code = JoinCode::parse(code).map_err(|_| ApiError::UnknownJoinCode)?;
        let session = state
            .store
            .session_by_code(&code)
            .await?
            .ok_or(ApiError::UnknownJoinCode)?;
        Ok(Self { code, session })
    }
}

/// A participant signed in to the session named by the `{code}` path segment.
pub struct Participant {
    pub session: SessionRecord,
    pub participant: ParticipantRecord,
}

impl FromRequestParts<AppState> for Participant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SessionByCode { code, session } =
            SessionByCode::from_request_parts(parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(&participant_cookie_name(&code, state.web.https()))
            .map(|c| c.value().to_owned())
            .ok_or(ApiError::NotJoined)?;
        let participant = state
            .store
            .participant_by_token(&token_hash(&token))
            .await?
            .ok_or(ApiError::NotJoined)?;
        if participant.session_id != session.id {
            return Err(ApiError::ForeignToken);
        }
        if participant.expires_at <= now() {
            return Err(ApiError::TokenExpired);
        }
        Ok(Participant {
            session,
            participant,
        })
    }
}

/// A join attempt from some address, within that address's rate limit.
pub struct JoinAttempt;

impl FromRequestParts<AppState> for JoinAttempt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Without connection info (tests through `oneshot`) all requests share one bucket.
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        state
            .join_limiter
            .check_key(&ip)
            .map(|()| JoinAttempt)
            .map_err(|_| ApiError::RateLimited)
    }
}
