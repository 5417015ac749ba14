pub mod accessibility;
pub mod home;
pub mod join;
pub mod moderation;
pub mod not_found;
pub mod projector;
pub mod workspace;
