pub mod board;
pub mod error_notice;
pub mod exports;
pub mod header;
pub mod sync_badge;
