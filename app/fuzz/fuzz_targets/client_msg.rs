//! A browser's message as the server reads it: any bytes are decoded as a
//! `ClientMsg`; a decoded message must encode and decode to itself, and an
//! op in it is admitted and applied to an empty and to a seeded board of
//! its template, leaving a board within all limits. Nothing may panic.

#![no_main]

#[path = "common.rs"]
mod common;

use ikz_domain::board::{apply, split_board_id, Author, BoardState, Op};
use ikz_domain::protocol::ClientMsg;
use ikz_domain::settings::{admit, SessionSettings};
use ikz_domain::templates;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(msg) = serde_json::from_str::<ClientMsg>(text) else {
        return;
    };
    let again = serde_json::to_string(&msg).expect("encodes");
    assert_eq!(
        serde_json::from_str::<ClientMsg>(&again).expect("decodes"),
        msg
    );
    let ClientMsg::Op(env) = msg else {
        return;
    };
    let template = split_board_id(&env.board)
        .and_then(|(_, key)| templates::find(key))
        .unwrap_or(&templates::KI);
    let author = Author {
        id: "p1".into(),
        name: "Anna".into(),
        kommune: String::new(),
        moderator: false,
    };
    let mut seeded = BoardState::default();
    for (i, section) in template.sections.iter().enumerate() {
        let add = Op::AddCard {
            card_id: format!("c{i}"),
            section: section.id.into(),
            text: "Karte".into(),
        };
        apply(&mut seeded, template, &author, &add).expect("seed card");
    }
    // Dots on and step 2 (TOWS) open, so every op kind can be applied.
    let settings = SessionSettings {
        dots_per_person: 3,
        strategies: true,
        ..SessionSettings::default()
    };
    for mut board in [BoardState::default(), seeded] {
        let before = board.clone();
        if admit(&settings, template.key, &board, &author.id, &env.op).is_err() {
            continue;
        }
        match apply(&mut board, template, &author, &env.op) {
            Ok(()) => common::check_board(&board),
            Err(_) => assert_eq!(board, before, "a refused op changed the board"),
        }
    }
});
