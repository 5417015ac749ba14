//! "Stand sichern" (antrag.md §5): an alliance meets several times over
//! months; the moderator freezes all boards of a session under a label and
//! a date. A stand is a sequence number of the op log, not a copy: the
//! boards at that number are the log replayed up to it (the server does
//! that with the same `apply`). This module holds the pure parts: the
//! label's rule and the difference between the boards of two stands (cards
//! added, changed and removed per section, statuses that moved, items now
//! overdue, rated sections whose mean moved: "Vertrauen 2,8 → 3,6").

use crate::board::{split_board_id, BoardState, Card, Status};
use crate::evaluation::aggregate::aggregate;
use crate::figures::phases;
use crate::rating::values;
use crate::session::{clean_text, limits, Field, ValidationError};
use crate::templates::{self, Section, Template};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A saved stand: the boards as they were after op `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stand {
    pub id: i64,
    pub label: String,
    /// The day it was saved, YYYY-MM-DD.
    pub date: String,
    /// The last op of the log it includes (0: before the first op).
    pub seq: u64,
}

/// The label as stored (trimmed), or why not; at most
/// [`limits::STAND_LABEL`] characters.
pub fn checked_label(label: &str) -> Result<String, ValidationError> {
    clean_text(label, Field::StandLabel, limits::STAND_LABEL)
}

/// Whether a card was added, changed or removed between two stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

impl ChangeKind {
    pub fn label_de(self) -> &'static str {
        match self {
            ChangeKind::Added => "neu",
            ChangeKind::Changed => "geändert",
            ChangeKind::Removed => "entfernt",
        }
    }
}

/// One card that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardChange {
    pub kind: ChangeKind,
    pub section: String,
    /// The card as the earlier stand shows it (not for an added card).
    pub before: Option<String>,
    /// The card as the later stand shows it (not for a removed card).
    pub after: Option<String>,
}

/// A task (E4) whose status moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub section: String,
    pub card: String,
    pub from: Status,
    pub to: Status,
}

/// A rated section whose mean (of its cards' means on its first
/// criterion) moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub section: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// An item past its "Bis wann" in the later stand that was not overdue in
/// the earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewlyOverdue {
    pub section: String,
    pub card: String,
    /// YYYY-MM-DD
    pub due: String,
}

/// The difference on one board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardDiff {
    pub board_id: String,
    pub group_id: String,
    pub template: String,
    /// In section order, then added, changed, removed.
    pub changes: Vec<CardChange>,
    pub transitions: Vec<Transition>,
    pub overdue: Vec<NewlyOverdue>,
    pub trends: Vec<Trend>,
}

impl BoardDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.transitions.is_empty()
            && self.overdue.is_empty()
            && self.trends.is_empty()
    }
}

/// Every board that differs, by board id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StandDiff {
    pub boards: Vec<BoardDiff>,
}

/// The difference from `before` to `after` (each board id → its boards at
/// a stand); `today` (YYYY-MM-DD) decides what is overdue. Trends of
/// ratings only where `ratings_shown` (blind rating: nobody sees means
/// before the reveal, the moderation page may be on the projector). Boards
/// of methods no longer known are left out; texts are the German labels
/// (fixed items' labels, then the group's note).
pub fn diff(
    before: &BTreeMap<String, BoardState>,
    after: &BTreeMap<String, BoardState>,
    today: &str,
    ratings_shown: bool,
) -> StandDiff {
    let empty = BoardState::default();
    let mut ids: Vec<&String> = before.keys().chain(after.keys()).collect();
    ids.sort();
    ids.dedup();
    let boards = ids
        .into_iter()
        .filter_map(|id| {
            let (group, key) = split_board_id(id)?;
            let template = templates::find(key)?;
            let old = before.get(id).unwrap_or(&empty).materialised(template);
            let new = after.get(id).unwrap_or(&empty).materialised(template);
            let mut d = board_diff(id, group, template, &old, &new, today);
            if !ratings_shown {
                d.trends.clear();
            }
            (!d.is_empty()).then_some(d)
        })
        .collect();
    StandDiff { boards }
}

fn board_diff(
    id: &str,
    group: &str,
    template: &'static Template,
    old: &BoardState,
    new: &BoardState,
    today: &str,
) -> BoardDiff {
    let mut changes = Vec::new();
    let mut transitions = Vec::new();
    let mut trends = Vec::new();
    for section in template.sections {
        let (was, now) = (old.cards(section.id), new.cards(section.id));
        let find = |cards: &'_ [Card], id: &str| cards.iter().position(|c| c.id == id);
        // A card moved between sections counts where it is now (added
        // there) and where it was (removed there).
        for card in now.iter().filter(|c| find(was, &c.id).is_none()) {
            changes.push(CardChange {
                kind: ChangeKind::Added,
                section: section.id.to_owned(),
                before: None,
                after: Some(shown(template, card)),
            });
        }
        for card in now {
            let Some(at) = find(was, &card.id) else {
                continue;
            };
            let earlier = &was[at];
            if content(earlier) != content(card) {
                changes.push(CardChange {
                    kind: ChangeKind::Changed,
                    section: section.id.to_owned(),
                    before: Some(shown(template, earlier)),
                    after: Some(shown(template, card)),
                });
            }
            if earlier.status != card.status {
                transitions.push(Transition {
                    section: section.id.to_owned(),
                    card: template.card_label(card).to_owned(),
                    from: earlier.status,
                    to: card.status,
                });
            }
        }
        for card in was.iter().filter(|c| find(now, &c.id).is_none()) {
            changes.push(CardChange {
                kind: ChangeKind::Removed,
                section: section.id.to_owned(),
                before: Some(shown(template, card)),
                after: None,
            });
        }
        if let Some(trend) = trend(section, template, old, new) {
            trends.push(trend);
        }
    }
    let overdue_before: Vec<String> = phases::phase_check(old, template, today)
        .overdue
        .into_iter()
        .map(|o| o.card_id)
        .collect();
    let overdue = phases::phase_check(new, template, today)
        .overdue
        .into_iter()
        .filter(|o| !overdue_before.contains(&o.card_id))
        .map(|o| NewlyOverdue {
            section: o.section.to_owned(),
            card: o.label,
            due: o.due,
        })
        .collect();
    BoardDiff {
        board_id: id.to_owned(),
        group_id: group.to_owned(),
        template: template.key.to_owned(),
        changes,
        transitions,
        overdue,
        trends,
    }
}

/// What makes a card "changed" (its status is a transition of its own;
/// ratings, dots and stances are figures, not the card).
fn content(card: &Card) -> (&str, &BTreeMap<String, String>, &Option<String>, String) {
    (
        card.text.as_str(),
        &card.fields,
        &card.due,
        serde_json::to_string(&card.sketch).unwrap_or_default(),
    )
}

/// A card as the difference shows it: its label (a fixed item's, or its
/// text), a fixed item's note after a colon, its named fields after it.
fn shown(template: &Template, card: &Card) -> String {
    let mut text = template.card_label(card).to_owned();
    if card.item.is_some() && !card.text.trim().is_empty() {
        text = format!("{text}: {}", card.text.trim());
    }
    for (key, value) in &card.fields {
        if value.trim().is_empty() {
            continue;
        }
        let label = template
            .sections
            .iter()
            .flat_map(|s| s.fields)
            .find(|f| f.key == key)
            .map_or(key.as_str(), |f| f.label);
        text.push_str(&format!(" · {label}: {}", value.trim()));
    }
    text
}

/// The mean of a rated section's card means on its first criterion, before
/// and after, where it moved (rounded to the tenth shown).
fn trend(
    section: &Section,
    template: &Template,
    old: &BoardState,
    new: &BoardState,
) -> Option<Trend> {
    if section.ideas || !section.is_rated() {
        return None;
    }
    let criterion = section.criteria_in(template).first()?;
    let mean = |board: &BoardState| {
        let means: Vec<f64> = board
            .cards(section.id)
            .iter()
            .filter_map(|c| {
                let v = values(board, std::slice::from_ref(criterion), &c.id);
                aggregate(v.first().map_or(&[][..], Vec::as_slice)).mean
            })
            .collect();
        (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64)
    };
    let (before, after) = (mean(old), mean(new));
    let tenth = |m: Option<f64>| m.map(|m| (m * 10.0).round() as i64);
    (tenth(before) != tenth(after)).then(|| Trend {
        section: section.id.to_owned(),
        before,
        after,
    })
}
