//! The HTTP API's request and response bodies, shared by the server (which
//! produces them) and the browser (which consumes them).

use crate::domain::session::{Field, ValidationError};
use serde::{Deserialize, Serialize};

/// `PUT /api/moderation/boards/{board}/cards/{card}/fields/{field}`: the
/// moderator sets a named field the template gives the moderator (the
/// BarCamp's Zeitfenster and Raum) to this text, as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldText {
    pub text: String,
}

/// The answer: the op's place in the session's log, or none when the
/// field read so already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSaved {
    pub seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateSessionRequest {
    pub title: String,
    pub date: String,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedSession {
    pub session_id: String,
    pub join_code: String,
    /// The moderator secret; shown once, stored only hashed on the server.
    pub moderator_token: String,
    /// The projector's read-only token; shown once like the secret.
    #[serde(default)]
    pub projector_token: String,
}

/// New secrets of a session, after the moderator rotated them (shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotatedSecrets {
    /// `None` when only the projector's token was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderator_token: Option<String>,
    pub projector_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub member_count: u32,
}

/// What anyone holding the join code may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicSession {
    pub join_code: String,
    pub title: String,
    pub date: String,
    pub place: String,
    pub groups: Vec<GroupView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantView {
    pub id: String,
    pub display_name: String,
    pub kommune: String,
    pub group_id: String,
}

/// What the moderator sees of their session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeratorSession {
    pub session_id: String,
    pub session: PublicSession,
    pub participants: Vec<ParticipantView>,
    pub settings: crate::domain::settings::SessionSettings,
    /// Whether any idea is rated already (the weights are frozen then).
    pub rated: bool,
}

/// Moves a participant to another group (moderator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveRequest {
    pub group_id: String,
}

/// "Stand sichern": the label the moderator gives the stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandRequest {
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRequest {
    pub name: String,
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub display_name: String,
    pub kommune: String,
    pub group_id: String,
}

/// The participant behind the cookie, with their session and group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub participant: ParticipantView,
    pub group: GroupView,
    pub session: PublicSession,
}

/// Machine-readable error codes; the UI turns each into a German sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    UnknownJoinCode,
    UnknownGroup,
    UnknownParticipant,
    NotJoined,
    TokenExpired,
    ForeignToken,
    ModeratorOnly,
    GroupNotEmpty,
    TooManyGroups,
    SessionFull,
    /// Every saved stand of the session is used ([`crate::domain::session::limits::STANDS_PER_SESSION`]).
    TooManyStands,
    /// No saved stand of this session has that id.
    UnknownStand,
    DuplicateGroupName,
    Empty,
    TooLong,
    ControlCharacters,
    InvalidFormat,
    /// A name (person, Kommune, group) without any letter.
    NoLetter,
    RateLimited,
    BadRequest,
    UnknownFormat,
    ImportTooLarge,
    ImportTooDeep,
    ImportMalformed,
    ImportVersion,
    ImportInvalid,
    /// An import not sent as `Content-Type: application/json`.
    ImportNotJson,
    /// Every typesetting slot (exports, imports) is busy; try again in a few seconds.
    ExportBusy,
    /// Typesetting took longer than the export time limit.
    ExportTimedOut,
    /// Weights cannot change once the first rating exists.
    WeightsFrozen,
    InvalidSettings,
    /// The server cannot store anything right now (disk full, database gone);
    /// nothing was changed, try again later.
    StorageUnavailable,
    /// The moderator closed joining for now.
    JoiningClosed,
    /// The board refused the change (method switched off, board locked,
    /// unknown card or field, text too long).
    OpRefused,
    /// The Kostenaufteilung's figures are incomplete or refused; the body's
    /// message says which (the domain's German sentence).
    CostIncomplete,
    Internal,
    /// Client side only: the server could not be reached.
    Network,
}

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    /// The offending input field, for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// Upper bound, for `TooLong`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// A German sentence for clients that do not translate codes themselves.
    pub message: String,
}

impl From<&ValidationError> for ApiErrorBody {
    fn from(e: &ValidationError) -> Self {
        let (code, max) = match e {
            ValidationError::Empty { .. } => (ErrorCode::Empty, None),
            ValidationError::TooLong { max, .. } => (ErrorCode::TooLong, Some(*max)),
            ValidationError::ControlCharacters { .. } => (ErrorCode::ControlCharacters, None),
            ValidationError::InvalidFormat { .. } => (ErrorCode::InvalidFormat, None),
            ValidationError::NoLetter { .. } => (ErrorCode::NoLetter, None),
        };
        let mut body = ApiErrorBody {
            code,
            field: Some(e.field()),
            max,
            message: String::new(),
        };
        body.message = crate::texts::error_message(crate::i18n::Locale::de, &body);
        body
    }
}

impl ApiErrorBody {
    pub fn new(code: ErrorCode) -> Self {
        let mut body = ApiErrorBody {
            code,
            field: None,
            max: None,
            message: String::new(),
        };
        body.message = crate::texts::error_message(crate::i18n::Locale::de, &body);
        body
    }

    /// An error with an upper bound (`max`) in its message.
    pub fn with_max(code: ErrorCode, max: usize) -> Self {
        let mut body = ApiErrorBody::new(code);
        body.max = Some(max);
        body.message = crate::texts::error_message(crate::i18n::Locale::de, &body);
        body
    }
}
