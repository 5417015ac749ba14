//! Criteria as data: a rating method declares its criteria (key, label, the
//! question shown to raters, the anchor text of each level, default weight);
//! the engine (aggregates, score, ranking, redaction) works for any list of
//! them. The KI-Projektbewertung's four are [`KI_CRITERIA`] (domain.md §3).

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;

/// Stable key of a criterion as stored in ops, boards, settings and exports
/// (`"nutzen"`). Serialised as the bare string, so stored data keeps its shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CriterionKey(String);

impl CriterionKey {
    pub fn new(key: impl Into<String>) -> CriterionKey {
        CriterionKey(key.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for CriterionKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CriterionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&CriterionDef> for CriterionKey {
    fn from(def: &CriterionDef) -> Self {
        CriterionKey::new(def.key)
    }
}

/// One criterion of a rating method. Every criterion uses the scale 1..=5
/// of [`RatingValue`] plus "weiß nicht".
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CriterionDef {
    /// Stable ASCII key (storage, exports, form ids).
    pub key: &'static str,
    /// German label.
    pub label: &'static str,
    /// English label (English locale).
    pub label_en: &'static str,
    /// The question shown to raters.
    pub question: &'static str,
    /// Anchor texts of levels 1..=5 (index 0 = level 1). `None` for a level
    /// the seed does not describe: it reads "zwischen … und …" of its
    /// neighbours (see [`CriterionDef::anchor`]).
    pub anchors: [Option<&'static str>; 5],
    /// Weight before the moderator changes it (relative).
    pub default_weight: f64,
}

impl CriterionDef {
    /// The anchor text of `level` (1..=5); levels without their own text
    /// read "zwischen „…“ und „…“" of the levels around them.
    pub fn anchor(&self, level: u8) -> String {
        anchor_in(level, &self.anchors, &AnchorWords::german())
    }

    /// The label in English (`label_en`) or German (`label`).
    pub fn label_in(&self, english: bool) -> &'static str {
        if english {
            self.label_en
        } else {
            self.label
        }
    }

    /// All five anchors, level 1 first.
    pub fn anchor_texts(&self) -> Vec<String> {
        (RatingValue::MIN..=RatingValue::MAX)
            .map(|level| self.anchor(level))
            .collect()
    }
}

/// How a level without its own anchor text reads: `{low}` and `{high}`
/// stand for the anchors around it, `{one}` for the only one there is.
#[derive(Clone, Debug, PartialEq)]
pub struct AnchorWords {
    pub between: String,
    pub near: String,
}

impl AnchorWords {
    pub fn german() -> AnchorWords {
        AnchorWords {
            between: "zwischen „{low}“ und „{high}“".to_owned(),
            near: "nahe „{one}“".to_owned(),
        }
    }
}

/// The anchor text of `level` (1..=5) among `anchors` (index 0 = level 1,
/// in any language); a level without its own text reads as `words` say.
pub fn anchor_in<S: AsRef<str>>(
    level: u8,
    anchors: &[Option<S>; 5],
    words: &AnchorWords,
) -> String {
    let Some(i) = usize::from(level)
        .checked_sub(1)
        .filter(|&i| i < anchors.len())
    else {
        return String::new();
    };
    if let Some(text) = &anchors[i] {
        return text.as_ref().to_owned();
    }
    let below = anchors[..i].iter().rev().find_map(Option::as_ref);
    let above = anchors[i + 1..].iter().find_map(Option::as_ref);
    match (below, above) {
        (Some(lo), Some(hi)) => words
            .between
            .replace("{low}", lo.as_ref())
            .replace("{high}", hi.as_ref()),
        (Some(one), None) | (None, Some(one)) => words.near.replace("{one}", one.as_ref()),
        (None, None) => String::new(),
    }
}

/// Position of `key` in `criteria`.
pub fn position(criteria: &[CriterionDef], key: &str) -> Option<usize> {
    criteria.iter().position(|c| c.key == key)
}

/// The criterion with `key`.
pub fn find<'a>(criteria: &'a [CriterionDef], key: &str) -> Option<&'a CriterionDef> {
    criteria.iter().find(|c| c.key == key)
}

pub const NUTZEN: CriterionDef = CriterionDef {
    key: "nutzen",
    label: "Nutzen",
    label_en: "Benefit",
    question: "Wie stark entlastet die Idee die Verwaltung oder verbessert den Service für Bürgerinnen und Bürger?",
    anchors: [
        Some("kaum spürbarer Nutzen"),
        None,
        Some("deutliche Entlastung oder spürbar besserer Service für eine Stelle oder Zielgruppe"),
        None,
        Some("große, messbare Entlastung bzw. Serviceverbesserung in allen Partnerkommunen"),
    ],
    default_weight: 1.0,
};

pub const MACHBARKEIT: CriterionDef = CriterionDef {
    key: "machbarkeit",
    label: "Machbarkeit",
    label_en: "Feasibility",
    question: "Gibt es eine Lösung und das Know-how, sie bei uns einzuführen (Technik, Organisation, Recht, Budget)?",
    anchors: [
        Some("keine bekannte Lösung, kein Know-how"),
        None,
        Some("Lösung in Sicht, Know-how teilweise da"),
        None,
        Some("marktreife oder nachnutzbare Lösung"),
    ],
    default_weight: 1.0,
};

pub const DATENVERFUEGBARKEIT: CriterionDef = CriterionDef {
    key: "datenverfuegbarkeit",
    label: "Datenverfügbarkeit",
    label_en: "Data availability",
    question: "Sind die nötigen Daten vorhanden, nutzbar und rechtlich geklärt?",
    anchors: [
        Some("Daten fehlen oder sind unerreichbar"),
        None,
        Some("Daten teilweise vorhanden oder ungeklärt"),
        None,
        Some("strukturiert, ausreichend und rechtlich geklärt bei allen Partnern"),
    ],
    default_weight: 1.0,
};

/// The seed's „Kooperationsform“; stored under its old key so existing
/// boards, settings and JSON exports still decode.
pub const KOOPERATIONSEIGNUNG: CriterionDef = CriterionDef {
    key: "kooperationsform",
    label: "Kooperationseignung",
    label_en: "Suitability for cooperation",
    question: "Wie gut eignet sich die Idee für die gemeinsame Umsetzung mehrerer Kommunen?",
    anchors: [
        Some("nur für eine Kommune sinnvoll"),
        None,
        Some("für einige Partner sinnvoll"),
        None,
        Some("gleiche Aufgabe bei allen, klare Rechtsform, Skaleneffekte"),
    ],
    default_weight: 1.0,
};

/// The KI-Projektbewertung's criteria, in the order the workshop presents them.
pub const KI_CRITERIA: &[CriterionDef] = &[
    NUTZEN,
    MACHBARKEIT,
    DATENVERFUEGBARKEIT,
    KOOPERATIONSEIGNUNG,
];

/// Why a rating or a weight set was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScoringError {
    ScoreOutOfRange(u8),
    NegativeWeight,
    AllWeightsZero,
    NonFiniteWeight,
    UnknownCriterion,
}

impl fmt::Display for ScoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoringError::ScoreOutOfRange(v) => {
                write!(f, "Bewertung {v} liegt außerhalb von 1 bis 5")
            }
            ScoringError::NegativeWeight => f.write_str("Gewichte dürfen nicht negativ sein"),
            ScoringError::AllWeightsZero => {
                f.write_str("Mindestens ein Gewicht muss größer als null sein")
            }
            ScoringError::NonFiniteWeight => f.write_str("Gewichte müssen endliche Zahlen sein"),
            ScoringError::UnknownCriterion => {
                f.write_str("Dieses Kriterium gibt es in der Methode nicht")
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ki_criteria_have_the_stored_keys_and_the_spec_labels() {
        let keys: Vec<_> = KI_CRITERIA.iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            [
                "nutzen",
                "machbarkeit",
                "datenverfuegbarkeit",
                "kooperationsform"
            ]
        );
        let labels: Vec<_> = KI_CRITERIA.iter().map(|c| c.label).collect();
        assert_eq!(
            labels,
            [
                "Nutzen",
                "Machbarkeit",
                "Datenverfügbarkeit",
                "Kooperationseignung"
            ]
        );
        assert_eq!(position(KI_CRITERIA, "datenverfuegbarkeit"), Some(2));
        assert_eq!(position(KI_CRITERIA, "Nutzen"), None);
    }

    #[test]
    fn criterion_key_keeps_the_bare_string_on_the_wire() {
        let key = CriterionKey::from(&KOOPERATIONSEIGNUNG);
        assert_eq!(
            serde_json::to_string(&key).expect("serialises"),
            "\"kooperationsform\""
        );
        let back: CriterionKey = serde_json::from_str("\"nutzen\"").expect("decodes");
        assert_eq!(back.as_str(), "nutzen");
    }

    #[test]
    fn levels_two_and_four_read_between_their_neighbours() {
        assert_eq!(
            MACHBARKEIT.anchor(1),
            "keine bekannte Lösung, kein Know-how"
        );
        assert_eq!(
            MACHBARKEIT.anchor(2),
            "zwischen „keine bekannte Lösung, kein Know-how“ und „Lösung in Sicht, Know-how teilweise da“"
        );
        assert_eq!(
            MACHBARKEIT.anchor(4),
            "zwischen „Lösung in Sicht, Know-how teilweise da“ und „marktreife oder nachnutzbare Lösung“"
        );
        assert_eq!(MACHBARKEIT.anchor(0), "");
        assert_eq!(MACHBARKEIT.anchor(6), "");
    }

    #[test]
    fn every_ki_criterion_has_a_question_and_five_distinct_anchors() {
        for c in KI_CRITERIA {
            assert!(c.question.ends_with('?'), "{}", c.key);
            let anchors = c.anchor_texts();
            assert_eq!(anchors.len(), 5);
            for (i, a) in anchors.iter().enumerate() {
                assert!(!a.trim().is_empty(), "{} level {}", c.key, i + 1);
                assert!(!anchors[..i].contains(a), "{} level {}", c.key, i + 1);
            }
        }
    }

    #[test]
    fn new_score_accepts_one_to_five_and_rejects_the_rest() {
        for v in 1..=5 {
            assert_eq!(RatingValue::new_score(v), Ok(RatingValue::Score(v)));
        }
        for v in [0, 6, 10, u8::MAX] {
            assert_eq!(
                RatingValue::new_score(v),
                Err(ScoringError::ScoreOutOfRange(v))
            );
        }
    }

    #[test]
    fn deserialising_checks_the_score_range() {
        assert!(serde_json::from_str::<RatingValue>(r#"{"Score":6}"#).is_err());
        assert_eq!(
            serde_json::from_str::<RatingValue>(r#"{"Score":4}"#).expect("valid"),
            RatingValue::Score(4)
        );
        assert_eq!(
            serde_json::from_str::<RatingValue>(r#""DontKnow""#).expect("valid"),
            RatingValue::DontKnow
        );
    }

    #[test]
    fn errors_have_german_messages() {
        assert_eq!(
            ScoringError::ScoreOutOfRange(7).to_string(),
            "Bewertung 7 liegt außerhalb von 1 bis 5"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(ScoringError::AllWeightsZero);
        assert!(boxed.to_string().contains("Gewicht"));
    }
}
