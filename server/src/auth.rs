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
        let token = bearer(parts).ok_or(ApiError::ModeratorOnly)?;
        state
            .store
            .session_by_moderator_token(&token_hash(token))
            .await?
            .map(Moderator)
            .ok_or(ApiError::ModeratorOnly)
    }
}

/// The client's address: the TCP peer, or behind a trusted reverse proxy the
/// address it forwarded (see [`crate::access::TrustedProxies::client`]). The
/// one key of every rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Without connection info (tests through `oneshot`) all requests share one bucket.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientAddr(state.trusted_proxies.client(peer, forwarded)))
    }
}

/// The moderator's secret or the projector's read-only token
/// (`Authorization: Bearer …`), for the routes the projector reads.
pub enum ModeratorOrProjector {
    Moderator(SessionRecord),
    Projector(SessionRecord),
}

impl FromRequestParts<AppState> for ModeratorOrProjector {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(ApiError::ModeratorOnly)?;
        let hash = token_hash(token);
        if let Some(session) = state.store.session_by_moderator_token(&hash).await? {
            return Ok(Self::Moderator(session));
        }
        state
            .store
            .session_by_projector_token(&hash)
            .await?
            .map(Self::Projector)
            .ok_or(ApiError::ModeratorOnly)
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The session named by the `{code}` path segment (any case, spaces, dashes).
/// Every such request counts against the client's join-code limit, and a
/// code that names no session costs many times more (see [`crate::access`]).
pub struct SessionByCode {
    pub code: JoinCode,
    pub session: SessionRecord,
    pub client: IpAddr,
}

impl FromRequestParts<AppState> for SessionByCode {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(parts, state).await;
        if !state.limits.code_request(client) {
            return Err(ApiError::RateLimited);
        }
        match lookup_code(parts, state).await {
            Ok(Some((code, session))) => Ok(Self {
                code,
                session,
                client,
            }),
            Ok(None) => {
                state.limits.code_miss(client);
                Err(ApiError::UnknownJoinCode)
            }
            Err(e) => Err(e),
        }
    }
}

async fn lookup_code(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<(JoinCode, SessionRecord)>, ApiError> {
    // By name, so routes with further segments (`/export/{format}`) work too.
    let Ok(Path(params)) =
        Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state).await
    else {
        return Ok(None);
    };
    let Some(Ok(code)) = params.get("code").map(|c| JoinCode::parse(c)) else {
        return Ok(None);
    };
    Ok(state
        .store
        .session_by_code(&code)
        .await?
        .map(|session| (code, session)))
}

/// A participant signed in to the session named by the `{code}` path segment.
/// An unknown code, a missing cookie, an unknown token and a token of another
/// session all answer alike (`not_joined`), so these routes do not tell real
/// codes from guessed ones; each such failure costs like an unknown code.
pub struct Participant {
    pub session: SessionRecord,
    pub participant: ParticipantRecord,
}

impl FromRequestParts<AppState> for Participant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SessionByCode {
            code,
            session,
            client,
        } = match SessionByCode::from_request_parts(parts, state).await {
            Ok(found) => found,
            Err(ApiError::UnknownJoinCode) => return Err(ApiError::NotJoined),
            Err(e) => return Err(e),
        };
        let refused = || {
            state.limits.code_miss(client);
            ApiError::NotJoined
        };
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar
            .get(&participant_cookie_name(&code, state.web.https()))
            .map(|c| c.value().to_owned())
        else {
            return Err(refused());
        };
        let Some(participant) = state
            .store
            .participant_by_token(&token_hash(&token))
            .await?
        else {
            return Err(refused());
        };
        if participant.session_id != session.id {
            return Err(refused());
        }
        if participant.expires_at <= crate::clock::now() {
            return Err(ApiError::TokenExpired);
        }
        Ok(Participant {
            session,
            participant,
        })
    }
}
