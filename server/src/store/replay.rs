//! Loading boards: the last snapshot of each board with the ops logged
//! after it applied again by the domain's `apply` (the same rule that
//! applied them when they were committed).

use super::codec::{self, LoggedOp};
use super::{RoomRecord, StoreError, StoreResult};
use app::domain::board::{apply, split_board_id, BoardState};
use app::domain::templates;
use app::protocol::SequencedOp;
use std::collections::BTreeMap;

/// Boards rebuilt from snapshots and later ops.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    pub boards: BTreeMap<String, BoardState>,
    /// (board id, ops applied after its snapshot)
    pub unsnapshotted: Vec<(String, u32)>,
}

/// Why stored boards could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("logged op {0} on board {1} of an unknown template")]
    Template(u64, String),
    #[error("logged op {0} no longer applies: {1}")]
    Apply(u64, app::domain::board::OpError),
}

/// Applies one logged op to its board (`board`: its state before the op)
/// as it was applied when it was committed.
pub fn apply_logged(board: &mut BoardState, op: &SequencedOp) -> Result<(), ReplayError> {
    let template = split_board_id(&op.board)
        .and_then(|(_, key)| templates::find(key))
        .ok_or_else(|| ReplayError::Template(op.seq, op.board.clone()))?;
    apply(board, template, &op.author, &op.op).map_err(|e| ReplayError::Apply(op.seq, e))
}

/// Applies `ops` (logged ops in sequence order, each after its board's
/// snapshot) to `snapshots` (each board's last stored state).
pub fn replay(
    snapshots: BTreeMap<String, BoardState>,
    ops: &[SequencedOp],
) -> Result<Replayed, ReplayError> {
    let mut counts: BTreeMap<String, u32> = snapshots.keys().map(|id| (id.clone(), 0)).collect();
    let mut boards = snapshots;
    for op in ops {
        apply_logged(boards.entry(op.board.clone()).or_default(), op)?;
        *counts.entry(op.board.clone()).or_default() += 1;
    }
    Ok(Replayed {
        boards,
        unsnapshotted: counts.into_iter().collect(),
    })
}

/// A room as one backend read it, as stored text (read in one consistent
/// view of the database).
pub(super) struct StoredRoom {
    pub last_seq: i64,
    pub settings: String,
    /// (board id, its last snapshot)
    pub snapshots: Vec<(String, String)>,
    /// The ops logged after their board's snapshot, in sequence order.
    pub later: Vec<String>,
    /// (op id, seq) of every committed op
    pub op_ids: Vec<(String, i64)>,
    /// (group id, unix seconds of its last committed op)
    pub activity: Vec<(String, i64)>,
}

impl StoredRoom {
    /// Decodes what was read and replays the ops after each snapshot: the
    /// one way both backends turn stored rows into a room.
    pub(super) fn into_record(self, session_id: &str) -> StoreResult<RoomRecord> {
        let snapshots = self
            .snapshots
            .iter()
            .map(|(id, json)| Ok((id.clone(), codec::decode_board(id, json)?)))
            .collect::<StoreResult<BTreeMap<_, _>>>()?;
        let later = self
            .later
            .into_iter()
            .map(|json| LoggedOp::decode(json).map(|logged| logged.op))
            .collect::<StoreResult<Vec<_>>>()?;
        let replayed = replay(snapshots, &later)
            .map_err(|e| StoreError::Corrupt(format!("session {session_id}: {e}")))?;
        Ok(RoomRecord {
            last_seq: u64::try_from(self.last_seq).unwrap_or(0),
            boards: replayed.boards,
            unsnapshotted: replayed.unsnapshotted,
            op_ids: self
                .op_ids
                .into_iter()
                .map(|(id, seq)| (id, u64::try_from(seq).unwrap_or(0)))
                .collect(),
            settings: codec::decode_settings(session_id, &self.settings)?,
            activity: self.activity,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::board::{Author, Op};

    fn author(i: usize) -> Author {
        Author {
            id: format!("p{}", i % 3),
            name: format!("Person {}", i % 3),
            kommune: "Musterstadt".into(),
            moderator: false,
        }
    }

    /// A mixed history over two boards: cards added, edited, moved, deleted.
    fn history() -> Vec<SequencedOp> {
        let mut ops = Vec::new();
        for i in 0..60 {
            let board = if i % 4 == 3 { "g:swot" } else { "g:canvas" };
            let (section, other) = if board == "g:swot" {
                ("staerken", "schwaechen")
            } else {
                ("problem", "loesung")
            };
            let op = match i % 5 {
                0 | 1 => Op::AddCard {
                    card_id: format!("c{i}"),
                    section: section.into(),
                    text: format!("Karte {i}"),
                },
                2 => Op::EditCard {
                    card_id: format!("c{}", i - 2),
                    base: format!("Karte {}", i - 2),
                    text: format!("Karte {} geändert", i - 2),
                },
                3 => Op::MoveCard {
                    card_id: format!("c{}", i - 3),
                    section: other.into(),
                    index: 0,
                },
                _ => Op::DeleteCard {
                    card_id: format!("c{}", i - 3),
                },
            };
            ops.push(SequencedOp {
                seq: i as u64 + 1,
                op_id: format!("o{i}"),
                board: board.into(),
                author: author(i),
                op,
            });
        }
        ops
    }

    /// Applies `ops` one by one as the hub does; refused ones are dropped
    /// (the hub never logs them).
    fn apply_all(ops: &[SequencedOp]) -> (BTreeMap<String, BoardState>, Vec<SequencedOp>) {
        let mut boards: BTreeMap<String, BoardState> = BTreeMap::new();
        let mut logged = Vec::new();
        for op in ops {
            let template = split_board_id(&op.board)
                .and_then(|(_, k)| templates::find(k))
                .expect("template");
            let mut board = boards.get(&op.board).cloned().unwrap_or_default();
            if apply(&mut board, template, &op.author, &op.op).is_ok() {
                boards.insert(op.board.clone(), board);
                logged.push(op.clone());
            }
        }
        (boards, logged)
    }

    #[test]
    fn snapshot_plus_replay_equals_applying_every_op() {
        let (expected, logged) = apply_all(&history());
        assert!(logged.len() > 40, "the history mostly applies");
        // A snapshot of every board after each prefix of the log, and the
        // rest replayed on top: always the state of applying every op.
        for cut in 0..=logged.len() {
            let (at_cut, _) = apply_all(&logged[..cut]);
            let replayed = replay(at_cut, &logged[cut..]).expect("replay");
            assert_eq!(replayed.boards, expected, "snapshot after {cut} ops");
            let pending: u32 = replayed.unsnapshotted.iter().map(|(_, n)| n).sum();
            assert_eq!(pending as usize, logged.len() - cut);
        }
    }

    #[test]
    fn boards_snapshotted_at_different_points_replay_to_the_same_state() {
        let (expected, logged) = apply_all(&history());
        // canvas snapshotted late, swot never: each board replays its own tail.
        let cut = logged.len() * 2 / 3;
        let (at_cut, _) = apply_all(&logged[..cut]);
        let snapshots = BTreeMap::from([("g:canvas".to_owned(), at_cut["g:canvas"].clone())]);
        let later: Vec<SequencedOp> = logged
            .iter()
            .enumerate()
            .filter(|(i, op)| op.board == "g:swot" || *i >= cut)
            .map(|(_, op)| op.clone())
            .collect();
        assert_eq!(replay(snapshots, &later).expect("replay").boards, expected);
    }

    #[test]
    fn an_op_that_no_longer_applies_is_reported_not_skipped() {
        let op = SequencedOp {
            seq: 7,
            op_id: "x".into(),
            board: "g:canvas".into(),
            author: author(0),
            op: Op::DeleteCard {
                card_id: "missing".into(),
            },
        };
        assert!(matches!(
            replay(BTreeMap::new(), &[op]),
            Err(ReplayError::Apply(7, _))
        ));
    }
}
