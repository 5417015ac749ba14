//! Aggregates of one criterion of one idea: counts, mean, median, min-max,
//! the sample standard deviation and the Konsens/Dissens badge.

use super::criteria::RatingValue;
use serde::{Deserialize, Serialize};

/// Badge shown beside a criterion's spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Consensus {
    Konsens,
    Dissens,
}

impl Consensus {
    pub fn label_de(self) -> &'static str {
        match self {
            Consensus::Konsens => "Konsens",
            Consensus::Dissens => "Dissens",
        }
    }
}

/// Sample standard deviation above which ratings count as Dissens.
pub const DISSENS_STD_DEV: f64 = 1.0;
/// Spread (max - min) from which ratings count as Dissens.
pub const DISSENS_RANGE: u8 = 3;

/// Aggregate of all answers on one criterion of one idea.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CriterionAggregate {
    /// Number of numeric ratings (1..=5).
    pub n: u32,
    /// Number of "weiß nicht" answers; shown, never scored.
    pub dont_know: u32,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub min: Option<u8>,
    pub max: Option<u8>,
    /// Sample standard deviation (divisor n − 1, as Excel's STABW.S), so an
    /// office re-computing from the raw sheet gets the same figure; `None`
    /// below two ratings (STABW.S gives #DIV/0! there).
    pub std_dev: Option<f64>,
    pub consensus: Option<Consensus>,
}

impl CriterionAggregate {
    /// "1–5", or "–" without ratings.
    pub fn range_text(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
            _ => "–".to_owned(),
        }
    }
}

/// Aggregates one criterion's answers.
///
/// "weiß nicht" only increases `dont_know`. Scores outside 1..=5 (possible
/// only by building `RatingValue::Score` directly) are ignored.
///
/// Consensus rule: with at least 2 numeric ratings it is
/// [`Consensus::Dissens`] when `std_dev > DISSENS_STD_DEV` or
/// `max - min >= DISSENS_RANGE`, otherwise [`Consensus::Konsens`]; with fewer
/// than 2 numeric ratings there is nothing to agree on, so it is `None`.
pub fn aggregate(values: &[RatingValue]) -> CriterionAggregate {
    let mut scores: Vec<u8> = Vec::with_capacity(values.len());
    let mut dont_know: u32 = 0;
    for value in values {
        match value {
            RatingValue::DontKnow => dont_know = dont_know.saturating_add(1),
            RatingValue::Score(_) => scores.extend(value.score()),
        }
    }
    scores.sort_unstable();
    let n = u32::try_from(scores.len()).unwrap_or(u32::MAX);

    let (Some(&min), Some(&max)) = (scores.first(), scores.last()) else {
        return CriterionAggregate {
            n,
            dont_know,
            ..CriterionAggregate::default()
        };
    };

    let count = scores.len() as f64;
    let sum: u64 = scores.iter().map(|&s| u64::from(s)).sum();
    let mean = sum as f64 / count;
    let mid = scores.len() / 2;
    // `scores` is non-empty here, so `mid` (and `mid - 1` for even counts) is in bounds.
    let median = if scores.len() % 2 == 1 {
        f64::from(scores[mid])
    } else {
        (f64::from(scores[mid - 1]) + f64::from(scores[mid])) / 2.0
    };
    let std_dev = (scores.len() >= 2).then(|| {
        let squares: f64 = scores.iter().map(|&s| (f64::from(s) - mean).powi(2)).sum();
        (squares / (count - 1.0)).sqrt()
    });
    let consensus = std_dev.map(|sd| {
        if sd > DISSENS_STD_DEV || max - min >= DISSENS_RANGE {
            Consensus::Dissens
        } else {
            Consensus::Konsens
        }
    });

    CriterionAggregate {
        n,
        dont_know,
        mean: Some(mean),
        median: Some(median),
        min: Some(min),
        max: Some(max),
        std_dev,
        consensus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EPS: f64 = 1e-9;
    const DK: RatingValue = RatingValue::DontKnow;

    fn s(v: u8) -> RatingValue {
        RatingValue::Score(v)
    }

    fn assert_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => assert!((a - expected).abs() < EPS, "expected {expected}, got {a}"),
            None => panic!("expected {expected}, got None"),
        }
    }

    #[test]
    fn single_rater_gives_that_value_and_neither_sd_nor_badge() {
        let agg = aggregate(&[s(4)]);
        assert_eq!((agg.n, agg.dont_know), (1, 0));
        assert_close(agg.mean, 4.0);
        assert_close(agg.median, 4.0);
        assert_eq!((agg.min, agg.max), (Some(4), Some(4)));
        assert_eq!(agg.std_dev, None);
        assert_eq!(agg.consensus, None);
    }

    #[test]
    fn all_dont_know_gives_counts_only() {
        assert_eq!(
            aggregate(&[DK, DK, DK]),
            CriterionAggregate {
                n: 0,
                dont_know: 3,
                ..CriterionAggregate::default()
            }
        );
        assert_eq!(aggregate(&[]), CriterionAggregate::default());
    }

    #[test]
    fn mixed_values_follow_the_hand_computation_with_the_sample_sd() {
        let agg = aggregate(&[s(1), s(2), s(4), s(5), DK]);
        assert_eq!((agg.n, agg.dont_know), (4, 1));
        assert_close(agg.mean, 3.0);
        assert_close(agg.median, 3.0);
        // squared deviations 4, 1, 1, 4 -> 10 / (4 - 1) -> STABW.S = 1.8257
        assert_close(agg.std_dev, (10.0_f64 / 3.0).sqrt());
        assert_eq!(agg.consensus, Some(Consensus::Dissens));
        assert_eq!(agg.range_text(), "1–5");
    }

    #[test]
    fn ratings_four_and_two_are_dissens_with_the_sample_sd() {
        // Population SD would be 1.0 (Konsens); STABW.S is sqrt(2) = 1.414.
        let agg = aggregate(&[s(4), s(2)]);
        assert_close(agg.std_dev, 2.0_f64.sqrt());
        assert_eq!(agg.consensus, Some(Consensus::Dissens));
    }

    #[test]
    fn median_of_even_count_is_mean_of_the_two_middle_values() {
        assert_close(aggregate(&[s(5), s(2), s(3), s(1)]).median, 2.5);
        assert_close(aggregate(&[s(4), s(4), s(5), s(5)]).median, 4.5);
        assert_close(aggregate(&[s(5), s(1), s(2)]).median, 2.0);
    }

    #[test]
    fn close_ratings_are_konsens() {
        // mean 4, squares 1 + 0 + 0 + 1 = 2 -> 2 / 3 -> SD 0.816, range 2
        let agg = aggregate(&[s(3), s(4), s(4), s(5)]);
        assert_close(agg.std_dev, (2.0_f64 / 3.0).sqrt());
        assert_eq!(agg.consensus, Some(Consensus::Konsens));
    }

    #[test]
    fn sd_exactly_at_the_threshold_is_still_konsens() {
        // 2, 3, 4: squares 1 + 0 + 1 = 2 -> 2 / 2 = 1 -> SD exactly 1.0, range 2
        let agg = aggregate(&[s(2), s(3), s(4)]);
        assert_close(agg.std_dev, 1.0);
        assert_eq!(agg.consensus, Some(Consensus::Konsens));
    }

    #[test]
    fn range_of_three_is_dissens_even_with_small_sd() {
        // nine 4s and one 1: mean 3.7, squares 2.7² + 9 × 0.3² = 8.1 -> 8.1 / 9 = 0.9
        let mut values = vec![s(4); 9];
        values.push(s(1));
        let agg = aggregate(&values);
        assert_close(agg.std_dev, 0.9_f64.sqrt());
        assert!(agg.std_dev.is_some_and(|sd| sd < DISSENS_STD_DEV));
        assert_eq!(agg.consensus, Some(Consensus::Dissens));
    }

    #[test]
    fn dont_know_does_not_count_towards_consensus() {
        let agg = aggregate(&[s(3), DK, DK]);
        assert_eq!(agg.n, 1);
        assert_eq!(agg.consensus, None);
    }

    #[test]
    fn unchecked_out_of_range_scores_are_ignored() {
        let agg = aggregate(&[s(0), s(9), s(3)]);
        assert_eq!((agg.n, agg.dont_know), (1, 0));
        assert_close(agg.mean, 3.0);
    }

    fn rating_strategy() -> impl Strategy<Value = RatingValue> {
        prop_oneof![
            1 => Just(RatingValue::DontKnow),
            4 => (1u8..=5).prop_map(RatingValue::Score),
        ]
    }

    proptest! {
        #[test]
        fn aggregate_counts_every_answer_and_mean_lies_within_min_max(
            values in prop::collection::vec(rating_strategy(), 0..30),
        ) {
            let agg = aggregate(&values);
            prop_assert_eq!(agg.n as usize + agg.dont_know as usize, values.len());
            if let (Some(mean), Some(median), Some(min), Some(max)) =
                (agg.mean, agg.median, agg.min, agg.max)
            {
                prop_assert!(f64::from(min) <= mean + EPS && mean <= f64::from(max) + EPS);
                prop_assert!(f64::from(min) <= median && median <= f64::from(max));
                prop_assert_eq!(agg.std_dev.is_some(), agg.n >= 2);
                if let Some(sd) = agg.std_dev {
                    // the sample SD of values in 1..=5 is at most sqrt(8) (two values 1 and 5)
                    prop_assert!((0.0..=8.0_f64.sqrt() + EPS).contains(&sd));
                }
            } else {
                prop_assert_eq!(agg.n, 0);
            }
        }
    }
}
