//! Ratings as stored on a board: collecting the values for the aggregates
//! (in the order of the method's criteria), counting who has rated, the
//! viewer's own answers and the dots. The rules that turn them into figures
//! live in [`crate::evaluation`].

use super::board::{BoardState, RatingSlot};
use super::evaluation::{
    score_idea, CriterionDef, IdeaScore, RatingValue, ScoringError, Weights, KI_CRITERIA,
};
use super::templates::Template;

/// The visible values per criterion (in the order of `criteria`) of one idea.
pub fn values(
    board: &BoardState,
    criteria: &[CriterionDef],
    card_id: &str,
) -> Vec<Vec<RatingValue>> {
    let mut out: Vec<Vec<RatingValue>> = vec![Vec::new(); criteria.len()];
    for rater in board
        .ratings
        .get(card_id)
        .into_iter()
        .flat_map(|r| r.values())
    {
        for (criterion, slot) in &rater.values {
            let position = crate::evaluation::criteria::position(criteria, criterion.as_str());
            if let (Some(i), RatingSlot::Given(value)) = (position, slot) {
                if let Some(list) = out.get_mut(i) {
                    list.push(*value);
                }
            }
        }
    }
    out
}

/// How many participants have rated an idea (on at least one criterion),
/// hidden ratings included.
pub fn rater_count(board: &BoardState, card_id: &str) -> usize {
    board.ratings.get(card_id).map_or(0, |r| r.len())
}

/// The viewer's own answer on one criterion of an idea.
pub fn own(
    board: &BoardState,
    card_id: &str,
    viewer: &str,
    criterion: &str,
) -> Option<RatingValue> {
    match board
        .ratings
        .get(card_id)?
        .get(viewer)?
        .values
        .get(criterion)?
    {
        RatingSlot::Given(v) => Some(*v),
        RatingSlot::Hidden => None,
    }
}

/// Whether any idea on any of the boards has a rating on a weighted
/// criterion (the KI method's: the moderator's weights freeze then). A
/// rating of another method (an Erfolgsfaktor, a process step) does not
/// freeze the weights of the KI ideas.
pub fn any_rating<'a>(boards: impl IntoIterator<Item = &'a BoardState>) -> bool {
    boards.into_iter().any(|b| {
        b.ratings
            .values()
            .flat_map(|raters| raters.values())
            .flat_map(|rater| rater.values.keys())
            .any(|k| crate::evaluation::criteria::position(KI_CRITERIA, k.as_str()).is_some())
    })
}

/// Dots `who` has given on a board.
pub fn dots_used(board: &BoardState, who: &str) -> u8 {
    board
        .dots
        .values()
        .filter_map(|voters| voters.get(who))
        .fold(0u8, |sum, n| sum.saturating_add(*n))
}

/// Dots on a card: everyone's (as far as visible) and the viewer's own.
pub fn dots_on(board: &BoardState, card_id: &str, viewer: &str) -> (u32, u8) {
    let own = board
        .dots
        .get(card_id)
        .and_then(|v| v.get(viewer))
        .copied()
        .unwrap_or(0);
    (board.dots_on_card(card_id), own)
}

/// One idea of a group's board with its aggregates and flags.
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaRow {
    pub card_id: String,
    pub title: String,
    pub raters: usize,
    pub score: IdeaScore,
    pub personal_data: bool,
    pub high_risk: bool,
    /// The KI-VO- und Datenschutz-Vorprüfung (`None`: not checked), for
    /// the badge beside the Nutzwert.
    pub kivo: Option<crate::kivo::KivoResult>,
}

/// Every idea of a board with its aggregates under `weights`, in board order.
pub fn idea_rows(
    board: &BoardState,
    template: &Template,
    weights: &Weights,
) -> Result<Vec<IdeaRow>, ScoringError> {
    let mut rows = Vec::new();
    for section in template.sections.iter().filter(|s| s.ideas) {
        for card in board.cards(section.id) {
            rows.push(IdeaRow {
                card_id: card.id.clone(),
                title: card.text.clone(),
                raters: rater_count(board, &card.id),
                score: score_idea(
                    template.criteria,
                    &values(board, template.criteria, &card.id),
                    weights,
                )?,
                personal_data: card.sketch.personal_data,
                high_risk: card.sketch.high_risk,
                kivo: crate::kivo::result(card),
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{apply, Author, Op, OpError};
    use crate::evaluation::criteria::{CriterionKey, KI_CRITERIA, NUTZEN};
    use crate::evaluation::redaction::{redact_board, redact_op};
    use crate::templates::{CANVAS, KI};

    fn person(i: u8) -> Author {
        Author {
            id: format!("p{i}"),
            name: format!("Person {i}"),
            kommune: String::new(),
            moderator: false,
        }
    }

    fn rate(card: &str, criterion: &CriterionDef, v: u8) -> Op {
        Op::Rate {
            card_id: card.into(),
            criterion: criterion.into(),
            value: Some(RatingSlot::Given(RatingValue::Score(v))),
        }
    }

    fn board_with_idea() -> BoardState {
        let mut board = BoardState::default();
        let add = Op::AddCard {
            card_id: "i1".into(),
            section: "ideen".into(),
            text: "Chatbot Bürgeramt".into(),
        };
        apply(&mut board, &KI, &person(1), &add).unwrap();
        board
    }

    #[test]
    fn one_rating_per_participant_and_criterion_the_last_one_counts() {
        let mut board = board_with_idea();
        apply(&mut board, &KI, &person(1), &rate("i1", &NUTZEN, 2)).unwrap();
        apply(&mut board, &KI, &person(1), &rate("i1", &NUTZEN, 5)).unwrap();
        apply(&mut board, &KI, &person(2), &rate("i1", &NUTZEN, 3)).unwrap();
        let v = values(&board, KI_CRITERIA, "i1");
        assert_eq!(v[0], vec![RatingValue::Score(5), RatingValue::Score(3)]);
        assert_eq!(rater_count(&board, "i1"), 2);
        assert_eq!(
            own(&board, "i1", "p1", NUTZEN.key),
            Some(RatingValue::Score(5))
        );
    }

    #[test]
    fn withdrawing_the_last_answer_removes_the_rater() {
        let mut board = board_with_idea();
        apply(&mut board, &KI, &person(1), &rate("i1", &NUTZEN, 2)).unwrap();
        let withdraw = Op::Rate {
            card_id: "i1".into(),
            criterion: CriterionKey::from(&NUTZEN),
            value: None,
        };
        apply(&mut board, &KI, &person(1), &withdraw).unwrap();
        assert_eq!(rater_count(&board, "i1"), 0);
        assert!(!any_rating([&board]));
    }

    #[test]
    fn only_ratings_on_weighted_criteria_freeze_the_weights() {
        use crate::templates::{fixed_card_id, ERFOLGSFAKTOREN};
        let mut factors = BoardState::default();
        let op = Op::Rate {
            card_id: fixed_card_id("erfolgsfaktoren", "vertrauen-1"),
            criterion: CriterionKey::new("erfuellt"),
            value: Some(RatingSlot::Given(RatingValue::Score(2))),
        };
        apply(&mut factors, &ERFOLGSFAKTOREN, &person(1), &op).unwrap();
        let mut ideas = board_with_idea();
        assert!(!any_rating([&factors, &ideas]));
        apply(&mut ideas, &KI, &person(1), &rate("i1", &NUTZEN, 2)).unwrap();
        assert!(any_rating([&factors, &ideas]));
    }

    #[test]
    fn only_idea_cards_can_be_rated_and_deleting_an_idea_drops_its_ratings() {
        let mut canvas = BoardState::default();
        let add = Op::AddCard {
            card_id: "c1".into(),
            section: "problem".into(),
            text: "x".into(),
        };
        apply(&mut canvas, &CANVAS, &person(1), &add).unwrap();
        assert_eq!(
            apply(&mut canvas, &CANVAS, &person(1), &rate("c1", &NUTZEN, 3)),
            Err(OpError::NotAnIdea)
        );
        let mut board = board_with_idea();
        apply(&mut board, &KI, &person(1), &rate("i1", &NUTZEN, 3)).unwrap();
        let delete = Op::DeleteCard {
            card_id: "i1".into(),
        };
        apply(&mut board, &KI, &person(1), &delete).unwrap();
        assert!(board.ratings.is_empty());
    }

    #[test]
    fn a_browser_cannot_send_a_hidden_rating() {
        let hidden = Op::Rate {
            card_id: "i1".into(),
            criterion: CriterionKey::from(&NUTZEN),
            value: Some(RatingSlot::Hidden),
        };
        assert_eq!(hidden.check_from_client(), Err(OpError::HiddenRating));
        assert_eq!(rate("i1", &NUTZEN, 3).check_from_client(), Ok(()));
    }

    #[test]
    fn redaction_keeps_own_values_and_the_count_but_no_other_value() {
        let mut board = board_with_idea();
        apply(&mut board, &KI, &person(1), &rate("i1", &NUTZEN, 4)).unwrap();
        apply(&mut board, &KI, &person(2), &rate("i1", &NUTZEN, 1)).unwrap();
        let seen = redact_board(&board, "p1");
        assert_eq!(
            values(&seen, KI_CRITERIA, "i1")[0],
            vec![RatingValue::Score(4)]
        );
        assert_eq!(rater_count(&seen, "i1"), 2);
        let json = serde_json::to_string(&redact_board(&board, "p3")).unwrap();
        assert!(!json.contains("score"), "{json}");

        let op = rate("i1", &NUTZEN, 1);
        assert_eq!(redact_op(&op, "p2", "p2"), Some(op.clone()));
        assert!(matches!(
            redact_op(&op, "p2", "p1"),
            Some(Op::Rate {
                value: Some(RatingSlot::Hidden),
                ..
            })
        ));
        let dot = Op::Dot {
            card_id: "i1".into(),
            add: true,
        };
        assert_eq!(redact_op(&dot, "p2", "p1"), None);
        assert_eq!(redact_op(&dot, "p1", "p1"), Some(dot));
    }

    #[test]
    fn dots_count_per_person_and_hide_like_ratings() {
        let mut board = board_with_idea();
        let dot = |add| Op::Dot {
            card_id: "i1".into(),
            add,
        };
        apply(&mut board, &KI, &person(1), &dot(true)).unwrap();
        apply(&mut board, &KI, &person(1), &dot(true)).unwrap();
        apply(&mut board, &KI, &person(2), &dot(true)).unwrap();
        apply(&mut board, &KI, &person(2), &dot(false)).unwrap();
        apply(&mut board, &KI, &person(3), &dot(true)).unwrap();
        assert_eq!(dots_used(&board, "p1"), 2);
        assert_eq!(dots_used(&board, "p2"), 0);
        assert_eq!(dots_on(&board, "i1", "p1"), (3, 2));
        assert_eq!(dots_on(&redact_board(&board, "p1"), "i1", "p1"), (2, 2));
        let delete = Op::DeleteCard {
            card_id: "i1".into(),
        };
        apply(&mut board, &KI, &person(1), &delete).unwrap();
        assert!(board.dots.is_empty());
    }

    #[test]
    fn idea_rows_score_the_ideas_with_flags() {
        let mut board = board_with_idea();
        let flag = Op::SetFlag {
            card_id: "i1".into(),
            flag: crate::board::IdeaFlag::HighRisk,
            value: true,
        };
        apply(&mut board, &KI, &person(1), &flag).unwrap();
        for c in KI_CRITERIA {
            apply(&mut board, &KI, &person(1), &rate("i1", c, 5)).unwrap();
            apply(&mut board, &KI, &person(2), &rate("i1", c, 3)).unwrap();
        }
        let rows = idea_rows(&board, &KI, &Weights::default()).unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].high_risk && !rows[0].personal_data);
        // mean 4 on every criterion: (4 − 1) / 4 × 100 = 75
        assert!((rows[0].score.score.unwrap() - 75.0).abs() < 1e-9);
    }
}
