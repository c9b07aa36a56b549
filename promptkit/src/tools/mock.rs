//! Mock tools: a fixed `mock_result`, or a `mock_template` filled with the call's
//! arguments (`{{.field}}`, `{{ .nested.field }}`, the Go-template subset the
//! reference's examples use). A rendered template that is not JSON becomes
//! `{"result": text}`, as the reference does.
//!
//! `mock_parts` add media to the result, as the reference: files (relative to the arena
//! config's folder, inside the project, size-capped) are read on every call, URLs are
//! passed by reference, and the parts (their texts and media) are what the model and the
//! assertions get in place of the JSON result.

use promptkit_build::model::{MockPart, ToolSpec as ToolConfig};
use serde_json::Value;

use crate::media::{MediaRoot, tool_parts};
use crate::message::ContentPart;

/// A tool answering with canned data.
#[derive(Debug, Clone)]
pub(super) struct MockTool {
    name: String,
    result: Option<Value>,
    template: Option<String>,
    parts: Vec<MockPart>,
    media: MediaRoot,
}

impl MockTool {
    /// The mock behaviour of tool `name`'s config, if it has any; `media` says where
    /// the files of its `mock_parts` are.
    pub fn from_config(name: &str, config: &ToolConfig, media: MediaRoot) -> Option<Self> {
        let result = config.mock_result.as_ref().map(|r| r.value.to_json());
        let template = config.mock_template.as_ref().map(|t| t.value.clone());
        let parts = config.mock_parts.clone();
        (result.is_some() || template.is_some() || !parts.is_empty()).then(|| Self {
            name: name.to_owned(),
            result,
            template,
            parts,
            media,
        })
    }

    /// The result for `args`, with the media of `mock_parts`.
    pub(crate) fn run(&self, args: &Value) -> Result<(Value, Vec<ContentPart>), String> {
        let value = match (&self.template, &self.result) {
            (Some(template), _) => {
                let text = render(template, args)?;
                serde_json::from_str(&text)
                    .unwrap_or_else(|_| serde_json::json!({ "result": text }))
            }
            (None, Some(result)) => result.clone(),
            // As the reference's static executor without `mock_result`.
            (None, None) => serde_json::json!({"result": "mock response"}),
        };
        if self.parts.is_empty() {
            return Ok((value, Vec::new()));
        }
        let canned = tool_parts(&self.parts, &self.media)
            .map_err(|e| format!("failed to resolve mock_parts for tool {}: {e}", self.name))?;
        // The parts stand for the result: their texts (none leaves the JSON result to
        // the records only, the model reads the media).
        let value = match canned.texts.as_slice() {
            [] => value,
            texts => Value::String(texts.concat()),
        };
        Ok((value, canned.parts))
    }
}

/// Renders `{{.path}}` actions with values from `args`.
pub(super) fn render(template: &str, args: &Value) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err("unclosed `{{` in mock template".into());
        };
        let action = after[..close].trim();
        let Some(path) = action.strip_prefix('.') else {
            return Err(format!(
                "unsupported mock template action `{{{{{action}}}}}`: only `{{{{.field}}}}` is supported"
            ));
        };
        let value = path
            .split('.')
            .filter(|p| !p.is_empty())
            .try_fold(args, |v, key| v.get(key));
        match value {
            Some(Value::String(s)) => out.push_str(s),
            Some(Value::Null) | None => out.push_str("<no value>"),
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_fields_and_nested_paths() {
        let args = json!({"id": "A1", "n": 3, "user": {"name": "Ada"}});
        assert_eq!(
            render(
                r#"{"order": "{{.id}}", "qty": {{ .n }}, "who": "{{.user.name}}"}"#,
                &args
            )
            .as_deref(),
            Ok(r#"{"order": "A1", "qty": 3, "who": "Ada"}"#)
        );
        assert_eq!(render("{{.missing}}", &args).as_deref(), Ok("<no value>"));
    }

    #[test]
    fn unsupported_actions_are_errors() {
        assert!(render("{{if .x}}y{{end}}", &json!({})).is_err());
        assert!(render("{{.x", &json!({})).is_err());
    }

    #[test]
    fn non_json_output_is_wrapped() {
        let tool = MockTool {
            name: "t".into(),
            result: None,
            template: Some("Order {{.id}} shipped".into()),
            parts: Vec::new(),
            media: MediaRoot::new(".".as_ref(), ".".as_ref(), "t.yaml".as_ref()),
        };
        assert_eq!(
            tool.run(&json!({"id": 7})),
            Ok((json!({"result": "Order 7 shipped"}), Vec::new()))
        );
    }
}
