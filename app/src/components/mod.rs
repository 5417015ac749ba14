pub mod error_notice;
pub mod header;
