//! The calculator's outputs per Kommune, read off the evaluated model.

use super::expr::{Column, Joint, Name, Scenario, Value};
use super::input::{CostError, CostInput};
use super::model::Model;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Years until the share of the one-off cost is saved, or none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payback {
    Jahre(f64),
    /// The saving is zero or negative: "keine Amortisation".
    Keine,
}

/// A Kommune's outputs in one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    /// Share of the key (0..=1).
    pub anteil: f64,
    /// Share of L per year.
    pub anteil_laufend: f64,
    /// Share of I − G.
    pub anteil_einmalig: f64,
    /// Saving per year (negative: it costs more than today).
    pub einsparung: f64,
    pub amortisation: Payback,
}

/// A Kommune's outputs: today's cost, the base case and the sensitivity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KommuneResult {
    pub name: String,
    pub kosten_heute: f64,
    pub basis: Outputs,
    /// Every Fallzahl × 0,8.
    pub fallzahlen_minus: Outputs,
    /// Every Fallzahl × 1,2.
    pub fallzahlen_plus: Outputs,
}

/// The whole calculation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostResult {
    pub foerderung: f64,
    pub eigenanteil_einmalkosten: f64,
    pub kommunen: Vec<KommuneResult>,
}

/// Validates the inputs and computes every output.
pub fn calculate(input: &CostInput) -> Result<CostResult, CostError> {
    let model = Model::build(input)?;
    let values = model.evaluate();
    let number = |name| values.get(&name).map_or(f64::NAN, Value::number);
    let outputs = |k, s| {
        let c = |col| number(Name::Kommune(k, col));
        Outputs {
            anteil: c(Column::Anteil(s)),
            anteil_laufend: c(Column::AnteilLaufend(s)),
            anteil_einmalig: c(Column::AnteilEinmalig(s)),
            einsparung: c(Column::Einsparung(s)),
            amortisation: payback(&values, Name::Kommune(k, Column::Amortisation(s))),
        }
    };
    Ok(CostResult {
        foerderung: number(Name::Joint(Joint::Foerderung)),
        eigenanteil_einmalkosten: number(Name::Joint(Joint::EigenanteilEinmalkosten)),
        kommunen: input
            .kommunen
            .iter()
            .enumerate()
            .map(|(k, kommune)| KommuneResult {
                name: kommune.name.clone(),
                kosten_heute: number(Name::Kommune(k, Column::KostenHeute)),
                basis: outputs(k, Scenario::Basis),
                fallzahlen_minus: outputs(k, Scenario::Minus),
                fallzahlen_plus: outputs(k, Scenario::Plus),
            })
            .collect(),
    })
}

fn payback(values: &BTreeMap<Name, Value>, name: Name) -> Payback {
    match values.get(&name) {
        Some(Value::Number(years)) => Payback::Jahre(*years),
        _ => Payback::Keine,
    }
}
