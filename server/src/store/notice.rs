//! What the store announces to the other instances on one PostgreSQL, in
//! the transaction that stores it (so a notice goes out exactly when its
//! change commits, and never for a change that did not): every committed
//! op on [`OPS_CHANNEL`], every other change of a session (settings, moves,
//! removals, rewritten boards, renewed secrets, deletion, presence) on
//! [`EVENTS_CHANNEL`]. On SQLite (one instance) nothing is announced.

use super::{StoreError, StoreResult};

/// The channel on which every committed op is announced, as an
/// [`OpNotice`]. Other instances fetch the ops by sequence number.
pub const OPS_CHANNEL: &str = "ikz_ops";

/// The payload of a notification on [`OPS_CHANNEL`]: only which session
/// and up to which sequence number, never the op itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpNotice {
    pub session: String,
    pub seq: u64,
}

/// The channel of every other change of a session (JSON [`Event`]).
pub const EVENTS_CHANNEL: &str = "ikz_events";

/// What other instances must hear about besides ops.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The settings changed (methods, weights, reveal, locks, dots, stage,
    /// timer, joining, TOWS step): re-read them from the store.
    Settings,
    /// A participant was moved or removed: their sockets close.
    Moved { participant: String },
    /// Boards were changed outside the op log (a participant's name
    /// removed, a group's boards deleted): reload the room from the store.
    Rewritten,
    /// The moderator secret or projector token was renewed.
    SecretsRenewed,
    /// The session was deleted: its room goes, every screen closes.
    Deleted,
    /// Who is online on an instance changed (or an instance died): read
    /// the presence rows again.
    Presence,
}

/// A notification on [`EVENTS_CHANNEL`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// The instance that made the change (it ignores its own events).
    pub from: String,
    pub session: String,
    pub change: Change,
}

impl Event {
    /// The event as sent.
    pub fn json(from: &str, session: &str, change: Change) -> StoreResult<String> {
        let event = Event {
            from: from.to_owned(),
            session: session.to_owned(),
            change,
        };
        serde_json::to_string(&event).map_err(|e| StoreError::Corrupt(format!("event: {e}")))
    }
}
