//! The Nutzwert 0-100 of an idea: Σ w · (mean − 1) / 4 · 100 over the
//! criteria that have a mean, the weights renormalised over those; and the
//! moderator's weights.

use super::aggregate::{aggregate, CriterionAggregate};
use super::criteria::{CriterionDef, CriterionKey, RatingValue, ScoringError};
use super::portfolio::ChartWords;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Moderator-set weight per criterion key. Relative: only the ratios
/// matter. A criterion without an entry has its default weight. Stored as
/// a JSON object `{"nutzen": 1.0, …}`, as before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weights(BTreeMap<CriterionKey, f64>);

impl FromIterator<(CriterionKey, f64)> for Weights {
    /// Weights by criterion key, unchecked like [`Weights::set`].
    fn from_iter<I: IntoIterator<Item = (CriterionKey, f64)>>(entries: I) -> Self {
        Weights(entries.into_iter().collect())
    }
}

impl Weights {
    /// The weight of `criterion` (its default when none is set).
    pub fn get(&self, criterion: &CriterionDef) -> f64 {
        self.0
            .get(criterion.key)
            .copied()
            .unwrap_or(criterion.default_weight)
    }

    /// Unchecked on purpose, so a form can hold intermediate values;
    /// call [`Weights::validate`] before use.
    pub fn set(&mut self, criterion: &CriterionDef, value: f64) {
        self.0.insert(criterion.into(), value);
    }

    /// Whether both give every criterion of `criteria` the same weight
    /// (a default and the same value spelled out are the same).
    pub fn same_as(&self, other: &Weights, criteria: &[CriterionDef]) -> bool {
        criteria
            .iter()
            .all(|c| self.get(c).to_bits() == other.get(c).to_bits())
    }

    /// Weights must belong to `criteria`, be finite, non-negative and not
    /// all zero, otherwise no score can be computed.
    pub fn validate(&self, criteria: &[CriterionDef]) -> Result<(), ScoringError> {
        if self
            .0
            .keys()
            .any(|k| !criteria.iter().any(|c| c.key == k.as_str()))
        {
            return Err(ScoringError::UnknownCriterion);
        }
        let w: Vec<f64> = criteria.iter().map(|c| self.get(c)).collect();
        if w.iter().any(|x| !x.is_finite()) {
            return Err(ScoringError::NonFiniteWeight);
        }
        if w.iter().any(|&x| x < 0.0) {
            return Err(ScoringError::NegativeWeight);
        }
        if w.iter().all(|&x| x == 0.0) {
            return Err(ScoringError::AllWeightsZero);
        }
        Ok(())
    }

    /// Weights scaled to sum 1, in the order of `criteria`. A weight too
    /// small to be represented relative to the largest one (ratio below
    /// ~1e-308) becomes 0.
    pub fn normalised(&self, criteria: &[CriterionDef]) -> Result<Vec<f64>, ScoringError> {
        self.validate(criteria)?;
        let w: Vec<f64> = criteria.iter().map(|c| self.get(c)).collect();
        // Divide by the largest weight first so the sum cannot overflow.
        let max = w.iter().copied().fold(0.0_f64, f64::max);
        let scaled: Vec<f64> = w.iter().map(|x| x / max).collect();
        let sum: f64 = scaled.iter().sum();
        Ok(scaled.iter().map(|x| x / sum).collect())
    }
}

/// Aggregates and Nutzwert of one idea within one group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaScore {
    /// In the order of the method's criteria.
    pub per_criterion: Vec<CriterionAggregate>,
    /// 0..=100; `None` when no weighted criterion has a numeric rating.
    pub score: Option<f64>,
    /// Weighted criteria left out of a score because nobody could rate them
    /// ("Nutzwert unvollständig: ohne …"); empty without a score.
    pub dropped: Vec<CriterionKey>,
}

impl IdeaScore {
    /// The aggregate of `criterion` (an empty one when unknown).
    pub fn criterion(&self, criteria: &[CriterionDef], key: &str) -> CriterionAggregate {
        super::criteria::position(criteria, key)
            .and_then(|i| self.per_criterion.get(i))
            .cloned()
            .unwrap_or_default()
    }

    /// The mean of each criterion, in the method's order.
    pub fn means(&self) -> Vec<Option<f64>> {
        self.per_criterion.iter().map(|a| a.mean).collect()
    }
}

/// The Nutzwert of criterion means under normalised weights, and which
/// weighted criteria dropped out for lack of a mean.
///
/// Criteria without a mean (no ratings or only "weiß nicht") are left out
/// and the remaining positive weights renormalised to sum 1, so missing
/// knowledge neither drags the score down nor lifts it. `None` if no
/// criterion with positive weight has a mean.
pub fn nutzwert(
    criteria: &[CriterionDef],
    means: &[Option<f64>],
    normalised_weights: &[f64],
) -> (Option<f64>, Vec<CriterionKey>) {
    let mut weight_sum = 0.0;
    let mut acc = 0.0;
    let mut dropped = Vec::new();
    for ((def, mean), &w) in criteria.iter().zip(means).zip(normalised_weights) {
        // Zero-weight criteria count neither towards `weight_sum` nor as dropped.
        if w <= 0.0 {
            continue;
        }
        match mean.filter(|m| m.is_finite()) {
            Some(m) => {
                weight_sum += w;
                acc += w * ((m - 1.0) / 4.0).clamp(0.0, 1.0);
            }
            None => dropped.push(CriterionKey::from(def)),
        }
    }
    if weight_sum > 0.0 {
        (Some((acc / weight_sum * 100.0).clamp(0.0, 100.0)), dropped)
    } else {
        (None, Vec::new())
    }
}

/// Aggregates each criterion and computes the Nutzwert. Weight errors are
/// reported even when there are no ratings, so a bad weight set is never
/// silent. `ratings_per_criterion` is in the order of `criteria`; missing
/// trailing entries count as no ratings.
pub fn score_idea(
    criteria: &[CriterionDef],
    ratings_per_criterion: &[Vec<RatingValue>],
    weights: &Weights,
) -> Result<IdeaScore, ScoringError> {
    let normalised = weights.normalised(criteria)?;
    let per_criterion: Vec<CriterionAggregate> = (0..criteria.len())
        .map(|i| aggregate(ratings_per_criterion.get(i).map_or(&[], Vec::as_slice)))
        .collect();
    let means: Vec<Option<f64>> = per_criterion.iter().map(|a| a.mean).collect();
    let (score, dropped) = nutzwert(criteria, &means, &normalised);
    Ok(IdeaScore {
        per_criterion,
        score,
        dropped,
    })
}

/// "Nutzwert unvollständig: ohne Datenverfügbarkeit" when a weighted
/// criterion dropped out of a score, in the language of `words`; `None`
/// otherwise.
pub fn incomplete_note(
    criteria: &[CriterionDef],
    dropped: &[CriterionKey],
    words: &ChartWords,
) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let labels: Vec<&str> = dropped
        .iter()
        .map(|k| super::criteria::find(criteria, k.as_str()).map_or(k.as_str(), |c| words.label(c)))
        .collect();
    let list = match labels.as_slice() {
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), words.and),
        [] => String::new(),
    };
    Some(words.incomplete.replace("{criteria}", &list))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::criteria::{
        DATENVERFUEGBARKEIT, KI_CRITERIA, KOOPERATIONSEIGNUNG, MACHBARKEIT, NUTZEN,
    };
    use proptest::prelude::*;

    const EPS: f64 = 1e-9;
    const DK: RatingValue = RatingValue::DontKnow;

    fn assert_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => assert!((a - expected).abs() < EPS, "expected {expected}, got {a}"),
            None => panic!("expected {expected}, got None"),
        }
    }

    pub(crate) fn weights(n: f64, m: f64, d: f64, k: f64) -> Weights {
        let mut w = Weights::default();
        for (c, v) in KI_CRITERIA.iter().zip([n, m, d, k]) {
            w.set(c, v);
        }
        w
    }

    /// Ratings per criterion from plain numbers, 0 meaning "weiß nicht".
    fn ratings(per_criterion: [&[u8]; 4]) -> Vec<Vec<RatingValue>> {
        per_criterion
            .iter()
            .map(|vals| {
                vals.iter()
                    .map(|&v| if v == 0 { DK } else { RatingValue::Score(v) })
                    .collect()
            })
            .collect()
    }

    fn score(r: [&[u8]; 4], w: &Weights) -> IdeaScore {
        score_idea(KI_CRITERIA, &ratings(r), w).expect("valid weights")
    }

    #[test]
    fn default_weights_are_equal_and_stored_as_the_old_object() {
        assert_eq!(
            Weights::default().normalised(KI_CRITERIA),
            Ok(vec![0.25; 4])
        );
        let stored =
            r#"{"nutzen":2.0,"machbarkeit":1.0,"datenverfuegbarkeit":1.0,"kooperationsform":0.0}"#;
        let w: Weights = serde_json::from_str(stored).expect("old settings decode");
        assert_eq!(w, weights(2.0, 1.0, 1.0, 0.0));
        let back: Weights =
            serde_json::from_str(&serde_json::to_string(&w).expect("serialises")).expect("decodes");
        assert_eq!(back, w);
        assert_eq!(w.get(&KOOPERATIONSEIGNUNG), 0.0);
    }

    #[test]
    fn weights_get_returns_what_set_stored() {
        let mut w = Weights::default();
        w.set(&MACHBARKEIT, 2.5);
        assert_eq!(w.get(&MACHBARKEIT), 2.5);
        assert_eq!(w.get(&NUTZEN), 1.0);
    }

    #[test]
    fn normalised_weights_sum_to_one_in_criterion_order() {
        let n = weights(2.0, 1.0, 1.0, 0.0).normalised(KI_CRITERIA);
        assert_eq!(n, Ok(vec![0.5, 0.25, 0.25, 0.0]));
        let huge = weights(f64::MAX, f64::MAX, f64::MAX, f64::MAX).normalised(KI_CRITERIA);
        assert_eq!(huge, Ok(vec![0.25; 4]));
    }

    #[test]
    fn bad_weights_are_rejected() {
        let w = weights(1.0, -0.5, 1.0, 1.0);
        assert_eq!(w.validate(KI_CRITERIA), Err(ScoringError::NegativeWeight));
        let w = weights(0.0, 0.0, -0.0, 0.0);
        assert_eq!(w.validate(KI_CRITERIA), Err(ScoringError::AllWeightsZero));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let w = weights(1.0, 1.0, bad, 1.0);
            assert_eq!(w.validate(KI_CRITERIA), Err(ScoringError::NonFiniteWeight));
        }
        let unknown: Weights = serde_json::from_str(r#"{"kosten":1.0}"#).expect("decodes");
        assert_eq!(
            unknown.validate(KI_CRITERIA),
            Err(ScoringError::UnknownCriterion)
        );
        assert_eq!(
            score_idea(KI_CRITERIA, &[], &weights(0.0, 0.0, 0.0, 0.0)),
            Err(ScoringError::AllWeightsZero)
        );
    }

    #[test]
    fn all_ones_score_zero_and_all_fives_score_hundred() {
        assert_close(
            score([&[1], &[1], &[1], &[1]], &Weights::default()).score,
            0.0,
        );
        assert_close(
            score([&[5], &[5], &[5], &[5]], &Weights::default()).score,
            100.0,
        );
    }

    #[test]
    fn equal_weights_score_is_average_of_criterion_scores() {
        // means 5, 3, 1, 4 -> (1 + 0.5 + 0 + 0.75) / 4 × 100 = 56.25
        let idea = score([&[5], &[3], &[1], &[4]], &Weights::default());
        assert_close(idea.score, 56.25);
        assert!(idea.dropped.is_empty());
    }

    #[test]
    fn unequal_weights_2_1_1_0_give_62_5() {
        // means 5, 3, 1, 2: (2 × 1 + 1 × 0.5 + 1 × 0 + 0 × 0.25) / 4 × 100 = 62.5
        let idea = score([&[5, 5], &[2, 4], &[1], &[2]], &weights(2.0, 1.0, 1.0, 0.0));
        assert_close(idea.criterion(KI_CRITERIA, "machbarkeit").mean, 3.0);
        assert_close(idea.score, 62.5);
    }

    #[test]
    fn criterion_with_only_dont_know_drops_out_and_says_so() {
        // Datenverfügbarkeit has only "weiß nicht": remaining weights 1/3 each,
        // means 5, 3, 1 -> (1 + 0.5 + 0) / 3 × 100 = 50.
        let idea = score([&[5, 0], &[3], &[0, 0], &[1]], &Weights::default());
        let daten = idea.criterion(KI_CRITERIA, DATENVERFUEGBARKEIT.key);
        assert_eq!((daten.dont_know, daten.mean), (2, None));
        assert_close(idea.score, 50.0);
        assert_eq!(idea.dropped, [CriterionKey::from(&DATENVERFUEGBARKEIT)]);
        assert_eq!(
            incomplete_note(KI_CRITERIA, &idea.dropped, &ChartWords::german()).as_deref(),
            Some("Nutzwert unvollständig: ohne Datenverfügbarkeit")
        );
    }

    #[test]
    fn two_dropped_criteria_are_named_with_und() {
        let idea = score([&[5], &[], &[0], &[1]], &Weights::default());
        assert_eq!(
            incomplete_note(KI_CRITERIA, &idea.dropped, &ChartWords::german()).as_deref(),
            Some("Nutzwert unvollständig: ohne Machbarkeit und Datenverfügbarkeit")
        );
    }

    #[test]
    fn the_note_reads_in_the_words_it_is_given() {
        let idea = score([&[5], &[], &[0], &[1]], &Weights::default());
        let english = ChartWords {
            incomplete: "Score incomplete: without {criteria}".to_owned(),
            and: "and".to_owned(),
            english_criteria: true,
            ..ChartWords::german()
        };
        assert_eq!(
            incomplete_note(KI_CRITERIA, &idea.dropped, &english).as_deref(),
            Some("Score incomplete: without Feasibility and Data availability")
        );
    }

    #[test]
    fn a_zero_weight_criterion_neither_counts_nor_drops_out() {
        let w = weights(2.0, 1.0, 1.0, 0.0);
        let a = score([&[5], &[3], &[1], &[]], &w);
        let b = score([&[5], &[3], &[1], &[5]], &w);
        assert_close(a.score, 62.5);
        assert_close(b.score, 62.5);
        assert!(a.dropped.is_empty());
    }

    #[test]
    fn renormalisation_keeps_the_ratio_of_unequal_weights() {
        // weights 2, 1, 1, 0 with Machbarkeit unrated: 2/3 and 1/3 remain,
        // means 5 and 1 -> (2/3 × 1 + 1/3 × 0) × 100 = 66.67
        let idea = score([&[5], &[0], &[1], &[3]], &weights(2.0, 1.0, 1.0, 0.0));
        assert_close(idea.score, 200.0 / 3.0);
    }

    #[test]
    fn no_score_and_no_note_when_nothing_weighted_has_a_mean() {
        let idea = score([&[0], &[4], &[4], &[4]], &weights(1.0, 0.0, 0.0, 0.0));
        assert_eq!(idea.score, None);
        assert!(idea.dropped.is_empty());
        let none = score([&[0], &[0, 0], &[0], &[]], &Weights::default());
        assert_eq!(none.score, None);
        assert_eq!(
            incomplete_note(KI_CRITERIA, &none.dropped, &ChartWords::german()),
            None
        );
    }

    fn ratings_strategy() -> impl Strategy<Value = Vec<Vec<RatingValue>>> {
        let value = prop_oneof![
            1 => Just(RatingValue::DontKnow),
            4 => (1u8..=5).prop_map(RatingValue::Score),
        ];
        prop::collection::vec(prop::collection::vec(value, 0..12), 4)
    }

    fn weights_strategy() -> impl Strategy<Value = Weights> {
        let w = || prop_oneof![Just(0.0), 0.0..1e6, 1e-300..1e-200, Just(f64::MAX)];
        (w(), w(), w(), w())
            .prop_map(|(n, m, d, k)| weights(n, m, d, k))
            .prop_filter("not all zero", |w| w.validate(KI_CRITERIA).is_ok())
    }

    proptest! {
        #[test]
        fn score_is_between_0_and_100_and_exists_when_a_weighted_criterion_has_a_mean(
            r in ratings_strategy(),
            w in weights_strategy(),
        ) {
            let idea = score_idea(KI_CRITERIA, &r, &w).expect("weights are valid");
            if let Some(score) = idea.score {
                prop_assert!((0.0..=100.0).contains(&score), "score {}", score);
            }
            let n = w.normalised(KI_CRITERIA).expect("weights are valid");
            let expected = idea
                .per_criterion
                .iter()
                .zip(&n)
                .any(|(a, &w)| w > 0.0 && a.mean.is_some());
            prop_assert_eq!(idea.score.is_some(), expected);
        }

        #[test]
        fn normalised_weights_sum_to_one(w in weights_strategy()) {
            let n = w.normalised(KI_CRITERIA).expect("weights are valid");
            prop_assert!((n.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(n.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }
}
