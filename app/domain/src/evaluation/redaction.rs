//! Blind rating: the board and the ops as a participant may see them while
//! ratings are hidden. The server applies this before anything leaves for
//! another participant's browser (live, on replay, in snapshots, in a
//! participant's export).

use crate::board::{BoardState, Op, RatingSlot};

/// The board as `viewer` may see it while ratings are hidden: everyone
/// else's values are replaced by `Hidden`, so only the count remains, and
/// only the viewer's own dots are left.
pub fn redact_board(board: &BoardState, viewer: &str) -> BoardState {
    let mut out = board.clone();
    for voters in out.dots.values_mut() {
        voters.retain(|participant, _| participant == viewer);
    }
    out.dots.retain(|_, voters| !voters.is_empty());
    for raters in out.ratings.values_mut() {
        for (participant, rater) in raters.iter_mut() {
            if participant != viewer {
                for slot in rater.values.values_mut() {
                    *slot = RatingSlot::Hidden;
                }
            }
        }
    }
    out
}

/// An op as `viewer` may see it while ratings are hidden; `None` when it
/// must not be sent at all (someone else's dot).
pub fn redact_op(op: &Op, author_id: &str, viewer: &str) -> Option<Op> {
    if author_id == viewer {
        return Some(op.clone());
    }
    Some(match op {
        Op::Dot { .. } => return None,
        Op::Rate {
            card_id,
            criterion,
            value: Some(RatingSlot::Given(_)),
        } => Op::Rate {
            card_id: card_id.clone(),
            criterion: criterion.clone(),
            value: Some(RatingSlot::Hidden),
        },
        other => other.clone(),
    })
}
