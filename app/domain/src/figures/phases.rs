//! The Phasen-Check's figures: progress per phase (erledigt ÷ (items −
//! entfällt)) as a traffic light, the overdue items on a given day, and
//! the seed's own rule as a hint: a phase should be at least half done
//! before the next one starts ("Anbahnung erst zu 40 % erledigt").

use crate::board::{BoardState, Status, TextField};
use crate::evaluation::rounding::percent_text;
use crate::privacy::day_number;
use crate::templates::{Template, WER};
use serde::Serialize;

/// A phase below this share done gets the hint once the next one starts
/// (and is red).
pub const HINT_BELOW: f64 = 0.5;

/// The hint's German words; `{phase}` is the phase's label, `{percent}`
/// the share done ("40 %").
pub const HINT_DE: &str = "{phase} erst zu {percent} erledigt";

/// The hint in the words of `pattern` (see [`HINT_DE`]).
pub fn hint_text(pattern: &str, phase: &str, share: f64) -> String {
    pattern
        .replace("{phase}", phase)
        .replace("{percent}", &percent_text(Some(share)))
}

/// The progress of a phase as a traffic light: green when everything that
/// applies is done, yellow from half, red below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Rot,
    Gelb,
    Gruen,
}

impl Light {
    pub const ALL: [Light; 3] = [Light::Rot, Light::Gelb, Light::Gruen];

    pub fn key(self) -> &'static str {
        match self {
            Light::Rot => "rot",
            Light::Gelb => "gelb",
            Light::Gruen => "gruen",
        }
    }

    pub fn of(share: f64) -> Light {
        if share >= 1.0 {
            Light::Gruen
        } else if share >= HINT_BELOW {
            Light::Gelb
        } else {
            Light::Rot
        }
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Light::Rot => "rot",
            Light::Gelb => "gelb",
            Light::Gruen => "grün",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseProgress {
    pub section: &'static str,
    pub label: &'static str,
    /// Items (fixed and the group's own), done, not applying.
    pub items: usize,
    pub done: usize,
    pub not_applying: usize,
    /// done ÷ (items − not applying); `None` when nothing applies.
    pub share: Option<f64>,
    pub light: Option<Light>,
    /// The group marked this phase as its current one.
    pub current: bool,
    /// Some item is begonnen or erledigt.
    pub started: bool,
}

/// An item past its "Bis wann" that is neither done nor dropped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverdueItem {
    pub card_id: String,
    pub section: &'static str,
    pub label: String,
    /// YYYY-MM-DD
    pub due: String,
    pub status: Status,
}

/// "Anbahnung erst zu 40 % erledigt": `phase` is below half done while
/// the next phase has started.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseHint {
    pub section: &'static str,
    pub share: f64,
    /// The German wording.
    pub text: String,
}

/// One row of a phase's table (the Antrag's Zeit- und Arbeitsplan).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskRow {
    /// 1, 2, …: the row's place in its phase.
    pub number: usize,
    pub card_id: String,
    /// The fixed item's label or the group's own item's text.
    pub label: String,
    pub status: Status,
    pub wer: String,
    /// YYYY-MM-DD
    pub due: Option<String>,
    /// A fixed item's note (its text); empty for the group's own items.
    pub note: String,
}

/// A phase's table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseTable {
    pub section: &'static str,
    pub label: &'static str,
    pub rows: Vec<TaskRow>,
}

/// One table per task section, rows in board order.
pub fn phase_tables(board: &BoardState, template: &Template) -> Vec<PhaseTable> {
    let wer = TextField::Field(WER.key);
    template
        .sections
        .iter()
        .filter(|s| s.tasks)
        .map(|section| PhaseTable {
            section: section.id,
            label: section.label,
            rows: board
                .cards(section.id)
                .iter()
                .enumerate()
                .map(|(i, card)| TaskRow {
                    number: i + 1,
                    card_id: card.id.clone(),
                    label: template.card_label(card).to_owned(),
                    status: card.status,
                    wer: card.field_text(wer).to_owned(),
                    due: card.due.clone(),
                    note: if card.item.is_some() {
                        card.text.clone()
                    } else {
                        String::new()
                    },
                })
                .collect(),
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseCheck {
    pub phases: Vec<PhaseProgress>,
    /// Earliest "Bis wann" first, then in phase order.
    pub overdue: Vec<OverdueItem>,
    pub hints: Vec<PhaseHint>,
}

/// The figures of a board whose task sections are the phases, in order;
/// `today` as YYYY-MM-DD (an unreadable date makes nothing overdue).
pub fn phase_check(board: &BoardState, template: &Template, today: &str) -> PhaseCheck {
    let today = day_number(today);
    let mut phases = Vec::new();
    let mut overdue = Vec::new();
    for section in template.sections.iter().filter(|s| s.tasks) {
        let cards = board.cards(section.id);
        let count = |status: Status| cards.iter().filter(|c| c.status == status).count();
        let (done, not_applying) = (count(Status::Erledigt), count(Status::Entfaellt));
        let applying = cards.len() - not_applying;
        let share = (applying > 0).then(|| done as f64 / applying as f64);
        phases.push(PhaseProgress {
            section: section.id,
            label: section.label,
            items: cards.len(),
            done,
            not_applying,
            share,
            light: share.map(Light::of),
            current: board.current.as_deref() == Some(section.id),
            started: cards
                .iter()
                .any(|c| matches!(c.status, Status::Begonnen | Status::Erledigt)),
        });
        for card in cards {
            let open = matches!(card.status, Status::Offen | Status::Begonnen);
            let Some(due) = card.due.as_deref() else {
                continue;
            };
            let past = day_number(due).zip(today).is_some_and(|(d, t)| d < t);
            if open && past {
                overdue.push(OverdueItem {
                    card_id: card.id.clone(),
                    section: section.id,
                    label: template.card_label(card).to_owned(),
                    due: due.to_owned(),
                    status: card.status,
                });
            }
        }
    }
    // Stable: items due the same day stay in phase order.
    overdue.sort_by(|a, b| a.due.cmp(&b.due));
    let hints = phases
        .windows(2)
        .filter_map(|pair| {
            let (before, next) = (&pair[0], &pair[1]);
            let share = before.share.filter(|s| *s < HINT_BELOW)?;
            next.started.then(|| PhaseHint {
                section: before.section,
                share,
                text: hint_text(HINT_DE, before.label, share),
            })
        })
        .collect();
    PhaseCheck {
        phases,
        overdue,
        hints,
    }
}
