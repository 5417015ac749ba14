//! Sequences of ops on one board, as the server applies them: the input is
//! JSON lines, each `[author number, op]` (the first line may name the
//! template: any key of `templates::ALL`, e.g. `"swot"` or `"phasen"`). Every op is admitted and
//! applied; a refused op must leave the board as it was, an applied one a
//! board within every limit that survives storage.

#![no_main]

#[path = "common.rs"]
mod common;

use ikz_domain::board::{apply, Author, BoardState, Op};
use ikz_domain::settings::{admit, SessionSettings};
use ikz_domain::templates;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines().peekable();
    let template = lines
        .peek()
        .and_then(|l| serde_json::from_str::<String>(l).ok())
        .and_then(|key| templates::find(&key))
        .inspect(|_| {
            lines.next();
        })
        .unwrap_or(&templates::KI);
    // Every method on, dots on and step 2 (TOWS) open, so every op kind
    // can be applied.
    let settings = SessionSettings {
        methods: templates::ALL.iter().map(|t| t.key.to_owned()).collect(),
        dots_per_person: 5,
        strategies: true,
        ..SessionSettings::default()
    };
    let mut board = BoardState::default();
    for line in lines.take(256) {
        let Ok((who, op)) = serde_json::from_str::<(u8, Op)>(line) else {
            continue;
        };
        let author = Author {
            id: format!("p{}", who % 8),
            name: format!("Person {}", who % 8),
            // Half of them with a Kommune (stances need one), half without.
            kommune: if who % 2 == 0 {
                format!("Kommune {}", who % 4)
            } else {
                String::new()
            },
            // One of the eight is the moderator (Zeitfenster and Raum).
            moderator: who % 8 == 7,
        };
        if admit(&settings, template.key, &board, &author.id, &op).is_err() {
            continue;
        }
        let before = board.clone();
        match apply(&mut board, template, &author, &op) {
            Ok(()) => common::check_board(&board),
            Err(_) => assert_eq!(board, before, "a refused op changed the board"),
        }
    }
});
