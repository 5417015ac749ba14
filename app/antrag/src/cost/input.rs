//! The calculator's inputs and their validation (typed errors, never a panic).

use super::texts::TEXTS;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One Kommune's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KommuneInput {
    pub name: String,
    pub einwohner: f64,
    /// Fallzahlen per year.
    pub fallzahlen: f64,
    /// Full-time equivalents doing the task today.
    pub vzae: f64,
    /// Personnel cost per VZÄ and year.
    pub personalkostensatz: f64,
    pub sachkosten: f64,
    pub it_kosten: f64,
    /// Cost that stays with the Kommune after joining (per year).
    pub restkosten: f64,
    /// The share of the key "von Hand" (0..=1); ignored by the other keys.
    #[serde(default)]
    pub anteil_von_hand: Option<f64>,
}

/// The alliance's joint figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointInput {
    /// One-off cost I.
    pub einmalkosten: f64,
    /// Running cost L per year.
    pub laufende_kosten: f64,
    /// Funding rate (0..=1) on the one-off cost.
    pub foerderquote: f64,
    /// Funding cap.
    pub foerderhoechstbetrag: f64,
}

/// What a proportional key is proportional to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Einwohner,
    Fallzahlen,
}

/// How the joint cost is split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "art", rename_all = "snake_case")]
pub enum SplitKey {
    Gleich,
    Einwohner,
    Fallzahlen,
    /// share_k = a/n + (1 − a) · X_k / ΣX.
    Sockel {
        sockelanteil: f64,
        basis: Basis,
    },
    VonHand,
}

impl SplitKey {
    /// The key's German name (from the data file).
    pub fn label(&self) -> &'static str {
        let names = &TEXTS.schluessel_namen;
        match self {
            SplitKey::Gleich => &names.gleich,
            SplitKey::Einwohner => &names.einwohner,
            SplitKey::Fallzahlen => &names.fallzahlen,
            SplitKey::Sockel {
                basis: Basis::Einwohner,
                ..
            } => &names.sockel_einwohner,
            SplitKey::Sockel {
                basis: Basis::Fallzahlen,
                ..
            } => &names.sockel_fallzahlen,
            SplitKey::VonHand => &names.von_hand,
        }
    }
}

/// Everything the calculator needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostInput {
    pub kommunen: Vec<KommuneInput>,
    pub gemeinsam: JointInput,
    pub schluessel: SplitKey,
}

/// Tolerance of "the shares by hand sum to 100 %".
pub const HAND_SUM_TOLERANCE: f64 = 1e-6;

/// Inputs the calculator refuses, with the German message for the user.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CostError {
    #[error("Es ist keine Kommune eingetragen.")]
    NoKommune,
    #[error("{field} von {kommune} muss eine Zahl ab 0 sein.")]
    InvalidKommuneValue { kommune: String, field: String },
    #[error("{field} muss eine Zahl ab 0 sein.")]
    InvalidJointValue { field: String },
    #[error("Die Förderquote muss zwischen 0 und 1 (0 % und 100 %) liegen, nicht {0}.")]
    RateOutOfRange(f64),
    #[error("Der Sockelanteil muss zwischen 0 und 1 liegen, nicht {0}.")]
    SockelOutOfRange(f64),
    #[error("Die Summe der {0} aller Kommunen ist 0; danach lässt sich nicht aufteilen.")]
    ZeroBase(String),
    #[error("Für {0} fehlt der Anteil von Hand.")]
    MissingHandShare(String),
    #[error("Die Anteile von Hand ergeben zusammen {0} statt 1 (100 %).")]
    HandSharesNotWhole(f64),
}

fn valid(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

impl CostInput {
    /// Checks every input; the model is only built from valid ones.
    pub fn validate(&self) -> Result<(), CostError> {
        if self.kommunen.is_empty() {
            return Err(CostError::NoKommune);
        }
        let felder = &TEXTS.felder;
        let g = &self.gemeinsam;
        for (value, field) in [
            (g.einmalkosten, &felder.einmalkosten),
            (g.laufende_kosten, &felder.laufende_kosten),
            (g.foerderhoechstbetrag, &felder.foerderhoechstbetrag),
        ] {
            if !valid(value) {
                return Err(CostError::InvalidJointValue {
                    field: field.clone(),
                });
            }
        }
        if !(0.0..=1.0).contains(&g.foerderquote) {
            return Err(CostError::RateOutOfRange(g.foerderquote));
        }
        for k in &self.kommunen {
            for (value, field) in [
                (k.einwohner, &felder.einwohner),
                (k.fallzahlen, &felder.fallzahlen),
                (k.vzae, &felder.vzae),
                (k.personalkostensatz, &felder.personalkostensatz),
                (k.sachkosten, &felder.sachkosten),
                (k.it_kosten, &felder.it_kosten),
                (k.restkosten, &felder.restkosten),
            ] {
                if !valid(value) {
                    return Err(CostError::InvalidKommuneValue {
                        kommune: k.name.clone(),
                        field: field.clone(),
                    });
                }
            }
        }
        match self.schluessel {
            SplitKey::Gleich => Ok(()),
            SplitKey::Einwohner => self.check_base(Basis::Einwohner),
            SplitKey::Fallzahlen => self.check_base(Basis::Fallzahlen),
            SplitKey::Sockel {
                sockelanteil,
                basis,
            } => {
                if !(0.0..=1.0).contains(&sockelanteil) {
                    return Err(CostError::SockelOutOfRange(sockelanteil));
                }
                self.check_base(basis)
            }
            SplitKey::VonHand => self.check_hand_shares(),
        }
    }

    fn check_base(&self, basis: Basis) -> Result<(), CostError> {
        let (sum, label): (f64, &str) = match basis {
            Basis::Einwohner => (
                self.kommunen.iter().map(|k| k.einwohner).sum(),
                &TEXTS.felder.einwohner,
            ),
            Basis::Fallzahlen => (
                self.kommunen.iter().map(|k| k.fallzahlen).sum(),
                &TEXTS.felder.fallzahlen,
            ),
        };
        if sum > 0.0 {
            Ok(())
        } else {
            Err(CostError::ZeroBase(label.to_owned()))
        }
    }

    fn check_hand_shares(&self) -> Result<(), CostError> {
        let mut sum = 0.0;
        for k in &self.kommunen {
            match k.anteil_von_hand {
                Some(share) if valid(share) => sum += share,
                Some(_) => {
                    return Err(CostError::InvalidKommuneValue {
                        kommune: k.name.clone(),
                        field: TEXTS.felder.anteil_von_hand.clone(),
                    })
                }
                None => return Err(CostError::MissingHandShare(k.name.clone())),
            }
        }
        if (sum - 1.0).abs() <= HAND_SUM_TOLERANCE {
            Ok(())
        } else {
            Err(CostError::HandSharesNotWhole(sum))
        }
    }
}
