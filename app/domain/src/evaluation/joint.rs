//! The moderator's joint ranking across groups, so that a large group does
//! not dominate: the same idea (same normalised title) is one row, and per
//! criterion each group counts once. The moderator can also merge two ideas
//! of different titles ("zusammenführen", [`IdeaMerge`]) and undo it.

use super::criteria::{CriterionDef, CriterionKey, ScoringError};
use super::ranking::rank;
use super::score::{nutzwert, IdeaScore, Weights};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

/// Most merges a session keeps (a workshop has a few dozen ideas at most).
pub const MAX_MERGES: usize = 200;
/// Longest key of a merged idea: a card's text limit.
pub const MAX_MERGE_KEY_CHARS: usize = crate::board::limits::CARD_TEXT;

/// Why a merge was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeError {
    /// A title without letters or digits, or one too long to be a card's.
    #[error("no idea to merge")]
    NoIdea,
    /// Both titles are already the same idea.
    #[error("the same idea")]
    SameIdea,
    #[error("too many merges")]
    TooMany,
}

/// The moderator's "zusammenführen": two ideas of different titles are one
/// idea in the joint ranking. Stored by their normalised titles
/// ([`idea_key`]) in sorted order, so a merge of A with B and of B with A is
/// the same merge, and it holds for every group's idea of either title.
/// Merges chain: A+B and B+C make A, B and C one idea.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IdeaMerge {
    pub first: String,
    pub second: String,
}

impl IdeaMerge {
    /// The merge of the ideas titled `a` and `b` (titles or keys alike).
    pub fn new(a: &str, b: &str) -> Result<IdeaMerge, MergeError> {
        let (a, b) = (idea_key(a), idea_key(b));
        if a.is_empty()
            || b.is_empty()
            || a.chars().count() > MAX_MERGE_KEY_CHARS
            || b.chars().count() > MAX_MERGE_KEY_CHARS
        {
            return Err(MergeError::NoIdea);
        }
        match a.cmp(&b) {
            std::cmp::Ordering::Less => Ok(IdeaMerge {
                first: a,
                second: b,
            }),
            std::cmp::Ordering::Greater => Ok(IdeaMerge {
                first: b,
                second: a,
            }),
            std::cmp::Ordering::Equal => Err(MergeError::SameIdea),
        }
    }
}

/// What the moderator does with a merge (a settings change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MergeChange {
    /// "zusammenführen"
    Merge { first: String, second: String },
    /// "Zusammenführung aufheben"
    Undo { first: String, second: String },
}

/// `merges` after `change`: a merge is added once (again: no change), an
/// undo removes it (one not there: no change).
pub fn merges_after(
    merges: &[IdeaMerge],
    change: &MergeChange,
) -> Result<Vec<IdeaMerge>, MergeError> {
    let mut next = merges.to_vec();
    match change {
        MergeChange::Merge { first, second } => {
            let merge = IdeaMerge::new(first, second)?;
            if !next.contains(&merge) {
                if next.len() >= MAX_MERGES {
                    return Err(MergeError::TooMany);
                }
                next.push(merge);
            }
        }
        MergeChange::Undo { first, second } => {
            let merge = IdeaMerge::new(first, second)?;
            next.retain(|m| *m != merge);
        }
    }
    Ok(next)
}

/// The idea keys that `merges` make one, as sets (only sets of two or more).
fn merged_sets(merges: &[IdeaMerge]) -> Vec<BTreeSet<&str>> {
    let mut sets: Vec<BTreeSet<&str>> = Vec::new();
    for m in merges {
        let (a, b) = (m.first.as_str(), m.second.as_str());
        let mut joined: BTreeSet<&str> = [a, b].into();
        sets.retain(|s| {
            if s.contains(a) || s.contains(b) {
                joined.extend(s.iter().copied());
                false
            } else {
                true
            }
        });
        sets.push(joined);
    }
    sets
}

/// One row of the moderator's joint ranking across groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JointRankingRow {
    pub idea_key: String,
    /// Title as first seen in the input.
    pub title: String,
    /// The titles of the ideas the moderator merged into this one (first
    /// seen of each, in input order; not `title`'s own idea).
    #[serde(default)]
    pub merged: Vec<String>,
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

impl JointRankingRow {
    /// The title as documents show it: "Chatbot (zusammengeführt mit:
    /// KI-Assistent)" for a row the moderator merged.
    pub fn title_de(&self) -> String {
        if self.merged.is_empty() {
            self.title.clone()
        } else {
            format!(
                "{} (zusammengeführt mit: {})",
                self.title,
                self.merged.join(", ")
            )
        }
    }
}

/// Per-group running sums for one merged idea.
struct MergedIdea<'a> {
    /// The key the row is found by (the smallest of a moderator's merge).
    row_key: &'a str,
    idea_key: &'a str,
    title: &'a str,
    /// Keys and titles of merged ideas other than the first.
    merged: Vec<(&'a str, &'a str)>,
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
/// - Ideas the moderator merged ([`IdeaMerge`], chained) are one idea by
///   the same rule: a group that has both counts once.
/// - Ranked by the one rank rule ([`rank`]).
pub fn joint_ranking(
    criteria: &[CriterionDef],
    results: &[GroupIdeaResult],
    weights: &Weights,
    merges: &[IdeaMerge],
) -> Result<Vec<JointRankingRow>, ScoringError> {
    let normalised = weights.normalised(criteria)?;
    let sets = merged_sets(merges);
    let row_key = |key: &'_ str| -> Option<String> {
        if key.is_empty() {
            return None;
        }
        Some(
            sets.iter()
                .find(|s| s.contains(key))
                .and_then(|s| s.first())
                .map_or_else(|| key.to_owned(), |k| (*k).to_owned()),
        )
    };
    let keys: Vec<Option<String>> = results.iter().map(|r| row_key(&r.idea_key)).collect();

    let mut merged: Vec<MergedIdea<'_>> = Vec::new();
    for (result, key) in results.iter().zip(&keys) {
        let existing = key
            .as_deref()
            .and_then(|k| merged.iter().position(|m| m.row_key == k));
        let idea_pos = existing.unwrap_or_else(|| {
            merged.push(MergedIdea {
                row_key: key.as_deref().unwrap_or_default(),
                idea_key: &result.idea_key,
                title: &result.title,
                merged: Vec::new(),
                groups: Vec::new(),
                sums: Vec::new(),
            });
            merged.len() - 1
        });
        let Some(idea) = merged.get_mut(idea_pos) else {
            continue;
        };
        if idea.idea_key != result.idea_key
            && !idea.merged.iter().any(|(k, _)| *k == result.idea_key)
        {
            idea.merged.push((&result.idea_key, &result.title));
        }
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
                merged: idea.merged.iter().map(|(_, t)| t.to_string()).collect(),
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
        joint_ranking(KI_CRITERIA, results, &Weights::default(), &[]).expect("valid")
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
            joint_ranking(KI_CRITERIA, &[], &w, &[]),
            Err(ScoringError::NonFiniteWeight)
        );
        assert_eq!(joint(&[]), vec![]);
    }

    fn merge(a: &str, b: &str) -> IdeaMerge {
        IdeaMerge::new(a, b).expect("a merge")
    }

    #[test]
    fn merged_ideas_of_different_titles_are_one_row_and_each_group_counts_once() {
        // A: Chatbot 5 (all criteria), KI-Assistent 3 -> A's mean for the
        // merged idea (5 + 3) / 2 = 4; B: KI-Assistent 1 -> 1. Joint (4 + 1) / 2
        // = 2.5 -> score (2.5 - 1) / 4 × 100 = 37.5. Prognose 3 -> 50, rank 1.
        let results = [
            group_result("A", "Chatbot", [&[5], &[5], &[5], &[5]]),
            group_result("A", "KI-Assistent", [&[3], &[3], &[3], &[3]]),
            group_result("B", "ki-assistent", [&[1], &[1], &[1], &[1]]),
            group_result("B", "Prognose", [&[3], &[3], &[3], &[3]]),
        ];
        let merges = [merge("KI-Assistent", "Chatbot")];
        let rows =
            joint_ranking(KI_CRITERIA, &results, &Weights::default(), &merges).expect("valid");
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.title.as_str(), r.merged.clone(), r.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("Prognose", vec![], Some(1)),
                ("Chatbot", vec!["KI-Assistent".to_owned()], Some(2)),
            ]
        );
        assert_eq!(rows[1].groups, ["A", "B"]);
        for m in &rows[1].criterion_means {
            assert_close(*m, 2.5);
        }
        assert_close(rows[1].score, 37.5);
        // Undone, the three titles are two rows again: Chatbot 100 (A),
        // KI-Assistent (3 + 1) / 2 = 2 -> 25.
        let undone = merges_after(
            &merges,
            &MergeChange::Undo {
                first: "chatbot".into(),
                second: "KI-Assistent!".into(),
            },
        )
        .expect("valid");
        assert!(undone.is_empty());
        let rows = joint(&results);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.title.as_str(), r.score, r.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("Chatbot", Some(100.0), Some(1)),
                ("Prognose", Some(50.0), Some(2)),
                ("KI-Assistent", Some(25.0), Some(3)),
            ]
        );
    }

    #[test]
    fn merges_chain_and_a_merge_is_stored_once_in_either_order() {
        // A+B and B+C: one row of A (5), B (3, group Y) and C (1, group Z):
        // group means 5, 3, 1 -> joint 3 -> 50.
        let results = [
            group_result("X", "A", [&[5], &[5], &[5], &[5]]),
            group_result("Y", "B", [&[3], &[3], &[3], &[3]]),
            group_result("Z", "C", [&[1], &[1], &[1], &[1]]),
        ];
        let mut merges = Vec::new();
        for (a, b) in [("A", "B"), ("b", "a"), ("C", "B")] {
            merges = merges_after(
                &merges,
                &MergeChange::Merge {
                    first: a.into(),
                    second: b.into(),
                },
            )
            .expect("valid");
        }
        assert_eq!(merges, [merge("a", "b"), merge("b", "c")]);
        let rows =
            joint_ranking(KI_CRITERIA, &results, &Weights::default(), &merges).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].title, "A");
        assert_eq!(rows[0].merged, ["B", "C"]);
        assert_close(rows[0].score, 50.0);
    }

    #[test]
    fn a_merge_needs_two_different_ideas_and_has_a_limit() {
        assert_eq!(
            IdeaMerge::new("Chatbot", " chatbot!"),
            Err(MergeError::SameIdea)
        );
        assert_eq!(IdeaMerge::new("Chatbot", "..."), Err(MergeError::NoIdea));
        let long = "x".repeat(MAX_MERGE_KEY_CHARS + 1);
        assert_eq!(IdeaMerge::new("Chatbot", &long), Err(MergeError::NoIdea));
        let full: Vec<IdeaMerge> = (0..MAX_MERGES)
            .map(|i| merge("Basis", &format!("Idee {i}")))
            .collect();
        let one_more = MergeChange::Merge {
            first: "Basis".into(),
            second: "Neu".into(),
        };
        assert_eq!(merges_after(&full, &one_more), Err(MergeError::TooMany));
        // Merging again what is merged is no change, even when full.
        let again = MergeChange::Merge {
            first: "Idee 3".into(),
            second: "basis".into(),
        };
        assert_eq!(merges_after(&full, &again).map(|m| m.len()), Ok(MAX_MERGES));
    }
}
