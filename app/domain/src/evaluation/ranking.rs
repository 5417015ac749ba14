//! The one rank rule, used for a group's ideas and for the joint ranking:
//! best score first; scores within [`RANK_TIE_EPSILON`] share a rank
//! (competition ranking 1, 1, 3), in title order; ideas without a score
//! (nobody rated them) come last and have no rank, shown "–" everywhere.

use std::cmp::Ordering;

/// Scores closer than this share a rank, so float noise does not split ties.
pub const RANK_TIE_EPSILON: f64 = 1e-9;

/// An item with its rank; `None` for an unrated item.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked<T> {
    pub rank: Option<usize>,
    pub item: T,
}

/// Sorts `items` by the rank rule and gives each its rank. `score` reads an
/// item's score, `title` the name that orders ties (case-insensitive first,
/// then exact; the input order last, so the order is total and stable).
pub fn rank<T>(
    items: Vec<T>,
    score: impl Fn(&T) -> Option<f64>,
    title: impl Fn(&T) -> &str,
) -> Vec<Ranked<T>> {
    let by_title = |a: &T, b: &T| {
        let (a, b) = (title(a), title(b));
        a.to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b))
    };
    let mut items = items;
    items.sort_by(|a, b| cmp_score_desc(score(a), score(b)).then_with(|| by_title(a, b)));
    let mut out: Vec<Ranked<T>> = Vec::with_capacity(items.len());
    // Each row is compared with the first row of its tie block (not the
    // previous row), so a chain of tiny differences cannot drift into one rank.
    let mut block: Option<(f64, usize)> = None;
    for (i, item) in items.into_iter().enumerate() {
        let rank = score(&item).map(|s| match block {
            Some((lead, rank)) if (lead - s).abs() <= RANK_TIE_EPSILON => rank,
            _ => {
                block = Some((s, i + 1));
                i + 1
            }
        });
        out.push(Ranked { rank, item });
    }
    // Scores within epsilon may still be ordered by float noise; put rows
    // sharing a rank in title order (stable; unrated rows stay last).
    out.sort_by(|a, b| match (a.rank, b.rank) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| by_title(&a.item, &b.item)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    out
}

fn cmp_score_desc(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ranks(items: &[(&'static str, Option<f64>)]) -> Vec<(&'static str, Option<usize>)> {
        rank(items.to_vec(), |i| i.1, |i| i.0)
            .into_iter()
            .map(|r| (r.item.0, r.rank))
            .collect()
    }

    #[test]
    fn equal_scores_share_a_rank_and_the_next_rank_is_skipped() {
        let got = ranks(&[
            ("Dokumente", Some(25.0)),
            ("Chatbot", Some(50.0)),
            ("Bürger-App", Some(75.0)),
            ("anfragen sortieren", Some(75.0)),
        ]);
        assert_eq!(
            got,
            [
                ("anfragen sortieren", Some(1)),
                ("Bürger-App", Some(1)),
                ("Chatbot", Some(3)),
                ("Dokumente", Some(4))
            ]
        );
    }

    #[test]
    fn unrated_ideas_come_last_without_a_rank() {
        let got = ranks(&[("Zwei", None), ("Eins", Some(50.0)), ("Drei", None)]);
        assert_eq!(got, [("Eins", Some(1)), ("Drei", None), ("Zwei", None)]);
    }

    #[test]
    fn scores_within_epsilon_share_a_rank_in_title_order() {
        let got = ranks(&[
            ("B", Some(50.0 + 1e-12)),
            ("A", Some(50.0)),
            ("C", Some(49.0)),
        ]);
        assert_eq!(got, [("A", Some(1)), ("B", Some(1)), ("C", Some(3))]);
    }

    #[test]
    fn a_chain_of_tiny_differences_does_not_drift_into_one_rank() {
        let e = RANK_TIE_EPSILON * 0.6;
        let got = ranks(&[
            ("A", Some(50.0)),
            ("B", Some(50.0 - e)),
            ("C", Some(50.0 - 2.0 * e)),
        ]);
        assert_eq!(got, [("A", Some(1)), ("B", Some(1)), ("C", Some(3))]);
    }

    proptest! {
        #[test]
        fn ranks_are_consistent_with_the_scores(
            scores in prop::collection::vec(prop::option::of(0u8..=4), 0..12),
        ) {
            let items: Vec<(String, Option<f64>)> = scores
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("Idee {i}"), s.map(|s| f64::from(s) * 25.0)))
                .collect();
            let ranked = rank(items, |i| i.1, |i| i.0.as_str());
            for (i, r) in ranked.iter().enumerate() {
                prop_assert_eq!(r.rank.is_some(), r.item.1.is_some());
                if let Some(rank) = r.rank {
                    prop_assert!(rank >= 1 && rank <= i + 1);
                    let better = ranked.iter().filter(|o| o.item.1 > r.item.1).count();
                    prop_assert_eq!(rank, better + 1);
                }
            }
        }
    }
}
