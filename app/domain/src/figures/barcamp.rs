//! The BarCamp's figures (methods.md 9): the Sessionplan (time slot ×
//! room, with the interest the dots show) and the Kooperationsbörse's
//! "möglicher Partner" pairs.
//!
//! **Matching**, plainly: a Suche card and a Biete card match when their
//! authors' Kommunen are both known and differ (compared without case and
//! surrounding space) and their texts share a keyword. A text's keywords
//! are its words (split at every character that is not a letter or digit)
//! in lower case, with ä, ö, ü, ß written ae, oe, ue, ss, at least
//! [`MIN_KEYWORD`] characters long and not in [`STOPWORDS`]. Two keywords
//! are shared when they are equal, or when the shorter has at least
//! [`MIN_PREFIX`] characters and begins the longer ("bauhof" and
//! "bauhofs", "friedhof" and "friedhofsverwaltung").

use crate::board::{BoardState, TextField};
use crate::templates::Template;
use serde::Serialize;

pub const SUCHE: &str = "suche";
pub const BIETE: &str = "biete";
/// The fields of a proposal that place it in the plan.
pub const SLOT_FIELD: &str = "zeitfenster";
pub const ROOM_FIELD: &str = "raum";

/// Shorter words are no keywords.
pub const MIN_KEYWORD: usize = 4;
/// A keyword this long matches the longer words it begins.
pub const MIN_PREFIX: usize = 5;

/// Words that say nothing about what is sought or offered (after folding).
pub const STOPWORDS: &[&str] = &[
    "aber",
    "alle",
    "auch",
    "beim",
    "bieten",
    "bietet",
    "biete",
    "dass",
    "diese",
    "dieser",
    "eine",
    "einem",
    "einen",
    "einer",
    "eines",
    "fuer",
    "gemeinsam",
    "gemeinsame",
    "gemeinsamen",
    "gibt",
    "haben",
    "hier",
    "kommune",
    "kommunen",
    "know",
    "loesung",
    "loesungen",
    "mehr",
    "nach",
    "oder",
    "partner",
    "partnerin",
    "partnerkommune",
    "partnerkommunen",
    "sich",
    "sind",
    "suche",
    "suchen",
    "sucht",
    "ueber",
    "unser",
    "unsere",
    "unseren",
    "unserer",
    "werden",
    "wird",
    "wollen",
    "zur",
    "zum",
];

/// The keywords of a text, each once, in order.
pub fn keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let mut folded = String::new();
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                'ä' => folded.push_str("ae"),
                'ö' => folded.push_str("oe"),
                'ü' => folded.push_str("ue"),
                'ß' => folded.push_str("ss"),
                c => folded.push(c),
            }
        }
        if folded.chars().count() >= MIN_KEYWORD
            && !STOPWORDS.contains(&folded.as_str())
            && !out.contains(&folded)
        {
            out.push(folded);
        }
    }
    out
}

fn shared(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.chars().count() >= MIN_PREFIX && long.starts_with(short))
}

/// A "möglicher Partner": a Suche and a Biete card that match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    pub suche: String,
    pub biete: String,
    /// The Kommune badges.
    pub suche_kommune: String,
    pub biete_kommune: String,
    /// The Suche card's keywords that the Biete card shares.
    pub shared: Vec<String>,
}

/// Every matching pair, Suche cards in board order, for each the Biete
/// cards in board order.
pub fn matches(board: &BoardState) -> Vec<Match> {
    let biete: Vec<_> = board
        .cards(BIETE)
        .iter()
        .map(|c| (c, keywords(&c.text)))
        .collect();
    let mut out = Vec::new();
    for s in board.cards(SUCHE) {
        let sk = keywords(&s.text);
        let s_kommune = s.author.kommune.trim();
        for (b, bk) in &biete {
            let b_kommune = b.author.kommune.trim();
            if s_kommune.is_empty()
                || b_kommune.is_empty()
                || s_kommune.to_lowercase() == b_kommune.to_lowercase()
            {
                continue;
            }
            let common: Vec<String> = sk
                .iter()
                .filter(|k| bk.iter().any(|o| shared(k, o)))
                .cloned()
                .collect();
            if !common.is_empty() {
                out.push(Match {
                    suche: s.id.clone(),
                    biete: b.id.clone(),
                    suche_kommune: s_kommune.to_owned(),
                    biete_kommune: b_kommune.to_owned(),
                    shared: common,
                });
            }
        }
    }
    out
}

/// A session in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedSession {
    pub card_id: String,
    pub title: String,
    pub slot: String,
    pub room: String,
    /// All dots given to it (the interest).
    pub dots: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionPlan {
    /// The time slots in use, sorted ("09:30" before "10:00").
    pub slots: Vec<String>,
    /// The rooms in use, sorted.
    pub rooms: Vec<String>,
    /// The placed sessions, by slot, then room, then board order.
    pub sessions: Vec<PlannedSession>,
    /// (slot, room) cells with more than one session.
    pub clashes: Vec<(String, String)>,
    /// Proposals without a slot or a room yet, most dots first.
    pub unplanned: Vec<PlannedSession>,
}

/// The Sessionplan from the proposals' slot and room fields.
pub fn session_plan(board: &BoardState, template: &Template) -> SessionPlan {
    let mut sessions = Vec::new();
    let mut unplanned = Vec::new();
    for card in template
        .sections
        .iter()
        .filter(|s| s.has_field(SLOT_FIELD) && s.has_field(ROOM_FIELD))
        .flat_map(|s| board.cards(s.id))
    {
        let session = PlannedSession {
            card_id: card.id.clone(),
            title: card.text.clone(),
            slot: card
                .field_text(TextField::Field(SLOT_FIELD))
                .trim()
                .to_owned(),
            room: card
                .field_text(TextField::Field(ROOM_FIELD))
                .trim()
                .to_owned(),
            dots: board.dots_on_card(&card.id),
        };
        if session.slot.is_empty() || session.room.is_empty() {
            unplanned.push(session);
        } else {
            sessions.push(session);
        }
    }
    sessions.sort_by(|a, b| (&a.slot, &a.room).cmp(&(&b.slot, &b.room)));
    unplanned.sort_by_key(|s| std::cmp::Reverse(s.dots));
    let mut slots: Vec<String> = sessions.iter().map(|s| s.slot.clone()).collect();
    let mut rooms: Vec<String> = sessions.iter().map(|s| s.room.clone()).collect();
    slots.sort();
    slots.dedup();
    rooms.sort();
    rooms.dedup();
    let mut clashes = Vec::new();
    for pair in sessions.windows(2) {
        let cell = (pair[0].slot.clone(), pair[0].room.clone());
        if (&pair[1].slot, &pair[1].room) == (&cell.0, &cell.1) && !clashes.contains(&cell) {
            clashes.push(cell);
        }
    }
    SessionPlan {
        slots,
        rooms,
        sessions,
        clashes,
        unplanned,
    }
}
