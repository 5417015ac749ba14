//! A browser's copy of its boards: the state confirmed by the server plus its
//! own edits not yet confirmed (the outbox), replayed on top. Pure, so the
//! convergence rules are tested without a browser.

use super::board::{apply, check_edit_counts, split_board_id, Author, BoardState, Op, TextField};
use super::settings::SessionSettings;
use super::templates;
use super::text::{absorb, TextEdit};
use crate::protocol::{OpEnvelope, SequencedOp, MAX_CLIENT_MESSAGE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Replica {
    /// Boards as of `last_seq`, exactly as the server committed them.
    pub confirmed: BTreeMap<String, BoardState>,
    pub last_seq: u64,
    /// Own ops sent or waiting to be sent, oldest first.
    pub outbox: Vec<OpEnvelope>,
    /// The reveal epoch `confirmed` was built under (see `ClientMsg::Hello`).
    #[serde(default)]
    pub epoch: u64,
    /// The moderator's settings as last heard.
    #[serde(default)]
    pub settings: SessionSettings,
}

/// Applies an op to a board map; returns whether it was applied (unknown
/// templates and refused ops change nothing).
pub fn apply_to(
    boards: &mut BTreeMap<String, BoardState>,
    author: &Author,
    env: &OpEnvelope,
) -> bool {
    let Some(template) = split_board_id(&env.board).and_then(|(_, t)| templates::find(t)) else {
        return false;
    };
    // `apply` changes nothing when it refuses, so an existing board is
    // changed in place; a new one is kept only if the op applies.
    if let Some(board) = boards.get_mut(&env.board) {
        return apply(board, template, author, &env.op).is_ok();
    }
    let mut next = BoardState::default();
    let applied = apply(&mut next, template, author, &env.op).is_ok();
    if applied {
        boards.insert(env.board.clone(), next);
    }
    applied
}

impl Replica {
    /// A local edit: queued in the outbox (and shown at once through `view`).
    pub fn local(&mut self, env: OpEnvelope) {
        self.outbox.push(env);
    }

    /// Local text edits of one field. They join the newest outbox op when
    /// that is `open` (not sent yet) and edits the same field, as far as an
    /// op may hold them; the rest go into new ops (ids from `new_id`).
    /// Returns the ids of the ops that hold the edits, oldest first.
    pub fn local_text(
        &mut self,
        open: Option<&str>,
        mut new_id: impl FnMut() -> String,
        board: &str,
        card_id: &str,
        field: TextField,
        edits: Vec<TextEdit>,
    ) -> Vec<String> {
        let mut touched: Vec<String> = Vec::new();
        for edit in edits {
            let joinable = self.outbox.last().is_some_and(|last| {
                let open_here = touched.last().map(String::as_str).or(open);
                Some(last.op_id.as_str()) == open_here
                    && last.board == board
                    && matches!(&last.op, Op::EditText { card_id: c, field: f, .. } if c == card_id && *f == field)
            });
            if joinable {
                if let Some(OpEnvelope {
                    op_id,
                    op: Op::EditText { edits: held, .. },
                    ..
                }) = self.outbox.last_mut()
                {
                    let mut joined = held.clone();
                    absorb(&mut joined, vec![edit.clone()]);
                    if fits_in_one_op(&joined) {
                        *held = joined;
                        if touched.last() != Some(op_id) {
                            touched.push(op_id.clone());
                        }
                        continue;
                    }
                }
            }
            let op_id = new_id();
            self.outbox.push(OpEnvelope {
                op_id: op_id.clone(),
                board: board.to_owned(),
                op: Op::EditText {
                    card_id: card_id.to_owned(),
                    field,
                    edits: vec![edit],
                },
            });
            touched.push(op_id);
        }
        touched
    }

    /// The server acknowledged an op. One it had committed before (a resend)
    /// is in the confirmed state already if its number is not above
    /// `last_seq` (e.g. after a snapshot): then it leaves the outbox.
    pub fn acked(&mut self, op_id: &str, seq: u64) {
        if seq <= self.last_seq {
            self.outbox.retain(|o| o.op_id != op_id);
        }
    }

    /// A committed op from the server. Ops at or below `last_seq` were seen
    /// already (a resend or a replay overlap) and are ignored.
    pub fn receive(&mut self, op: &SequencedOp) {
        if op.seq <= self.last_seq {
            return;
        }
        let env = OpEnvelope {
            op_id: op.op_id.clone(),
            board: op.board.clone(),
            op: op.op.clone(),
        };
        apply_to(&mut self.confirmed, &op.author, &env);
        self.last_seq = op.seq;
        self.outbox.retain(|o| o.op_id != op.op_id);
    }

    /// A committed op this browser may not see: its number is passed.
    pub fn skip(&mut self, seq: u64) {
        self.last_seq = self.last_seq.max(seq);
    }

    /// The server refused an op for good: drop it from the outbox.
    pub fn refused(&mut self, op_id: &str) {
        self.outbox.retain(|o| o.op_id != op_id);
    }

    /// Replaces the confirmed state (the outbox stays and is replayed on top).
    pub fn snapshot(&mut self, boards: BTreeMap<String, BoardState>, last_seq: u64, epoch: u64) {
        self.confirmed = boards;
        self.last_seq = last_seq;
        self.epoch = epoch;
    }

    /// What the user sees: confirmed state plus own pending edits.
    pub fn view(&self, me: &Author) -> BTreeMap<String, BoardState> {
        let mut boards = self.confirmed.clone();
        for env in &self.outbox {
            apply_to(&mut boards, me, env);
        }
        boards
    }
}

/// Whether text edits fit into one op: the op limits, and half a message,
/// so that an op with its envelope is always far below the server's limit.
fn fits_in_one_op(edits: &[TextEdit]) -> bool {
    check_edit_counts(edits).is_ok()
        && serde_json::to_string(edits).is_ok_and(|json| json.len() <= MAX_CLIENT_MESSAGE / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::limits;
    use crate::text::{Clock, Splice};
    use proptest::prelude::*;

    const BOARD: &str = "g1:canvas";

    fn author(i: usize) -> Author {
        Author {
            id: format!("p{i}"),
            name: format!("P{i}"),
            kommune: String::new(),
            moderator: false,
        }
    }

    /// The server model: applies ops in arrival order, dedupes by op id,
    /// numbers them.
    #[derive(Default)]
    struct Server {
        boards: BTreeMap<String, BoardState>,
        log: Vec<SequencedOp>,
    }

    impl Server {
        fn submit(&mut self, who: &Author, env: &OpEnvelope) {
            if self.log.iter().any(|o| o.op_id == env.op_id) {
                return;
            }
            // Refused ops are not logged (the client gets `Rejected` instead).
            if apply_to(&mut self.boards, who, env) {
                self.log.push(SequencedOp {
                    seq: self.log.len() as u64 + 1,
                    op_id: env.op_id.clone(),
                    board: env.board.clone(),
                    author: who.clone(),
                    op: env.op.clone(),
                });
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Step {
        Edit {
            client: usize,
            kind: u8,
            card: usize,
            text: String,
        },
        Send {
            client: usize,
        },
        Deliver {
            client: usize,
            upto: usize,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..3usize, 0..4u8, 0..4usize, "[a-zäß ]{0,6}").prop_map(
                |(client, kind, card, text)| Step::Edit {
                    client,
                    kind,
                    card,
                    text
                }
            ),
            (0..3usize).prop_map(|client| Step::Send { client }),
            (0..3usize, 0..40usize).prop_map(|(client, upto)| Step::Deliver { client, upto }),
        ]
    }

    fn make_op(
        replica: &Replica,
        me: &Author,
        clock: &mut Clock,
        kind: u8,
        card: usize,
        text: &str,
    ) -> Op {
        let card_id = format!("c{card}");
        let view = replica.view(me);
        let existing = view
            .get(BOARD)
            .and_then(|b| b.find(&card_id))
            .map(|(_, _, c)| c.seq(TextField::Card));
        match (kind, existing) {
            (_, None) => Op::AddCard {
                card_id,
                section: "problem".into(),
                text: text.into(),
            },
            (0 | 1, Some(seq)) => {
                let at = if kind == 0 { 0 } else { seq.visible_len() };
                let splice = Splice {
                    at,
                    removed: usize::from(kind == 0 && !text.is_empty()).min(seq.visible_len()),
                    inserted: text.into(),
                };
                Op::EditText {
                    card_id,
                    field: TextField::Card,
                    edits: seq.splice_edits(&splice, clock),
                }
            }
            (2, Some(_)) => Op::MoveCard {
                card_id,
                section: "ziel".into(),
                index: 0,
            },
            (_, Some(_)) => Op::DeleteCard { card_id },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Replicas that receive the server's log in any interleaving, with
        /// duplicates and resends, end with the server's state.
        #[test]
        fn replicas_converge_with_the_server(steps in proptest::collection::vec(step(), 1..60)) {
            let mut server = Server::default();
            let mut replicas: [Replica; 3] = Default::default();
            let mut delivered = [0usize; 3];
            let mut next_id = 0;
            let mut clocks = [Clock::new(1), Clock::new(2), Clock::new(3)];
            for s in steps {
                match s {
                    Step::Edit { client, kind, card, text } => {
                        let op = make_op(&replicas[client], &author(client), &mut clocks[client], kind, card, &text);
                        next_id += 1;
                        replicas[client].local(OpEnvelope { op_id: format!("op{next_id}"), board: BOARD.into(), op });
                    }
                    Step::Send { client } => {
                        // Resends the whole outbox (as after a reconnect).
                        for env in replicas[client].outbox.clone() {
                            server.submit(&author(client), &env);
                        }
                    }
                    Step::Deliver { client, upto } => {
                        // Delivers a prefix again from an earlier point: duplicates.
                        let from = delivered[client].saturating_sub(2);
                        let to = upto.min(server.log.len()).max(delivered[client]);
                        for op in &server.log[from..to] {
                            replicas[client].receive(op);
                        }
                        delivered[client] = to;
                    }
                }
            }
            for (i, r) in replicas.iter_mut().enumerate() {
                for env in r.outbox.clone() {
                    server.submit(&author(i), &env);
                }
            }
            for r in replicas.iter_mut() {
                for op in &server.log {
                    r.receive(op);
                }
            }
            for (i, r) in replicas.iter_mut().enumerate() {
                // What the server refused is dropped on `Rejected`.
                for env in r.outbox.clone() {
                    r.refused(&env.op_id);
                }
                prop_assert_eq!(&r.confirmed, &server.boards);
                prop_assert_eq!(&r.view(&author(i)), &server.boards);
            }
        }
    }

    #[test]
    fn own_edit_shows_at_once_and_leaves_outbox_when_confirmed() {
        let me = author(0);
        let mut r = Replica::default();
        let env = OpEnvelope {
            op_id: "o1".into(),
            board: BOARD.into(),
            op: Op::AddCard {
                card_id: "c1".into(),
                section: "problem".into(),
                text: "Idee".into(),
            },
        };
        r.local(env.clone());
        assert_eq!(r.view(&me)[BOARD].cards("problem")[0].text, "Idee");
        assert!(r.confirmed.is_empty());
        let seq = SequencedOp {
            seq: 1,
            op_id: "o1".into(),
            board: BOARD.into(),
            author: me.clone(),
            op: env.op,
        };
        r.receive(&seq);
        r.receive(&seq);
        assert!(r.outbox.is_empty());
        assert_eq!(r.last_seq, 1);
        assert_eq!(r.confirmed[BOARD].card_count(), 1);
    }

    fn typed(replica: &Replica, me: &Author, clock: &mut Clock, splice: Splice) -> Vec<TextEdit> {
        let seq = replica.view(me)[BOARD]
            .find("c1")
            .unwrap()
            .2
            .seq(TextField::Card);
        seq.splice_edits(&splice, clock)
    }

    fn key(at: usize, c: &str) -> Splice {
        Splice {
            at,
            removed: 0,
            inserted: c.into(),
        }
    }

    #[test]
    fn keystrokes_join_the_unsent_op_and_a_sent_op_is_never_changed() {
        let me = author(0);
        let mut r = Replica::default();
        r.local(OpEnvelope {
            op_id: "add".into(),
            board: BOARD.into(),
            op: Op::AddCard {
                card_id: "c1".into(),
                section: "problem".into(),
                text: "Idee".into(),
            },
        });
        let mut clock = Clock::new(9);
        let mut ids = (1..).map(|i| format!("t{i}"));
        let mut open: Option<String> = None;
        for (i, c) in ["!", "!", "?"].iter().enumerate() {
            let edits = typed(&r, &me, &mut clock, key(4 + i, c));
            let touched = r.local_text(
                open.as_deref(),
                || ids.next().unwrap(),
                BOARD,
                "c1",
                TextField::Card,
                edits,
            );
            open = touched.last().cloned();
        }
        assert_eq!(r.outbox.len(), 2);
        assert!(matches!(&r.outbox[1].op, Op::EditText { edits, .. } if edits.len() == 1));
        assert_eq!(r.view(&me)[BOARD].cards("problem")[0].text, "Idee!!?");
        // Sent: the next key makes a new op.
        let edits = typed(&r, &me, &mut clock, key(7, "."));
        let touched = r.local_text(
            None,
            || ids.next().unwrap(),
            BOARD,
            "c1",
            TextField::Card,
            edits,
        );
        assert_eq!(touched, ["t2"]);
        assert_eq!(r.outbox.len(), 3);
        assert_eq!(r.view(&me)[BOARD].cards("problem")[0].text, "Idee!!?.");
    }

    #[test]
    fn a_large_change_is_split_into_ops_that_each_fit_a_message() {
        let me = author(0);
        // 600 characters typed apart from each other (600 spans), so that
        // deleting them all needs many ranges.
        let mut board = BoardState::default();
        let canvas = templates::find("canvas").unwrap();
        let add = Op::AddCard {
            card_id: "c1".into(),
            section: "problem".into(),
            text: String::new(),
        };
        apply(&mut board, canvas, &me, &add).unwrap();
        let keys: Vec<TextEdit> = (0..600u64)
            .map(|i| TextEdit::Insert {
                id: crate::text::CharId::new(9, 2 * i + 1),
                after: i
                    .checked_sub(1)
                    .map(|p| crate::text::CharId::new(9, 2 * p + 1)),
                text: if i % 2 == 0 { "\"" } else { "x" }.into(),
            })
            .collect();
        for chunk in keys.chunks(limits::EDITS_PER_OP) {
            let op = Op::EditText {
                card_id: "c1".into(),
                field: TextField::Card,
                edits: chunk.to_vec(),
            };
            apply(&mut board, canvas, &me, &op).unwrap();
        }
        let mut r = Replica::default();
        r.snapshot(BTreeMap::from([(BOARD.to_owned(), board)]), 1, 0);
        let mut clock = Clock::new(10);
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("t{n}")
        };
        let text = r.view(&me)[BOARD].cards("problem")[0].text.clone();
        assert_eq!(text.chars().count(), 600);
        let all = Splice {
            at: 0,
            removed: 600,
            inserted: "neu".into(),
        };
        let before = r.outbox.len();
        let edits = typed(&r, &me, &mut clock, all);
        let touched = r.local_text(None, &mut new_id, BOARD, "c1", TextField::Card, edits);
        assert!(touched.len() > 1, "{touched:?}");
        assert_eq!(r.outbox.len(), before + touched.len());
        for env in &r.outbox {
            let json = serde_json::to_string(&crate::protocol::ClientMsg::Op(env.clone())).unwrap();
            assert!(json.len() < MAX_CLIENT_MESSAGE, "{}", json.len());
        }
        assert_eq!(r.view(&me)[BOARD].cards("problem")[0].text, "neu");
    }

    #[test]
    fn a_resent_op_acknowledged_below_the_snapshot_leaves_the_outbox() {
        let mut r = Replica::default();
        let env = OpEnvelope {
            op_id: "o1".into(),
            board: BOARD.into(),
            op: Op::DeleteCard {
                card_id: "c1".into(),
            },
        };
        r.local(env);
        // The ack of a fresh commit comes before its broadcast: keep it.
        r.acked("o1", 5);
        assert_eq!(r.outbox.len(), 1);
        r.snapshot(BTreeMap::new(), 7, 0);
        r.acked("o1", 5);
        assert!(r.outbox.is_empty());
    }
}
