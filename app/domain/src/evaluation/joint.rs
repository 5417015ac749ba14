//! The moderator's joint ranking across groups, so that a large group does
//! not dominate: the same idea (same normalised title) is one row, and per
//! criterion each group counts once.

use super::criteria::{CriterionDef, CriterionKey, ScoringError};
use super::ranking::rank;
use super::score::{nutzwert, IdeaScore, Weights};
use serde::{Deserialize, Serialize};

/// One group's result for one idea, input to [`joint_ranking`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupIdeaResult {
    pub group_id: String,
    pub idea_id: String,
    /// Normalised title (see [`idea_key`]) that detects the same idea in
    /// several groups.
    pub idea_key: String,
    pub title: String,
    pub score: IdeaScore,
}

/// Normalises a title so that the same idea typed slightly differently in
/// two groups is recognised: lowercase, trimmed, inner whitespace collapsed
/// to one space, leading/trailing punctuation (anything not a letter or
/// digit) removed.
pub fn idea_key(title: &str) -> String {
    let lower = title.to_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// One row of the moderator's joint ranking across groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JointRankingRow {
    pub idea_key: String,
    /// Title as first seen in the input.
    pub title: String,
    /// Groups that rated this idea, in input order, without duplicates.
    pub groups: Vec<String>,
    /// Joint mean per criterion, in the method's order.
    pub criterion_means: Vec<Option<f64>>,
    pub score: Option<f64>,
    /// Weighted criteria without a joint mean ("Nutzwert unvollständig").
    pub dropped: Vec<CriterionKey>,
    /// 1-based competition rank (1, 1, 3); `None` without a score.
    pub rank: Option<usize>,
}

/// Per-group running sums for one merged idea.
struct MergedIdea<'a> {
    idea_key: &'a str,
    title: &'a str,
    groups: Vec<&'a str>,
    /// Per group, per criterion: (sum of means, count of ideas with a mean).
    sums: Vec<Vec<(f64, u32)>>,
}

/// Joint ranking of all groups' ideas.
///
/// Rules:
/// - Results with the same non-empty `idea_key` are one idea; results with
///   an empty key are never merged.
/// - Per criterion the joint mean is the unweighted mean of the per-group
///   means: each group counts once, however many raters it had. Groups
///   without a mean for that criterion are left out. (If one group lists the
///   same idea twice, those entries are averaged first, so the group still
///   counts once.)
/// - The score uses the joint means with the same formula and
///   renormalisation as a group's ([`nutzwert`]).
/// - Ranked by the one rank rule ([`rank`]).
pub fn joint_ranking(
    criteria: &[CriterionDef],
    results: &[GroupIdeaResult],
    weights: &Weights,
) -> Result<Vec<JointRankingRow>, ScoringError> {
    let normalised = weights.normalised(criteria)?;

    let mut merged: Vec<MergedIdea<'_>> = Vec::new();
    for result in results {
        let existing = if result.idea_key.is_empty() {
            None
        } else {
            merged.iter().position(|m| m.idea_key == result.idea_key)
        };
        let idea_pos = existing.unwrap_or_else(|| {
            merged.push(MergedIdea {
                idea_key: &result.idea_key,
                title: &result.title,
                groups: Vec::new(),
                sums: Vec::new(),
            });
            merged.len() - 1
        });
        let Some(idea) = merged.get_mut(idea_pos) else {
            continue;
        };
        let group_pos = match idea.groups.iter().position(|g| *g == result.group_id) {
            Some(pos) => pos,
            None => {
                idea.groups.push(&result.group_id);
                idea.sums.push(vec![(0.0, 0); criteria.len()]);
                idea.sums.len() - 1
            }
        };
        let Some(sums) = idea.sums.get_mut(group_pos) else {
            continue;
        };
        for (slot, agg) in sums.iter_mut().zip(&result.score.per_criterion) {
            if let Some(m) = agg.mean.filter(|m| m.is_finite()) {
                slot.0 += m;
                slot.1 = slot.1.saturating_add(1);
            }
        }
    }

    let rows: Vec<JointRankingRow> = merged
        .into_iter()
        .map(|idea| {
            let criterion_means: Vec<Option<f64>> = (0..criteria.len())
                .map(|c| {
                    let group_means: Vec<f64> = idea
                        .sums
                        .iter()
                        .filter_map(|s| s.get(c))
                        .filter(|&&(_, count)| count > 0)
                        .map(|&(sum, count)| sum / f64::from(count))
                        .collect();
                    (!group_means.is_empty())
                        .then(|| group_means.iter().sum::<f64>() / group_means.len() as f64)
                })
                .collect();
            let (score, dropped) = nutzwert(criteria, &criterion_means, &normalised);
            JointRankingRow {
                idea_key: idea.idea_key.to_string(),
                title: idea.title.to_string(),
                groups: idea.groups.iter().map(|g| g.to_string()).collect(),
                criterion_means,
                score,
                dropped,
                rank: None,
            }
        })
        .collect();

    Ok(rank(rows, |r| r.score, |r| r.title.as_str())
        .into_iter()
        .map(|r| JointRankingRow {
            rank: r.rank,
            ..r.item
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::criteria::{RatingValue, KI_CRITERIA};
    use crate::evaluation::score::score_idea;

    const EPS: f64 = 1e-9;

    fn assert_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => assert!((a - expected).abs() < EPS, "expected {expected}, got {a}"),
            None => panic!("expected {expected}, got None"),
        }
    }

    fn group_result(group: &str, title: &str, per_criterion: [&[u8]; 4]) -> GroupIdeaResult {
        let ratings: Vec<Vec<RatingValue>> = per_criterion
            .iter()
            .map(|v| {
                v.iter()
                    .map(|&v| {
                        if v == 0 {
                            RatingValue::DontKnow
                        } else {
                            RatingValue::Score(v)
                        }
                    })
                    .collect()
            })
            .collect();
        GroupIdeaResult {
            group_id: group.to_string(),
            idea_id: format!("{group}-{title}"),
            idea_key: idea_key(title),
            title: title.to_string(),
            score: score_idea(KI_CRITERIA, &ratings, &Weights::default()).expect("valid"),
        }
    }

    fn joint(results: &[GroupIdeaResult]) -> Vec<JointRankingRow> {
        joint_ranking(KI_CRITERIA, results, &Weights::default()).expect("valid")
    }

    #[test]
    fn idea_key_ignores_case_whitespace_and_outer_punctuation() {
        assert_eq!(
            idea_key("  Chatbot   für\tden Bürgerservice! "),
            "chatbot für den bürgerservice"
        );
        assert_eq!(idea_key("„KI-Prognose“"), "ki-prognose");
        assert_eq!(idea_key("e.V. Portal..."), "e.v. portal");
        assert_eq!(idea_key(" ... "), "");
    }

    #[test]
    fn a_one_rater_group_counts_as_much_as_a_five_rater_group() {
        // Group means 5 and 1 -> joint mean 3 -> score 50
        // (pooling all six raters would give mean 10/6 and score 16.67).
        let ones: &[u8] = &[1, 1, 1, 1, 1];
        let rows = joint(&[
            group_result("A", "Chatbot", [&[5], &[5], &[5], &[5]]),
            group_result("B", "chatbot", [ones, ones, ones, ones]),
        ]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].groups, ["A", "B"]);
        assert_eq!(rows[0].title, "Chatbot");
        for m in &rows[0].criterion_means {
            assert_close(*m, 3.0);
        }
        assert_close(rows[0].score, 50.0);
        assert_eq!(rows[0].rank, Some(1));
    }

    #[test]
    fn the_same_idea_typed_differently_is_one_row_and_ties_share_a_rank() {
        let rows = joint(&[
            group_result("A", "Chatbot Bürgerservice", [&[4], &[4], &[4], &[4]]),
            group_result("B", "  chatbot   bürgerservice! ", [&[2], &[2], &[2], &[2]]),
            group_result("C", "Prognosemodell", [&[3], &[3], &[3], &[3]]),
        ]);
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(
            got,
            [
                ("Chatbot Bürgerservice", Some(1)),
                ("Prognosemodell", Some(1))
            ]
        );
        assert_eq!(rows[0].groups, ["A", "B"]);
    }

    #[test]
    fn a_group_without_a_mean_is_left_out_of_that_criterion() {
        // Datenverfügbarkeit: A says only "weiß nicht", B rates 5 -> joint 5.
        let rows = joint(&[
            group_result("A", "Idee", [&[3], &[3], &[0], &[3]]),
            group_result("B", "Idee", [&[5], &[5], &[5], &[5]]),
        ]);
        assert_close(rows[0].criterion_means[2], 5.0);
        assert_close(rows[0].criterion_means[0], 4.0);
        // means 4, 4, 5, 4 -> (0.75 + 0.75 + 1 + 0.75) / 4 × 100 = 81.25
        assert_close(rows[0].score, 81.25);
        assert!(rows[0].dropped.is_empty());
    }

    #[test]
    fn a_criterion_nobody_could_rate_drops_out_of_the_joint_score() {
        let rows = joint(&[
            group_result("A", "Idee", [&[5], &[3], &[0], &[1]]),
            group_result("B", "Idee", [&[5], &[3], &[0, 0], &[1]]),
        ]);
        assert_close(rows[0].score, 50.0);
        assert_eq!(rows[0].dropped, [CriterionKey::new("datenverfuegbarkeit")]);
    }

    #[test]
    fn the_same_group_listing_an_idea_twice_still_counts_once() {
        // A: means 5 and 3 -> group mean 4; B: 2. Joint (4 + 2) / 2 = 3.
        let rows = joint(&[
            group_result("A", "Idee", [&[5], &[5], &[5], &[5]]),
            group_result("A", "idee", [&[3], &[3], &[3], &[3]]),
            group_result("B", "Idee", [&[2], &[2], &[2], &[2]]),
        ]);
        assert_eq!(rows[0].groups, ["A", "B"]);
        assert_close(rows[0].criterion_means[0], 3.0);
    }

    #[test]
    fn ideas_with_blank_keys_are_not_merged() {
        let rows = joint(&[
            group_result("A", "!!!", [&[5], &[5], &[5], &[5]]),
            group_result("B", "", [&[1], &[1], &[1], &[1]]),
        ]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn unrated_ideas_come_last_without_a_rank() {
        let rows = joint(&[
            group_result("A", "Alpha", [&[2], &[2], &[2], &[2]]),
            group_result("A", "Aaa ohne Wertung", [&[0], &[0], &[0], &[0]]),
            group_result("B", "Zeta", [&[5], &[4], &[4], &[4]]),
        ]);
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(
            got,
            [
                ("Zeta", Some(1)),
                ("Alpha", Some(2)),
                ("Aaa ohne Wertung", None)
            ]
        );
        assert_eq!(rows[2].criterion_means, [None; 4]);
    }

    #[test]
    fn bad_weights_are_reported_even_without_ideas() {
        let mut w = Weights::default();
        w.set(&KI_CRITERIA[1], f64::NAN);
        assert_eq!(
            joint_ranking(KI_CRITERIA, &[], &w),
            Err(ScoringError::NonFiniteWeight)
        );
        assert_eq!(joint(&[]), vec![]);
    }
}
