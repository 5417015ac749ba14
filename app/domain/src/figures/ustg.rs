//! The Umsatzsteuer-Check's figures (methods.md 7): per case (a card of
//! the section with the § 2b questions) the hint, the questions still
//! open for the Kämmerei or the tax adviser, and the Entgelt against the
//! threshold of [`PARAGRAPH_2B`]. Every hint is labelled
//! [`PARAGRAPH_2B`]`.disclaimer` ("Vorprüfung, keine Steuerberatung").
//!
//! The rule, per case (answers as [`Answer`]; a missing answer is none of
//! ja, nein):
//! 1. Frage 1 = nein → [`Hint::Steuerbar`] ("Steuerbarkeit wahrscheinlich – klären");
//! 2. Frage 1 = ja and (Frage 3 = ja or Frage 4 = ja or 5a-5d all ja)
//!    → [`Hint::NichtSteuerbar`] ("Nichtsteuerbarkeit nach § 2b möglich –
//!    bestätigen lassen");
//! 3. Frage 2 = ja → [`Hint::Steuerbar`];
//! 4. otherwise [`Hint::Unklar`].
//!
//! methods.md lists "Frage 2 = ja" with the first rule; checked first, it
//! would override the exceptions of § 2b Abs. 2 and 3, which name exactly
//! the cases where a private provider could compete and yet no major
//! distortion of competition is assumed. So the exceptions come first
//! (docs/wip/NOTES-methods20.md); every other combination gives the hint
//! the spec gives.

use crate::board::{BoardState, Card, TextField};
use crate::templates::rest::QUESTIONS;
use crate::templates::ustg_data::{euro_de, PARAGRAPH_2B};
use crate::templates::{FieldDef, Template};
use serde::Serialize;

/// The answer to a § 2b question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Answer {
    Ja,
    Nein,
    Unklar,
}

impl Answer {
    /// The field's text as an answer: "ja", "nein", "unklar" without case
    /// and surrounding space; anything else (an empty field too) is `None`.
    pub fn parse(text: &str) -> Option<Answer> {
        match text.trim().to_lowercase().as_str() {
            "ja" => Some(Answer::Ja),
            "nein" => Some(Answer::Nein),
            "unklar" => Some(Answer::Unklar),
            _ => None,
        }
    }
}

/// The computed hint of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Hint {
    Steuerbar,
    NichtSteuerbar,
    Unklar,
}

impl Hint {
    pub const ALL: [Hint; 3] = [Hint::Steuerbar, Hint::NichtSteuerbar, Hint::Unklar];

    /// A stable key (English texts, CSS, tests).
    pub fn key(self) -> &'static str {
        match self {
            Hint::Steuerbar => "steuerbar",
            Hint::NichtSteuerbar => "nicht_steuerbar",
            Hint::Unklar => "unklar",
        }
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Hint::Steuerbar => "Steuerbarkeit wahrscheinlich – klären",
            Hint::NichtSteuerbar => "Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen",
            Hint::Unklar => "unklar",
        }
    }
}

/// The hint of the answers to [`QUESTIONS`] (in their order: 1, 2, 3, 4,
/// 5a, 5b, 5c, 5d).
pub fn hint(answers: &[Option<Answer>; 8]) -> Hint {
    let ja = |i: usize| answers[i] == Some(Answer::Ja);
    let q1_nein = answers[0] == Some(Answer::Nein);
    let exception = ja(2) || ja(3) || (4..8).all(ja);
    if q1_nein {
        Hint::Steuerbar
    } else if ja(0) && exception {
        Hint::NichtSteuerbar
    } else if ja(1) {
        Hint::Steuerbar
    } else {
        Hint::Unklar
    }
}

/// A case for the Kämmerei.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseHint {
    pub card_id: String,
    /// The case's text (what it is called).
    pub title: String,
    pub answers: [Option<Answer>; 8],
    pub hint: Hint,
    /// The hint's words.
    pub hint_de: &'static str,
    /// "Vorprüfung, keine Steuerberatung".
    pub disclaimer: &'static str,
    /// The questions not answered ja or nein (unanswered or "unklar"):
    /// the open questions for the Kämmerei or the tax adviser.
    pub open_questions: Vec<&'static FieldDef>,
    /// The Entgelt/Kostenerstattung read as euros per year, where it reads.
    pub entgelt_eur: Option<f64>,
    /// The Entgelt of this one case is above the threshold while Frage 3
    /// says ja: the answer needs a second look.
    pub check_threshold: bool,
}

/// "12.000", "12 000 €", "1.234,50 €", "17500" as euros; `None` if it does
/// not read as an amount. Dots and spaces are thousands separators, the
/// comma the decimal sign.
pub fn parse_euro(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("€/Jahr")
        .trim_end_matches("EUR")
        .trim_end_matches('€')
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    cleaned.parse().ok()
}

fn answers_of(card: &Card) -> [Option<Answer>; 8] {
    let mut out = [None; 8];
    for (slot, q) in out.iter_mut().zip(QUESTIONS) {
        *slot = Answer::parse(card.field_text(TextField::Field(q.key)));
    }
    out
}

/// The cases of a board: every card of every section that asks the § 2b
/// questions, in board order.
pub fn case_hints(board: &BoardState, template: &Template) -> Vec<CaseHint> {
    let threshold = f64::from(PARAGRAPH_2B.threshold_eur);
    template
        .sections
        .iter()
        .filter(|s| s.has_field(QUESTIONS[0].key))
        .flat_map(|s| board.cards(s.id))
        .map(|card| {
            let answers = answers_of(card);
            let hint = hint(&answers);
            let entgelt_eur = parse_euro(card.field_text(TextField::Field("entgelt")));
            CaseHint {
                card_id: card.id.clone(),
                title: card.text.clone(),
                answers,
                hint,
                hint_de: hint.label_de(),
                disclaimer: PARAGRAPH_2B.disclaimer,
                open_questions: QUESTIONS
                    .iter()
                    .zip(answers)
                    .filter(|(_, a)| !matches!(a, Some(Answer::Ja | Answer::Nein)))
                    .map(|(q, _)| q)
                    .collect(),
                entgelt_eur,
                check_threshold: answers[2] == Some(Answer::Ja)
                    && entgelt_eur.is_some_and(|e| e > threshold),
            }
        })
        .collect()
}

/// The source line under the table of cases: "Vorprüfung, keine
/// Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand
/// 01.12.2026."
pub fn source_note() -> String {
    format!(
        "{}. Schwelle {} ({}), Stand {}.",
        PARAGRAPH_2B.disclaimer,
        euro_de(PARAGRAPH_2B.threshold_eur),
        PARAGRAPH_2B.threshold_source,
        crate::session::german_date(PARAGRAPH_2B.stand),
    )
}
