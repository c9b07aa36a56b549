//! PromptPacks: the portable JSON a PromptPack runtime loads, and the compiler that
//! turns an arena project into one (what the reference `packc compile` does).
//!
//! ```
//! use promptkit_build::load::LoadOptions;
//! use promptkit_build::pack::{CompileOptions, compile_config};
//!
//! let config = concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../shared/conformance/workflow-support/config.arena.yaml"
//! );
//! let compiled = compile_config(config, &LoadOptions::default(), &CompileOptions::default());
//! let pack = compiled.pack.expect("compiles");
//! assert_eq!(pack.id, "workflow-support");
//! assert!(pack.prompts.contains_key("intake"));
//! assert_eq!(pack.workflow.as_ref().map(|w| w.entry.as_str()), Some("intake"));
//! ```

mod check;
mod compile;
mod diagnose;
mod json;
mod model;
mod prompt;
mod prompt_files;
mod sections;
mod stamp;

pub use check::{Finding, Level, Section, check};
pub use compile::{
    COMPILED_WITH, CompileOptions, Compiled, PACK_VERSION, SCHEMA_URL, compile, compile_config,
    sanitize_pack_id,
};
pub use model::*;
pub use prompt_files::compile_prompt_files;
pub use stamp::rfc3339;

/// The official PromptPack JSON Schema (draft 2020-12), the one copy in this repository.
pub const SCHEMA: &str = include_str!("../../schemas/promptpack.schema.json");
