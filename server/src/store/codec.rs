//! How workshop data is written into the database's text columns and read
//! back: the one place that encodes and decodes a logged op, a board's state
//! and a session's settings. Everything above the store (hub, live sockets,
//! routes) hands the store typed values and gets typed values back; a stored
//! text that no longer decodes is [`StoreError::Corrupt`] naming what it was.

use super::{StoreError, StoreResult};
use app::domain::board::BoardState;
use app::domain::settings::SessionSettings;
use app::protocol::SequencedOp;

/// An op of the log together with its stored text. The text is kept so that
/// the fan-out sends the very bytes the log holds (encoded once, not once
/// per reader).
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedOp {
    pub op: SequencedOp,
    pub json: String,
}

impl LoggedOp {
    /// An op as the log will store it.
    pub fn encode(op: SequencedOp) -> StoreResult<Self> {
        let json = serde_json::to_string(&op)
            .map_err(|e| StoreError::Corrupt(format!("op {}: {e}", op.seq)))?;
        Ok(Self { op, json })
    }

    /// An op as the log stored it.
    pub fn decode(json: String) -> StoreResult<Self> {
        match serde_json::from_str(&json) {
            Ok(op) => Ok(Self { op, json }),
            Err(e) => Err(StoreError::Corrupt(format!("logged op: {e}"))),
        }
    }
}

pub(super) fn encode_board(board_id: &str, board: &BoardState) -> StoreResult<String> {
    serde_json::to_string(board).map_err(|e| StoreError::Corrupt(format!("board {board_id}: {e}")))
}

pub(super) fn decode_board(board_id: &str, json: &str) -> StoreResult<BoardState> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("board {board_id}: {e}")))
}

pub(super) fn encode_settings(settings: &SessionSettings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(|e| StoreError::Corrupt(format!("settings: {e}")))
}

pub(super) fn decode_settings(session_id: &str, json: &str) -> StoreResult<SessionSettings> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("settings of session {session_id}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::board::{Author, Op};

    fn op() -> SequencedOp {
        SequencedOp {
            seq: 7,
            op_id: "o7".into(),
            board: "g:canvas".into(),
            author: Author {
                id: "p1".into(),
                name: "Anna".into(),
                kommune: "Musterstadt".into(),
                moderator: false,
            },
            op: Op::AddCard {
                card_id: "c1".into(),
                section: "problem".into(),
                text: "Karte".into(),
            },
        }
    }

    #[test]
    fn an_op_reads_back_as_written_with_the_same_text() {
        let logged = LoggedOp::encode(op()).expect("encodes");
        let read = LoggedOp::decode(logged.json.clone()).expect("decodes");
        assert_eq!(read, logged);
    }

    #[test]
    fn unreadable_texts_are_corrupt_and_say_what_they_were() {
        let err = LoggedOp::decode("{".into()).expect_err("not an op");
        assert!(
            matches!(err, StoreError::Corrupt(ref m) if m.starts_with("logged op")),
            "{err}"
        );
        let err = decode_board("g:swot", "[]").expect_err("not a board");
        assert!(
            matches!(err, StoreError::Corrupt(ref m) if m.contains("g:swot")),
            "{err}"
        );
        let err = decode_settings("s1", "7").expect_err("not settings");
        assert!(
            matches!(err, StoreError::Corrupt(ref m) if m.contains("s1")),
            "{err}"
        );
    }
}
