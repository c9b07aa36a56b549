//! The input schema of a tool, checked the same way wherever the tool came from (a
//! YAML `input_schema` or an MCP server's `tools/list`): a JSON object that compiles
//! as a JSON Schema, as the reference's registry requires before it offers a tool.

use serde_json::{Value, json};

/// The schema offered when a tool declares none (or an unusable one).
pub(super) fn open() -> Value {
    json!({"type": "object", "properties": {}})
}

/// `schema` (or the open schema when absent) if it is a JSON object that compiles;
/// otherwise why tool `name` cannot be offered with it.
pub(super) fn input_schema(name: &str, schema: Option<Value>) -> Result<Value, String> {
    let Some(schema) = schema else {
        return Ok(open());
    };
    if !schema.is_object() {
        return Err(format!(
            "tool `{name}` has an invalid input schema: expected a JSON object, got `{schema}`"
        ));
    }
    jsonschema::validator_for(&schema)
        .map_err(|e| format!("tool `{name}` has an invalid input schema: {e}"))?;
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_must_be_objects_that_compile() {
        assert_eq!(input_schema("t", None), Ok(open()));
        let good = json!({"type": "object", "properties": {"a": {"type": "number"}}});
        assert_eq!(input_schema("t", Some(good.clone())), Ok(good));
        let not_object = input_schema("t", Some(json!("object"))).unwrap_err();
        assert!(
            not_object.contains("expected a JSON object"),
            "{not_object}"
        );
        let bad_type = input_schema("t", Some(json!({"type": "objekt"}))).unwrap_err();
        assert!(
            bad_type.starts_with("tool `t` has an invalid input schema"),
            "{bad_type}"
        );
    }
}
