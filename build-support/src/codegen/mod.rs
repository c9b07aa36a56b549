//! Code generation: Rust tokens from checked PromptArena files, for the proc macros.
//! Each generator takes paths and returns tokens, or the diagnostics rendered as text
//! for the macro to report as a compile error.

pub mod arena_test;
pub mod derive;
pub mod output;
pub mod pack;
pub mod prompt;
pub mod schema;

#[cfg(test)]
#[path = "snapshots_test.rs"]
mod snapshots_test;
