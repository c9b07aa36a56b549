//! PromptPacks: the portable JSON a PromptPack runtime loads, and the compiler that
//! turns an arena project into one (what the reference `packc compile` does).
//!
//! ```
//! use promptkit_build::frontend::Frontend;
//! use promptkit_build::pack::CompileOptions;
//!
//! let config = concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../shared/conformance/workflow-support/config.arena.yaml"
//! );
//! let compiled = Frontend::new().project(config).compile(&CompileOptions::default());
//! let pack = compiled.pack.expect("compiles");
//! assert_eq!(pack.id, "workflow-support");
//! assert!(pack.prompts.contains_key("intake"));
//! assert_eq!(pack.workflow.as_ref().map(|w| w.entry.as_str()), Some("intake"));
//! ```

mod check;
mod compile;
mod diagnose;
mod json;
mod locate;
mod model;
mod prompt;
mod schema;
mod sections;
mod stamp;

pub use check::{Finding, Level, Section, check};
pub use compile::{
    COMPILED_WITH, CompileOptions, Compiled, PACK_VERSION, SCHEMA_URL, compile, sanitize_pack_id,
};
pub use model::*;
pub use prompt::prompt;
pub use schema::{SchemaError, schema_version, validate_schema};
pub use stamp::rfc3339;

/// The official PromptPack JSON Schema (draft 2020-12, the latest version, 1.4.0), the
/// one copy in this repository.
pub const SCHEMA: &str = include_str!("../../schemas/promptpack.schema.json");

/// Every published schema version, oldest first: the version as it appears in a pack's
/// `$schema` URL (`https://promptpack.org/schema/<version>/promptpack.schema.json`) and
/// the schema. `v1.1.0` and `v1.1` are the same document, as are `v1.4.0` and `latest`.
pub const SCHEMAS: &[(&str, &str)] = &[
    (
        "v1.0",
        include_str!("../../schemas/promptpack-v1.0.schema.json"),
    ),
    (
        "v1.1",
        include_str!("../../schemas/promptpack-v1.1.schema.json"),
    ),
    (
        "v1.1.0",
        include_str!("../../schemas/promptpack-v1.1.schema.json"),
    ),
    (
        "v1.3.0",
        include_str!("../../schemas/promptpack-v1.3.0.schema.json"),
    ),
    (
        "v1.3.1",
        include_str!("../../schemas/promptpack-v1.3.1.schema.json"),
    ),
    ("v1.4.0", SCHEMA),
    ("latest", SCHEMA),
];

/// The schema version a pack declares in its `$schema` URL, when it is a published one;
/// `None` (validate against `latest`) for anything else.
pub fn declared_schema_version(schema_url: &str) -> Option<&'static str> {
    let version = schema_url
        .trim_end_matches("/promptpack.schema.json")
        .rsplit('/')
        .next()?;
    SCHEMAS.iter().map(|(v, _)| *v).find(|v| *v == version)
}
