//! A browser's copy of its boards: the state confirmed by the server plus its
//! own edits not yet confirmed (the outbox), replayed on top. Pure, so the
//! convergence rules are tested without a browser.

use super::board::{apply, split_board_id, Author, BoardState};
use super::settings::SessionSettings;
use super::templates;
use crate::protocol::{OpEnvelope, SequencedOp};
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
    let mut next = boards.get(&env.board).cloned().unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::board::Op;
    use proptest::prelude::*;

    const BOARD: &str = "g1:canvas";

    fn author(i: usize) -> Author {
        Author {
            id: format!("p{i}"),
            name: format!("P{i}"),
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

    fn make_op(replica: &Replica, me: &Author, kind: u8, card: usize, text: &str) -> Op {
        let card_id = format!("c{card}");
        let view = replica.view(me);
        let existing = view
            .get(BOARD)
            .and_then(|b| b.find(&card_id))
            .map(|(_, _, c)| c.text.clone());
        match (kind, existing) {
            (_, None) => Op::AddCard {
                card_id,
                section: "problem".into(),
                text: text.into(),
            },
            (0 | 1, Some(base)) => {
                let mut t = base.clone();
                let at = if kind == 0 { 0 } else { t.len() };
                t.insert_str(at, text);
                Op::EditCard {
                    card_id,
                    base,
                    text: t,
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
            for s in steps {
                match s {
                    Step::Edit { client, kind, card, text } => {
                        let op = make_op(&replicas[client], &author(client), kind, card, &text);
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

        /// Two people typing into the same card at the same time: the text each
        /// inserted is in the final card.
        #[test]
        fn concurrent_same_card_edits_lose_no_inserted_text(
            base in "[a-z ]{0,12}",
            a_at in 0usize..13, b_at in 0usize..13,
            a_del in 0usize..4, b_del in 0usize..4,
        ) {
            let chars: Vec<char> = base.chars().collect();
            let edit = |at: usize, del: usize, ins: &str| -> String {
                let at = at.min(chars.len());
                let end = (at + del).min(chars.len());
                chars[..at].iter().chain(ins.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect()
            };
            let a_text = edit(a_at, a_del, "ÄÄ");
            let b_text = edit(b_at, b_del, "ßß");
            let mut server = Server::default();
            let add = OpEnvelope { op_id: "add".into(), board: BOARD.into(), op: Op::AddCard { card_id: "c".into(), section: "problem".into(), text: base.clone() } };
            server.submit(&author(0), &add);
            for (i, (id, text)) in [("a", a_text), ("b", b_text)].into_iter().enumerate() {
                let env = OpEnvelope { op_id: id.into(), board: BOARD.into(), op: Op::EditCard { card_id: "c".into(), base: base.clone(), text } };
                server.submit(&author(i), &env);
            }
            let card = server.boards[BOARD].find("c").map(|(_, _, c)| c.text.clone()).unwrap_or_default();
            prop_assert!(card.contains("ÄÄ"), "{:?}", card);
            prop_assert!(card.contains("ßß"), "{:?}", card);
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
}
