//! The HTTP layer's error type: every failure a handler can meet, mapped to a
//! status and a typed body with a German message. Internal causes are logged,
//! never shown.

use crate::export::json::ImportError;
use crate::export::ExportError;
use crate::hub::SettingsChangeError;
use crate::store::StoreError;
use app::api::{ApiErrorBody, ErrorCode};
use app::domain::settings::SettingsError;
use app::domain::ValidationError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    #[error("unknown join code")]
    UnknownJoinCode,
    #[error("not joined")]
    NotJoined,
    #[error("participant token expired")]
    TokenExpired,
    #[error("participant token of another session")]
    ForeignToken,
    #[error("moderator secret missing or wrong")]
    ModeratorOnly,
    #[error("rate limited")]
    RateLimited,
    #[error("joining closed")]
    JoiningClosed,
    #[error("malformed request body")]
    BadRequest,
    #[error("settings refused: {0}")]
    Settings(#[from] SettingsError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("unknown export format")]
    UnknownFormat,
    #[error("export: {0}")]
    Export(#[from] ExportError),
    #[error("import refused: {0}")]
    Import(#[from] ImportError),
    #[error("background task failed")]
    TaskFailed,
    #[error("every typesetting slot is busy")]
    Busy,
    #[error("typesetting took longer than the export time limit")]
    TimedOut,
    #[error("import body is not declared as application/json")]
    NotJson,
    #[error("unknown stand")]
    UnknownStand,
    /// A moderator's edit of a board the session has not (no such group
    /// or method).
    #[error("unknown board")]
    UnknownBoard,
    /// The room refused a moderator's edit as it refuses a participant's op.
    #[error("edit refused: {0:?}")]
    Refused(app::protocol::Refusal),
}

/// Seconds a browser is asked to wait after a busy answer.
pub const RETRY_AFTER_SECS: u64 = 5;

impl From<SettingsChangeError> for ApiError {
    fn from(e: SettingsChangeError) -> Self {
        match e {
            SettingsChangeError::Refused(e) => Self::Settings(e),
            SettingsChangeError::Store(e) => Self::Store(e),
        }
    }
}

impl ApiError {
    fn status_and_body(&self) -> (StatusCode, ApiErrorBody) {
        use StatusCode as S;
        let plain = |status, code| (status, ApiErrorBody::new(code));
        match self {
            Self::Invalid(e) => (S::UNPROCESSABLE_ENTITY, ApiErrorBody::from(e)),
            Self::UnknownJoinCode => plain(S::NOT_FOUND, ErrorCode::UnknownJoinCode),
            Self::NotJoined => plain(S::UNAUTHORIZED, ErrorCode::NotJoined),
            Self::TokenExpired => plain(S::UNAUTHORIZED, ErrorCode::TokenExpired),
            Self::ForeignToken => plain(S::FORBIDDEN, ErrorCode::ForeignToken),
            Self::ModeratorOnly => plain(S::FORBIDDEN, ErrorCode::ModeratorOnly),
            Self::RateLimited => plain(S::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Self::JoiningClosed => plain(S::FORBIDDEN, ErrorCode::JoiningClosed),
            Self::BadRequest => plain(S::BAD_REQUEST, ErrorCode::BadRequest),
            Self::UnknownFormat => plain(S::NOT_FOUND, ErrorCode::UnknownFormat),
            Self::Export(e @ (ExportError::Cost(_) | ExportError::Kosten(_))) => {
                let mut body = ApiErrorBody::new(ErrorCode::CostIncomplete);
                body.message = e.to_string();
                (S::UNPROCESSABLE_ENTITY, body)
            }
            Self::Export(_) | Self::TaskFailed => {
                plain(S::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
            Self::Busy => plain(S::SERVICE_UNAVAILABLE, ErrorCode::ExportBusy),
            Self::TimedOut => plain(S::SERVICE_UNAVAILABLE, ErrorCode::ExportTimedOut),
            Self::NotJson => plain(S::UNSUPPORTED_MEDIA_TYPE, ErrorCode::ImportNotJson),
            Self::UnknownStand => plain(S::NOT_FOUND, ErrorCode::UnknownStand),
            Self::UnknownBoard => plain(S::NOT_FOUND, ErrorCode::UnknownGroup),
            Self::Refused(refusal) => {
                use app::protocol::Refusal as R;
                match refusal {
                    R::Invalid { .. } | R::ForeignBoard => {
                        plain(S::UNPROCESSABLE_ENTITY, ErrorCode::OpRefused)
                    }
                    R::UnknownTemplate => plain(S::NOT_FOUND, ErrorCode::UnknownGroup),
                    R::RateLimited => plain(S::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
                    R::MalformedMessage => plain(S::BAD_REQUEST, ErrorCode::BadRequest),
                    R::StorageUnavailable => {
                        plain(S::SERVICE_UNAVAILABLE, ErrorCode::StorageUnavailable)
                    }
                    R::Internal => plain(S::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
                }
            }
            Self::Import(e) => match e {
                ImportError::TooLarge { max } => (
                    S::PAYLOAD_TOO_LARGE,
                    ApiErrorBody::with_max(ErrorCode::ImportTooLarge, *max),
                ),
                ImportError::TooDeep { .. } => {
                    plain(S::UNPROCESSABLE_ENTITY, ErrorCode::ImportTooDeep)
                }
                ImportError::Malformed(_)
                | ImportError::WrongSchema
                | ImportError::NewerContent => {
                    plain(S::UNPROCESSABLE_ENTITY, ErrorCode::ImportMalformed)
                }
                ImportError::UnsupportedVersion { .. } => {
                    plain(S::UNPROCESSABLE_ENTITY, ErrorCode::ImportVersion)
                }
                ImportError::Invalid(_)
                | ImportError::Settings(_)
                | ImportError::TooManyGroups { .. }
                | ImportError::DuplicateGroupId(_)
                | ImportError::DuplicateGroupName
                | ImportError::UnknownTemplate(_)
                | ImportError::InvalidPerson(_)
                | ImportError::Board { .. } => {
                    plain(S::UNPROCESSABLE_ENTITY, ErrorCode::ImportInvalid)
                }
            },
            Self::Settings(SettingsError::WeightsFrozen) => {
                plain(S::CONFLICT, ErrorCode::WeightsFrozen)
            }
            Self::Settings(SettingsError::UnknownGroup) => {
                plain(S::NOT_FOUND, ErrorCode::UnknownGroup)
            }
            Self::Settings(_) => plain(S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidSettings),
            Self::Store(e) => match e {
                StoreError::UnknownGroup => plain(S::NOT_FOUND, ErrorCode::UnknownGroup),
                StoreError::UnknownParticipant => {
                    plain(S::NOT_FOUND, ErrorCode::UnknownParticipant)
                }
                StoreError::GroupNotEmpty => plain(S::CONFLICT, ErrorCode::GroupNotEmpty),
                StoreError::TooManyGroups => plain(S::CONFLICT, ErrorCode::TooManyGroups),
                StoreError::SessionFull => plain(S::CONFLICT, ErrorCode::SessionFull),
                StoreError::TooManyStands => plain(S::CONFLICT, ErrorCode::TooManyStands),
                // The session was deleted meanwhile: its secret opens nothing.
                StoreError::UnknownSession => plain(S::FORBIDDEN, ErrorCode::ModeratorOnly),
                StoreError::DuplicateGroupName => plain(S::CONFLICT, ErrorCode::DuplicateGroupName),
                StoreError::Unavailable(_) => {
                    plain(S::SERVICE_UNAVAILABLE, ErrorCode::StorageUnavailable)
                }
                StoreError::JoinCodeTaken
                | StoreError::Foreign(_)
                | StoreError::Database(_)
                | StoreError::Corrupt(_)
                | StoreError::UnsupportedDatabase(_)
                | StoreError::OutOfSequence { .. }
                | StoreError::Migration(_) => plain(S::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
            },
        }
    }
}

impl ApiError {
    /// The kind of refusal for the metrics (`ikz_refusals_total`).
    fn refusal_kind(&self, status: StatusCode) -> &'static str {
        use StatusCode as S;
        match (self, status) {
            (Self::Busy | Self::TimedOut, _) => "busy",
            (_, S::TOO_MANY_REQUESTS) => "rate_limited",
            (_, S::PAYLOAD_TOO_LARGE) => "too_large",
            (_, S::SERVICE_UNAVAILABLE) => "storage_unavailable",
            (_, S::UNAUTHORIZED | S::FORBIDDEN | S::NOT_FOUND) => "denied",
            (_, s) if s.is_server_error() => "internal",
            _ => "invalid",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        let refused = crate::metrics::Refused(self.refusal_kind(status));
        if status.is_server_error() && !matches!(self, Self::Busy) {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, "request refused");
        }
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(refused);
        if matches!(self, Self::Busy) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(RETRY_AFTER_SECS),
            );
        }
        response
    }
}
