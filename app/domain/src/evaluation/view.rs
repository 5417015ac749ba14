//! The evaluation as every consumer shows it: a group's ranked ideas and the
//! joint ranking, each with ranks, the quadrant, the "Daten schaffen" badge,
//! the "Nutzwert unvollständig" note and the chart model. The screen, the
//! projector and every export render these; none computes a figure itself.

use super::criteria::{CriterionDef, ScoringError, DATENVERFUEGBARKEIT, MACHBARKEIT, NUTZEN};
use super::joint::{idea_key, joint_ranking, GroupIdeaResult, IdeaMerge, JointRankingRow};
use super::portfolio::{chart, needs_data, quadrant, ChartIdea, ChartModel, ChartWords, Quadrant};
use super::ranking::rank;
use super::score::{incomplete_note, Weights};
use crate::board::BoardState;
use crate::rating::{idea_rows, IdeaRow};
use crate::templates::Template;

/// What the portfolio says about one idea's means.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    /// `None` without a Nutzen or a Machbarkeit mean.
    pub quadrant: Option<Quadrant>,
    /// "Daten schaffen"
    pub data_badge: bool,
}

impl Placement {
    fn of(criteria: &[CriterionDef], means: &[Option<f64>]) -> Placement {
        let mean = |def: &CriterionDef| {
            super::criteria::position(criteria, def.key)
                .and_then(|i| means.get(i).copied().flatten())
        };
        Placement {
            quadrant: mean(&NUTZEN)
                .zip(mean(&MACHBARKEIT))
                .map(|(n, m)| quadrant(n, m)),
            data_badge: needs_data(mean(&DATENVERFUEGBARKEIT)),
        }
    }
}

/// One idea of a group, ranked.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedIdea {
    /// `None` for an unrated idea, shown "–".
    pub rank: Option<usize>,
    pub row: IdeaRow,
    pub placement: Placement,
    /// "Nutzwert unvollständig: ohne …"
    pub incomplete: Option<String>,
}

/// A group's evaluation of one rating board.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupEvaluation {
    pub criteria: &'static [CriterionDef],
    /// Best first (the one rank rule).
    pub ideas: Vec<RankedIdea>,
    pub chart: Option<ChartModel>,
}

/// Evaluates the ideas of `board` under `weights`.
pub fn evaluate_group(
    board: &BoardState,
    template: &Template,
    weights: &Weights,
) -> Result<GroupEvaluation, ScoringError> {
    let criteria = template.criteria;
    let rows = idea_rows(board, template, weights)?;
    let ideas: Vec<RankedIdea> = rank(rows, |r| r.score.score, |r| r.title.as_str())
        .into_iter()
        .map(|ranked| RankedIdea {
            rank: ranked.rank,
            placement: Placement::of(criteria, &ranked.item.score.means()),
            incomplete: incomplete_note(
                criteria,
                &ranked.item.score.dropped,
                &ChartWords::german(),
            ),
            row: ranked.item,
        })
        .collect();
    let means: Vec<Vec<Option<f64>>> = ideas.iter().map(|i| i.row.score.means()).collect();
    let chart = chart(
        criteria,
        ideas.iter().zip(&means).map(|(i, means)| ChartIdea {
            rank: i.rank,
            title: &i.row.title,
            means,
        }),
    );
    Ok(GroupEvaluation {
        criteria,
        ideas,
        chart,
    })
}

/// One row of the joint ranking with what the portfolio says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct JointIdea {
    pub row: JointRankingRow,
    pub placement: Placement,
    pub incomplete: Option<String>,
}

/// The joint ranking of all groups as every consumer shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct JointEvaluation {
    pub criteria: &'static [CriterionDef],
    pub ideas: Vec<JointIdea>,
    pub chart: Option<ChartModel>,
}

/// The joint ranking of the groups' evaluations (`(group id, evaluation)`),
/// with the moderator's merges applied.
pub fn evaluate_joint<'a>(
    criteria: &'static [CriterionDef],
    groups: impl IntoIterator<Item = (&'a str, &'a GroupEvaluation)>,
    weights: &Weights,
    merges: &[IdeaMerge],
) -> Result<JointEvaluation, ScoringError> {
    let results: Vec<GroupIdeaResult> = groups
        .into_iter()
        .flat_map(|(group_id, evaluation)| {
            evaluation.ideas.iter().map(move |idea| GroupIdeaResult {
                group_id: group_id.to_owned(),
                idea_id: idea.row.card_id.clone(),
                idea_key: idea_key(&idea.row.title),
                title: idea.row.title.clone(),
                score: idea.row.score.clone(),
            })
        })
        .collect();
    let ideas: Vec<JointIdea> = joint_ranking(criteria, &results, weights, merges)?
        .into_iter()
        .map(|row| JointIdea {
            placement: Placement::of(criteria, &row.criterion_means),
            incomplete: incomplete_note(criteria, &row.dropped, &ChartWords::german()),
            row,
        })
        .collect();
    let chart = chart(
        criteria,
        ideas.iter().map(|i| ChartIdea {
            rank: i.row.rank,
            title: &i.row.title,
            means: &i.row.criterion_means,
        }),
    );
    Ok(JointEvaluation {
        criteria,
        ideas,
        chart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{apply, Author, Op, RatingSlot};
    use crate::evaluation::criteria::{RatingValue, KI_CRITERIA};
    use crate::templates::KI;

    fn person(i: u8) -> Author {
        Author {
            id: format!("p{i}"),
            name: format!("Person {i}"),
            kommune: "Musterstadt".into(),
            moderator: false,
        }
    }

    fn board(ideas: &[(&str, Option<u8>)]) -> BoardState {
        let mut board = BoardState::default();
        for (title, value) in ideas {
            let add = Op::AddCard {
                card_id: title.to_lowercase(),
                section: "ideen".into(),
                text: (*title).into(),
            };
            apply(&mut board, &KI, &person(1), &add).expect("added");
            for c in KI_CRITERIA.iter().filter(|_| value.is_some()) {
                let op = Op::Rate {
                    card_id: title.to_lowercase(),
                    criterion: c.into(),
                    value: value.map(|v| RatingSlot::Given(RatingValue::Score(v))),
                };
                apply(&mut board, &KI, &person(1), &op).expect("rated");
            }
        }
        board
    }

    #[test]
    fn a_group_ranks_the_best_first_shares_ties_and_leaves_unrated_unranked() {
        let b = board(&[("A", Some(2)), ("B", Some(5)), ("C", Some(5)), ("D", None)]);
        let eval = evaluate_group(&b, &KI, &Weights::default()).expect("valid");
        let got: Vec<_> = eval
            .ideas
            .iter()
            .map(|i| (i.rank, i.row.title.as_str()))
            .collect();
        assert_eq!(
            got,
            [(Some(1), "B"), (Some(1), "C"), (Some(3), "A"), (None, "D")]
        );
        let a = &eval.ideas[2];
        assert_eq!(a.placement.quadrant, Some(Quadrant::Zurueckstellen));
        assert!(a.placement.data_badge);
        assert_eq!(eval.ideas[3].placement, Placement::default());
        let chart = eval.chart.expect("KI has a chart");
        let labels: Vec<_> = chart.bubbles.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["1", "1", "3"]);
    }

    #[test]
    fn the_joint_evaluation_places_and_charts_the_merged_ideas() {
        let g1 = evaluate_group(&board(&[("Chatbot", Some(5))]), &KI, &Weights::default())
            .expect("valid");
        let g2 = evaluate_group(
            &board(&[("chatbot", Some(1)), ("Prognose", None)]),
            &KI,
            &Weights::default(),
        )
        .expect("valid");
        let joint = evaluate_joint(
            KI_CRITERIA,
            [("g1", &g1), ("g2", &g2)],
            &Weights::default(),
            &[],
        )
        .expect("valid");
        assert_eq!(joint.ideas.len(), 2);
        assert_eq!(joint.ideas[0].row.rank, Some(1));
        assert_eq!(
            joint.ideas[0].placement.quadrant,
            Some(Quadrant::UmsetzenPilot)
        );
        assert_eq!(joint.ideas[1].row.rank, None);
        assert_eq!(joint.chart.map(|c| c.bubbles.len()), Some(1));
    }
}
