//! The Erfolgsfaktoren-Check's figures: per item (a card of a rated
//! section) the aggregate of its rating (mean, median, n, Konsens or
//! Dissens, by [`crate::evaluation::aggregate`]); per column the mean of
//! its items' means, drawn as a radar; "Handlungsbedarf": the items with a
//! mean below 3 or Dissens.

use crate::board::BoardState;
use crate::evaluation::aggregate::{aggregate, Consensus, CriterionAggregate};
use crate::evaluation::by_kommune::{by_kommune, KommuneAggregate};
use crate::rating::values;
use crate::templates::Template;
use serde::Serialize;

/// An item whose mean is below this needs action.
pub const NEEDS_ACTION_BELOW: f64 = 3.0;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemFigures {
    pub card_id: String,
    pub section: &'static str,
    /// The fixed item's label (or an own card's text).
    pub label: String,
    /// On its section's (first) criterion.
    pub aggregate: CriterionAggregate,
    /// "Handlungsbedarf": mean below [`NEEDS_ACTION_BELOW`] (the exact
    /// mean, not the rounded one shown) or Dissens.
    pub needs_action: bool,
    /// The same per Kommune, where 3 of its people gave a score (E6).
    pub by_kommune: Vec<KommuneAggregate>,
}

/// A column of the radar.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnFigures {
    pub section: &'static str,
    /// The axis's name (the section's short label).
    pub label: &'static str,
    /// The mean of the means of its rated items; `None` while none is rated.
    pub mean: Option<f64>,
    /// Items with a mean.
    pub rated_items: usize,
    /// Where the column's point lies on the radar: the unit circle, axis 0
    /// straight up, the others clockwise, radius mean ÷ 5 (the centre is 0,
    /// the rim 5); `None` without a mean.
    pub point: Option<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactorCheck {
    /// Every item, column by column, in the template's order.
    pub items: Vec<ItemFigures>,
    /// The radar's axes; a table of them is its text alternative.
    pub columns: Vec<ColumnFigures>,
    /// The card ids of the items that need action, in item order.
    pub needs_action: Vec<String>,
}

/// The figures of a board whose rated sections (not KI ideas) are the
/// columns, each item on its section's first criterion.
pub fn factor_check(board: &BoardState, template: &Template) -> FactorCheck {
    let columns_of: Vec<_> = template
        .sections
        .iter()
        .filter(|s| !s.ideas && s.is_rated())
        .collect();
    let mut items = Vec::new();
    let mut columns = Vec::new();
    let axes = columns_of.len();
    for (axis, section) in columns_of.into_iter().enumerate() {
        let mut means = Vec::new();
        for card in board.cards(section.id) {
            let criteria = &section.criteria[..1];
            let answers = values(board, criteria, &card.id);
            let agg = aggregate(answers.first().map_or(&[][..], Vec::as_slice));
            let needs_action = agg.mean.is_some_and(|m| m < NEEDS_ACTION_BELOW)
                || agg.consensus == Some(Consensus::Dissens);
            means.extend(agg.mean);
            items.push(ItemFigures {
                card_id: card.id.clone(),
                section: section.id,
                label: template.card_label(card).to_owned(),
                aggregate: agg,
                needs_action,
                by_kommune: by_kommune(board, criteria, &card.id),
            });
        }
        let mean = (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64);
        columns.push(ColumnFigures {
            section: section.id,
            label: section.short_label(),
            mean,
            rated_items: means.len(),
            point: mean.map(|m| radar_point(axis, axes, m)),
        });
    }
    let needs_action = items
        .iter()
        .filter(|i| i.needs_action)
        .map(|i| i.card_id.clone())
        .collect();
    FactorCheck {
        items,
        columns,
        needs_action,
    }
}

impl ItemFigures {
    /// The item's mean among `kommune`'s people, where shown (E6: at least
    /// [`crate::evaluation::by_kommune::MIN_RATERS_PER_KOMMUNE`] scores).
    pub fn kommune_mean(&self, kommune: &str) -> Option<f64> {
        self.by_kommune
            .iter()
            .find(|a| a.kommune == kommune)
            .and_then(|a| a.per_criterion.first()?.as_ref()?.mean)
    }
}

/// The Kommunen with a shown mean on at least one item, by name: the
/// columns of the table per Kommune (empty: no such table).
pub fn kommunen_with_figures(check: &FactorCheck) -> Vec<String> {
    let mut kommunen: Vec<String> = check
        .items
        .iter()
        .flat_map(|i| &i.by_kommune)
        .filter(|a| a.per_criterion.iter().any(Option::is_some))
        .map(|a| a.kommune.clone())
        .collect();
    kommunen.sort();
    kommunen.dedup();
    kommunen
}

/// The point of `value` (0..=5) on axis `axis` of `axes`.
fn radar_point(axis: usize, axes: usize, value: f64) -> (f64, f64) {
    let angle = std::f64::consts::TAU * axis as f64 / axes.max(1) as f64;
    let r = (value / 5.0).clamp(0.0, 1.0);
    (r * angle.sin(), -r * angle.cos())
}
