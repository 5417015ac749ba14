//! The evaluation engine (domain.md §3): every rating method's figures,
//! computed once here and only rendered by the screen, the projector and
//! the exports.
//!
//! - [`criteria`]: criteria as data (key, label, question, anchors, default
//!   weight); the KI method's four; the rating value and its errors.
//! - [`aggregate`]: counts, mean, median, min–max, sample SD, Konsens/Dissens.
//! - [`by_kommune`]: the aggregates per Kommune, only from 3 scores (E6).
//! - [`score`]: weights and the Nutzwert 0–100 ("unvollständig: ohne …").
//! - [`ranking`]: the one rank rule (ties share, unrated have none).
//! - [`rounding`]: the one rounding and number-format rule.
//! - [`joint`]: the joint ranking across groups.
//! - [`portfolio`]: quadrant, "Daten schaffen" and the chart model.
//! - [`redaction`]: blind rating.
//! - [`view`]: a group's and the joint evaluation as consumers show them.

pub mod aggregate;
pub mod by_kommune;
pub mod criteria;
pub mod joint;
pub mod portfolio;
pub mod ranking;
pub mod redaction;
pub mod rounding;
pub mod score;
pub mod view;

pub use aggregate::{aggregate, Consensus, CriterionAggregate, DISSENS_RANGE, DISSENS_STD_DEV};
pub use criteria::{CriterionDef, CriterionKey, RatingValue, ScoringError, KI_CRITERIA};
pub use score::{score_idea, IdeaScore, Weights};
