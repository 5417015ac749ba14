//! The Rechtsform-Lotse (antrag.md §3) as the board holds it: the one place
//! that turns the group's answers into the recommendation and into the
//! one-paragraph summary that the screen, the canvas field "Rechts- und
//! Organisationsform" (carry-over) and every document show.
//!
//! The legal content and the walk are `ikz_antrag::rechtsform`'s; this
//! module only knows where the answers are kept (the method's fixed item,
//! [`crate::templates::lotse::ENTSCHEIDUNG`]).

use crate::board::{BoardState, Card};
use crate::kivo::{path_shown, ShownQuestion};
use crate::templates::{fixed_card_id, lotse};
pub use ikz_antrag::rechtsform::{rlp, ComparisonTable, Rechtsform, Recommendation};

/// The card id of the item holding the group's answers (the same on every
/// replica).
pub fn item_card_id() -> String {
    fixed_card_id(lotse::LOTSE.key, lotse::ENTSCHEIDUNG.id)
}

/// The recommendation for a card's answers; `None` while nothing is
/// answered. The data set is checked by `ikz-antrag`'s tests, so the walk
/// cannot fail in practice; if it did, no recommendation rather than a
/// wrong one.
pub fn of_card(card: &Card) -> Option<Recommendation> {
    if card.answers.is_empty() {
        return None;
    }
    rlp().recommend(&card.answers).ok()
}

/// The recommendation of a group's Lotse board (`None`: nothing answered).
pub fn of_board(board: &BoardState) -> Option<Recommendation> {
    let id = item_card_id();
    board.find(&id).and_then(|(_, _, card)| of_card(card))
}

/// The group's own note on the Lotse board (trimmed; empty: none).
pub fn note_of_board(board: &BoardState) -> String {
    let id = item_card_id();
    board
        .find(&id)
        .map(|(_, _, card)| card.text.trim().to_owned())
        .unwrap_or_default()
}

/// The questions the group sees, up to the first open one, with answers.
pub fn questions_shown(card: &Card) -> Vec<ShownQuestion> {
    path_shown(&rlp().pfad, &card.answers)
}

/// The answers given, in the order of the path, as (question, answer word).
pub fn answers_given(card: &Card) -> Vec<(String, &'static str)> {
    questions_shown(card)
        .into_iter()
        .filter_map(|q| q.answer.map(|a| (q.text, answer_word(a))))
        .collect()
}

/// "ja", "nein", "weiß nicht".
pub fn answer_word(answer: crate::kivo::Answer) -> &'static str {
    match answer {
        crate::kivo::Answer::Ja => "ja",
        crate::kivo::Answer::Nein => "nein",
        crate::kivo::Answer::WeissNicht => "weiß nicht",
    }
}

/// The names of forms, joined ("Zweckverband, gemeinsame kommunale Anstalt").
pub fn names(forms: &[Rechtsform]) -> String {
    forms
        .iter()
        .filter_map(|&k| rlp().form(k).map(|f| f.name.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one paragraph of the screen, the canvas and the documents:
/// "Empfehlung: Zweckvereinbarung. Gründe: … Noch offen: … Eigene Gründe: …
/// (Vorprüfung, keine Rechts- oder Steuerberatung; Stand 2026-12-01)".
/// `note`: the group's own reasons (empty: none).
pub fn summary(rec: &Recommendation, note: &str) -> String {
    let mut parts = Vec::new();
    match &rec.name {
        Some(name) => parts.push(format!("Empfehlung: {name}.")),
        None => parts.push(format!(
            "Noch keine Empfehlung; in Betracht kommen: {}.",
            names(&rec.in_betracht)
        )),
    }
    if !rec.gruende.is_empty() {
        parts.push(format!("Gründe: {}", rec.gruende.join(" ")));
    }
    if let Some(offen) = &rec.offen {
        parts.push(offen.clone());
    }
    let note = note.trim();
    if !note.is_empty() {
        let end = if note.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        parts.push(format!("Eigene Gründe: {note}{end}"));
    }
    parts.push(format!("({}; Stand {})", rec.hinweis, rec.stand));
    parts.join(" ")
}

/// [`summary`] of a card: its recommendation and its note; `None` while
/// nothing is answered.
pub fn card_summary(card: &Card) -> Option<String> {
    of_card(card).map(|rec| summary(&rec, &card.text))
}

/// [`summary`] of a group's Lotse board; `None` while nothing is answered.
pub fn board_summary(board: &BoardState) -> Option<String> {
    of_board(board).map(|rec| summary(&rec, &note_of_board(board)))
}
