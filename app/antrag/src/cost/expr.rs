//! The small expression model every output is defined in: evaluated here,
//! and rendered as a spreadsheet formula with A1 references, so the
//! calculator and the Kämmerei's sheet follow one rule.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Fallzahlen scenario an output belongs to (±20 % sensitivity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    Basis,
    Minus,
    Plus,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [Scenario::Basis, Scenario::Minus, Scenario::Plus];
}

/// A joint cell (one per sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Joint {
    Einmalkosten,
    LaufendeKosten,
    Foerderquote,
    Foerderhoechstbetrag,
    Foerderung,
    EigenanteilEinmalkosten,
    Sockelanteil,
    FaktorMinus,
    FaktorPlus,
}

/// A column of the Kommunen table (one cell per Kommune).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Einwohner,
    Fallzahlen,
    Vzae,
    Personalkostensatz,
    Sachkosten,
    ItKosten,
    Restkosten,
    AnteilVonHand,
    KostenHeute,
    Anteil(Scenario),
    AnteilLaufend(Scenario),
    AnteilEinmalig(Scenario),
    Einsparung(Scenario),
    Amortisation(Scenario),
}

/// A named cell: a joint one, or a Kommune's (by its index) in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Name {
    Joint(Joint),
    Kommune(usize, Column),
}

/// A cell's value: a number, or a text such as "keine Amortisation".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    /// The number, or NaN for a text (no rule computes with a text).
    pub fn number(&self) -> f64 {
        match self {
            Value::Number(n) => *n,
            Value::Text(_) => f64::NAN,
        }
    }
}

/// An expression over named cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    Num(f64),
    Text(String),
    Ref(Name),
    /// The sum of a column over all Kommunen.
    Sum(Column),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Min(Box<Expr>, Box<Expr>),
    /// IF(left <= right; then; else).
    IfLe {
        left: Box<Expr>,
        right: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
}

pub fn num(n: f64) -> Expr {
    Expr::Num(n)
}
pub fn joint(j: Joint) -> Expr {
    Expr::Ref(Name::Joint(j))
}
pub fn cell(k: usize, c: Column) -> Expr {
    Expr::Ref(Name::Kommune(k, c))
}
pub fn add(a: Expr, b: Expr) -> Expr {
    Expr::Add(Box::new(a), Box::new(b))
}
pub fn sub(a: Expr, b: Expr) -> Expr {
    Expr::Sub(Box::new(a), Box::new(b))
}
pub fn mul(a: Expr, b: Expr) -> Expr {
    Expr::Mul(Box::new(a), Box::new(b))
}
pub fn div(a: Expr, b: Expr) -> Expr {
    Expr::Div(Box::new(a), Box::new(b))
}
pub fn min(a: Expr, b: Expr) -> Expr {
    Expr::Min(Box::new(a), Box::new(b))
}
pub fn if_le(left: Expr, right: Expr, then: Expr, otherwise: Expr) -> Expr {
    Expr::IfLe {
        left: Box::new(left),
        right: Box::new(right),
        then: Box::new(then),
        otherwise: Box::new(otherwise),
    }
}

/// The values of cells already computed, and how many Kommunen there are.
pub struct Env<'a> {
    pub values: &'a BTreeMap<Name, Value>,
    pub kommunen: usize,
}

impl Expr {
    /// The expression's value; a missing cell counts as NaN (the model
    /// defines every cell before it is used, which the tests check).
    pub fn eval(&self, env: &Env) -> Value {
        let n = |e: &Expr| e.eval(env).number();
        match self {
            Expr::Num(x) => Value::Number(*x),
            Expr::Text(t) => Value::Text(t.clone()),
            Expr::Ref(name) => env
                .values
                .get(name)
                .cloned()
                .unwrap_or(Value::Number(f64::NAN)),
            Expr::Sum(column) => Value::Number(
                (0..env.kommunen)
                    .map(|k| {
                        env.values
                            .get(&Name::Kommune(k, *column))
                            .map_or(f64::NAN, Value::number)
                    })
                    .sum(),
            ),
            Expr::Add(a, b) => Value::Number(n(a) + n(b)),
            Expr::Sub(a, b) => Value::Number(n(a) - n(b)),
            Expr::Mul(a, b) => Value::Number(n(a) * n(b)),
            Expr::Div(a, b) => Value::Number(n(a) / n(b)),
            Expr::Min(a, b) => Value::Number(n(a).min(n(b))),
            Expr::IfLe {
                left,
                right,
                then,
                otherwise,
            } => {
                if n(left) <= n(right) {
                    then.eval(env)
                } else {
                    otherwise.eval(env)
                }
            }
        }
    }

    /// The expression as spreadsheet formula text without the leading "=",
    /// `a1` naming a cell's address and `range` a column's range over all
    /// Kommunen (e.g. "C8:C10").
    pub fn render(&self, a1: &dyn Fn(Name) -> String, range: &dyn Fn(Column) -> String) -> String {
        self.render_in(a1, range, Precedence::Lowest)
    }

    fn render_in(
        &self,
        a1: &dyn Fn(Name) -> String,
        range: &dyn Fn(Column) -> String,
        context: Precedence,
    ) -> String {
        let r = |e: &Expr, p| e.render_in(a1, range, p);
        let binary = |a: &Expr, op: &str, b: &Expr, own: Precedence| {
            // The right operand of − and ÷ binds tighter, so a − (b − c) keeps its brackets.
            let text = format!("{}{op}{}", r(a, own), r(b, own.tighter()));
            if own < context {
                format!("({text})")
            } else {
                text
            }
        };
        match self {
            Expr::Num(x) => format_number(*x),
            Expr::Text(t) => format!("\"{}\"", t.replace('"', "\"\"")),
            Expr::Ref(name) => a1(*name),
            Expr::Sum(column) => format!("SUM({})", range(*column)),
            Expr::Add(a, b) => binary(a, "+", b, Precedence::Sum),
            Expr::Sub(a, b) => binary(a, "-", b, Precedence::Sum),
            Expr::Mul(a, b) => binary(a, "*", b, Precedence::Product),
            Expr::Div(a, b) => binary(a, "/", b, Precedence::Product),
            Expr::Min(a, b) => format!(
                "MIN({},{})",
                r(a, Precedence::Lowest),
                r(b, Precedence::Lowest)
            ),
            Expr::IfLe {
                left,
                right,
                then,
                otherwise,
            } => format!(
                "IF({}<={},{},{})",
                r(left, Precedence::Sum),
                r(right, Precedence::Sum),
                r(then, Precedence::Lowest),
                r(otherwise, Precedence::Lowest)
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Lowest,
    Sum,
    Product,
    Atom,
}

impl Precedence {
    fn tighter(self) -> Precedence {
        match self {
            Precedence::Lowest => Precedence::Sum,
            Precedence::Sum => Precedence::Product,
            Precedence::Product | Precedence::Atom => Precedence::Atom,
        }
    }
}

/// A number as formula text: "." as the decimal point (the file format's,
/// whatever the spreadsheet shows), no exponent; negatives in brackets.
fn format_number(x: f64) -> String {
    if x < 0.0 {
        format!("({x})")
    } else {
        x.to_string()
    }
}
