//! The PromptArena engine: scenarios, assertions, reports.

pub mod assertions;
