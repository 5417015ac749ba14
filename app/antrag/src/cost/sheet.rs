//! The sheet layout of the calculation: which cell holds which input and
//! which formula, so an XLSX writer writes it cell by cell without knowing
//! a rule.
//!
//! Layout: A1 title, A2/B2 the key; the joint cells from row 4 (label in A,
//! value in B); one empty row; the Kommunen table's header, then one row
//! per Kommune (name in A, the columns from B).

use super::expr::{Column, Joint, Name, Scenario, Value};
use super::input::{CostError, CostInput};
use super::model::{columns, joint_cells, Definition, Model};
use super::texts::TEXTS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a number should look in the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberFormat {
    Euro,
    Percent,
    Count,
    Decimal,
    Years,
}

/// One cell of the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetCell {
    Empty,
    Label(String),
    Number {
        value: f64,
        format: NumberFormat,
    },
    /// A live formula ("=B4*C8/SUM(C8:C10)") with the value it has now.
    Formula {
        formula: String,
        cached: Value,
        format: NumberFormat,
    },
}

/// The sheet: rows of cells, from A1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<SheetCell>>,
}

const JOINT_FIRST_ROW: usize = 4;

/// Where every named cell sits.
struct Layout {
    joint_rows: BTreeMap<Joint, usize>,
    /// 0-based column index of each Kommune column (A is the name).
    column_indices: BTreeMap<Column, usize>,
    header_row: usize,
    kommunen: usize,
}

/// "A", "B", …, "Z", "AA", … for a 0-based column index.
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

impl Layout {
    fn new(input: &CostInput) -> Layout {
        let joint_rows: BTreeMap<Joint, usize> = joint_cells(&input.schluessel)
            .into_iter()
            .enumerate()
            .map(|(i, j)| (j, JOINT_FIRST_ROW + i))
            .collect();
        let header_row = JOINT_FIRST_ROW + joint_rows.len() + 1;
        let column_indices = columns(&input.schluessel)
            .into_iter()
            .enumerate()
            .map(|(i, c)| (c, i + 1))
            .collect();
        Layout {
            joint_rows,
            column_indices,
            header_row,
            kommunen: input.kommunen.len(),
        }
    }

    fn a1(&self, name: Name) -> String {
        match name {
            Name::Joint(j) => format!("B{}", self.joint_rows.get(&j).copied().unwrap_or(0)),
            Name::Kommune(k, c) => format!("{}{}", self.letter(c), self.header_row + 1 + k),
        }
    }

    fn range(&self, column: Column) -> String {
        let letter = self.letter(column);
        let first = self.header_row + 1;
        format!("{letter}{first}:{letter}{}", first + self.kommunen - 1)
    }

    fn index(&self, column: Column) -> usize {
        self.column_indices.get(&column).copied().unwrap_or(0)
    }

    fn letter(&self, column: Column) -> String {
        column_letter(self.index(column))
    }
}

fn joint_label(j: Joint) -> &'static str {
    let f = &TEXTS.felder;
    match j {
        Joint::Einmalkosten => &f.einmalkosten,
        Joint::LaufendeKosten => &f.laufende_kosten,
        Joint::Foerderquote => &f.foerderquote,
        Joint::Foerderhoechstbetrag => &f.foerderhoechstbetrag,
        Joint::Foerderung => &f.foerderung,
        Joint::EigenanteilEinmalkosten => &f.eigenanteil_einmalkosten,
        Joint::Sockelanteil => &f.sockelanteil,
        Joint::FaktorMinus => &f.faktor_minus,
        Joint::FaktorPlus => &f.faktor_plus,
    }
}

fn joint_format(j: Joint) -> NumberFormat {
    match j {
        Joint::Foerderquote | Joint::Sockelanteil => NumberFormat::Percent,
        Joint::FaktorMinus | Joint::FaktorPlus => NumberFormat::Decimal,
        _ => NumberFormat::Euro,
    }
}

fn column_label(c: Column) -> String {
    let f = &TEXTS.felder;
    let s = &TEXTS.szenarien;
    let with = |label: &str, scenario: Scenario| {
        let suffix = match scenario {
            Scenario::Basis => &s.basis,
            Scenario::Minus => &s.minus,
            Scenario::Plus => &s.plus,
        };
        format!("{label}{suffix}")
    };
    match c {
        Column::Einwohner => f.einwohner.clone(),
        Column::Fallzahlen => f.fallzahlen.clone(),
        Column::Vzae => f.vzae.clone(),
        Column::Personalkostensatz => f.personalkostensatz.clone(),
        Column::Sachkosten => f.sachkosten.clone(),
        Column::ItKosten => f.it_kosten.clone(),
        Column::Restkosten => f.restkosten.clone(),
        Column::AnteilVonHand => f.anteil_von_hand.clone(),
        Column::KostenHeute => f.kosten_heute.clone(),
        Column::Anteil(sc) => with(&f.anteil, sc),
        Column::AnteilLaufend(sc) => with(&f.anteil_laufend, sc),
        Column::AnteilEinmalig(sc) => with(&f.anteil_einmalig, sc),
        Column::Einsparung(sc) => with(&f.einsparung, sc),
        Column::Amortisation(sc) => with(&f.amortisation, sc),
    }
}

fn column_format(c: Column) -> NumberFormat {
    match c {
        Column::Einwohner | Column::Fallzahlen => NumberFormat::Count,
        Column::Vzae => NumberFormat::Decimal,
        Column::AnteilVonHand | Column::Anteil(_) => NumberFormat::Percent,
        Column::Amortisation(_) => NumberFormat::Years,
        _ => NumberFormat::Euro,
    }
}

/// The calculation as a sheet with live formulas and their cached values.
pub fn sheet(input: &CostInput) -> Result<Sheet, CostError> {
    let model = Model::build(input)?;
    let values = model.evaluate();
    let layout = Layout::new(input);
    let a1 = |name| layout.a1(name);
    let range = |column| layout.range(column);
    let mut grid: BTreeMap<(usize, usize), SheetCell> = BTreeMap::new();
    grid.insert((1, 0), SheetCell::Label(TEXTS.titel.clone()));
    grid.insert((2, 0), SheetCell::Label(TEXTS.schluessel.clone()));
    grid.insert(
        (2, 1),
        SheetCell::Label(input.schluessel.label().to_owned()),
    );
    grid.insert(
        (layout.header_row, 0),
        SheetCell::Label(TEXTS.kommune.clone()),
    );
    for (k, kommune) in input.kommunen.iter().enumerate() {
        grid.insert(
            (layout.header_row + 1 + k, 0),
            SheetCell::Label(kommune.name.clone()),
        );
    }
    for (&j, &row) in &layout.joint_rows {
        grid.insert((row, 0), SheetCell::Label(joint_label(j).to_owned()));
    }
    for (&c, &index) in &layout.column_indices {
        grid.insert(
            (layout.header_row, index),
            SheetCell::Label(column_label(c)),
        );
    }
    for (name, definition) in &model.cells {
        let (row, col, format) = match *name {
            Name::Joint(j) => (
                layout.joint_rows.get(&j).copied().unwrap_or(0),
                1,
                joint_format(j),
            ),
            Name::Kommune(k, c) => (layout.header_row + 1 + k, layout.index(c), column_format(c)),
        };
        let cell = match definition {
            Definition::Input(value) => SheetCell::Number {
                value: *value,
                format,
            },
            Definition::Formula(expr) => SheetCell::Formula {
                formula: format!("={}", expr.render(&a1, &range)),
                cached: values.get(name).cloned().unwrap_or(Value::Number(f64::NAN)),
                format,
            },
        };
        grid.insert((row, col), cell);
    }
    let last_row = grid.keys().map(|(r, _)| *r).max().unwrap_or(1);
    let rows = (1..=last_row)
        .map(|r| {
            let last_col = grid.range((r, 0)..(r + 1, 0)).map(|((_, c), _)| *c).max();
            last_col.map_or_else(Vec::new, |last| {
                (0..=last)
                    .map(|c| grid.remove(&(r, c)).unwrap_or(SheetCell::Empty))
                    .collect()
            })
        })
        .collect();
    Ok(Sheet {
        name: TEXTS.titel.chars().take(31).collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(52), "BA");
    }
}
