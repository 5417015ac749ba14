//! Two or three people type into the same card at once, key by key, through
//! the real pipeline: each browser's replica (confirmed state + outbox, with
//! keystrokes joined into the unsent op), the ops' JSON encoding, a server
//! that applies them in its order and drops duplicates, offline stretches,
//! resends, duplicate deliveries and reloads from storage.
//!
//! Afterwards every replica shows the server's card; every character that
//! was inserted is there unless someone deleted it; and each word a person
//! typed is contiguous and in order (whatever of it was not deleted).

use app::domain::board::{Author, BoardState, Op, TextField};
use app::domain::replica::{apply_to, Replica};
use app::domain::text::{CharId, Clock, IdRange, Splice, TextEdit, TextSeq};
use app::protocol::{ClientMsg, OpEnvelope, SequencedOp, ServerMsg};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const BOARD: &str = "g1:canvas";
const CARD: &str = "c1";
const BASE: &str = "Schritt: Ratsbeschluss im Bauamt";
/// Where base words end (character index after the word).
const WORD_ENDS: [u64; 4] = [8, 22, 25, 32];
const WORDS: [[&str; 3]; 3] = [
    [" im März", " Rathaus", " Kreistag"],
    [" vorbereiten", " Standesamt", " sofort"],
    [" Ordnungsamt", " gemeinsam", " klären"],
];

fn author(i: usize) -> Author {
    Author {
        id: format!("p{i}"),
        name: format!("P{i}"),
        kommune: String::new(),
        moderator: false,
    }
}

/// Through the wire and back, as the browser and the server see an op.
fn client_wire(env: &OpEnvelope) -> OpEnvelope {
    let json = serde_json::to_string(&ClientMsg::Op(env.clone())).unwrap();
    match serde_json::from_str(&json).unwrap() {
        ClientMsg::Op(env) => env,
        other => panic!("{other:?}"),
    }
}

fn server_wire(op: &SequencedOp) -> SequencedOp {
    let json = serde_json::to_string(&ServerMsg::Op(op.clone())).unwrap();
    match serde_json::from_str(&json).unwrap() {
        ServerMsg::Op(op) => op,
        other => panic!("{other:?}"),
    }
}

#[derive(Default)]
struct Server {
    boards: BTreeMap<String, BoardState>,
    log: Vec<SequencedOp>,
}

enum Reply {
    Ack(u64),
    Rejected,
}

impl Server {
    fn submit(&mut self, who: &Author, env: &OpEnvelope) -> Reply {
        let env = client_wire(env);
        if let Some(op) = self.log.iter().find(|o| o.op_id == env.op_id) {
            return Reply::Ack(op.seq);
        }
        if !apply_to(&mut self.boards, who, &env) {
            return Reply::Rejected;
        }
        let seq = self.log.len() as u64 + 1;
        self.log.push(SequencedOp {
            seq,
            op_id: env.op_id,
            board: env.board,
            author: who.clone(),
            op: env.op,
        });
        Reply::Ack(seq)
    }
}

/// One browser tab of a person.
struct Person {
    me: Author,
    replica: Replica,
    clock: Clock,
    /// The character left of the caret (`None`: the start).
    caret: Option<CharId>,
    /// The unsent op keystrokes still join.
    open: Option<String>,
    submitted: BTreeSet<String>,
    online: bool,
    delivered: usize,
    /// The word being typed: its letters still to type and its index in `typed`.
    word: Option<(Vec<char>, usize)>,
    next_word: usize,
    next_op: usize,
}

impl Person {
    fn seq(&self) -> TextSeq {
        self.replica.view(&self.me)[BOARD]
            .find(CARD)
            .expect("card")
            .2
            .seq(TextField::Card)
    }

    fn caret_index(&self, seq: &TextSeq) -> usize {
        seq.index_after(self.caret).unwrap_or(0)
    }

    /// What the editor does on input: edits against the view, into the outbox.
    fn splice(&mut self, seq: &TextSeq, splice: Splice) -> Vec<TextEdit> {
        let edits = seq.splice_edits_at(&splice, self.caret, &mut self.clock);
        let (who, next_op) = (self.me.id.clone(), &mut self.next_op);
        let touched = self.replica.local_text(
            self.open.as_deref(),
            || {
                *next_op += 1;
                format!("{who}-{next_op}")
            },
            BOARD,
            CARD,
            TextField::Card,
            edits.clone(),
        );
        self.open = touched.last().cloned();
        edits
    }

    /// Records the ids of typed letters; the caret moves behind them.
    fn typed(&mut self, edits: &[TextEdit], word: &mut Vec<CharId>) {
        for e in edits {
            if let TextEdit::Insert { id, .. } = e {
                word.push(*id);
                self.caret = Some(*id);
            }
        }
    }

    fn send(&mut self, server: &mut Server, everything: bool) {
        self.open = None;
        if !self.online {
            return;
        }
        for env in self.replica.outbox.clone() {
            if !everything && self.submitted.contains(&env.op_id) {
                continue;
            }
            self.submitted.insert(env.op_id.clone());
            match server.submit(&self.me, &env) {
                Reply::Ack(seq) => self.replica.acked(&env.op_id, seq),
                Reply::Rejected => self.replica.refused(&env.op_id),
            }
        }
    }

    fn deliver(&mut self, server: &Server, upto: usize) {
        if !self.online {
            return;
        }
        // From a little before what was delivered: duplicates.
        let from = self.delivered.saturating_sub(2);
        let to = upto.min(server.log.len()).max(self.delivered);
        for op in &server.log[from..to] {
            self.replica.receive(&server_wire(op));
        }
        self.delivered = to;
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// Puts the caret after base word `place` (0: the start) and starts the
    /// person's next word; with `replace`, the following base word is
    /// selected and typing replaces it.
    StartWord {
        who: usize,
        place: usize,
        replace: bool,
    },
    /// Types `n` letters of the current word, one keystroke each.
    Keys {
        who: usize,
        n: usize,
    },
    /// Deletes `len` characters from position `at` (ends the current word).
    Delete {
        who: usize,
        at: usize,
        len: usize,
    },
    /// The batch timer: sends what is not sent yet; or a reconnect: resends all.
    Send {
        who: usize,
        everything: bool,
    },
    Deliver {
        who: usize,
        upto: usize,
    },
    Network {
        who: usize,
        online: bool,
    },
    /// Reload: the replica from storage, a new tab (new site).
    Reload {
        who: usize,
    },
}

fn step(people: usize) -> impl Strategy<Value = Step> {
    let who = 0..people;
    prop_oneof![
        3 => (who.clone(), 0..=WORD_ENDS.len(), proptest::bool::weighted(0.3))
            .prop_map(|(who, place, replace)| Step::StartWord { who, place, replace }),
        8 => (who.clone(), 1..4usize).prop_map(|(who, n)| Step::Keys { who, n }),
        1 => (who.clone(), 0..60usize, 1..6usize).prop_map(|(who, at, len)| Step::Delete { who, at, len }),
        3 => (who.clone(), proptest::bool::weighted(0.2)).prop_map(|(who, everything)| Step::Send { who, everything }),
        3 => (who.clone(), 0..200usize).prop_map(|(who, upto)| Step::Deliver { who, upto }),
        1 => (who.clone(), proptest::bool::ANY).prop_map(|(who, online)| Step::Network { who, online }),
        1 => who.prop_map(|who| Step::Reload { who }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (2..=3usize).prop_flat_map(|people| {
        (
            Just(people),
            proptest::collection::vec(step(people), 1..120),
        )
    })
}

/// The visible ids of a sequence, in order.
fn visible_ids(seq: &TextSeq) -> Vec<CharId> {
    (1..=seq.visible_len())
        .filter_map(|i| seq.id_before(i))
        .collect()
}

fn ids_of(range: &IdRange) -> impl Iterator<Item = CharId> + '_ {
    (0..range.len).map(move |i| CharId::new(range.start.site, range.start.counter + i))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn people_typing_into_one_card_converge_and_keep_their_words((n, steps) in scenario()) {
        let mut server = Server::default();
        let add = OpEnvelope {
            op_id: "add".into(),
            board: BOARD.into(),
            op: Op::AddCard { card_id: CARD.into(), section: "problem".into(), text: BASE.into() },
        };
        let Reply::Ack(_) = server.submit(&author(0), &add) else { panic!("add refused") };
        let mut people: Vec<Person> = (0..n)
            .map(|i| {
                let mut replica = Replica::default();
                replica.receive(&server.log[0]);
                Person {
                    me: author(i),
                    replica,
                    clock: Clock::new(1_000 + i as u64),
                    caret: None,
                    open: None,
                    submitted: BTreeSet::new(),
                    online: true,
                    delivered: 1,
                    word: None,
                    next_word: 0,
                    next_op: 0,
                }
            })
            .collect();
        // Every word typed: who, and the ids of its letters in typing order.
        let mut typed: Vec<(usize, Vec<CharId>)> = Vec::new();

        for s in steps {
            match s {
                Step::StartWord { who, place, replace } => {
                    let p = &mut people[who];
                    if p.next_word == WORDS[who].len() {
                        continue;
                    }
                    let word = WORDS[who][p.next_word];
                    p.next_word += 1;
                    p.caret = place.checked_sub(1).map(|w| CharId::new(0, WORD_ENDS[w]));
                    typed.push((who, Vec::new()));
                    p.word = Some((word.chars().collect(), typed.len() - 1));
                    if replace && place < WORD_ENDS.len() {
                        // Select up to the end of the next base word; the
                        // first letter replaces the selection.
                        let seq = p.seq();
                        let at = p.caret_index(&seq);
                        let end = seq.index_after(Some(CharId::new(0, WORD_ENDS[place]))).unwrap();
                        let (mut letters, index) = p.word.take().expect("just started");
                        let first = letters.remove(0);
                        p.word = Some((letters, index));
                        let splice = Splice { at, removed: end.saturating_sub(at), inserted: first.to_string() };
                        let edits = p.splice(&seq, splice);
                        p.typed(&edits, &mut typed[index].1);
                    }
                }
                Step::Keys { who, n: keys } => {
                    for _ in 0..keys {
                        let p = &mut people[who];
                        let Some((letters, index)) = p.word.clone() else { break };
                        let Some((&letter, rest)) = letters.split_first() else { break };
                        p.word = Some((rest.to_vec(), index));
                        let seq = p.seq();
                        let at = p.caret_index(&seq);
                        let edits = p.splice(&seq, Splice { at, removed: 0, inserted: letter.to_string() });
                        p.typed(&edits, &mut typed[index].1);
                    }
                }
                Step::Delete { who, at, len } => {
                    let p = &mut people[who];
                    let seq = p.seq();
                    let at = at.min(seq.visible_len());
                    let len = len.min(seq.visible_len() - at);
                    if len == 0 {
                        continue;
                    }
                    p.word = None;
                    p.splice(&seq, Splice { at, removed: len, inserted: String::new() });
                    p.caret = seq.id_before(at);
                }
                Step::Send { who, everything } => people[who].send(&mut server, everything),
                Step::Deliver { who, upto } => people[who].deliver(&server, upto),
                Step::Network { who, online } => people[who].online = online,
                Step::Reload { who } => {
                    let p = &mut people[who];
                    let json = serde_json::to_string(&p.replica).unwrap();
                    p.replica = serde_json::from_str(&json).unwrap();
                    p.open = None;
                    p.word = None;
                    p.clock = Clock::new(p.clock.site + 100);
                }
            }
        }
        // Everyone comes online, sends what is left and catches up.
        for p in people.iter_mut() {
            p.online = true;
            p.send(&mut server, true);
        }
        for p in people.iter_mut() {
            let all = server.log.len();
            p.deliver(&server, all);
            // What the server refused for good is dropped on `Rejected`.
            prop_assert!(p.replica.outbox.is_empty(), "{:?}", p.replica.outbox);
            prop_assert_eq!(&p.replica.confirmed, &server.boards);
            prop_assert_eq!(&p.replica.view(&p.me), &server.boards);
        }

        let card = server.boards[BOARD].find(CARD).unwrap().2.clone();
        let seq = card.seq(TextField::Card);
        prop_assert_eq!(&seq.text(), &card.text);
        // Nothing inserted is lost unless someone deleted it, nothing deleted returns.
        let mut expected: BTreeSet<CharId> = (1..=BASE.chars().count() as u64).map(|c| CharId::new(0, c)).collect();
        let mut deleted = BTreeSet::new();
        for op in &server.log {
            if let Op::EditText { edits, .. } = &op.op {
                for e in edits {
                    match e {
                        TextEdit::Insert { id, text, .. } => {
                            expected.extend((0..text.chars().count() as u64).map(|i| CharId::new(id.site, id.counter + i)));
                        }
                        TextEdit::Delete { ranges } => deleted.extend(ranges.iter().flat_map(ids_of)),
                    }
                }
            }
        }
        let visible = visible_ids(&seq);
        let expected: BTreeSet<CharId> = expected.difference(&deleted).copied().collect();
        prop_assert_eq!(&visible.iter().copied().collect::<BTreeSet<_>>(), &expected);
        // Each word: what is left of it is contiguous and in typing order.
        let position: BTreeMap<CharId, usize> = visible.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let text: Vec<char> = card.text.chars().collect();
        for (who, ids) in &typed {
            let left: Vec<usize> = ids.iter().filter_map(|id| position.get(id).copied()).collect();
            let word: String = left.iter().map(|&i| text[i]).collect();
            prop_assert!(
                left.windows(2).all(|w| w[1] == w[0] + 1),
                "word {:?} of P{} is torn apart in {:?}", word, who, card.text
            );
            if left.len() == ids.len() && !ids.is_empty() {
                prop_assert!(card.text.contains(&word), "{:?} not in {:?}", word, card.text);
            }
        }
    }
}
