//! The Kostenaufteilung board read into the calculator's input
//! (antrag.md §2): the ONE place of that rule. The screen, the workbook
//! route and the Antrag's chapter 6 call [`input`] (or [`result`], which
//! calculates too); none of them reads the board's fields itself.
//!
//! How a field's text reads as a number (German writing):
//! - `.` groups thousands, `,` is the decimal sign: "12.345" is 12345,
//!   "1.234,50" is 1234.5, "1,5" is 1.5. A `.` must be followed by exactly
//!   three digits ("1.5" is refused as ambiguous, not read as 15 or 1.5).
//! - Spaces (also non-breaking and thin ones) are ignored; a unit at the
//!   end ("€", "EUR", "Euro", "€/Jahr", "%") is ignored; a sign `-`, `−`
//!   or `+` in front is read (the calculator refuses negative values with
//!   its own message).
//! - Percent fields (Förderquote, Sockelanteil, Anteil von Hand) are in
//!   percent points, with or without "%": "45", "45 %" and "45,0" are all
//!   45 % (0.45); "0,45" is 0,45 %, not 45 %.
//! - Required and empty: a typed error naming the Kommune (or "Gemeinsam")
//!   and the field. Every Kommune field is required except "Anteil von
//!   Hand" (only the key "von Hand" needs it; the calculator says which is
//!   missing). An empty Förderquote is 0 % (no grant; the Förderhöchstbetrag
//!   is then not needed); Sockelanteil and Basis are needed only by the key
//!   "Sockel + variabel".
//! - Choice fields (Schlüssel, Basis) take their words, compared without
//!   case and surrounding space.
//!
//! Nothing here panics on any text.

use crate::board::{BoardState, Card, TextField};
use crate::evaluation::rounding::{decimal, percent_text};
use crate::templates::kosten::{
    ANTEIL_HAND, BASES, EINMALKOSTEN, EINWOHNER, FALLZAHLEN, FOERDERHOECHSTBETRAG, FOERDERQUOTE,
    GEMEINSAM, GEMEINSAM_ITEM, IT_KOSTEN, KEYS, KOMMUNEN, KOSTEN, LAUFENDE_KOSTEN,
    PERSONALKOSTENSATZ, RESTKOSTEN, SACHKOSTEN, SCHLUESSEL, SOCKELANTEIL, SOCKEL_BASIS, VZAE,
};
use crate::templates::{fixed_card_id, FieldDef};
pub use ikz_antrag::cost::{
    calculate, Basis, CostError, CostInput, CostResult, JointInput, KommuneInput, KommuneResult,
    Outputs, Payback, SplitKey,
};
use thiserror::Error;

/// At most this many characters of a refused text are quoted back.
const QUOTE_CHARS: usize = 30;

/// Why a board does not read as the calculator's input (German messages
/// for the group and the Kämmerei).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KostenError {
    #[error("Die {position}. Kommune hat keinen Namen: Bitte den Namen der Kommune auf die Karte schreiben.")]
    Unnamed { position: usize },
    #[error("Bei {kommune} fehlt „{field}“.")]
    Missing {
        kommune: String,
        field: &'static str,
    },
    #[error(
        "Bei {kommune} ist „{field}“ keine Zahl: „{text}“ (so schreiben: 12.345 oder 1.234,50)."
    )]
    NotANumber {
        kommune: String,
        field: &'static str,
        text: String,
    },
    #[error("Bei „Gemeinsam“ fehlt „{field}“.")]
    MissingJoint { field: &'static str },
    #[error(
        "Bei „Gemeinsam“ ist „{field}“ keine Zahl: „{text}“ (so schreiben: 12.345 oder 1.234,50)."
    )]
    JointNotANumber { field: &'static str, text: String },
    #[error("„{field}“ ist „{text}“; möglich sind: {words}.")]
    UnknownChoice {
        field: &'static str,
        text: String,
        words: String,
    },
    /// The calculator refuses the figures (its German message).
    #[error("{0}")]
    Cost(#[from] CostError),
}

/// A text that does not read as a number (see the module's rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("keine Zahl")]
pub struct NotANumber;

/// `text` as a number the German way (see the module's rules); `Ok(None)`
/// when empty, [`NotANumber`] when it does not read.
pub fn parse_number(text: &str) -> Result<Option<f64>, NotANumber> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    // Far longer than any amount: not a number (and nothing to scan).
    if trimmed.chars().count() > 40 {
        return Err(NotANumber);
    }
    let mut body: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .collect();
    for unit in ["€/Jahr", "€", "EUR", "Euro", "%"] {
        let cut = body.len().saturating_sub(unit.len());
        if body
            .get(cut..)
            .is_some_and(|end| end.eq_ignore_ascii_case(unit))
        {
            body.truncate(cut);
            break;
        }
    }
    let (negative, digits) = if let Some(rest) = body.strip_prefix(['-', '−']) {
        (true, rest)
    } else if let Some(rest) = body.strip_prefix('+') {
        (false, rest)
    } else {
        (false, body.as_str())
    };
    let (int, frac) = match digits.split_once(',') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(frac) = frac {
        if !all_digits(frac) {
            return Err(NotANumber);
        }
    }
    let mut groups = int.split('.');
    let first = groups.next().unwrap_or("");
    if !all_digits(first) {
        return Err(NotANumber);
    }
    let mut plain = first.to_owned();
    let mut grouped = false;
    for group in groups {
        if group.len() != 3 || !all_digits(group) || first.len() > 3 {
            return Err(NotANumber);
        }
        grouped = true;
        plain.push_str(group);
    }
    if grouped && first.starts_with('0') {
        return Err(NotANumber);
    }
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    let value: f64 = plain.parse().map_err(|_| NotANumber)?;
    if !value.is_finite() {
        return Err(NotANumber);
    }
    Ok(Some(if negative { -value } else { value }))
}

/// A refused text as quoted back: at most [`QUOTE_CHARS`] characters.
fn quote(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > QUOTE_CHARS {
        let cut: String = text.chars().take(QUOTE_CHARS).collect();
        format!("{cut}…")
    } else {
        text.to_owned()
    }
}

fn text_of<'a>(card: Option<&'a Card>, field: &FieldDef) -> &'a str {
    card.map_or("", |c| c.field_text(TextField::Field(field.key)))
}

/// A Kommune's figure: required unless `optional`.
fn kommune_number(
    card: &Card,
    name: &str,
    field: &FieldDef,
    optional: bool,
) -> Result<Option<f64>, KostenError> {
    let text = text_of(Some(card), field);
    match parse_number(text) {
        Ok(Some(v)) => Ok(Some(v)),
        Ok(None) if optional => Ok(None),
        Ok(None) => Err(KostenError::Missing {
            kommune: name.to_owned(),
            field: field.label,
        }),
        Err(NotANumber) => Err(KostenError::NotANumber {
            kommune: name.to_owned(),
            field: field.label,
            text: quote(text),
        }),
    }
}

fn joint_number(card: Option<&Card>, field: &FieldDef) -> Result<Option<f64>, KostenError> {
    let text = text_of(card, field);
    parse_number(text).map_err(|NotANumber| KostenError::JointNotANumber {
        field: field.label,
        text: quote(text),
    })
}

fn required(value: Option<f64>, field: &FieldDef) -> Result<f64, KostenError> {
    value.ok_or(KostenError::MissingJoint { field: field.label })
}

/// The index of the word `text` is among `words` (without case and
/// surrounding space); `None` when empty.
fn choice(
    card: Option<&Card>,
    field: &FieldDef,
    words: &[&str],
) -> Result<Option<usize>, KostenError> {
    let text = text_of(card, field).trim();
    if text.is_empty() {
        return Ok(None);
    }
    words
        .iter()
        .position(|w| w.to_lowercase() == text.to_lowercase())
        .map(Some)
        .ok_or_else(|| KostenError::UnknownChoice {
            field: field.label,
            text: quote(text),
            words: words.join(", "),
        })
}

fn kommune(card: &Card, position: usize) -> Result<KommuneInput, KostenError> {
    let name = card.text.trim();
    if name.is_empty() {
        return Err(KostenError::Unnamed { position });
    }
    let need = |field| kommune_number(card, name, field, false).map(|v| v.unwrap_or_default());
    Ok(KommuneInput {
        name: name.to_owned(),
        einwohner: need(&EINWOHNER)?,
        fallzahlen: need(&FALLZAHLEN)?,
        vzae: need(&VZAE)?,
        personalkostensatz: need(&PERSONALKOSTENSATZ)?,
        sachkosten: need(&SACHKOSTEN)?,
        it_kosten: need(&IT_KOSTEN)?,
        restkosten: need(&RESTKOSTEN)?,
        anteil_von_hand: kommune_number(card, name, &ANTEIL_HAND, true)?.map(|p| p / 100.0),
    })
}

/// The calculator's input from the Kostenaufteilung board `board` (see the
/// module's rules). Validation of the figures themselves (ranges, sums) is
/// the calculator's ([`calculate`]).
pub fn input(board: &BoardState) -> Result<CostInput, KostenError> {
    let kommunen = board
        .cards(KOMMUNEN)
        .iter()
        .enumerate()
        .map(|(i, card)| kommune(card, i + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let id = fixed_card_id(KOSTEN.key, GEMEINSAM_ITEM.id);
    let joint = board.cards(GEMEINSAM).iter().find(|c| c.id == id);
    let einmalkosten = required(joint_number(joint, &EINMALKOSTEN)?, &EINMALKOSTEN)?;
    let laufende_kosten = required(joint_number(joint, &LAUFENDE_KOSTEN)?, &LAUFENDE_KOSTEN)?;
    let foerderquote = joint_number(joint, &FOERDERQUOTE)?.map_or(0.0, |p| p / 100.0);
    let foerderhoechstbetrag = match joint_number(joint, &FOERDERHOECHSTBETRAG)? {
        Some(cap) => cap,
        // No grant: no cap needed.
        None if foerderquote == 0.0 => 0.0,
        None => {
            return Err(KostenError::MissingJoint {
                field: FOERDERHOECHSTBETRAG.label,
            })
        }
    };
    let schluessel = match choice(joint, &SCHLUESSEL, &KEYS)? {
        None => {
            return Err(KostenError::MissingJoint {
                field: SCHLUESSEL.label,
            })
        }
        Some(0) => SplitKey::Gleich,
        Some(1) => SplitKey::Einwohner,
        Some(2) => SplitKey::Fallzahlen,
        Some(3) => {
            let sockelanteil = required(joint_number(joint, &SOCKELANTEIL)?, &SOCKELANTEIL)?;
            let basis = match choice(joint, &SOCKEL_BASIS, &BASES)? {
                Some(0) => Basis::Einwohner,
                Some(_) => Basis::Fallzahlen,
                None => {
                    return Err(KostenError::MissingJoint {
                        field: SOCKEL_BASIS.label,
                    })
                }
            };
            SplitKey::Sockel {
                sockelanteil: sockelanteil / 100.0,
                basis,
            }
        }
        Some(_) => SplitKey::VonHand,
    };
    Ok(CostInput {
        kommunen,
        gemeinsam: JointInput {
            einmalkosten,
            laufende_kosten,
            foerderquote,
            foerderhoechstbetrag,
        },
        schluessel,
    })
}

/// The board's input, calculated (the screen's and the documents' figure).
pub fn result(board: &BoardState) -> Result<CostResult, KostenError> {
    Ok(calculate(&input(board)?)?)
}

/// A Kommune's result as shown (screen, documents): German numbers,
/// rounded with the one rounding rule; euros without decimals.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    /// "40 %".
    pub anteil: String,
    /// Share of L per year, "36000 €".
    pub anteil_laufend: String,
    /// Share of I − G, "80000 €".
    pub anteil_einmalig: String,
    /// Saving per year, "-4000 €" when it costs more.
    pub einsparung: String,
    /// "3,2 Jahre" or "keine Amortisation".
    pub amortisation: String,
    /// Saving per year with every Fallzahl × 0,8.
    pub einsparung_minus: String,
    /// Saving per year with every Fallzahl × 1,2.
    pub einsparung_plus: String,
}

/// The German column heads of [`Row`] (documents; the screen has them in
/// its locale files).
pub const COLUMNS_DE: [&str; 8] = [
    "Kommune",
    "Anteil",
    "Anteil an L je Jahr",
    "Anteil an I − G",
    "Einsparung je Jahr",
    "Amortisation",
    "Einsparung bei Fallzahlen −20 %",
    "Einsparung bei Fallzahlen +20 %",
];

/// Euros as shown: rounded to whole euros.
pub fn euro_text(value: f64) -> String {
    format!("{} €", decimal(value, 0))
}

/// Years until the share of I − G is saved, or "keine Amortisation".
pub fn payback_text(payback: Payback) -> String {
    match payback {
        Payback::Jahre(years) => format!("{} Jahre", decimal(years, 1)),
        Payback::Keine => "keine Amortisation".to_owned(),
    }
}

/// The rows of `result`, one per Kommune in board order.
impl Row {
    /// The row's texts in the order of [`COLUMNS_DE`].
    pub fn cells(self) -> Vec<String> {
        vec![
            self.name,
            self.anteil,
            self.anteil_laufend,
            self.anteil_einmalig,
            self.einsparung,
            self.amortisation,
            self.einsparung_minus,
            self.einsparung_plus,
        ]
    }
}

pub fn rows(result: &CostResult) -> Vec<Row> {
    result
        .kommunen
        .iter()
        .map(|k| Row {
            name: k.name.clone(),
            anteil: percent_text(Some(k.basis.anteil)),
            anteil_laufend: euro_text(k.basis.anteil_laufend),
            anteil_einmalig: euro_text(k.basis.anteil_einmalig),
            einsparung: euro_text(k.basis.einsparung),
            amortisation: payback_text(k.basis.amortisation),
            einsparung_minus: euro_text(k.fallzahlen_minus.einsparung),
            einsparung_plus: euro_text(k.fallzahlen_plus.einsparung),
        })
        .collect()
}

#[cfg(test)]
mod tests;
