//! Shared test support.
pub mod mutations;
