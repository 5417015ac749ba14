//! Helpers the domain's method tests share: people, ops as they travel
//! (through JSON), typing into a field as a browser does.

#![allow(dead_code)]

use ikz_domain::board::{apply, Author, BoardState, Op, OpError, TextField};
use ikz_domain::templates::Template;
use ikz_domain::text::{Clock, Splice};

pub fn person(id: &str, kommune: &str) -> Author {
    Author {
        id: id.into(),
        name: format!("Person {id}"),
        kommune: kommune.into(),
        moderator: false,
    }
}

pub fn add(id: &str, section: &str, text: &str) -> Op {
    Op::AddCard {
        card_id: id.into(),
        section: section.into(),
        text: text.into(),
    }
}

/// Applies `op` through JSON, as it travels.
pub fn run(
    board: &mut BoardState,
    template: &Template,
    who: &Author,
    op: &Op,
) -> Result<(), OpError> {
    let json = serde_json::to_string(op).expect("op serialises");
    let op: Op = serde_json::from_str(&json).expect("op reads back");
    apply(board, template, who, &op)
}

pub fn ok(board: &mut BoardState, template: &Template, who: &Author, op: Op) {
    run(board, template, who, &op).unwrap_or_else(|e| panic!("{op:?}: {e:?}"));
}

/// Types `text` into a field of a card (an empty field), as a browser does.
pub fn type_into(board: &mut BoardState, template: &Template, card: &str, key: &str, text: &str) {
    let field = TextField::from_key(key).expect("known field");
    let board_now = board.materialised(template);
    let seq = board_now.find(card).expect("card").2.seq(field);
    let mut clock = Clock::new(9);
    let edits = seq.splice_edits(
        &Splice {
            at: 0,
            removed: 0,
            inserted: text.into(),
        },
        &mut clock,
    );
    let op = Op::EditText {
        card_id: card.into(),
        field,
        edits,
    };
    // Zeitfenster and Raum are the moderator's (the server sets the flag).
    let who = if field.moderator_only() {
        Author::moderator()
    } else {
        person("p1", "Astadt")
    };
    ok(board, template, &who, op);
}

pub fn labels(template: &Template) -> Vec<(&str, &str)> {
    template.sections.iter().map(|s| (s.id, s.label)).collect()
}
