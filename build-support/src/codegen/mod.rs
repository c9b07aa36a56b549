//! Code generation: Rust tokens from checked PromptArena files, for the proc macros.
//! Each generator takes paths and returns tokens, or the diagnostics rendered as text
//! for the macro to report as a compile error.

use std::fmt;

pub mod arena_test;
pub mod derive;
pub mod output;
pub mod pack;
pub mod prompt;
pub mod schema;

/// Why a macro cannot expand: the project or prompt was refused (its diagnostics
/// rendered with paths relative to the crate), or its output could not be formed. The
/// text is the compile error the macro reports at its call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    message: String,
}

impl ExpandError {
    /// The compile error's text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

impl From<String> for ExpandError {
    fn from(message: String) -> Self {
        Self { message }
    }
}

#[cfg(test)]
#[path = "snapshots_test.rs"]
mod snapshots_test;
