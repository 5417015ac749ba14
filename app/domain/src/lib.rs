//! Pure domain rules of IKZ-Werkstatt: no I/O, used by the server (authoritative)
//! and by the browser (optimistic). Every rule lives here exactly once.
//!
//! A crate of its own (serde, serde_json and thiserror only), so that nothing
//! here can reach for I/O or the UI, and so that the fuzz targets in
//! `app/fuzz` build it in a minute rather than the whole web stack.

pub mod antrag;
pub mod board;
pub mod carry;
pub mod evaluation;
pub mod figures;
pub mod kivo;
pub mod kosten;
pub mod legacy;
pub mod lotse;
pub mod privacy;
pub mod protocol;
pub mod protokoll;
pub mod rating;
pub mod replica;
pub mod session;
pub mod settings;
pub mod sketch;
pub mod stand;
pub mod steering;
pub mod templates;
pub mod text;

pub use session::{JoinCode, ValidationError};
