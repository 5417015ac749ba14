//! Kostenaufteilung und Wirtschaftlichkeit (antrag.md §2).
//!
//! One rule, one place: every output is an [`expr::Expr`] in [`model`],
//! evaluated for [`calculate`] and rendered as a live formula for [`sheet()`]
//! (the Kämmerei's XLSX). No rounding here: values stay exact; screens and
//! documents round with ikz-domain's one rounding rule when they show them.
//!
//! - [`input`]: inputs, split keys, validation ([`CostError`]).
//! - [`expr`]: the expression model (named cells, + − × ÷ MIN IF SUM).
//! - [`model`]: the rules as expressions.
//! - [`result`]: outputs per Kommune.
//! - [`mod@sheet`]: the sheet layout with formulas and cached values.

pub mod expr;
pub mod input;
pub mod model;
pub mod result;
pub mod sheet;
mod texts;

pub use input::{Basis, CostError, CostInput, JointInput, KommuneInput, SplitKey};
pub use result::{calculate, CostResult, KommuneResult, Outputs, Payback};
pub use sheet::{sheet, NumberFormat, Sheet, SheetCell};
