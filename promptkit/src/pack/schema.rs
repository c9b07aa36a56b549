//! Checking a pack against the official PromptPack JSON Schema.

use std::sync::LazyLock;

use promptkit_build::pack::SCHEMA;

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct SchemaError {
    /// JSON pointer of the offending value (`/prompts/support/version`), `/` for the root.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value =
        serde_json::from_str(SCHEMA).map_err(|e| format!("embedded schema: {e}"))?;
    jsonschema::validator_for(&schema).map_err(|e| format!("embedded schema: {e}"))
});

/// Every violation of the official PromptPack schema in `pack` (empty when valid).
pub fn validate_schema(pack: &serde_json::Value) -> Vec<SchemaError> {
    match &*VALIDATOR {
        Ok(validator) => validator
            .iter_errors(pack)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                SchemaError {
                    pointer: if pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        pointer
                    },
                    message: e.to_string(),
                }
            })
            .collect(),
        Err(e) => vec![SchemaError {
            pointer: "/".to_owned(),
            message: e.clone(),
        }],
    }
}
