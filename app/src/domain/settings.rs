//! Session settings the moderator controls: which methods the groups get,
//! the criteria weights of the KI scoring, and whether ratings are visible.

use super::scoring::{ScoringError, Weights};
use super::templates;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    /// Template keys of the methods this session uses, in display order.
    pub methods: Vec<String>,
    pub weights: Weights,
    /// Blind rating: until the moderator reveals, each participant sees only
    /// their own ratings and how many have rated.
    pub ratings_revealed: bool,
    /// Counts every hide/reveal, so a browser that missed one asks for a
    /// fresh snapshot instead of ops it could not have seen.
    pub reveal_epoch: u64,
    /// Exports name raters "Teilnehmende 1, 2, …" instead of by name.
    pub pseudonymous_exports: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            methods: templates::ALL.iter().map(|t| t.key.to_owned()).collect(),
            weights: Weights::default(),
            ratings_revealed: false,
            reveal_epoch: 0,
            pseudonymous_exports: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingsError {
    #[error("unknown method")]
    UnknownMethod,
    #[error("no method chosen")]
    NoMethod,
    #[error("invalid weights")]
    InvalidWeights,
    #[error("weights are frozen once the first rating exists")]
    WeightsFrozen,
}

impl From<ScoringError> for SettingsError {
    fn from(_: ScoringError) -> Self {
        SettingsError::InvalidWeights
    }
}

/// What the moderator may change; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsChange {
    pub methods: Option<Vec<String>>,
    pub weights: Option<Weights>,
    pub ratings_revealed: Option<bool>,
    pub pseudonymous_exports: Option<bool>,
}

impl SessionSettings {
    /// The settings after `change`, or why not. `rated` says whether any idea
    /// of the session has a rating: weights are frozen from then on, so a
    /// ranking never silently changes under the group's hands.
    pub fn changed(&self, change: &SettingsChange, rated: bool) -> Result<Self, SettingsError> {
        let mut next = self.clone();
        if let Some(methods) = &change.methods {
            if methods.is_empty() {
                return Err(SettingsError::NoMethod);
            }
            if methods.iter().any(|m| templates::find(m).is_none()) {
                return Err(SettingsError::UnknownMethod);
            }
            let mut unique = Vec::new();
            for m in methods {
                if !unique.contains(m) {
                    unique.push(m.clone());
                }
            }
            next.methods = unique;
        }
        if let Some(weights) = change.weights {
            weights.validate()?;
            if rated && weights != self.weights {
                return Err(SettingsError::WeightsFrozen);
            }
            next.weights = weights;
        }
        if let Some(revealed) = change.ratings_revealed {
            if revealed != self.ratings_revealed {
                next.ratings_revealed = revealed;
                next.reveal_epoch += 1;
            }
        }
        if let Some(p) = change.pseudonymous_exports {
            next.pseudonymous_exports = p;
        }
        Ok(next)
    }

    pub fn uses(&self, template: &str) -> bool {
        self.methods.iter().any(|m| m == template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_use_all_methods_equal_weights_and_blind_rating() {
        let s = SessionSettings::default();
        assert_eq!(s.methods, ["canvas", "swot", "ki"]);
        assert_eq!(s.weights, Weights::default());
        assert!(!s.ratings_revealed);
    }

    #[test]
    fn weights_freeze_after_the_first_rating() {
        let s = SessionSettings::default();
        let w = Weights {
            nutzen: 2.0,
            ..Weights::default()
        };
        let change = SettingsChange {
            weights: Some(w),
            ..Default::default()
        };
        assert_eq!(s.changed(&change, false).unwrap().weights.nutzen, 2.0);
        assert_eq!(s.changed(&change, true), Err(SettingsError::WeightsFrozen));
        // Re-sending the same weights is not a change.
        let same = SettingsChange {
            weights: Some(Weights::default()),
            ..Default::default()
        };
        assert!(s.changed(&same, true).is_ok());
    }

    #[test]
    fn revealing_bumps_the_epoch_once() {
        let s = SessionSettings::default();
        let reveal = SettingsChange {
            ratings_revealed: Some(true),
            ..Default::default()
        };
        let r = s.changed(&reveal, true).unwrap();
        assert!(r.ratings_revealed);
        assert_eq!(r.reveal_epoch, 1);
        assert_eq!(r.changed(&reveal, true).unwrap().reveal_epoch, 1);
    }

    #[test]
    fn methods_are_checked() {
        let s = SessionSettings::default();
        let bad = |m: Vec<&str>| SettingsChange {
            methods: Some(m.into_iter().map(String::from).collect()),
            ..Default::default()
        };
        assert_eq!(s.changed(&bad(vec![]), false), Err(SettingsError::NoMethod));
        assert_eq!(
            s.changed(&bad(vec!["miro"]), false),
            Err(SettingsError::UnknownMethod)
        );
        let ok = s.changed(&bad(vec!["ki", "swot", "ki"]), false).unwrap();
        assert_eq!(ok.methods, ["ki", "swot"]);
        assert!(ok.uses("ki") && !ok.uses("canvas"));
        let zero = SettingsChange {
            weights: Some(Weights {
                nutzen: 0.0,
                machbarkeit: 0.0,
                datenverfuegbarkeit: 0.0,
                kooperationsform: 0.0,
            }),
            ..Default::default()
        };
        assert_eq!(s.changed(&zero, false), Err(SettingsError::InvalidWeights));
    }
}
