//! `mode: exec` tools, as the reference's exec executor: a process per call reads
//! `{"args": <arguments>}` on stdin and answers `{"result": …}` or `{"error": "…"}` on
//! stdout (any other JSON is the result as it is). A failed, silent or late process is
//! an error result naming the tool.

use serde::Deserialize;
use serde_json::Value;

use crate::process::Subprocess;

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<String>,
}

/// Runs tool `name`'s process on `arguments`.
pub(super) async fn run(
    process: &Subprocess,
    name: &str,
    arguments: &Value,
) -> Result<Value, String> {
    let request = serde_json::json!({ "args": arguments }).to_string();
    let stdout = process
        .call(request.as_bytes())
        .await
        .map_err(|e| format!("exec tool `{name}` failed: {e}"))?;
    let whole: Value = serde_json::from_slice(&stdout)
        .map_err(|e| format!("exec tool `{name}` returned invalid JSON: {e}"))?;
    let reply = Reply::deserialize(&whole).unwrap_or(Reply {
        result: None,
        error: None,
    });
    match (reply.error.filter(|e| !e.is_empty()), reply.result) {
        (Some(error), _) => Err(format!("exec tool `{name}`: {error}")),
        (None, Some(result)) => Ok(result),
        (None, None) => Ok(whole),
    }
}
