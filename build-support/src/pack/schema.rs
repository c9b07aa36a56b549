//! Checking a pack against the official PromptPack JSON Schema.

use std::sync::{LazyLock, OnceLock};

use super::{SCHEMAS, declared_schema_version};

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct SchemaError {
    /// JSON pointer of the offending value (`/prompts/support/version`), `/` for the root.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// One compiled validator per published version, built on first use.
static VALIDATORS: LazyLock<Vec<OnceLock<Result<jsonschema::Validator, String>>>> =
    LazyLock::new(|| SCHEMAS.iter().map(|_| OnceLock::new()).collect());

/// The schema version `pack` is checked against: the one its `$schema` URL names when
/// published, else `latest`.
pub fn schema_version(pack: &serde_json::Value) -> &'static str {
    pack.get("$schema")
        .and_then(serde_json::Value::as_str)
        .and_then(declared_schema_version)
        .unwrap_or("latest")
}

/// Every violation in `pack` of the official PromptPack schema of the version it
/// declares ([`schema_version`]); empty when valid.
pub fn validate_schema(pack: &serde_json::Value) -> Vec<SchemaError> {
    let version = schema_version(pack);
    let index = SCHEMAS
        .iter()
        .position(|(v, _)| *v == version)
        .unwrap_or(SCHEMAS.len() - 1);
    let validator = VALIDATORS[index].get_or_init(|| {
        let (name, text) = SCHEMAS[index];
        let schema: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("embedded schema {name}: {e}"))?;
        jsonschema::validator_for(&schema).map_err(|e| format!("embedded schema {name}: {e}"))
    });
    match validator {
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
