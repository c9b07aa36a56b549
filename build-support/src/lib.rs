//! The PromptKit compiler: a plain library that every other PromptKit crate builds on.
//!
//! Pipeline, one module per stage (each depends only on the ones before it):
//! `diagnostic` → `model` → `load` → `template` → `check` → `pack` → `codegen` → `builder`,
//! driven by one [`frontend`]: every entry point (the build.rs [`Builder`], the CLI, the
//! macros, the runtime) loads and checks projects through it.

pub mod builder;
pub mod check;
#[cfg(feature = "codegen")]
pub mod codegen;
pub mod diagnostic;
pub mod frontend;
pub mod load;
pub mod model;
pub mod pack;
pub mod plan;
pub mod registry;
pub mod schemas;
pub mod template;

pub use builder::{BuildError, BuildOutput, Builder};
