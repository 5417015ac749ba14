//! What the Ergebnisprotokoll collects across a group's boards (antrag.md
//! §5): the cards marked "Vereinbarung" as Vereinbarungen und Beschlüsse,
//! and every task (Was / Wer / Bis wann) of every method with task
//! sections. Documents and screens read these lists; the rule of what
//! counts as either lives only here.

use crate::board::{BoardState, Mark};
use crate::figures::phases::{phase_tables, TaskRow};
use crate::templates;
use serde::Serialize;
use std::collections::BTreeMap;

/// A card marked "Vereinbarung".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The method's title and the section's label.
    pub method: &'static str,
    pub section: &'static str,
    pub text: String,
}

/// The Vereinbarungen of `boards` (template key → board), in the order of
/// `methods` and then of the boards.
pub fn agreements(methods: &[String], boards: &BTreeMap<String, BoardState>) -> Vec<Agreement> {
    let mut out = Vec::new();
    for template in methods.iter().filter_map(|m| templates::find(m)) {
        let Some(board) = boards.get(template.key) else {
            continue;
        };
        for section in template.sections {
            for card in board.cards(section.id) {
                if card.marks.contains(&Mark::Vereinbarung) {
                    let text = template.card_label(card).trim();
                    let note = card.text.trim();
                    let text = if card.item.is_some() && !note.is_empty() && note != text {
                        format!("{text}: {note}")
                    } else {
                        text.to_owned()
                    };
                    out.push(Agreement {
                        method: template.title,
                        section: section.label,
                        text,
                    });
                }
            }
        }
    }
    out
}

/// A task with the method it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    pub method: &'static str,
    pub row: TaskRow,
}

/// Every task of `boards` in the order of `methods`, sections and cards.
pub fn tasks(methods: &[String], boards: &BTreeMap<String, BoardState>) -> Vec<Task> {
    methods
        .iter()
        .filter_map(|m| templates::find(m))
        .filter_map(|t| boards.get(t.key).map(|b| (t, b)))
        .flat_map(|(t, b)| {
            phase_tables(b, t).into_iter().flat_map(move |table| {
                table.rows.into_iter().map(move |row| Task {
                    method: t.title,
                    row,
                })
            })
        })
        .collect()
}
