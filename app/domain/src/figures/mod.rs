//! The computed figures of the further methods (methods.md 1-4), as view
//! models: the screen, the projector and every export render these and
//! compute nothing themselves. Aggregates, rounding and ranks come from
//! [`crate::evaluation`], once.
//!
//! - [`zielmatrix`]: goals × Kommunen, the share of agreement per goal,
//!   the "Allianz der Willigen"; the cards by Kommune.
//! - [`process`]: the "Erleben" curve across the steps, the top pain points.
//! - [`factors`]: per item mean/median/n/Konsens-Dissens, per column mean
//!   (the radar), "Handlungsbedarf".
//! - [`phases`]: progress per phase as a traffic light, overdue items, the
//!   hint "Anbahnung erst zu 40 % erledigt".

pub mod factors;
pub mod phases;
pub mod process;
pub mod zielmatrix;
