//! Pure domain rules of IKZ-Werkstatt: no I/O, used by the server (authoritative)
//! and by the browser (optimistic). Every rule lives here exactly once.

pub mod board;
pub mod legacy;
pub mod privacy;
pub mod rating;
pub mod replica;
pub mod scoring;
pub mod session;
pub mod settings;
pub mod steering;
pub mod templates;
pub mod text;

pub use session::{JoinCode, ValidationError};
