//! A tiny spreadsheet evaluator for the tests: it parses only what the
//! sheet emits (numbers, A1 references, "text", + − * / and brackets,
//! SUM(range), MIN(a,b), IF(a<=b,x,y)) and computes a cell from the
//! formulas alone, never from the cached values.

#![allow(dead_code)]

use ikz_antrag::cost::expr::Value;
use ikz_antrag::cost::{Sheet, SheetCell};

pub struct Grid<'a> {
    sheet: &'a Sheet,
}

/// "B14" as (row 14, column index 1).
fn address(text: &str) -> (usize, usize) {
    let letters: String = text.chars().take_while(char::is_ascii_uppercase).collect();
    let row: usize = text[letters.len()..].parse().expect("row number");
    let col = letters
        .bytes()
        .fold(0, |acc, b| acc * 26 + usize::from(b - b'A' + 1))
        - 1;
    (row, col)
}

impl<'a> Grid<'a> {
    pub fn new(sheet: &'a Sheet) -> Self {
        Grid { sheet }
    }

    pub fn cell(&self, a1: &str) -> &SheetCell {
        let (row, col) = address(a1);
        self.sheet
            .rows
            .get(row - 1)
            .and_then(|r| r.get(col))
            .unwrap_or(&SheetCell::Empty)
    }

    /// The cell's value, computed from its formula.
    pub fn value(&self, a1: &str) -> Value {
        match self.cell(a1) {
            SheetCell::Number { value, .. } => Value::Number(*value),
            SheetCell::Formula { formula, .. } => {
                let text = formula.strip_prefix('=').expect("formula starts with =");
                let mut parser = Parser {
                    grid: self,
                    chars: text.chars().collect(),
                    pos: 0,
                };
                let v = parser.expr();
                assert_eq!(parser.pos, parser.chars.len(), "unparsed rest in {text}");
                v
            }
            SheetCell::Label(t) => Value::Text(t.clone()),
            SheetCell::Empty => Value::Number(0.0),
        }
    }
}

struct Parser<'g, 'a> {
    grid: &'g Grid<'a>,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) {
        assert_eq!(self.peek(), Some(c), "expected {c} at {}", self.pos);
        self.pos += 1;
    }

    fn expr(&mut self) -> Value {
        let mut v = self.term();
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            let r = self.term().number();
            v = Value::Number(if op == '+' {
                v.number() + r
            } else {
                v.number() - r
            });
        }
        v
    }

    fn term(&mut self) -> Value {
        let mut v = self.factor();
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.pos += 1;
            let r = self.factor().number();
            v = Value::Number(if op == '*' {
                v.number() * r
            } else {
                v.number() / r
            });
        }
        v
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn factor(&mut self) -> Value {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let v = self.expr();
                self.eat(')');
                v
            }
            Some('-') => {
                self.pos += 1;
                Value::Number(-self.factor().number())
            }
            Some('"') => {
                self.pos += 1;
                let start = self.pos;
                while self.peek() != Some('"') {
                    self.pos += 1;
                }
                let text = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                Value::Text(text)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                Value::Number(text.parse().expect("number"))
            }
            _ => {
                let word = self.word();
                match word.as_str() {
                    "SUM" => {
                        self.eat('(');
                        let from = self.word();
                        self.eat(':');
                        let to = self.word();
                        self.eat(')');
                        let ((r1, c), (r2, c2)) = (address(&from), address(&to));
                        assert_eq!(c, c2, "SUM over one column");
                        let letter = &from[..from.len() - r1.to_string().len()];
                        Value::Number(
                            (r1..=r2)
                                .map(|r| self.grid.value(&format!("{letter}{r}")).number())
                                .sum(),
                        )
                    }
                    "MIN" => {
                        self.eat('(');
                        let a = self.expr().number();
                        self.eat(',');
                        let b = self.expr().number();
                        self.eat(')');
                        Value::Number(a.min(b))
                    }
                    "IF" => {
                        self.eat('(');
                        let a = self.expr().number();
                        self.eat('<');
                        self.eat('=');
                        let b = self.expr().number();
                        self.eat(',');
                        let then = self.expr();
                        self.eat(',');
                        let otherwise = self.expr();
                        self.eat(')');
                        if a <= b {
                            then
                        } else {
                            otherwise
                        }
                    }
                    reference => self.grid.value(reference),
                }
            }
        }
    }
}
