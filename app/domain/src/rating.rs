//! Ratings of KI ideas as stored on a board: collecting the values for the
//! aggregates, counting who has rated, and the blind-rating redaction the
//! server applies before anything leaves for another participant's browser.

use super::board::{BoardState, Op, RatingSlot};
use super::scoring::{
    score_idea, Criterion, GroupIdeaResult, IdeaScore, RatingValue, ScoringError, Weights,
};
use super::templates::Template;

/// The visible values per criterion (in [`Criterion::ALL`] order) of one idea.
pub fn values(board: &BoardState, card_id: &str) -> [Vec<RatingValue>; 4] {
    let mut out: [Vec<RatingValue>; 4] = Default::default();
    for rater in board
        .ratings
        .get(card_id)
        .into_iter()
        .flat_map(|r| r.values())
    {
        for (criterion, slot) in &rater.values {
            if let RatingSlot::Given(value) = slot {
                out[criterion.index()].push(*value);
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
    criterion: Criterion,
) -> Option<RatingValue> {
    match board
        .ratings
        .get(card_id)?
        .get(viewer)?
        .values
        .get(&criterion)?
    {
        RatingSlot::Given(v) => Some(*v),
        RatingSlot::Hidden => None,
    }
}

/// Whether any idea on any of the boards has a rating (weights freeze then).
pub fn any_rating<'a>(boards: impl IntoIterator<Item = &'a BoardState>) -> bool {
    boards.into_iter().any(|b| !b.ratings.is_empty())
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
    let voters = board.dots.get(card_id);
    let total = voters.map_or(0, |v| v.values().map(|n| u32::from(*n)).sum());
    let own = voters.and_then(|v| v.get(viewer)).copied().unwrap_or(0);
    (total, own)
}

/// The board as `viewer` may see it while ratings are hidden: everyone
/// else's values are replaced by `Hidden`, so only the count remains, and
/// only the viewer's own dots are left.
pub fn redact_board(board: &BoardState, viewer: &str) -> BoardState {
    let mut out = board.clone();
    for voters in out.dots.values_mut() {
        voters.retain(|participant, _| participant == viewer);
    }
    out.dots.retain(|_, voters| !voters.is_empty());
    for raters in out.ratings.values_mut() {
        for (participant, rater) in raters.iter_mut() {
            if participant != viewer {
                for slot in rater.values.values_mut() {
                    *slot = RatingSlot::Hidden;
                }
            }
        }
    }
    out
}

/// An op as `viewer` may see it while ratings are hidden; `None` when it
/// must not be sent at all (someone else's dot).
pub fn redact_op(op: &Op, author_id: &str, viewer: &str) -> Option<Op> {
    if author_id == viewer {
        return Some(op.clone());
    }
    Some(match op {
        Op::Dot { .. } => return None,
        Op::Rate {
            card_id,
            criterion,
            value: Some(RatingSlot::Given(_)),
        } => Op::Rate {
            card_id: card_id.clone(),
            criterion: *criterion,
            value: Some(RatingSlot::Hidden),
        },
        other => other.clone(),
    })
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
                score: score_idea(&values(board, &card.id), weights)?,
                personal_data: card.sketch.personal_data,
                high_risk: card.sketch.high_risk,
            });
        }
    }
    Ok(rows)
}

/// Ranks ideas by score, best first: equal scores share a rank, ideas
/// without a score (nobody rated them yet) come last without a rank.
pub fn ranked(rows: &[IdeaRow]) -> Vec<(Option<usize>, IdeaRow)> {
    let mut sorted: Vec<IdeaRow> = rows.to_vec();
    sorted.sort_by(|a, b| match (a.score.score, b.score.score) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut out: Vec<(Option<usize>, IdeaRow)> = Vec::with_capacity(sorted.len());
    for (i, row) in sorted.into_iter().enumerate() {
        let rank = row.score.score.map(|s| match out.last() {
            Some((Some(prev_rank), prev))
                if prev
                    .score
                    .score
                    .is_some_and(|p| (p - s).abs() < super::scoring::RANK_TIE_EPSILON) =>
            {
                *prev_rank
            }
            _ => i + 1,
        });
        out.push((rank, row));
    }
    out
}

/// A group's ideas as input for the joint ranking across groups.
pub fn group_results(group_id: &str, rows: &[IdeaRow]) -> Vec<GroupIdeaResult> {
    rows.iter()
        .map(|row| GroupIdeaResult {
            group_id: group_id.to_owned(),
            idea_id: row.card_id.clone(),
            idea_key: super::scoring::idea_key(&row.title),
            title: row.title.clone(),
            score: row.score.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{apply, Author, OpError};
    use crate::templates::{CANVAS, KI};

    fn person(i: u8) -> Author {
        Author {
            id: format!("p{i}"),
            name: format!("Person {i}"),
            kommune: String::new(),
        }
    }

    fn rate(card: &str, criterion: Criterion, v: u8) -> Op {
        Op::Rate {
            card_id: card.into(),
            criterion,
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
        apply(
            &mut board,
            &KI,
            &person(1),
            &rate("i1", Criterion::Nutzen, 2),
        )
        .unwrap();
        apply(
            &mut board,
            &KI,
            &person(1),
            &rate("i1", Criterion::Nutzen, 5),
        )
        .unwrap();
        apply(
            &mut board,
            &KI,
            &person(2),
            &rate("i1", Criterion::Nutzen, 3),
        )
        .unwrap();
        let v = values(&board, "i1");
        assert_eq!(v[0], vec![RatingValue::Score(5), RatingValue::Score(3)]);
        assert_eq!(rater_count(&board, "i1"), 2);
        assert_eq!(
            own(&board, "i1", "p1", Criterion::Nutzen),
            Some(RatingValue::Score(5))
        );
    }

    #[test]
    fn withdrawing_the_last_answer_removes_the_rater() {
        let mut board = board_with_idea();
        apply(
            &mut board,
            &KI,
            &person(1),
            &rate("i1", Criterion::Nutzen, 2),
        )
        .unwrap();
        let withdraw = Op::Rate {
            card_id: "i1".into(),
            criterion: Criterion::Nutzen,
            value: None,
        };
        apply(&mut board, &KI, &person(1), &withdraw).unwrap();
        assert_eq!(rater_count(&board, "i1"), 0);
        assert!(!any_rating([&board]));
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
            apply(
                &mut canvas,
                &CANVAS,
                &person(1),
                &rate("c1", Criterion::Nutzen, 3)
            ),
            Err(OpError::NotAnIdea)
        );
        let mut board = board_with_idea();
        apply(
            &mut board,
            &KI,
            &person(1),
            &rate("i1", Criterion::Nutzen, 3),
        )
        .unwrap();
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
            criterion: Criterion::Nutzen,
            value: Some(RatingSlot::Hidden),
        };
        assert_eq!(hidden.check_from_client(), Err(OpError::HiddenRating));
        assert_eq!(rate("i1", Criterion::Nutzen, 3).check_from_client(), Ok(()));
    }

    #[test]
    fn redaction_keeps_own_values_and_the_count_but_no_other_value() {
        let mut board = board_with_idea();
        apply(
            &mut board,
            &KI,
            &person(1),
            &rate("i1", Criterion::Nutzen, 4),
        )
        .unwrap();
        apply(
            &mut board,
            &KI,
            &person(2),
            &rate("i1", Criterion::Nutzen, 1),
        )
        .unwrap();
        let seen = redact_board(&board, "p1");
        assert_eq!(values(&seen, "i1")[0], vec![RatingValue::Score(4)]);
        assert_eq!(rater_count(&seen, "i1"), 2);
        let json = serde_json::to_string(&redact_board(&board, "p3")).unwrap();
        assert!(!json.contains("score"), "{json}");

        let op = rate("i1", Criterion::Nutzen, 1);
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
    fn ranking_puts_the_best_first_shares_ties_and_leaves_unrated_unranked() {
        let mut board = BoardState::default();
        for (id, title) in [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")] {
            let add = Op::AddCard {
                card_id: id.into(),
                section: "ideen".into(),
                text: title.into(),
            };
            apply(&mut board, &KI, &person(1), &add).unwrap();
        }
        for (id, v) in [("a", 2), ("b", 5), ("c", 5)] {
            for c in Criterion::ALL {
                apply(&mut board, &KI, &person(1), &rate(id, c, v)).unwrap();
            }
        }
        let rows = idea_rows(&board, &KI, &Weights::default()).unwrap();
        let ranks: Vec<_> = ranked(&rows)
            .into_iter()
            .map(|(rank, row)| (rank, row.title))
            .collect();
        assert_eq!(
            ranks,
            [
                (Some(1), "B".to_owned()),
                (Some(1), "C".to_owned()),
                (Some(3), "A".to_owned()),
                (None, "D".to_owned())
            ]
        );
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
        for c in Criterion::ALL {
            apply(&mut board, &KI, &person(1), &rate("i1", c, 5)).unwrap();
            apply(&mut board, &KI, &person(2), &rate("i1", c, 3)).unwrap();
        }
        let rows = idea_rows(&board, &KI, &Weights::default()).unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].high_risk && !rows[0].personal_data);
        // mean 4 on every criterion: (4 − 1) / 4 × 100 = 75
        assert!((rows[0].score.score.unwrap() - 75.0).abs() < 1e-9);
        assert_eq!(group_results("g1", &rows)[0].idea_key, "chatbot bürgeramt");
    }
}
