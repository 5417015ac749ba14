//! "Stand sichern": the difference between the boards of two stands.

mod common;

use common::{add, ok, person, type_into};
use ikz_domain::board::{Attribute, BoardState, Op, RatingSlot, Status};
use ikz_domain::evaluation::criteria::{CriterionKey, RatingValue};
use ikz_domain::session::{limits, Field, ValidationError};
use ikz_domain::stand::{checked_label, diff, ChangeKind};
use ikz_domain::templates::further::ERFUELLT;
use ikz_domain::templates::{fixed_card_id, CANVAS, ERFOLGSFAKTOREN, PHASEN};
use std::collections::BTreeMap;

const TODAY: &str = "2026-12-01";

fn set(card: &str, attribute: Attribute) -> Op {
    Op::SetAttribute {
        card_id: card.into(),
        attribute,
    }
}

fn rate(board: &mut BoardState, who: &str, item: &str, score: u8) {
    let op = Op::Rate {
        card_id: fixed_card_id(ERFOLGSFAKTOREN.key, item),
        criterion: CriterionKey::new(ERFUELLT.key),
        value: Some(RatingSlot::Given(RatingValue::Score(score))),
    };
    ok(board, &ERFOLGSFAKTOREN, &person(who, "Astadt"), op);
}

fn boards(list: &[(&str, &BoardState)]) -> BTreeMap<String, BoardState> {
    list.iter()
        .map(|(id, b)| ((*id).to_owned(), (*b).clone()))
        .collect()
}

#[test]
fn added_changed_and_removed_cards_per_section() {
    let anna = person("a", "Astadt");
    let mut canvas = BoardState::default();
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        add("c1", "problem", "Lange Wartezeiten"),
    );
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        add("c2", "problem", "Papierakten"),
    );
    ok(&mut canvas, &CANVAS, &anna, add("c3", "ziel", "Ein Portal"));
    let earlier = canvas.clone();
    // Later: c1 changed, c2 removed, c4 added; c3 untouched.
    type_into(&mut canvas, &CANVAS, "c1", "card", "Sehr ");
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        Op::DeleteCard {
            card_id: "c2".into(),
        },
    );
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        add("c4", "ziel", "Gemeinsamer Standard"),
    );

    let d = diff(
        &boards(&[("nord:canvas", &earlier)]),
        &boards(&[("nord:canvas", &canvas)]),
        TODAY,
        true,
    );
    assert_eq!(d.boards.len(), 1);
    let board = &d.boards[0];
    assert_eq!(
        (board.group_id.as_str(), board.template.as_str()),
        ("nord", "canvas")
    );
    let changes: Vec<_> = board
        .changes
        .iter()
        .map(|c| {
            (
                c.kind,
                c.section.as_str(),
                c.before.as_deref(),
                c.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                ChangeKind::Changed,
                "problem",
                Some("Lange Wartezeiten"),
                Some("Sehr Lange Wartezeiten")
            ),
            (ChangeKind::Removed, "problem", Some("Papierakten"), None),
            (
                ChangeKind::Added,
                "ziel",
                None,
                Some("Gemeinsamer Standard")
            ),
        ]
    );
    assert!(board.transitions.is_empty() && board.trends.is_empty());

    // Nothing changed: no board in the difference.
    let same = diff(
        &boards(&[("nord:canvas", &canvas)]),
        &boards(&[("nord:canvas", &canvas)]),
        TODAY,
        true,
    );
    assert!(same.boards.is_empty());
    // A board that did not exist at the earlier stand: all its cards new.
    let fresh = diff(
        &BTreeMap::new(),
        &boards(&[("sued:canvas", &canvas)]),
        TODAY,
        true,
    );
    assert_eq!(fresh.boards[0].changes.len(), 3);
    assert!(fresh.boards[0]
        .changes
        .iter()
        .all(|c| c.kind == ChangeKind::Added));
}

#[test]
fn checklist_transitions_and_items_now_overdue() {
    let anna = person("a", "Astadt");
    let id = |item: &str| fixed_card_id("phasen", item);
    let mut phasen = BoardState::default();
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        set(&id("anbahnung-1"), Attribute::Status(Status::Begonnen)),
    );
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        set(
            &id("anbahnung-2"),
            Attribute::Due(Some("2026-12-31".into())),
        ),
    );
    let earlier = phasen.clone();
    // Later: item 1 done, item 3 begun, item 2's date moved into the past.
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        set(&id("anbahnung-1"), Attribute::Status(Status::Erledigt)),
    );
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        set(&id("anbahnung-3"), Attribute::Status(Status::Begonnen)),
    );
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        set(
            &id("anbahnung-2"),
            Attribute::Due(Some("2026-11-15".into())),
        ),
    );
    let d = diff(
        &boards(&[("nord:phasen", &earlier)]),
        &boards(&[("nord:phasen", &phasen)]),
        TODAY,
        true,
    );
    let board = &d.boards[0];
    let moves: Vec<_> = board
        .transitions
        .iter()
        .map(|t| (t.card.as_str(), t.from, t.to))
        .collect();
    assert_eq!(
        moves,
        [
            (
                "Allianz der Willigen identifizieren, gemeinsame Zielsetzung ausformulieren",
                Status::Begonnen,
                Status::Erledigt
            ),
            (
                "Interessenlagen immer wieder abfragen, Ziele verifizieren, Mitarbeitende einbinden",
                Status::Offen,
                Status::Begonnen
            ),
        ]
    );
    let overdue: Vec<_> = board
        .overdue
        .iter()
        .map(|o| (o.section.as_str(), o.due.as_str()))
        .collect();
    assert_eq!(overdue, [("anbahnung", "2026-11-15")]);
    // The changed date is a change of the card too.
    assert_eq!(board.changes.len(), 1);
    assert_eq!(board.changes[0].kind, ChangeKind::Changed);
}

#[test]
fn a_rated_sections_mean_that_moved_is_a_trend() {
    let mut factors = BoardState::default();
    // Vertrauen: 2 and 3 → 2,5.
    rate(&mut factors, "p1", "vertrauen-1", 2);
    rate(&mut factors, "p2", "vertrauen-1", 3);
    let earlier = factors.clone();
    // Later: p1 changes to 4 and a second item gets 5 → (3,5 + 5) / 2 = 4,25.
    rate(&mut factors, "p1", "vertrauen-1", 4);
    rate(&mut factors, "p1", "vertrauen-2", 5);
    let d = diff(
        &boards(&[("nord:erfolgsfaktoren", &earlier)]),
        &boards(&[("nord:erfolgsfaktoren", &factors)]),
        TODAY,
        true,
    );
    let trends: Vec<_> = d.boards[0]
        .trends
        .iter()
        .map(|t| (t.section.as_str(), t.before, t.after))
        .collect();
    assert_eq!(trends, [("vertrauen", Some(2.5), Some(4.25))]);
    // Before the reveal nobody sees a mean, not even as a trend.
    let blind = diff(
        &boards(&[("nord:erfolgsfaktoren", &earlier)]),
        &boards(&[("nord:erfolgsfaktoren", &factors)]),
        TODAY,
        false,
    );
    assert!(blind.boards.is_empty());
    // Ratings are figures, not the cards' content.
    assert!(d.boards[0].changes.is_empty());
}

#[test]
fn a_label_is_trimmed_and_bounded() {
    assert_eq!(checked_label("  2. Treffen  ").as_deref(), Ok("2. Treffen"));
    let field = Field::StandLabel;
    assert_eq!(checked_label("   "), Err(ValidationError::Empty { field }));
    let max = limits::STAND_LABEL;
    assert_eq!(
        checked_label(&"x".repeat(max + 1)),
        Err(ValidationError::TooLong { field, max })
    );
    assert!(checked_label(&"ä".repeat(max)).is_ok());
    assert_eq!(
        checked_label("a\u{0}b"),
        Err(ValidationError::ControlCharacters { field })
    );
}
