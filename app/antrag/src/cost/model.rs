//! The calculator's rules, each defined once as an expression over named
//! cells (antrag.md §2), and the evaluation of that model.

use super::expr::{
    add, cell, div, if_le, joint, min, mul, num, sub, Column, Env, Expr, Joint, Name, Scenario,
    Value,
};
use super::input::{Basis, CostError, CostInput, SplitKey};
use super::texts::TEXTS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Fallzahlen factors of the sensitivity.
pub const FACTOR_MINUS: f64 = 0.8;
pub const FACTOR_PLUS: f64 = 1.2;

/// How a cell gets its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    Input(f64),
    Formula(Expr),
}

/// Every cell of the calculation, in an order where each formula uses only
/// cells defined before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub kommunen: usize,
    pub cells: Vec<(Name, Definition)>,
}

/// The joint cells of this key, in sheet order.
pub fn joint_cells(key: &SplitKey) -> Vec<Joint> {
    let mut cells = vec![
        Joint::Einmalkosten,
        Joint::LaufendeKosten,
        Joint::Foerderquote,
        Joint::Foerderhoechstbetrag,
        Joint::Foerderung,
        Joint::EigenanteilEinmalkosten,
    ];
    if matches!(key, SplitKey::Sockel { .. }) {
        cells.push(Joint::Sockelanteil);
    }
    cells.extend([Joint::FaktorMinus, Joint::FaktorPlus]);
    cells
}

/// The Kommunen table's columns of this key, inputs first, in sheet order.
pub fn columns(key: &SplitKey) -> Vec<Column> {
    let mut cols = vec![
        Column::Einwohner,
        Column::Fallzahlen,
        Column::Vzae,
        Column::Personalkostensatz,
        Column::Sachkosten,
        Column::ItKosten,
        Column::Restkosten,
    ];
    if matches!(key, SplitKey::VonHand) {
        cols.push(Column::AnteilVonHand);
    }
    cols.push(Column::KostenHeute);
    for s in Scenario::ALL {
        cols.extend([
            Column::Anteil(s),
            Column::AnteilLaufend(s),
            Column::AnteilEinmalig(s),
            Column::Einsparung(s),
            Column::Amortisation(s),
        ]);
    }
    cols
}

/// X_k of a proportional key in a scenario: the Fallzahl times the
/// scenario's factor, or the Einwohner.
fn base_of(k: usize, basis: Basis, scenario: Scenario) -> Expr {
    match basis {
        Basis::Einwohner => cell(k, Column::Einwohner),
        Basis::Fallzahlen => scaled(cell(k, Column::Fallzahlen), scenario),
    }
}

/// ΣX of a proportional key in a scenario.
fn base_sum(basis: Basis, scenario: Scenario) -> Expr {
    match basis {
        Basis::Einwohner => Expr::Sum(Column::Einwohner),
        Basis::Fallzahlen => scaled(Expr::Sum(Column::Fallzahlen), scenario),
    }
}

fn scaled(e: Expr, scenario: Scenario) -> Expr {
    match scenario {
        Scenario::Basis => e,
        Scenario::Minus => mul(e, joint(Joint::FaktorMinus)),
        Scenario::Plus => mul(e, joint(Joint::FaktorPlus)),
    }
}

/// share_k of the key.
fn share(key: &SplitKey, k: usize, n: usize, scenario: Scenario) -> Expr {
    let proportional = |basis| div(base_of(k, basis, scenario), base_sum(basis, scenario));
    match *key {
        SplitKey::Gleich => div(num(1.0), num(n as f64)),
        SplitKey::Einwohner => proportional(Basis::Einwohner),
        SplitKey::Fallzahlen => proportional(Basis::Fallzahlen),
        SplitKey::Sockel { basis, .. } => add(
            div(joint(Joint::Sockelanteil), num(n as f64)),
            mul(
                sub(num(1.0), joint(Joint::Sockelanteil)),
                proportional(basis),
            ),
        ),
        SplitKey::VonHand => cell(k, Column::AnteilVonHand),
    }
}

/// The definition of a computed joint cell.
fn joint_formula(j: Joint) -> Option<Expr> {
    match j {
        // G = MIN(rate × I, cap)
        Joint::Foerderung => Some(min(
            mul(joint(Joint::Foerderquote), joint(Joint::Einmalkosten)),
            joint(Joint::Foerderhoechstbetrag),
        )),
        Joint::EigenanteilEinmalkosten => {
            Some(sub(joint(Joint::Einmalkosten), joint(Joint::Foerderung)))
        }
        _ => None,
    }
}

/// The definition of a computed column of Kommune k.
fn column_formula(key: &SplitKey, k: usize, n: usize, column: Column) -> Option<Expr> {
    let c = |col| cell(k, col);
    Some(match column {
        // VZÄ × Personalkostensatz + Sachkosten + IT
        Column::KostenHeute => add(
            add(
                mul(c(Column::Vzae), c(Column::Personalkostensatz)),
                c(Column::Sachkosten),
            ),
            c(Column::ItKosten),
        ),
        Column::Anteil(s) => share(key, k, n, s),
        Column::AnteilLaufend(s) => mul(c(Column::Anteil(s)), joint(Joint::LaufendeKosten)),
        Column::AnteilEinmalig(s) => {
            mul(c(Column::Anteil(s)), joint(Joint::EigenanteilEinmalkosten))
        }
        // current cost − (remaining local cost + share of L)
        Column::Einsparung(s) => sub(
            c(Column::KostenHeute),
            add(c(Column::Restkosten), c(Column::AnteilLaufend(s))),
        ),
        // share of (I − G) ÷ saving; none when the saving is ≤ 0
        Column::Amortisation(s) => if_le(
            c(Column::Einsparung(s)),
            num(0.0),
            Expr::Text(TEXTS.keine_amortisation.clone()),
            div(c(Column::AnteilEinmalig(s)), c(Column::Einsparung(s))),
        ),
        _ => return None,
    })
}

fn joint_input(input: &CostInput, j: Joint) -> f64 {
    let g = &input.gemeinsam;
    match j {
        Joint::Einmalkosten => g.einmalkosten,
        Joint::LaufendeKosten => g.laufende_kosten,
        Joint::Foerderquote => g.foerderquote,
        Joint::Foerderhoechstbetrag => g.foerderhoechstbetrag,
        Joint::Sockelanteil => match input.schluessel {
            SplitKey::Sockel { sockelanteil, .. } => sockelanteil,
            _ => 0.0,
        },
        Joint::FaktorMinus => FACTOR_MINUS,
        Joint::FaktorPlus => FACTOR_PLUS,
        Joint::Foerderung | Joint::EigenanteilEinmalkosten => f64::NAN,
    }
}

fn column_input(input: &CostInput, k: usize, column: Column) -> f64 {
    let Some(kommune) = input.kommunen.get(k) else {
        return f64::NAN;
    };
    match column {
        Column::Einwohner => kommune.einwohner,
        Column::Fallzahlen => kommune.fallzahlen,
        Column::Vzae => kommune.vzae,
        Column::Personalkostensatz => kommune.personalkostensatz,
        Column::Sachkosten => kommune.sachkosten,
        Column::ItKosten => kommune.it_kosten,
        Column::Restkosten => kommune.restkosten,
        Column::AnteilVonHand => kommune.anteil_von_hand.unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

impl Model {
    /// The model of valid inputs: joint cells first, then the Kommunen
    /// column by column (a column only uses columns left of it).
    pub fn build(input: &CostInput) -> Result<Model, CostError> {
        input.validate()?;
        let key = &input.schluessel;
        let n = input.kommunen.len();
        let mut cells = Vec::new();
        for j in joint_cells(key) {
            let definition = joint_formula(j).map_or_else(
                || Definition::Input(joint_input(input, j)),
                Definition::Formula,
            );
            cells.push((Name::Joint(j), definition));
        }
        for column in columns(key) {
            for k in 0..n {
                let definition = column_formula(key, k, n, column).map_or_else(
                    || Definition::Input(column_input(input, k, column)),
                    Definition::Formula,
                );
                cells.push((Name::Kommune(k, column), definition));
            }
        }
        Ok(Model { kommunen: n, cells })
    }

    /// Every cell's value.
    pub fn evaluate(&self) -> BTreeMap<Name, Value> {
        let mut values = BTreeMap::new();
        for (name, definition) in &self.cells {
            let value = match definition {
                Definition::Input(x) => Value::Number(*x),
                Definition::Formula(e) => e.eval(&Env {
                    values: &values,
                    kommunen: self.kommunen,
                }),
            };
            values.insert(*name, value);
        }
        values
    }
}
