//! Loading boards: the last snapshot of each board with the ops logged
//! after it applied again by the domain's `apply` (the same rule that
//! applied them when they were committed).

use app::domain::board::{apply, split_board_id, BoardState};
use app::domain::templates;
use app::protocol::SequencedOp;
use std::collections::BTreeMap;

/// Boards rebuilt from snapshots and later ops.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// (board id, BoardState as JSON)
    pub boards: Vec<(String, String)>,
    /// (board id, ops applied after its snapshot)
    pub unsnapshotted: Vec<(String, u32)>,
}

/// Why stored boards could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("board {0}: {1}")]
    Snapshot(String, serde_json::Error),
    #[error("logged op: {0}")]
    Op(serde_json::Error),
    #[error("logged op {0} on board {1} of an unknown template")]
    Template(u64, String),
    #[error("logged op {0} no longer applies: {1}")]
    Apply(u64, app::domain::board::OpError),
    #[error("board {0}: {1}")]
    Encode(String, serde_json::Error),
}

/// Applies one logged op to its board (`board`: its state before the op)
/// as it was applied when it was committed.
pub fn apply_logged(board: &mut BoardState, op: &SequencedOp) -> Result<(), ReplayError> {
    let template = split_board_id(&op.board)
        .and_then(|(_, key)| templates::find(key))
        .ok_or_else(|| ReplayError::Template(op.seq, op.board.clone()))?;
    apply(board, template, &op.author, &op.op).map_err(|e| ReplayError::Apply(op.seq, e))
}

/// Applies `ops` (logged ops as JSON, in sequence order, each after its
/// board's snapshot) to `snapshots` (board id, BoardState as JSON).
pub fn replay(snapshots: Vec<(String, String)>, ops: &[String]) -> Result<Replayed, ReplayError> {
    if ops.is_empty() {
        let unsnapshotted = snapshots.iter().map(|(id, _)| (id.clone(), 0)).collect();
        return Ok(Replayed {
            boards: snapshots,
            unsnapshotted,
        });
    }
    let mut boards: BTreeMap<String, (Option<BoardState>, Option<String>, u32)> = snapshots
        .into_iter()
        .map(|(id, json)| (id, (None, Some(json), 0)))
        .collect();
    for json in ops {
        let op: SequencedOp = serde_json::from_str(json).map_err(ReplayError::Op)?;
        let entry = boards.entry(op.board.clone()).or_default();
        if entry.0.is_none() {
            let state = match entry.1.take() {
                Some(json) => serde_json::from_str(&json)
                    .map_err(|e| ReplayError::Snapshot(op.board.clone(), e))?,
                None => BoardState::default(),
            };
            entry.0 = Some(state);
        }
        let state = entry.0.get_or_insert_with(BoardState::default);
        apply_logged(state, &op)?;
        entry.2 += 1;
    }
    let mut out = Replayed {
        boards: Vec::with_capacity(boards.len()),
        unsnapshotted: Vec::with_capacity(boards.len()),
    };
    for (id, (state, json, count)) in boards {
        let json = match (state, json) {
            (Some(state), _) => {
                serde_json::to_string(&state).map_err(|e| ReplayError::Encode(id.clone(), e))?
            }
            (None, Some(json)) => json,
            (None, None) => continue,
        };
        out.unsnapshotted.push((id.clone(), count));
        out.boards.push((id, json));
    }
    Ok(out)
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

    fn decode(replayed: &Replayed) -> BTreeMap<String, BoardState> {
        replayed
            .boards
            .iter()
            .map(|(id, json)| (id.clone(), serde_json::from_str(json).expect("board")))
            .collect()
    }

    #[test]
    fn snapshot_plus_replay_equals_applying_every_op() {
        let (expected, logged) = apply_all(&history());
        assert!(logged.len() > 40, "the history mostly applies");
        // A snapshot of every board after each prefix of the log, and the
        // rest replayed on top: always the state of applying every op.
        for cut in 0..=logged.len() {
            let (at_cut, _) = apply_all(&logged[..cut]);
            let snapshots: Vec<(String, String)> = at_cut
                .iter()
                .map(|(id, b)| (id.clone(), serde_json::to_string(b).unwrap()))
                .collect();
            let later: Vec<String> = logged[cut..]
                .iter()
                .map(|op| serde_json::to_string(op).unwrap())
                .collect();
            let replayed = replay(snapshots, &later).expect("replay");
            assert_eq!(decode(&replayed), expected, "snapshot after {cut} ops");
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
        let snapshots = vec![(
            "g:canvas".to_owned(),
            serde_json::to_string(&at_cut["g:canvas"]).unwrap(),
        )];
        let later: Vec<String> = logged
            .iter()
            .enumerate()
            .filter(|(i, op)| op.board == "g:swot" || *i >= cut)
            .map(|(_, op)| serde_json::to_string(op).unwrap())
            .collect();
        assert_eq!(
            decode(&replay(snapshots, &later).expect("replay")),
            expected
        );
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
        let later = vec![serde_json::to_string(&op).unwrap()];
        assert!(matches!(
            replay(Vec::new(), &later),
            Err(ReplayError::Apply(7, _))
        ));
    }
}
