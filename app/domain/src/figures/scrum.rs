//! The Scrum-Board's figures (methods.md 8): the sum of effort points per
//! column, and the Relevanzcheck's aggregate.
//!
//! A story's effort is its field "Aufwand" read as a whole number; only
//! the points of [`EFFORT_POINTS`] (1, 2, 3, 5, 8, 13) count, anything
//! else (empty, "4", "groß") counts the story as not estimated.

use crate::board::{BoardState, TextField};
use crate::evaluation::aggregate::{aggregate, CriterionAggregate};
use crate::evaluation::by_kommune::{by_kommune, KommuneAggregate};
use crate::rating::values;
use crate::templates::rest::{EFFORT_POINTS, RELEVANZ, SCRUM_COLUMNS};
use crate::templates::Template;
use serde::Serialize;

/// The named field with a story's effort.
pub const EFFORT_FIELD: &str = "aufwand";

/// A story's effort points, if its "Aufwand" is one of [`EFFORT_POINTS`].
pub fn effort(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|p| EFFORT_POINTS.contains(p))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnEffort {
    pub section: &'static str,
    pub label: &'static str,
    /// Stories in the column.
    pub stories: usize,
    /// The sum of their effort points.
    pub points: u32,
    /// Stories without a valid effort (not in the sum).
    pub unestimated: usize,
}

/// The effort per column, in the order of [`SCRUM_COLUMNS`].
pub fn effort_sums(board: &BoardState, template: &Template) -> Vec<ColumnEffort> {
    SCRUM_COLUMNS
        .iter()
        .filter_map(|id| template.section(id))
        .map(|section| {
            let cards = board.cards(section.id);
            let efforts: Vec<Option<u32>> = cards
                .iter()
                .map(|c| effort(c.field_text(TextField::Field(EFFORT_FIELD))))
                .collect();
            ColumnEffort {
                section: section.id,
                label: section.label,
                stories: cards.len(),
                points: efforts.iter().flatten().sum(),
                unestimated: efforts.iter().filter(|e| e.is_none()).count(),
            }
        })
        .collect()
}

/// The Relevanzcheck: per card rated on [`RELEVANZ`] its aggregate, and
/// per Kommune where 3 of its people rated (E6).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Relevance {
    pub card_id: String,
    pub label: String,
    pub aggregate: CriterionAggregate,
    pub by_kommune: Vec<KommuneAggregate>,
}

pub fn relevance(board: &BoardState, template: &Template) -> Vec<Relevance> {
    template
        .sections
        .iter()
        .filter(|s| s.criteria.iter().any(|c| c.key == RELEVANZ.key))
        .flat_map(|s| board.cards(s.id))
        .map(|card| {
            let given = values(board, &[RELEVANZ], &card.id);
            Relevance {
                card_id: card.id.clone(),
                label: template.card_label(card).to_owned(),
                aggregate: aggregate(given.first().map_or(&[][..], Vec::as_slice)),
                by_kommune: by_kommune(board, &[RELEVANZ], &card.id),
            }
        })
        .collect()
}
