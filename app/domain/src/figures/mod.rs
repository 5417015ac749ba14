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
//!
//! The remaining seed methods (methods.md 5-9, not yet offered):
//! - [`change`]: Veränderungsbereitschaft heat map per level, the
//!   force-field balance, the list "Unterstützungsbedarfe".
//! - [`ustg`]: the § 2b hint per case, its open questions, the Entgelt
//!   against the threshold ("Vorprüfung, keine Steuerberatung").
//! - [`scrum`]: effort points per column, the Relevanzcheck.
//! - [`barcamp`]: the Sessionplan, the Suche/Biete pairs
//!   ("möglicher Partner").

pub mod barcamp;
pub mod change;
pub mod factors;
pub mod phases;
pub mod process;
pub mod scrum;
pub mod ustg;
pub mod zielmatrix;
