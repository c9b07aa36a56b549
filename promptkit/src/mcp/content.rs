//! An MCP `tools/call` result as the tool loop sees it: the reference's result value
//! (one text → that text, several texts → their list, none → the raw content, empty →
//! a success note; `isError` → an error of the joined texts), plus every image and
//! audio block as a message part.

use serde_json::Value;

use super::McpError;
use crate::message::ContentPart;

/// What one MCP tool call answered.
#[derive(Debug, Clone, PartialEq)]
pub struct McpAnswer {
    /// The result the model reads.
    pub value: Value,
    /// Images and audio, as `data:` URLs.
    pub parts: Vec<ContentPart>,
}

/// Converts a `CallToolResult` (as JSON, so the wire shape decides, not the SDK's
/// types); an `isError` result is [`McpError::ToolReported`] with its text.
pub fn answer(result: &Value) -> Result<McpAnswer, McpError> {
    let blocks = result
        .get("content")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let texts: Vec<String> = blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        return Err(McpError::ToolReported(if texts.is_empty() {
            "MCP tool returned error".to_owned()
        } else {
            texts.join("; ")
        }));
    }
    let parts = blocks.iter().filter_map(media_part).collect();
    let value = match texts.as_slice() {
        _ if blocks.is_empty() => Value::String("Operation completed successfully".into()),
        [one] if blocks.len() == 1 => Value::String(one.clone()),
        [] => Value::Array(blocks),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    };
    Ok(McpAnswer { value, parts })
}

/// An `image` or `audio` block as a `data:` URL part.
fn media_part(block: &Value) -> Option<ContentPart> {
    let kind = block.get("type").and_then(Value::as_str)?;
    let data = block.get("data").and_then(Value::as_str)?;
    let mime = block.get("mimeType").and_then(Value::as_str)?;
    let url = format!("data:{mime};base64,{data}");
    match kind {
        "image" | "audio" => ContentPart::of_kind(kind, url, Some(mime.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_follow_the_reference_shapes() {
        let one = answer(&json!({"content": [{"type": "text", "text": "Echo: hi"}]}));
        assert_eq!(one.map(|a| a.value), Ok(json!("Echo: hi")));
        let empty = answer(&json!({"content": []}));
        assert_eq!(
            empty.map(|a| a.value),
            Ok(json!("Operation completed successfully"))
        );
        let error = answer(&json!({"isError": true, "content": [
            {"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}));
        assert_eq!(error.map_err(|e| e.to_string()), Err("a; b".to_owned()));
        let bare_error = answer(&json!({"isError": true, "content": []}));
        assert_eq!(
            bare_error.map_err(|e| e.to_string()),
            Err("MCP tool returned error".to_owned())
        );
    }

    #[test]
    fn images_become_parts_beside_the_texts() {
        let mixed = answer(&json!({"content": [
            {"type": "text", "text": "Here's the image you requested:"},
            {"type": "image", "data": "iVBOR", "mimeType": "image/png"},
            {"type": "text", "text": "The image above is the MCP logo."}
        ]}))
        .expect("not an error");
        assert_eq!(
            mixed.value,
            json!([
                "Here's the image you requested:",
                "The image above is the MCP logo."
            ])
        );
        assert_eq!(
            mixed.parts,
            ContentPart::of_kind(
                "image",
                "data:image/png;base64,iVBOR".into(),
                Some("image/png".into())
            )
            .into_iter()
            .collect::<Vec<_>>()
        );
        let image_only = answer(&json!({"content": [
            {"type": "image", "data": "AAA", "mimeType": "image/gif"}]}))
        .expect("not an error");
        assert_eq!(image_only.value[0]["type"], "image");
        assert_eq!(image_only.parts.len(), 1);
    }
}
