//! The Prozess-Teilschritte's figures: the "Erleben" curve (per step, in
//! order, the aggregate of its rating) and the top pain points by dots.

use crate::board::{BoardState, TextField};
use crate::evaluation::aggregate::{aggregate, CriterionAggregate};
use crate::evaluation::criteria::CriterionDef;
use crate::evaluation::ranking::rank;
use crate::rating::values;
use crate::templates::Template;
use serde::Serialize;

/// How many pain points the dots pick.
pub const TOP_PAIN_POINTS: usize = 3;

/// The key of a step's pain points (E1 field of the process template).
pub const PAIN_POINTS_FIELD: &str = "schmerzpunkte";

/// One step of the curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    pub card_id: String,
    /// 1, 2, …: the step's place.
    pub step: usize,
    pub title: String,
    /// The step's rating on the curve's criterion (`mean` is the curve's
    /// height; `None`: a gap in the curve).
    pub aggregate: CriterionAggregate,
}

/// The curve of `criterion` across the steps: the cards of the ordered,
/// rated sections, in order.
pub fn curve(board: &BoardState, template: &Template, criterion: &CriterionDef) -> Vec<CurvePoint> {
    template
        .sections
        .iter()
        .filter(|s| s.ordered && s.is_rated())
        .flat_map(|s| {
            board
                .cards(s.id)
                .iter()
                .map(move |c| (s.criteria_in(template), c))
        })
        .enumerate()
        .map(|(i, (criteria, card))| {
            let at = crate::evaluation::criteria::position(criteria, criterion.key);
            let all = values(board, criteria, &card.id);
            let mine = at.and_then(|i| all.get(i)).map_or(&[][..], Vec::as_slice);
            CurvePoint {
                card_id: card.id.clone(),
                step: i + 1,
                title: card.text.clone(),
                aggregate: aggregate(mine),
            }
        })
        .collect()
}

/// One row of the steps table: the step, its fields in the template's
/// order (label, text) and its "Erleben".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRow {
    pub point: CurvePoint,
    pub fields: Vec<(&'static str, String)>,
}

/// The steps table of the export: the curve's points with each step's
/// named fields.
pub fn step_rows(
    board: &BoardState,
    template: &Template,
    criterion: &CriterionDef,
) -> Vec<StepRow> {
    let steps: Vec<_> = template
        .sections
        .iter()
        .filter(|s| s.ordered && s.is_rated())
        .flat_map(|s| board.cards(s.id).iter().map(move |c| (s, c)))
        .collect();
    curve(board, template, criterion)
        .into_iter()
        .zip(steps)
        .map(|(point, (section, card))| StepRow {
            point,
            fields: section
                .text_fields()
                .map(|f| (f.label, card.field_text(TextField::Field(f.key)).to_owned()))
                .collect(),
        })
        .collect()
}

/// One of the top pain points.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PainPoint {
    /// 1, 2, 3 (ties share a rank, so there can be more than three).
    pub rank: usize,
    pub card_id: String,
    pub step_title: String,
    /// The step's "Schmerzpunkte".
    pub text: String,
    pub dots: u32,
}

/// The steps whose pain points got the most dots, ranked by the one rank
/// rule (ties share a rank), those up to rank [`TOP_PAIN_POINTS`]; steps
/// without a dot are not among them.
pub fn top_pain_points(board: &BoardState, template: &Template) -> Vec<PainPoint> {
    let field = TextField::from_key(PAIN_POINTS_FIELD).unwrap_or(TextField::Card);
    let steps: Vec<PainPoint> = template
        .sections
        .iter()
        .filter(|s| s.ordered && s.has_field(PAIN_POINTS_FIELD))
        .flat_map(|s| board.cards(s.id))
        .map(|card| PainPoint {
            rank: 0,
            card_id: card.id.clone(),
            step_title: card.text.clone(),
            text: card.field_text(field).to_owned(),
            dots: board.dots_on_card(&card.id),
        })
        .collect();
    rank(
        steps,
        |p| (p.dots > 0).then_some(f64::from(p.dots)),
        |p| p.step_title.as_str(),
    )
    .into_iter()
    .filter_map(|r| match r.rank {
        Some(rank) if rank <= TOP_PAIN_POINTS => Some(PainPoint { rank, ..r.item }),
        _ => None,
    })
    .collect()
}
