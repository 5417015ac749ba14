pub mod board;
pub mod editable;
pub mod error_notice;
pub mod exports;
pub mod header;
pub mod ideas;
pub mod sync_badge;
