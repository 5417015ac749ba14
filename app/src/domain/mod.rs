//! Pure domain rules of IKZ-Werkstatt: no I/O, used by the server (authoritative)
//! and by the browser (optimistic). Every rule lives here exactly once.

pub mod scoring;
pub mod session;

pub use session::{JoinCode, ValidationError};
