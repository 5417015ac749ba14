//! Messages of the live channel (WebSocket, JSON text frames).

use crate::board::{Author, BoardState, Op, OpError};
use crate::settings::SessionSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest message a client may send (bytes); the server enforces it.
pub const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// An op as the browser sends it: `op_id` (UUID v7) makes resends idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpEnvelope {
    pub op_id: String,
    pub board: String,
    pub op: Op,
}

/// An op as committed by the server, with its place in the session's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequencedOp {
    pub seq: u64,
    pub op_id: String,
    pub board: String,
    pub author: Author,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEntry {
    pub participant_id: String,
    pub name: String,
    pub kommune: String,
    #[serde(default)]
    pub group_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// First message after connecting: the last sequence number this browser has.
    Hello {
        /// The moderator's secret, on the moderator's channel only (browsers
        /// cannot set headers on a WebSocket).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        moderator: Option<String>,
        last_seq: u64,
        /// The reveal epoch the browser's copy was built under; a different
        /// one means it may hold redacted ratings and needs a snapshot.
        #[serde(default)]
        epoch: u64,
    },
    Op(OpEnvelope),
}

/// Why the server refused a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The domain refused the op (a struct variant: `OpError` carries its own
    /// `kind` tag, which must not clash with this enum's).
    Invalid {
        error: OpError,
    },
    /// The board belongs to another group or session.
    ForeignBoard,
    UnknownTemplate,
    RateLimited,
    MalformedMessage,
    /// The server could not store the op (disk full, database gone). Nothing
    /// was committed; the browser keeps the op and sends it again later.
    StorageUnavailable,
    Internal,
}

impl Refusal {
    /// Whether the op may succeed when sent again unchanged: the browser
    /// keeps it in its outbox instead of dropping it.
    pub fn is_temporary(&self) -> bool {
        matches!(self, Self::RateLimited | Self::StorageUnavailable)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Full state of the boards this client may see (when it is new or far behind).
    Snapshot {
        last_seq: u64,
        boards: BTreeMap<String, BoardState>,
        #[serde(default)]
        epoch: u64,
    },
    /// The moderator's settings; sent before catch-up and on every change.
    Settings {
        settings: SessionSettings,
        /// Server time (ms) when sent, so browsers count the timer down by
        /// the server's clock rather than their own.
        #[serde(default)]
        now_ms: i64,
    },
    /// The moderator moved this participant to another group: reload.
    Moved,
    /// For the moderator: last activity (unix seconds) per group id.
    Activity {
        last: BTreeMap<String, i64>,
    },
    /// Catch-up after `Hello` is complete; live ops follow.
    Synced {
        last_seq: u64,
    },
    Op(SequencedOp),
    /// A committed op this client may not see (a dot while dots are hidden):
    /// only its sequence number, so the numbers stay gap-free and a gap
    /// does not tell that someone gave a dot.
    Skip {
        seq: u64,
    },
    Ack {
        op_id: String,
        seq: u64,
    },
    Rejected {
        op_id: String,
        refusal: Refusal,
    },
    /// Who is online: the whole list (after `Hello`), or with `delta` the
    /// people who came (`online`) and went (`left`, participant ids) since
    /// the last presence message.
    Presence {
        online: Vec<PresenceEntry>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        delta: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        left: Vec<String>,
    },
}

/// Applies a presence message to the list a browser shows.
pub fn apply_presence(
    list: &mut Vec<PresenceEntry>,
    online: Vec<PresenceEntry>,
    delta: bool,
    left: &[String],
) {
    if !delta {
        *list = online;
        return;
    }
    list.retain(|e| !left.contains(&e.participant_id));
    for entry in online {
        list.retain(|e| e.participant_id != entry.participant_id);
        list.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rate_limits_and_storage_failures_are_temporary() {
        assert!(Refusal::RateLimited.is_temporary());
        assert!(Refusal::StorageUnavailable.is_temporary());
        for permanent in [
            Refusal::ForeignBoard,
            Refusal::UnknownTemplate,
            Refusal::MalformedMessage,
            Refusal::Internal,
        ] {
            assert!(!permanent.is_temporary(), "{permanent:?}");
        }
    }

    fn entry(id: &str) -> PresenceEntry {
        PresenceEntry {
            participant_id: id.into(),
            name: id.to_uppercase(),
            kommune: String::new(),
            group_id: "g".into(),
        }
    }

    #[test]
    fn presence_deltas_add_and_remove_and_a_full_list_replaces() {
        let mut list = vec![entry("a"), entry("b")];
        apply_presence(&mut list, vec![entry("c"), entry("a")], true, &["b".into()]);
        let ids: Vec<_> = list.iter().map(|e| e.participant_id.as_str()).collect();
        assert_eq!(ids, ["c", "a"]);
        apply_presence(&mut list, vec![entry("z")], false, &[]);
        assert_eq!(list, vec![entry("z")]);
    }

    #[test]
    fn a_full_presence_list_reads_as_before() {
        let json = r#"{"type":"presence","online":[]}"#;
        let msg: ServerMsg = serde_json::from_str(json).unwrap();
        assert_eq!(
            msg,
            ServerMsg::Presence {
                online: vec![],
                delta: false,
                left: vec![]
            }
        );
        assert_eq!(serde_json::to_string(&msg).unwrap(), json);
    }

    #[test]
    fn every_refusal_round_trips_through_json() {
        let msgs = [
            Refusal::Invalid {
                error: OpError::TextTooLong { max: 5 },
            },
            Refusal::ForeignBoard,
            Refusal::RateLimited,
            Refusal::StorageUnavailable,
        ]
        .map(|refusal| ServerMsg::Rejected {
            op_id: "o".into(),
            refusal,
        });
        for msg in msgs {
            let json = serde_json::to_string(&msg).unwrap();
            assert_eq!(
                serde_json::from_str::<ServerMsg>(&json).unwrap(),
                msg,
                "{json}"
            );
        }
    }
}
