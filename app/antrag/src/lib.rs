//! The rules behind an IKZ-Antrag (antrag.md §2–§4), pure Rust without I/O,
//! so that the server and the browser (wasm32) compute the same figures.
//!
//! - [`cost`]: Kostenaufteilung und Wirtschaftlichkeit; every output is one
//!   expression, evaluated here and written as a live spreadsheet formula.
//! - [`rechtsform`]: the Rechtsform-Lotse over a data set (KomZG Rheinland-Pfalz).
//! - [`kivo`]: the KI-VO- und Datenschutz-Vorprüfung of an idea.
//! - [`path`]: the yes/no question path both guides walk, generic over data.
//!
//! Legal content (questions, forms, dates, texts) lives in `data/*.json`,
//! with a source and a "Stand" date, never in code.

pub mod cost;
pub mod kivo;
pub mod path;
pub mod rechtsform;
