//! The figures of Veränderung & Widerstände (methods.md 5): the heat map
//! of Veränderungsbereitschaft per level, the force-field balance and the
//! list "Unterstützungsbedarfe".
//!
//! - Heat map: per level (a card of the section rated on
//!   [`BEREITSCHAFT`]) the aggregate of [`crate::evaluation::aggregate()`]
//!   (mean, median, n, "weiß nicht", Konsens/Dissens, the same as every
//!   rated section), how many gave each score 1-5 (the cells of the heat
//!   map) and the same per Kommune where 3 of its people rated (E6).
//! - Force field: a force's strength is the mean of its [`STAERKE`]
//!   ratings; a side's sum is the sum of the strengths of its rated
//!   forces; the balance is driving sum − restraining sum (positive: the
//!   driving forces outweigh). Unrated forces count on neither side and
//!   are counted apart.

use crate::board::{BoardState, TextField};
use crate::evaluation::aggregate::{aggregate, CriterionAggregate};
use crate::evaluation::by_kommune::{by_kommune, KommuneAggregate};
use crate::evaluation::criteria::{CriterionDef, RatingValue};
use crate::rating::values;
use crate::templates::rest::{BEREITSCHAFT, STAERKE};
use crate::templates::Template;
use serde::Serialize;

/// The driving side of the force field.
pub const DRIVING: &str = "treibend";
/// The restraining side.
pub const RESTRAINING: &str = "hemmend";
/// The named field whose texts make the list "Unterstützungsbedarfe".
pub const SUPPORT_FIELD: &str = "unterstuetzungsbedarf";

/// A row of the heat map.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelHeat {
    pub card_id: String,
    /// The level's label.
    pub label: String,
    pub aggregate: CriterionAggregate,
    /// How many gave 1, 2, 3, 4, 5 (the heat map's cells).
    pub counts: [u32; 5],
    pub by_kommune: Vec<KommuneAggregate>,
}

/// The visible answers on `criterion` of a card.
fn answers(board: &BoardState, criterion: CriterionDef, card_id: &str) -> Vec<RatingValue> {
    values(board, &[criterion], card_id)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The heat map: every card of every section rated on
/// [`BEREITSCHAFT`], in board order.
pub fn heat_map(board: &BoardState, template: &Template) -> Vec<LevelHeat> {
    let mut rows = Vec::new();
    for section in template
        .sections
        .iter()
        .filter(|s| s.criteria.iter().any(|c| c.key == BEREITSCHAFT.key))
    {
        for card in board.cards(section.id) {
            let given = answers(board, BEREITSCHAFT, &card.id);
            let mut counts = [0u32; 5];
            for v in &given {
                if let RatingValue::Score(s @ 1..=5) = v {
                    counts[usize::from(*s - 1)] += 1;
                }
            }
            rows.push(LevelHeat {
                card_id: card.id.clone(),
                label: template.card_label(card).to_owned(),
                aggregate: aggregate(&given),
                counts,
                by_kommune: by_kommune(board, &[BEREITSCHAFT], &card.id),
            });
        }
    }
    rows
}

/// A force and its strength.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Force {
    pub card_id: String,
    pub text: String,
    /// The mean of its strength ratings; `None` while unrated.
    pub strength: Option<f64>,
    pub aggregate: CriterionAggregate,
}

/// One side of the force field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub forces: Vec<Force>,
    /// The sum of the strengths of its rated forces.
    pub sum: f64,
    /// Forces nobody rated yet (not in the sum).
    pub unrated: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForceField {
    pub driving: Side,
    pub restraining: Side,
    /// driving.sum − restraining.sum.
    pub balance: f64,
}

fn side(board: &BoardState, section: &str) -> Side {
    let forces: Vec<Force> = board
        .cards(section)
        .iter()
        .map(|card| {
            let aggregate = aggregate(&answers(board, STAERKE, &card.id));
            Force {
                card_id: card.id.clone(),
                text: card.text.clone(),
                strength: aggregate.mean,
                aggregate,
            }
        })
        .collect();
    Side {
        sum: forces.iter().filter_map(|f| f.strength).sum(),
        unrated: forces.iter().filter(|f| f.strength.is_none()).count(),
        forces,
    }
}

/// The force-field balance of a Veränderung board.
pub fn force_field(board: &BoardState) -> ForceField {
    let driving = side(board, DRIVING);
    let restraining = side(board, RESTRAINING);
    ForceField {
        balance: driving.sum - restraining.sum,
        driving,
        restraining,
    }
}

/// The list "Unterstützungsbedarfe": per level with one, its label and
/// the text of its field [`SUPPORT_FIELD`], in board order.
pub fn support_needs(board: &BoardState, template: &Template) -> Vec<(String, String)> {
    let field = TextField::Field(SUPPORT_FIELD);
    template
        .sections
        .iter()
        .filter(|s| s.has_field(SUPPORT_FIELD))
        .flat_map(|s| board.cards(s.id))
        .filter_map(|card| {
            let text = card.field_text(field).trim();
            (!text.is_empty()).then(|| (template.card_label(card).to_owned(), text.to_owned()))
        })
        .collect()
}
