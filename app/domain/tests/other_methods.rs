//! Two test methods, with three and with five criteria, run through the same
//! engine as the KI-Projektbewertung: board ops, aggregates, blind rating
//! and reveal, Nutzwert, ranking and the joint ranking. Nothing here is
//! shipped; it proves that no rule assumes four criteria.

use ikz_domain::board::{apply, Author, BoardState, Op, OpError, RatingSlot};
use ikz_domain::evaluation::criteria::CriterionKey;
use ikz_domain::evaluation::redaction::redact_board;
use ikz_domain::evaluation::rounding::{mean_text, rank_text, score_text};
use ikz_domain::evaluation::view::{evaluate_group, evaluate_joint};
use ikz_domain::evaluation::{CriterionDef, RatingValue, Weights};
use ikz_domain::rating::values;
use ikz_domain::templates::{Section, Template};

const fn criterion(key: &'static str, label: &'static str) -> CriterionDef {
    CriterionDef {
        key,
        label,
        label_en: label,
        question: "Wie gut passt das?",
        anchors: [Some("gar nicht"), None, Some("teils"), None, Some("völlig")],
        default_weight: 1.0,
    }
}

const IDEAS: &[Section] = &[Section {
    ideas: true,
    ..Section::plain("ideen", "Ideen", "Welche Idee?")
}];

const THREE: Template = Template {
    key: "test-drei",
    version: 1,
    title: "Drei Kriterien",
    header: None,
    intro: "",
    marks_current: false,
    sections: IDEAS,
    criteria: &[
        criterion("wirkung", "Wirkung"),
        criterion("aufwand", "Aufwand"),
        criterion("akzeptanz", "Akzeptanz"),
    ],
};

const FIVE: Template = Template {
    key: "test-fuenf",
    version: 1,
    title: "Fünf Kriterien",
    header: None,
    intro: "",
    marks_current: false,
    sections: IDEAS,
    criteria: &[
        criterion("a", "Eins"),
        criterion("b", "Zwei"),
        criterion("c", "Drei"),
        criterion("d", "Vier"),
        criterion("e", "Fünf"),
    ],
};

fn person(i: u8) -> Author {
    Author {
        id: format!("p{i}"),
        name: format!("Person {i}"),
        kommune: "Musterstadt".into(),
        moderator: false,
    }
}

fn idea(board: &mut BoardState, template: &Template, id: &str, title: &str) {
    let add = Op::AddCard {
        card_id: id.into(),
        section: "ideen".into(),
        text: title.into(),
    };
    apply(board, template, &person(1), &add).expect("idea added");
}

fn rate(board: &mut BoardState, template: &Template, who: u8, card: &str, key: &str, v: u8) {
    let value = if v == 0 {
        RatingValue::DontKnow
    } else {
        RatingValue::Score(v)
    };
    let op = Op::Rate {
        card_id: card.into(),
        criterion: CriterionKey::new(key),
        value: Some(RatingSlot::Given(value)),
    };
    apply(board, template, &person(who), &op).expect("rating accepted");
}

/// Rates every criterion of `template` with the same values per person.
fn rate_all(board: &mut BoardState, template: &Template, card: &str, per_person: &[u8]) {
    for (who, &v) in (1..).zip(per_person) {
        for c in template.criteria {
            rate(board, template, who, card, c.key, v);
        }
    }
}

#[test]
fn three_criteria_aggregate_score_and_rank() {
    let mut board = BoardState::default();
    idea(&mut board, &THREE, "x", "Xaver");
    idea(&mut board, &THREE, "y", "Ypsilon");
    idea(&mut board, &THREE, "z", "Zett");
    rate_all(&mut board, &THREE, "x", &[4, 2]);
    // y: Wirkung 5, 4; Aufwand "weiß nicht" only; Akzeptanz 3
    rate(&mut board, &THREE, 1, "y", "wirkung", 5);
    rate(&mut board, &THREE, 2, "y", "wirkung", 4);
    rate(&mut board, &THREE, 1, "y", "aufwand", 0);
    rate(&mut board, &THREE, 1, "y", "akzeptanz", 3);

    let eval = evaluate_group(&board, &THREE, &Weights::default()).expect("valid weights");
    assert_eq!(eval.chart, None, "no portfolio without its criteria");
    let got: Vec<_> = eval
        .ideas
        .iter()
        .map(|i| {
            (
                i.row.title.as_str(),
                rank_text(i.rank),
                score_text(i.row.score.score),
            )
        })
        .collect();
    // x: mean 3 everywhere -> 50. y: Wirkung 4.5, Akzeptanz 3 -> (0.875 + 0.5) / 2 = 68.75 -> 69.
    assert_eq!(
        got,
        [
            ("Ypsilon", "1".into(), "69".into()),
            ("Xaver", "2".into(), "50".into()),
            ("Zett", "–".into(), "–".into())
        ]
    );
    let y = &eval.ideas[0];
    assert_eq!(y.row.score.per_criterion.len(), 3);
    assert_eq!(mean_text(y.row.score.per_criterion[0].mean), "4,5");
    assert_eq!(y.row.score.per_criterion[1].dont_know, 1);
    assert_eq!(
        y.incomplete.as_deref(),
        Some("Nutzwert unvollständig: ohne Aufwand")
    );
    // x: 4 and 2 -> sample SD sqrt(2) > 1 -> Dissens on every criterion
    let x = &eval.ideas[1];
    assert!(x
        .row
        .score
        .per_criterion
        .iter()
        .all(|a| a.consensus == Some(ikz_domain::evaluation::Consensus::Dissens)));
}

#[test]
fn five_criteria_weights_blind_rating_and_reveal() {
    let mut board = BoardState::default();
    idea(&mut board, &FIVE, "i", "Idee");
    // person 1 rates a..e as 1..5, person 2 all 5
    for (c, v) in FIVE.criteria.iter().zip(1..=5) {
        rate(&mut board, &FIVE, 1, "i", c.key, v);
        rate(&mut board, &FIVE, 2, "i", c.key, 5);
    }
    let mut weights = Weights::default();
    weights.set(&FIVE.criteria[4], 3.0);
    // means 3, 3.5, 4, 4.5, 5 -> fractions 0.5, 0.625, 0.75, 0.875, 1
    // weights 1, 1, 1, 1, 3 (sum 7) -> (0.5 + 0.625 + 0.75 + 0.875 + 3) / 7 = 0.8214 -> 82
    let eval = evaluate_group(&board, &FIVE, &weights).expect("valid weights");
    assert_eq!(score_text(eval.ideas[0].row.score.score), "82");
    assert_eq!(eval.ideas[0].rank, Some(1));

    // Blind: person 1 sees only their own values, and the count of both.
    let seen = redact_board(&board, "p1");
    let v = values(&seen, FIVE.criteria, "i");
    assert_eq!(v.len(), 5);
    assert_eq!(v[4], [RatingValue::Score(5)]);
    assert_eq!(v[0], [RatingValue::Score(1)]);
    let blind = evaluate_group(&seen, &FIVE, &weights).expect("valid");
    assert_eq!(blind.ideas[0].row.raters, 2);
    assert_eq!(
        mean_text(blind.ideas[0].row.score.per_criterion[0].mean),
        "1,0"
    );
    // Reveal: the full board gives everyone the same figures again.
    assert_eq!(
        evaluate_group(&board, &FIVE, &weights).expect("valid"),
        eval
    );
}

#[test]
fn a_key_of_another_method_is_refused() {
    let mut board = BoardState::default();
    idea(&mut board, &THREE, "x", "Xaver");
    let op = Op::Rate {
        card_id: "x".into(),
        criterion: CriterionKey::new("nutzen"),
        value: Some(RatingSlot::Given(RatingValue::Score(3))),
    };
    assert_eq!(
        apply(&mut board, &THREE, &person(1), &op),
        Err(OpError::UnknownCriterion)
    );
    assert!(board.ratings.is_empty());
}

#[test]
fn joint_ranking_of_a_five_criteria_method_counts_each_group_once() {
    let mut a = BoardState::default();
    idea(&mut a, &FIVE, "i", "Gemeinsame Idee");
    rate_all(&mut a, &FIVE, "i", &[5]);
    let mut b = BoardState::default();
    idea(&mut b, &FIVE, "j", "gemeinsame idee");
    idea(&mut b, &FIVE, "k", "Andere Idee");
    rate_all(&mut b, &FIVE, "j", &[1, 1, 1]);
    rate_all(&mut b, &FIVE, "k", &[4]);
    let w = Weights::default();
    let ea = evaluate_group(&a, &FIVE, &w).expect("valid");
    let eb = evaluate_group(&b, &FIVE, &w).expect("valid");
    let joint = evaluate_joint(FIVE.criteria, [("A", &ea), ("B", &eb)], &w, &[]).expect("valid");
    let got: Vec<_> = joint
        .ideas
        .iter()
        .map(|i| {
            (
                i.row.title.as_str(),
                rank_text(i.row.rank),
                score_text(i.row.score),
            )
        })
        .collect();
    // Gemeinsame Idee: group means 5 and 1 -> 3 -> 50; Andere Idee: 4 -> 75.
    assert_eq!(
        got,
        [
            ("Andere Idee", "1".into(), "75".into()),
            ("Gemeinsame Idee", "2".into(), "50".into())
        ]
    );
    assert_eq!(joint.ideas[1].row.criterion_means.len(), 5);
}
