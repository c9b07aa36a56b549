//! Reading saved conversations for evals: the arena's own result files
//! (`arena_output`: an object with `Messages`) and session recordings (an object with
//! `events` of type `message`). Message text is `content`, else the text of `parts`.

use std::path::Path;

use serde_json::Value;

use crate::message::{Message, Role, ToolCall};

/// The transcript saved in the recording at `path`.
pub(crate) fn load_transcript(path: &Path) -> Result<Vec<Message>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read recording `{}`: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("recording `{}` is not JSON: {e}", path.display()))?;
    let raw: Vec<&Value> = if let Some(messages) = doc.get("Messages").and_then(Value::as_array) {
        messages.iter().collect()
    } else if let Some(events) = doc.get("events").and_then(Value::as_array) {
        events
            .iter()
            .filter(|e| e.get("type").and_then(Value::as_str) == Some("message"))
            .filter_map(|e| e.get("message"))
            .collect()
    } else {
        return Err(format!(
            "recording `{}` has neither `Messages` (arena output) nor `events` (session recording)",
            path.display()
        ));
    };
    raw.into_iter()
        .enumerate()
        .map(|(i, m)| {
            message(m).ok_or_else(|| {
                format!(
                    "recording `{}`: message {i} has no known role",
                    path.display()
                )
            })
        })
        .collect()
}

fn message(value: &Value) -> Option<Message> {
    let role = match value.get("role")?.as_str()? {
        "system" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" => Role::Tool,
        _ => return None,
    };
    let content = value
        .get("content")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            value
                .get("parts")
                .and_then(Value::as_array)
                .map(|parts| {
                    parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
        });
    let mut message = Message::text(role, content);
    message.tool_calls = value
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|calls| {
            calls
                .iter()
                .filter_map(|c| {
                    let name = c.get("name").and_then(Value::as_str)?.to_owned();
                    let arguments = match c.get("args").or_else(|| c.get("arguments")) {
                        Some(Value::String(s)) => {
                            serde_json::from_str(s).unwrap_or(Value::String(s.clone()))
                        }
                        Some(v) => v.clone(),
                        None => Value::Object(Default::default()),
                    };
                    Some(ToolCall {
                        id: c
                            .get("id")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        name,
                        arguments,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    message.tool_call_id = value
        .get("tool_call_id")
        .or_else(|| value.get("tool_result").and_then(|r| r.get("id")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_formats() {
        let dir = tempfile::tempdir().expect("temp dir");
        let arena = dir.path().join("a.json");
        std::fs::write(
            &arena,
            r#"{"Messages":[{"role":"system","parts":[{"type":"text","text":"sys"}]},
                {"role":"user","content":"hi"},
                {"role":"assistant","content":"","tool_calls":[{"id":"1","name":"t","args":"{\"x\":1}"}]}]}"#,
        )
        .expect("write");
        let m = load_transcript(&arena).expect("arena output");
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].content, "sys");
        assert_eq!(m[2].tool_calls[0].arguments, serde_json::json!({"x": 1}));
        let session = dir.path().join("s.json");
        std::fs::write(
            &session,
            r#"{"events":[{"type":"message","message":{"role":"user","content":"q"}},{"type":"other"}]}"#,
        )
        .expect("write");
        assert_eq!(load_transcript(&session).expect("session").len(), 1);
        std::fs::write(&session, "{}").expect("write");
        assert!(load_transcript(&session).is_err());
    }
}
