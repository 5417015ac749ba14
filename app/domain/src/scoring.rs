//! KI-Projektbewertung (domain.md, section 3): per-criterion aggregates, the
//! weighted overall score, the joint ranking across groups and the portfolio
//! quadrant.
//!
//! Pure computation without I/O, so the server, the client and every export
//! show exactly the same numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The four rating criteria, in the order the workshop presents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Criterion {
    Nutzen,
    Machbarkeit,
    Datenverfuegbarkeit,
    Kooperationsform,
}

impl Criterion {
    /// Canonical order; every `[_; 4]` in this module is indexed by it.
    pub const ALL: [Criterion; 4] = [
        Criterion::Nutzen,
        Criterion::Machbarkeit,
        Criterion::Datenverfuegbarkeit,
        Criterion::Kooperationsform,
    ];

    /// Position in [`Criterion::ALL`], for indexing the `[_; 4]` arrays.
    pub fn index(self) -> usize {
        match self {
            Criterion::Nutzen => 0,
            Criterion::Machbarkeit => 1,
            Criterion::Datenverfuegbarkeit => 2,
            Criterion::Kooperationsform => 3,
        }
    }

    /// Stable ASCII key for storage, exports and URLs (same as the serde name).
    pub fn key(self) -> &'static str {
        match self {
            Criterion::Nutzen => "nutzen",
            Criterion::Machbarkeit => "machbarkeit",
            Criterion::Datenverfuegbarkeit => "datenverfuegbarkeit",
            Criterion::Kooperationsform => "kooperationsform",
        }
    }

    /// Inverse of [`Criterion::key`], for reading stored keys back.
    pub fn from_key(key: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.key() == key)
    }

    /// German display name.
    pub fn label_de(self) -> &'static str {
        match self {
            Criterion::Nutzen => "Nutzen",
            Criterion::Machbarkeit => "Machbarkeit",
            Criterion::Datenverfuegbarkeit => "Datenverfügbarkeit",
            Criterion::Kooperationsform => "Kooperationsform",
        }
    }

    /// Anchor texts for levels 1..=5 (index 0 = level 1), so that raters
    /// share one meaning per number.
    pub fn anchors_de(self) -> [&'static str; 5] {
        match self {
            Criterion::Nutzen => [
                "kaum spürbar",
                "geringe Entlastung in Einzelfällen",
                "deutliche Entlastung für eine Stelle oder Zielgruppe",
                "deutliche Entlastung für mehrere Stellen oder Partnerkommunen",
                "große, messbare Entlastung in allen Partnerkommunen",
            ],
            Criterion::Machbarkeit => [
                "keine bekannte Lösung, kein Know-how",
                "erste Ansätze bekannt, wenig eigenes Know-how",
                "Lösungen anderswo in Erprobung, Know-how teilweise vorhanden",
                "erprobte Lösung, Anpassung mit vorhandenem Know-how möglich",
                "marktreife oder nachnutzbare Lösung",
            ],
            Criterion::Datenverfuegbarkeit => [
                "Daten fehlen oder sind unerreichbar",
                "Daten vereinzelt vorhanden, unstrukturiert oder rechtlich ungeklärt",
                "Daten bei einigen Partnern vorhanden, Aufbereitung und Klärung nötig",
                "Daten weitgehend strukturiert, rechtliche Fragen absehbar lösbar",
                "strukturiert, ausreichend und rechtlich geklärt bei allen Partnern",
            ],
            Criterion::Kooperationsform => [
                "nur für eine Kommune sinnvoll",
                "für wenige Kommunen sinnvoll, Aufgaben unterscheiden sich",
                "ähnliche Aufgabe bei mehreren Partnern, Zusammenarbeit denkbar",
                "gleiche Aufgabe bei den meisten Partnern, Rechtsform absehbar",
                "gleiche Aufgabe bei allen, klare Rechtsform, Skaleneffekte",
            ],
        }
    }
}

/// Why a rating or a weight set was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScoringError {
    ScoreOutOfRange(u8),
    NegativeWeight,
    AllWeightsZero,
    NonFiniteWeight,
}

impl fmt::Display for ScoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoringError::ScoreOutOfRange(v) => {
                write!(f, "Bewertung {v} liegt außerhalb von 1 bis 5")
            }
            ScoringError::NegativeWeight => f.write_str("Gewichte dürfen nicht negativ sein"),
            ScoringError::AllWeightsZero => {
                f.write_str("mindestens ein Gewicht muss größer als null sein")
            }
            ScoringError::NonFiniteWeight => f.write_str("Gewichte müssen endliche Zahlen sein"),
        }
    }
}

impl std::error::Error for ScoringError {}

/// One participant's answer on one criterion. "weiß nicht" is counted but
/// never scored.
///
/// Deserialisation goes through [`RatingValue::new_score`], so stored data
/// cannot smuggle in a score outside 1..=5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRatingValue")]
pub enum RatingValue {
    Score(u8),
    DontKnow,
}

impl RatingValue {
    /// Lowest valid score.
    pub const MIN: u8 = 1;
    /// Highest valid score.
    pub const MAX: u8 = 5;

    /// The only checked way to build a score.
    pub fn new_score(v: u8) -> Result<RatingValue, ScoringError> {
        if (Self::MIN..=Self::MAX).contains(&v) {
            Ok(RatingValue::Score(v))
        } else {
            Err(ScoringError::ScoreOutOfRange(v))
        }
    }

    /// The numeric score, if this is a valid one.
    pub fn score(self) -> Option<u8> {
        match self {
            RatingValue::Score(v) if (Self::MIN..=Self::MAX).contains(&v) => Some(v),
            _ => None,
        }
    }
}

/// Same wire shape as [`RatingValue`], used only to validate on deserialise.
#[derive(Deserialize)]
enum RawRatingValue {
    Score(u8),
    DontKnow,
}

impl TryFrom<RawRatingValue> for RatingValue {
    type Error = ScoringError;

    fn try_from(raw: RawRatingValue) -> Result<Self, Self::Error> {
        match raw {
            RawRatingValue::Score(v) => RatingValue::new_score(v),
            RawRatingValue::DontKnow => Ok(RatingValue::DontKnow),
        }
    }
}

/// Moderator-set weight per criterion. Relative: only the ratios matter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    pub nutzen: f64,
    pub machbarkeit: f64,
    pub datenverfuegbarkeit: f64,
    pub kooperationsform: f64,
}

impl Default for Weights {
    /// Equal weights, as the spec's default.
    fn default() -> Self {
        Weights {
            nutzen: 1.0,
            machbarkeit: 1.0,
            datenverfuegbarkeit: 1.0,
            kooperationsform: 1.0,
        }
    }
}

impl Weights {
    pub fn get(&self, criterion: Criterion) -> f64 {
        match criterion {
            Criterion::Nutzen => self.nutzen,
            Criterion::Machbarkeit => self.machbarkeit,
            Criterion::Datenverfuegbarkeit => self.datenverfuegbarkeit,
            Criterion::Kooperationsform => self.kooperationsform,
        }
    }

    /// Unchecked on purpose, so a form can hold intermediate values;
    /// call [`Weights::validate`] before use.
    pub fn set(&mut self, criterion: Criterion, value: f64) {
        match criterion {
            Criterion::Nutzen => self.nutzen = value,
            Criterion::Machbarkeit => self.machbarkeit = value,
            Criterion::Datenverfuegbarkeit => self.datenverfuegbarkeit = value,
            Criterion::Kooperationsform => self.kooperationsform = value,
        }
    }

    fn as_array(&self) -> [f64; 4] {
        Criterion::ALL.map(|c| self.get(c))
    }

    /// Weights must be finite, non-negative and not all zero, otherwise no
    /// score can be computed.
    pub fn validate(&self) -> Result<(), ScoringError> {
        let w = self.as_array();
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

    /// Weights scaled to sum 1, in [`Criterion::ALL`] order. A weight too
    /// small to be represented relative to the largest one (ratio below
    /// ~1e-308) becomes 0.
    pub fn normalised(&self) -> Result<[f64; 4], ScoringError> {
        self.validate()?;
        let w = self.as_array();
        // Divide by the largest weight first so the sum cannot overflow.
        let max = w.iter().copied().fold(0.0_f64, f64::max);
        let scaled = w.map(|x| x / max);
        let sum: f64 = scaled.iter().sum();
        Ok(scaled.map(|x| x / sum))
    }
}

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

/// Population standard deviation above which ratings count as Dissens.
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
    /// Population standard deviation (the raters are the whole population).
    pub std_dev: Option<f64>,
    pub consensus: Option<Consensus>,
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
    let variance = scores
        .iter()
        .map(|&s| (f64::from(s) - mean).powi(2))
        .sum::<f64>()
        / count;
    let std_dev = variance.sqrt();
    let consensus = (scores.len() >= 2).then(|| {
        if std_dev > DISSENS_STD_DEV || max - min >= DISSENS_RANGE {
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
        std_dev: Some(std_dev),
        consensus,
    }
}

/// Aggregates and overall score of one idea within one group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaScore {
    /// In [`Criterion::ALL`] order.
    pub per_criterion: [CriterionAggregate; 4],
    /// 0..=100; `None` when no weighted criterion has a numeric rating.
    pub score: Option<f64>,
}

impl IdeaScore {
    pub fn criterion(&self, criterion: Criterion) -> &CriterionAggregate {
        &self.per_criterion[criterion.index()]
    }
}

/// Overall score 0..=100 = Σ w_c × (mean_c − 1) / 4 × 100 over normalised
/// weights.
///
/// Criteria without a mean (no ratings or only "weiß nicht") are left out
/// and the remaining positive weights renormalised to sum 1, so missing
/// knowledge neither drags the score down nor lifts it. `None` if no
/// criterion with positive weight has a mean.
fn weighted_score(means: [Option<f64>; 4], normalised_weights: [f64; 4]) -> Option<f64> {
    let mut weight_sum = 0.0;
    let mut acc = 0.0;
    for (mean, w) in means.into_iter().zip(normalised_weights) {
        // Zero-weight criteria must not count towards `weight_sum`.
        let Some(m) = mean.filter(|m| m.is_finite() && w > 0.0) else {
            continue;
        };
        weight_sum += w;
        acc += w * ((m - 1.0) / 4.0).clamp(0.0, 1.0);
    }
    (weight_sum > 0.0).then(|| (acc / weight_sum * 100.0).clamp(0.0, 100.0))
}

/// Aggregates each criterion and computes the overall score (see
/// [`aggregate`] for the per-criterion rules). Weight errors are reported
/// even when there are no ratings, so a bad weight set is never silent.
pub fn score_idea(
    ratings_per_criterion: &[Vec<RatingValue>; 4],
    weights: &Weights,
) -> Result<IdeaScore, ScoringError> {
    let normalised = weights.normalised()?;
    let per_criterion = ratings_per_criterion.each_ref().map(|v| aggregate(v));
    let score = weighted_score(per_criterion.each_ref().map(|a| a.mean), normalised);
    Ok(IdeaScore {
        per_criterion,
        score,
    })
}

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
    /// Joint mean per criterion, in [`Criterion::ALL`] order.
    pub criterion_means: [Option<f64>; 4],
    pub score: Option<f64>,
    /// 1-based competition rank (1, 1, 3).
    pub rank: usize,
}

/// Scores closer than this share a rank, so float noise does not split ties.
pub const RANK_TIE_EPSILON: f64 = 1e-9;

/// Per-group running sums for one merged idea.
struct MergedIdea<'a> {
    idea_key: &'a str,
    title: &'a str,
    groups: Vec<&'a str>,
    /// Per group, per criterion: (sum of means, count of ideas with a mean).
    sums: Vec<[(f64, u32); 4]>,
}

/// Joint ranking of all groups' ideas, so that a large group does not
/// dominate.
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
///   renormalisation as [`score_idea`].
/// - Sorted by score descending, ideas without score last, ties by title.
///   Scores within [`RANK_TIE_EPSILON`] share a rank (competition ranking
///   1, 1, 3); ideas without score share the last rank.
pub fn joint_ranking(
    results: &[GroupIdeaResult],
    weights: &Weights,
) -> Result<Vec<JointRankingRow>, ScoringError> {
    let normalised = weights.normalised()?;

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
                idea.sums.push([(0.0, 0); 4]);
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

    let mut rows: Vec<JointRankingRow> = merged
        .into_iter()
        .map(|idea| {
            let criterion_means = Criterion::ALL.map(|c| {
                let group_means: Vec<f64> = idea
                    .sums
                    .iter()
                    .map(|s| s[c.index()])
                    .filter(|&(_, count)| count > 0)
                    .map(|(sum, count)| sum / f64::from(count))
                    .collect();
                (!group_means.is_empty())
                    .then(|| group_means.iter().sum::<f64>() / group_means.len() as f64)
            });
            JointRankingRow {
                idea_key: idea.idea_key.to_string(),
                title: idea.title.to_string(),
                groups: idea.groups.iter().map(|g| g.to_string()).collect(),
                criterion_means,
                score: weighted_score(criterion_means, normalised),
                rank: 0,
            }
        })
        .collect();

    rows.sort_by(|a, b| cmp_score_desc(a.score, b.score).then_with(|| cmp_title(a, b)));
    assign_competition_ranks(&mut rows);
    // Scores within epsilon may still be ordered by float noise; re-sort so
    // rows sharing a rank are in title order (stable, rank order unchanged).
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| cmp_title(a, b)));
    Ok(rows)
}

fn cmp_score_desc(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Case-insensitive first, then exact, so the order is total and stable.
fn cmp_title(a: &JointRankingRow, b: &JointRankingRow) -> std::cmp::Ordering {
    a.title
        .to_lowercase()
        .cmp(&b.title.to_lowercase())
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.idea_key.cmp(&b.idea_key))
}

/// Compares each row with the first row of the current tie block (not the
/// previous row), so a chain of tiny differences cannot drift into one rank.
fn assign_competition_ranks(rows: &mut [JointRankingRow]) {
    let mut block: Option<(Option<f64>, usize)> = None;
    for (i, row) in rows.iter_mut().enumerate() {
        let tied = match block {
            Some((Some(lead), _)) => row
                .score
                .is_some_and(|s| (lead - s).abs() <= RANK_TIE_EPSILON),
            Some((None, _)) => row.score.is_none(),
            None => false,
        };
        if !tied {
            block = Some((row.score, i + 1));
        }
        row.rank = block.map_or(i + 1, |(_, rank)| rank);
    }
}

/// Portfolio quadrant (x = Machbarkeit, y = Nutzen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Quadrant {
    UmsetzenPilot,
    VorbereitenDatenSchaffen,
    Limitieren,
    Zurueckstellen,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::UmsetzenPilot,
        Quadrant::VorbereitenDatenSchaffen,
        Quadrant::Limitieren,
        Quadrant::Zurueckstellen,
    ];

    pub fn label_de(self) -> &'static str {
        match self {
            Quadrant::UmsetzenPilot => "Umsetzen (Pilot)",
            Quadrant::VorbereitenDatenSchaffen => "Vorbereiten (Daten schaffen)",
            Quadrant::Limitieren => "Limitieren",
            Quadrant::Zurueckstellen => "Zurückstellen",
        }
    }
}

/// Midpoint of the 1..=5 scale; a mean at or above it counts as high.
pub const QUADRANT_MIDPOINT: f64 = 3.0;

/// Places an idea in the portfolio. A mean counts as high when it is
/// `>= QUADRANT_MIDPOINT` (3.0), so an exact 3.0 is high:
/// - high Nutzen, high Machbarkeit → Umsetzen (Pilot)
/// - high Nutzen, low Machbarkeit → Vorbereiten (Daten schaffen)
/// - low Nutzen, high Machbarkeit → Limitieren
/// - low Nutzen, low Machbarkeit → Zurückstellen
///
/// A NaN mean counts as low.
pub fn quadrant(nutzen_mean: f64, machbarkeit_mean: f64) -> Quadrant {
    let high_nutzen = nutzen_mean >= QUADRANT_MIDPOINT;
    let high_machbarkeit = machbarkeit_mean >= QUADRANT_MIDPOINT;
    match (high_nutzen, high_machbarkeit) {
        (true, true) => Quadrant::UmsetzenPilot,
        (true, false) => Quadrant::VorbereitenDatenSchaffen,
        (false, true) => Quadrant::Limitieren,
        (false, false) => Quadrant::Zurueckstellen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EPS: f64 = 1e-9;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < EPS
    }

    fn assert_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => assert!(close(a, expected), "expected {expected}, got {a}"),
            None => panic!("expected {expected}, got None"),
        }
    }

    fn s(v: u8) -> RatingValue {
        RatingValue::Score(v)
    }

    const DK: RatingValue = RatingValue::DontKnow;

    fn weights(n: f64, m: f64, d: f64, k: f64) -> Weights {
        Weights {
            nutzen: n,
            machbarkeit: m,
            datenverfuegbarkeit: d,
            kooperationsform: k,
        }
    }

    /// Ratings per criterion from plain numbers, 0 meaning "weiß nicht".
    fn ratings(per_criterion: [&[u8]; 4]) -> [Vec<RatingValue>; 4] {
        per_criterion.map(|vals| {
            vals.iter()
                .map(|&v| if v == 0 { DK } else { s(v) })
                .collect()
        })
    }

    fn group_result(group: &str, title: &str, per_criterion: [&[u8]; 4]) -> GroupIdeaResult {
        let score = score_idea(&ratings(per_criterion), &Weights::default());
        GroupIdeaResult {
            group_id: group.to_string(),
            idea_id: format!("{group}-{title}"),
            idea_key: idea_key(title),
            title: title.to_string(),
            score: score.expect("default weights are valid"),
        }
    }

    // --- Criterion ---

    #[test]
    fn criteria_have_spec_keys_labels_and_order() {
        let keys: Vec<_> = Criterion::ALL.iter().map(|c| c.key()).collect();
        assert_eq!(
            keys,
            [
                "nutzen",
                "machbarkeit",
                "datenverfuegbarkeit",
                "kooperationsform"
            ]
        );
        let labels: Vec<_> = Criterion::ALL.iter().map(|c| c.label_de()).collect();
        assert_eq!(
            labels,
            [
                "Nutzen",
                "Machbarkeit",
                "Datenverfügbarkeit",
                "Kooperationsform"
            ]
        );
        for (i, c) in Criterion::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Criterion::from_key(c.key()), Some(c));
        }
        assert_eq!(Criterion::from_key("Nutzen"), None);
    }

    #[test]
    fn serde_name_of_criterion_is_its_key() {
        use serde::de::value::{Error, StrDeserializer};
        use serde::de::IntoDeserializer;
        for c in Criterion::ALL {
            let de: StrDeserializer<'_, Error> = c.key().into_deserializer();
            assert_eq!(Criterion::deserialize(de), Ok(c));
        }
    }

    #[test]
    fn anchors_use_spec_texts_for_levels_one_three_and_five() {
        let nutzen = Criterion::Nutzen.anchors_de();
        assert_eq!(nutzen[0], "kaum spürbar");
        assert_eq!(
            nutzen[2],
            "deutliche Entlastung für eine Stelle oder Zielgruppe"
        );
        assert_eq!(
            nutzen[4],
            "große, messbare Entlastung in allen Partnerkommunen"
        );
        let machbarkeit = Criterion::Machbarkeit.anchors_de();
        assert_eq!(machbarkeit[0], "keine bekannte Lösung, kein Know-how");
        assert_eq!(machbarkeit[4], "marktreife oder nachnutzbare Lösung");
        let daten = Criterion::Datenverfuegbarkeit.anchors_de();
        assert_eq!(daten[0], "Daten fehlen oder sind unerreichbar");
        assert_eq!(
            daten[4],
            "strukturiert, ausreichend und rechtlich geklärt bei allen Partnern"
        );
        let koop = Criterion::Kooperationsform.anchors_de();
        assert_eq!(koop[0], "nur für eine Kommune sinnvoll");
        assert_eq!(
            koop[4],
            "gleiche Aufgabe bei allen, klare Rechtsform, Skaleneffekte"
        );
    }

    #[test]
    fn every_level_has_a_distinct_non_empty_anchor() {
        for c in Criterion::ALL {
            let anchors = c.anchors_de();
            for (i, a) in anchors.iter().enumerate() {
                assert!(!a.trim().is_empty(), "{} level {}", c.key(), i + 1);
                assert!(!anchors[..i].contains(a), "{} level {}", c.key(), i + 1);
            }
        }
    }

    // --- RatingValue ---

    #[test]
    fn new_score_accepts_one_to_five() {
        for v in 1..=5 {
            assert_eq!(RatingValue::new_score(v), Ok(RatingValue::Score(v)));
        }
    }

    #[test]
    fn new_score_rejects_values_outside_one_to_five() {
        for v in [0, 6, 10, u8::MAX] {
            assert_eq!(
                RatingValue::new_score(v),
                Err(ScoringError::ScoreOutOfRange(v))
            );
        }
    }

    #[test]
    fn deserialising_checks_the_score_range() {
        assert_eq!(
            RatingValue::try_from(RawRatingValue::Score(6)),
            Err(ScoringError::ScoreOutOfRange(6))
        );
        assert_eq!(
            RatingValue::try_from(RawRatingValue::Score(4)),
            Ok(RatingValue::Score(4))
        );
        assert_eq!(
            RatingValue::try_from(RawRatingValue::DontKnow),
            Ok(RatingValue::DontKnow)
        );
    }

    #[test]
    fn errors_have_german_messages() {
        assert_eq!(
            ScoringError::ScoreOutOfRange(7).to_string(),
            "Bewertung 7 liegt außerhalb von 1 bis 5"
        );
        for e in [
            ScoringError::NegativeWeight,
            ScoringError::AllWeightsZero,
            ScoringError::NonFiniteWeight,
        ] {
            assert!(!e.to_string().is_empty());
        }
        let boxed: Box<dyn std::error::Error> = Box::new(ScoringError::AllWeightsZero);
        assert!(boxed.to_string().contains("Gewicht"));
    }

    // --- Aggregates ---

    #[test]
    fn single_rater_gives_that_value_and_no_consensus_badge() {
        let agg = aggregate(&[s(4)]);
        assert_eq!(agg.n, 1);
        assert_eq!(agg.dont_know, 0);
        assert_close(agg.mean, 4.0);
        assert_close(agg.median, 4.0);
        assert_eq!(agg.min, Some(4));
        assert_eq!(agg.max, Some(4));
        assert_close(agg.std_dev, 0.0);
        assert_eq!(agg.consensus, None);
    }

    #[test]
    fn all_dont_know_gives_no_mean_and_no_score() {
        let agg = aggregate(&[DK, DK, DK]);
        assert_eq!(
            agg,
            CriterionAggregate {
                n: 0,
                dont_know: 3,
                ..CriterionAggregate::default()
            }
        );

        let idea = score_idea(
            &[vec![DK], vec![DK, DK], vec![DK], vec![]],
            &Weights::default(),
        )
        .expect("valid weights");
        assert_eq!(idea.score, None);
        assert_eq!(idea.criterion(Criterion::Machbarkeit).dont_know, 2);
        assert!(idea.per_criterion.iter().all(|a| a.mean.is_none()));
    }

    #[test]
    fn no_answers_give_an_empty_aggregate() {
        assert_eq!(aggregate(&[]), CriterionAggregate::default());
    }

    #[test]
    fn mixed_values_with_dont_know_follow_the_hand_computation() {
        let agg = aggregate(&[s(1), s(2), s(4), s(5), DK]);
        assert_eq!(agg.n, 4);
        assert_eq!(agg.dont_know, 1);
        assert_close(agg.mean, 3.0);
        assert_close(agg.median, 3.0);
        assert_eq!(agg.min, Some(1));
        assert_eq!(agg.max, Some(5));
        // deviations 4, 1, 1, 4 -> variance 10 / 4 = 2.5
        assert_close(agg.std_dev, 2.5_f64.sqrt());
        assert_close(agg.std_dev, 1.581_138_830_084_189_8);
        assert_eq!(agg.consensus, Some(Consensus::Dissens));
    }

    #[test]
    fn median_of_even_count_is_mean_of_the_two_middle_values() {
        let agg = aggregate(&[s(5), s(2), s(3), s(1)]);
        assert_close(agg.median, 2.5);
        let agg = aggregate(&[s(4), s(4), s(5), s(5)]);
        assert_close(agg.median, 4.5);
    }

    #[test]
    fn median_of_odd_count_is_the_middle_value_regardless_of_input_order() {
        let agg = aggregate(&[s(5), s(1), s(2)]);
        assert_close(agg.median, 2.0);
        assert_close(agg.mean, 8.0 / 3.0);
    }

    #[test]
    fn close_ratings_are_konsens() {
        // mean 4, variance (1 + 0 + 0 + 1) / 4 = 0.5, range 2
        let agg = aggregate(&[s(3), s(4), s(4), s(5)]);
        assert_close(agg.std_dev, 0.5_f64.sqrt());
        assert_eq!(agg.consensus, Some(Consensus::Konsens));
    }

    #[test]
    fn std_dev_exactly_at_threshold_is_still_konsens() {
        // mean 2, deviations 1 and 1 -> std dev exactly 1.0, range 2
        let agg = aggregate(&[s(1), s(3)]);
        assert_close(agg.std_dev, 1.0);
        assert_eq!(agg.consensus, Some(Consensus::Konsens));
    }

    #[test]
    fn range_of_three_is_dissens_even_with_small_std_dev() {
        // one outlier among nine 4s: mean 3.7, variance (2.7² + 9 × 0.3²) / 10 = 0.81
        let mut values = vec![s(4); 9];
        values.push(s(1));
        let agg = aggregate(&values);
        assert_close(agg.std_dev, 0.9);
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
        assert_eq!(agg.n, 1);
        assert_eq!(agg.dont_know, 0);
        assert_close(agg.mean, 3.0);
        assert_eq!(RatingValue::Score(9).score(), None);
        assert_eq!(RatingValue::DontKnow.score(), None);
    }

    #[test]
    fn consensus_labels_are_german() {
        assert_eq!(Consensus::Konsens.label_de(), "Konsens");
        assert_eq!(Consensus::Dissens.label_de(), "Dissens");
    }

    // --- Weights ---

    #[test]
    fn default_weights_are_equal() {
        assert_eq!(Weights::default(), weights(1.0, 1.0, 1.0, 1.0));
        assert_eq!(Weights::default().normalised(), Ok([0.25; 4]));
    }

    #[test]
    fn weights_get_returns_what_set_stored() {
        let mut w = Weights::default();
        for (i, c) in Criterion::ALL.into_iter().enumerate() {
            w.set(c, i as f64 + 0.5);
        }
        for (i, c) in Criterion::ALL.into_iter().enumerate() {
            assert_eq!(w.get(c), i as f64 + 0.5);
        }
        assert_eq!(w, weights(0.5, 1.5, 2.5, 3.5));
    }

    #[test]
    fn normalised_weights_sum_to_one_in_criterion_order() {
        let n = weights(2.0, 1.0, 1.0, 0.0).normalised().expect("valid");
        assert_eq!(n, [0.5, 0.25, 0.25, 0.0]);
        let n = weights(0.0, 0.0, 3.0, 1.0).normalised().expect("valid");
        assert_eq!(n, [0.0, 0.0, 0.75, 0.25]);
    }

    #[test]
    fn huge_weights_normalise_without_overflow() {
        let n = weights(f64::MAX, f64::MAX, f64::MAX, f64::MAX)
            .normalised()
            .expect("valid");
        assert_eq!(n, [0.25; 4]);
    }

    #[test]
    fn negative_weight_is_rejected() {
        let w = weights(1.0, -0.5, 1.0, 1.0);
        assert_eq!(w.validate(), Err(ScoringError::NegativeWeight));
        assert_eq!(w.normalised(), Err(ScoringError::NegativeWeight));
    }

    #[test]
    fn all_weights_zero_is_rejected() {
        let w = weights(0.0, 0.0, -0.0, 0.0);
        assert_eq!(w.validate(), Err(ScoringError::AllWeightsZero));
    }

    #[test]
    fn nan_and_infinite_weights_are_rejected() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let w = weights(1.0, 1.0, bad, 1.0);
            assert_eq!(w.validate(), Err(ScoringError::NonFiniteWeight));
        }
    }

    #[test]
    fn zero_weight_on_some_criteria_is_valid() {
        assert_eq!(weights(0.0, 0.0, 0.0, 0.1).validate(), Ok(()));
    }

    #[test]
    fn scoring_rejects_invalid_weights_even_without_ratings() {
        let empty: [Vec<RatingValue>; 4] = Default::default();
        assert_eq!(
            score_idea(&empty, &weights(0.0, 0.0, 0.0, 0.0)),
            Err(ScoringError::AllWeightsZero)
        );
        assert_eq!(
            joint_ranking(&[], &weights(1.0, f64::NAN, 1.0, 1.0)),
            Err(ScoringError::NonFiniteWeight)
        );
    }

    // --- Overall score ---

    #[test]
    fn all_ones_score_zero_and_all_fives_score_hundred() {
        let low = score_idea(&ratings([&[1], &[1], &[1], &[1]]), &Weights::default());
        assert_close(low.expect("valid").score, 0.0);
        let high = score_idea(&ratings([&[5], &[5], &[5], &[5]]), &Weights::default());
        assert_close(high.expect("valid").score, 100.0);
    }

    #[test]
    fn equal_weights_score_is_average_of_criterion_scores() {
        // means 5, 3, 1, 4 -> (1 + 0.5 + 0 + 0.75) / 4 × 100 = 56.25
        let idea =
            score_idea(&ratings([&[5], &[3], &[1], &[4]]), &Weights::default()).expect("valid");
        assert_close(idea.score, 56.25);
    }

    #[test]
    fn unequal_weights_2_1_1_0_give_62_5() {
        // means 5, 3, 1, 2: (2 × 1 + 1 × 0.5 + 1 × 0 + 0 × 0.25) / 4 × 100 = 62.5
        let idea = score_idea(
            &ratings([&[5, 5], &[2, 4], &[1], &[2]]),
            &weights(2.0, 1.0, 1.0, 0.0),
        )
        .expect("valid");
        assert_close(idea.criterion(Criterion::Machbarkeit).mean, 3.0);
        assert_close(idea.score, 62.5);
    }

    #[test]
    fn zero_weight_criterion_does_not_affect_score() {
        let w = weights(2.0, 1.0, 1.0, 0.0);
        let a = score_idea(&ratings([&[5], &[3], &[1], &[1]]), &w).expect("valid");
        let b = score_idea(&ratings([&[5], &[3], &[1], &[5]]), &w).expect("valid");
        assert_close(a.score, 62.5);
        assert_close(b.score, 62.5);
    }

    #[test]
    fn weights_are_relative_so_scaling_them_changes_nothing() {
        let r = ratings([&[5], &[3], &[1], &[2]]);
        let a = score_idea(&r, &weights(2.0, 1.0, 1.0, 0.0)).expect("valid");
        let b = score_idea(&r, &weights(20.0, 10.0, 10.0, 0.0)).expect("valid");
        assert_close(b.score, a.score.unwrap_or(f64::NAN));
    }

    #[test]
    fn criterion_with_only_dont_know_is_left_out_and_weights_renormalised() {
        // Datenverfügbarkeit has only "weiß nicht": remaining weights 1/3 each,
        // means 5, 3, 1 -> (1 + 0.5 + 0) / 3 × 100 = 50.
        let idea = score_idea(
            &ratings([&[5, 0], &[3], &[0, 0], &[1]]),
            &Weights::default(),
        )
        .expect("valid");
        assert_eq!(idea.criterion(Criterion::Datenverfuegbarkeit).dont_know, 2);
        assert_eq!(idea.criterion(Criterion::Datenverfuegbarkeit).mean, None);
        assert_eq!(idea.criterion(Criterion::Nutzen).dont_know, 1);
        assert_close(idea.score, 50.0);
    }

    #[test]
    fn renormalisation_keeps_the_ratio_of_unequal_weights() {
        // weights 2, 1, 1, 0 with Machbarkeit unrated: 2/3 and 1/3 remain,
        // means 5 and 1 -> (2/3 × 1 + 1/3 × 0) × 100 = 66.67
        let idea = score_idea(
            &ratings([&[5], &[0], &[1], &[3]]),
            &weights(2.0, 1.0, 1.0, 0.0),
        )
        .expect("valid");
        assert_close(idea.score, 200.0 / 3.0);
    }

    #[test]
    fn no_score_when_only_zero_weight_criteria_have_means() {
        let idea = score_idea(
            &ratings([&[0], &[4], &[4], &[4]]),
            &weights(1.0, 0.0, 0.0, 0.0),
        )
        .expect("valid");
        assert_eq!(idea.score, None);
        assert_close(idea.criterion(Criterion::Machbarkeit).mean, 4.0);
    }

    // --- idea_key ---

    #[test]
    fn idea_key_ignores_case_whitespace_and_outer_punctuation() {
        assert_eq!(
            idea_key("  Chatbot   für\tden Bürgerservice! "),
            "chatbot für den bürgerservice"
        );
        assert_eq!(idea_key("„KI-Prognose“"), "ki-prognose");
        assert_eq!(idea_key("Chatbot ?!"), "chatbot");
        assert_eq!(idea_key("e.V. Portal..."), "e.v. portal");
        assert_eq!(idea_key(" ... "), "");
    }

    // --- Joint ranking ---

    #[test]
    fn joint_ranking_counts_a_one_rater_group_as_much_as_a_five_rater_group() {
        // Group A: 1 rater, all 5. Group B: 5 raters, all 1.
        // Per-group means 5 and 1 -> joint mean 3 -> score 50
        // (pooling all six raters would give mean 10/6 and score 16.67).
        let a = group_result("A", "Chatbot", [&[5], &[5], &[5], &[5]]);
        let ones: &[u8] = &[1, 1, 1, 1, 1];
        let b = group_result("B", "chatbot", [ones, ones, ones, ones]);
        let rows = joint_ranking(&[a, b], &Weights::default()).expect("valid");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.groups, ["A", "B"]);
        assert_eq!(row.title, "Chatbot");
        assert_eq!(row.idea_key, "chatbot");
        for m in row.criterion_means {
            assert_close(m, 3.0);
        }
        assert_close(row.score, 50.0);
        assert_eq!(row.rank, 1);
    }

    #[test]
    fn joint_ranking_merges_the_same_idea_typed_differently() {
        let a = group_result("A", "Chatbot Bürgerservice", [&[4], &[4], &[4], &[4]]);
        let b = group_result("B", "  chatbot   bürgerservice! ", [&[2], &[2], &[2], &[2]]);
        let c = group_result("C", "Prognosemodell", [&[3], &[3], &[3], &[3]]);
        let rows = joint_ranking(&[a, b, c], &Weights::default()).expect("valid");
        assert_eq!(rows.len(), 2);
        // both score 50, so equal rank and title order
        assert_eq!(rows[0].title, "Chatbot Bürgerservice");
        assert_eq!(rows[0].groups, ["A", "B"]);
        assert_eq!(rows[1].title, "Prognosemodell");
        assert_eq!(rows[1].groups, ["C"]);
        assert_eq!((rows[0].rank, rows[1].rank), (1, 1));
    }

    #[test]
    fn joint_mean_leaves_out_groups_without_a_mean_for_that_criterion() {
        // Datenverfügbarkeit: A says only "weiß nicht", B rates 5 -> joint 5.
        let a = group_result("A", "Idee", [&[3], &[3], &[0], &[3]]);
        let b = group_result("B", "Idee", [&[5], &[5], &[5], &[5]]);
        let rows = joint_ranking(&[a, b], &Weights::default()).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_close(
            rows[0].criterion_means[Criterion::Datenverfuegbarkeit.index()],
            5.0,
        );
        assert_close(rows[0].criterion_means[Criterion::Nutzen.index()], 4.0);
        // means 4, 4, 5, 4 -> (0.75 + 0.75 + 1 + 0.75) / 4 × 100 = 81.25
        assert_close(rows[0].score, 81.25);
    }

    #[test]
    fn joint_ranking_uses_the_given_weights() {
        let a = group_result("A", "Idee", [&[5], &[3], &[1], &[2]]);
        let rows = joint_ranking(&[a], &weights(2.0, 1.0, 1.0, 0.0)).expect("valid");
        assert_close(rows[0].score, 62.5);
    }

    #[test]
    fn same_group_listing_an_idea_twice_still_counts_once() {
        // A lists the idea twice (means 5 and 3 -> group mean 4), B once with 2.
        // Joint mean (4 + 2) / 2 = 3, not (5 + 3 + 2) / 3.
        let a1 = group_result("A", "Idee", [&[5], &[5], &[5], &[5]]);
        let a2 = group_result("A", "idee", [&[3], &[3], &[3], &[3]]);
        let b = group_result("B", "Idee", [&[2], &[2], &[2], &[2]]);
        let rows = joint_ranking(&[a1, a2, b], &Weights::default()).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].groups, ["A", "B"]);
        assert_close(rows[0].criterion_means[0], 3.0);
    }

    #[test]
    fn ideas_with_blank_keys_are_not_merged() {
        let a = group_result("A", "!!!", [&[5], &[5], &[5], &[5]]);
        let b = group_result("B", "", [&[1], &[1], &[1], &[1]]);
        let rows = joint_ranking(&[a, b], &Weights::default()).expect("valid");
        assert_eq!(rows.len(), 2);
        assert_close(rows[0].score, 100.0);
        assert_close(rows[1].score, 0.0);
    }

    #[test]
    fn joint_ranking_sorts_by_score_with_unscored_ideas_last() {
        let low = group_result("A", "Alpha", [&[2], &[2], &[2], &[2]]);
        let none = group_result("A", "Aaa ohne Wertung", [&[0], &[0], &[0], &[0]]);
        let high = group_result("B", "Zeta", [&[5], &[4], &[4], &[4]]);
        let rows = joint_ranking(&[low, none, high], &Weights::default()).expect("valid");
        let titles: Vec<_> = rows.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["Zeta", "Alpha", "Aaa ohne Wertung"]);
        assert_eq!(rows[2].score, None);
        assert_eq!(rows[2].criterion_means, [None; 4]);
        let ranks: Vec<_> = rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [1, 2, 3]);
    }

    #[test]
    fn equal_scores_share_a_rank_and_the_next_rank_is_skipped() {
        let b = group_result("A", "Bürger-App", [&[4], &[4], &[4], &[4]]);
        let a = group_result("B", "anfragen sortieren", [&[4], &[4], &[4], &[4]]);
        let c = group_result("C", "Chatbot", [&[3], &[3], &[3], &[3]]);
        let d = group_result("C", "Dokumente", [&[2], &[2], &[2], &[2]]);
        let rows = joint_ranking(&[d, c, b, a], &Weights::default()).expect("valid");
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(
            got,
            [
                ("anfragen sortieren", 1),
                ("Bürger-App", 1),
                ("Chatbot", 3),
                ("Dokumente", 4)
            ]
        );
    }

    #[test]
    fn unscored_ideas_share_the_last_rank() {
        let a = group_result("A", "Eins", [&[3], &[3], &[3], &[3]]);
        let b = group_result("A", "Zwei", [&[0], &[], &[], &[]]);
        let c = group_result("A", "Drei", [&[], &[], &[], &[]]);
        let rows = joint_ranking(&[a, b, c], &Weights::default()).expect("valid");
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(got, [("Eins", 1), ("Drei", 2), ("Zwei", 2)]);
    }

    #[test]
    fn scores_within_epsilon_share_a_rank_in_title_order() {
        let row = |title: &str, score: f64| JointRankingRow {
            idea_key: idea_key(title),
            title: title.to_string(),
            groups: vec![],
            criterion_means: [None; 4],
            score: Some(score),
            rank: 0,
        };
        let mut rows = vec![row("B", 50.0 + 1e-12), row("A", 50.0), row("C", 49.0)];
        rows.sort_by(|a, b| cmp_score_desc(a.score, b.score).then_with(|| cmp_title(a, b)));
        assign_competition_ranks(&mut rows);
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(got, [("B", 1), ("A", 1), ("C", 3)]);

        // Through the public function the tie block ends up in title order.
        let results: Vec<_> = [("B", 50.0 + 1e-12), ("A", 50.0), ("C", 49.0)]
            .into_iter()
            .map(|(title, score)| GroupIdeaResult {
                group_id: "G".into(),
                idea_id: title.into(),
                idea_key: idea_key(title),
                title: title.into(),
                score: IdeaScore {
                    per_criterion: std::array::from_fn(|_| CriterionAggregate {
                        n: 1,
                        mean: Some(1.0 + score / 25.0),
                        ..CriterionAggregate::default()
                    }),
                    score: Some(score),
                },
            })
            .collect();
        let rows = joint_ranking(&results, &Weights::default()).expect("valid");
        let got: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(got, [("A", 1), ("B", 1), ("C", 3)]);
    }

    #[test]
    fn empty_input_gives_empty_ranking() {
        assert_eq!(joint_ranking(&[], &Weights::default()), Ok(vec![]));
    }

    // --- Quadrant ---

    #[test]
    fn quadrant_midpoint_three_counts_as_high() {
        assert_eq!(quadrant(3.0, 3.0), Quadrant::UmsetzenPilot);
        assert_eq!(quadrant(5.0, 5.0), Quadrant::UmsetzenPilot);
        assert_eq!(quadrant(3.0, 2.999), Quadrant::VorbereitenDatenSchaffen);
        assert_eq!(quadrant(5.0, 1.0), Quadrant::VorbereitenDatenSchaffen);
        assert_eq!(quadrant(2.999, 3.0), Quadrant::Limitieren);
        assert_eq!(quadrant(1.0, 5.0), Quadrant::Limitieren);
        assert_eq!(quadrant(2.999, 2.999), Quadrant::Zurueckstellen);
        assert_eq!(quadrant(1.0, 1.0), Quadrant::Zurueckstellen);
    }

    #[test]
    fn quadrant_treats_nan_as_low() {
        assert_eq!(quadrant(f64::NAN, 4.0), Quadrant::Limitieren);
        assert_eq!(quadrant(f64::NAN, f64::NAN), Quadrant::Zurueckstellen);
    }

    #[test]
    fn quadrant_labels_match_spec() {
        let labels: Vec<_> = Quadrant::ALL.iter().map(|q| q.label_de()).collect();
        assert_eq!(
            labels,
            [
                "Umsetzen (Pilot)",
                "Vorbereiten (Daten schaffen)",
                "Limitieren",
                "Zurückstellen"
            ]
        );
    }

    // --- Properties ---

    fn rating_strategy() -> impl Strategy<Value = RatingValue> {
        prop_oneof![
            1 => Just(RatingValue::DontKnow),
            4 => (1u8..=5).prop_map(RatingValue::Score),
        ]
    }

    fn ratings_strategy() -> impl Strategy<Value = [Vec<RatingValue>; 4]> {
        let one = || prop::collection::vec(rating_strategy(), 0..12);
        (one(), one(), one(), one()).prop_map(|(a, b, c, d)| [a, b, c, d])
    }

    fn weights_strategy() -> impl Strategy<Value = Weights> {
        let w = || prop_oneof![Just(0.0), 0.0..1e6, 1e-300..1e-200, Just(f64::MAX)];
        (w(), w(), w(), w())
            .prop_map(|(n, m, d, k)| weights(n, m, d, k))
            .prop_filter("not all zero", |w| w.validate().is_ok())
    }

    proptest! {
        #[test]
        fn score_is_always_between_0_and_100(
            r in ratings_strategy(),
            w in weights_strategy(),
        ) {
            let idea = score_idea(&r, &w).expect("weights are valid");
            if let Some(score) = idea.score {
                prop_assert!((0.0..=100.0).contains(&score), "score {}", score);
            }
        }

        #[test]
        fn score_exists_exactly_when_a_weighted_criterion_has_a_rating(
            r in ratings_strategy(),
            w in weights_strategy(),
        ) {
            let idea = score_idea(&r, &w).expect("weights are valid");
            // Compared with the normalised weights: a weight below ~1e-308 of the
            // largest one underflows to zero there.
            let n = w.normalised().expect("weights are valid");
            let expected = Criterion::ALL
                .iter()
                .any(|&c| n[c.index()] > 0.0 && idea.criterion(c).mean.is_some());
            prop_assert_eq!(idea.score.is_some(), expected);
        }

        #[test]
        fn aggregate_counts_every_answer_and_mean_lies_within_min_max(
            values in prop::collection::vec(rating_strategy(), 0..30),
        ) {
            let agg = aggregate(&values);
            prop_assert_eq!(agg.n as usize + agg.dont_know as usize, values.len());
            if let (Some(mean), Some(median), Some(min), Some(max), Some(sd)) =
                (agg.mean, agg.median, agg.min, agg.max, agg.std_dev)
            {
                prop_assert!(f64::from(min) <= mean + EPS && mean <= f64::from(max) + EPS);
                prop_assert!(f64::from(min) <= median && median <= f64::from(max));
                prop_assert!((0.0..=2.0 + EPS).contains(&sd));
            } else {
                prop_assert_eq!(agg.n, 0);
            }
        }

        #[test]
        fn normalised_weights_sum_to_one(w in weights_strategy()) {
            let n = w.normalised().expect("weights are valid");
            prop_assert!((n.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(n.iter().all(|x| (0.0..=1.0).contains(x)));
        }

        #[test]
        fn joint_ranking_scores_are_in_range_and_ranks_are_consistent(
            ideas in prop::collection::vec((0usize..3, 0usize..4, ratings_strategy()), 0..12),
            w in weights_strategy(),
        ) {
            let titles = ["Chatbot", "Prognose", "Texte", "Ressourcen"];
            let results: Vec<_> = ideas
                .iter()
                .map(|(g, t, r)| GroupIdeaResult {
                    group_id: format!("G{g}"),
                    idea_id: format!("{g}-{t}"),
                    idea_key: idea_key(titles[*t]),
                    title: titles[*t].to_string(),
                    score: score_idea(r, &w).expect("weights are valid"),
                })
                .collect();
            let rows = joint_ranking(&results, &w).expect("weights are valid");
            let distinct: std::collections::BTreeSet<_> =
                ideas.iter().map(|(_, t, _)| *t).collect();
            prop_assert_eq!(rows.len(), distinct.len());
            for (i, row) in rows.iter().enumerate() {
                if let Some(score) = row.score {
                    prop_assert!((0.0..=100.0).contains(&score));
                }
                prop_assert!(row.rank >= 1 && row.rank <= i + 1);
                if i > 0 {
                    prop_assert!(rows[i - 1].rank <= row.rank);
                    prop_assert!(cmp_score_desc(
                        rows[i - 1].score.map(|s| s + 2.0 * RANK_TIE_EPSILON),
                        row.score,
                    ) != std::cmp::Ordering::Greater);
                }
            }
        }
    }
}
