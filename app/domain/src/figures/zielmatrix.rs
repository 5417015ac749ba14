//! The Zielmatrix of the Zielabgleich: every goal (a card of a section
//! with stances) × the Kommunen present, each cell ✓ / ~ / ✗ as the
//! Kommune marked it; per goal the share of Kommunen that agree; the
//! "Allianz der Willigen": the Kommunen with ✓ on every core goal.

use crate::board::{BoardState, Card, Stance};
use crate::templates::Template;
use serde::Serialize;

/// One goal of the matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalRow {
    pub card_id: String,
    pub section: &'static str,
    pub text: String,
    pub core: bool,
    /// One cell per Kommune of [`Zielmatrix::kommunen`], in that order;
    /// `None`: the Kommune has not marked it.
    pub cells: Vec<Option<Stance>>,
    /// Kommunen with ✓, ~ and ✗.
    pub agree: usize,
    pub partly: usize,
    pub disagree: usize,
    /// ✓ ÷ the Kommunen present (an unmarked cell is no agreement);
    /// `None` without Kommunen.
    pub share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Zielmatrix {
    /// The columns: the Kommunen present, in the order given, then any
    /// other Kommune that marked a goal (by name): nothing stored is hidden.
    pub kommunen: Vec<String>,
    pub goals: Vec<GoalRow>,
    /// The Kommunen with ✓ on every core goal, in column order; `None`
    /// while no goal is marked as core.
    pub alliance: Option<Vec<String>>,
}

/// The Zielmatrix of `board`; `present`: the Kommunen of the group's
/// participants.
pub fn zielmatrix(board: &BoardState, template: &Template, present: &[String]) -> Zielmatrix {
    let goals: Vec<(&'static str, &Card)> = template
        .sections
        .iter()
        .filter(|s| s.stances)
        .flat_map(|s| board.cards(s.id).iter().map(move |c| (s.id, c)))
        .collect();
    let mut kommunen: Vec<String> = Vec::new();
    for k in present {
        if !k.is_empty() && !kommunen.contains(k) {
            kommunen.push(k.clone());
        }
    }
    let mut others: Vec<&String> = goals
        .iter()
        .flat_map(|(_, c)| c.stances.keys())
        .filter(|k| !kommunen.contains(k))
        .collect();
    others.sort();
    others.dedup();
    kommunen.extend(others.into_iter().cloned());

    let rows: Vec<GoalRow> = goals
        .iter()
        .map(|(section, card)| {
            let cells: Vec<Option<Stance>> = kommunen
                .iter()
                .map(|k| card.stances.get(k).copied())
                .collect();
            let count = |s: Stance| cells.iter().filter(|c| **c == Some(s)).count();
            let agree = count(Stance::Ja);
            GoalRow {
                card_id: card.id.clone(),
                section,
                text: card.text.clone(),
                core: card.core,
                agree,
                partly: count(Stance::Teilweise),
                disagree: count(Stance::Nein),
                share: (!kommunen.is_empty()).then(|| agree as f64 / kommunen.len() as f64),
                cells,
            }
        })
        .collect();
    let core: Vec<&GoalRow> = rows.iter().filter(|g| g.core).collect();
    let alliance = (!core.is_empty()).then(|| {
        kommunen
            .iter()
            .enumerate()
            .filter(|(i, _)| core.iter().all(|g| g.cells[*i] == Some(Stance::Ja)))
            .map(|(_, k)| k.clone())
            .collect()
    });
    Zielmatrix {
        kommunen,
        goals: rows,
        alliance,
    }
}

/// The cards of a board grouped by their author's Kommune (E6; the
/// export's "lists by Kommune"): Kommunen by name, cards without one
/// (fixed items, cards from before the Kommune was carried) last under
/// an empty name; within a Kommune in the template's section order.
pub fn cards_by_kommune<'a>(
    board: &'a BoardState,
    template: &Template,
) -> Vec<(String, Vec<(&'static str, &'a Card)>)> {
    let mut out: Vec<(String, Vec<(&'static str, &'a Card)>)> = Vec::new();
    for section in template.sections {
        for card in board.cards(section.id) {
            let kommune = &card.author.kommune;
            match out.iter_mut().find(|(k, _)| k == kommune) {
                Some((_, cards)) => cards.push((section.id, card)),
                None => out.push((kommune.clone(), vec![(section.id, card)])),
            }
        }
    }
    out.sort_by(|(a, _), (b, _)| (a.is_empty(), a).cmp(&(b.is_empty(), b)));
    out
}
