//! `tool_exec`: runs a registered tool through an injected [`ToolExecutor`] and passes
//! when it succeeds (optionally when its output matches / does not match patterns).

use super::context::AssertionContext;
use super::params::Params;
use super::result::EvalResult;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// What one tool execution returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolRun {
    /// The tool's result (a JSON string for text output).
    pub result: Value,
    /// The error the tool reported, if any.
    pub error: Option<String>,
    /// How long it took.
    pub latency_ms: f64,
}

/// A boxed future returned by a [`ToolExecutor`].
pub type ToolFuture<'a> = Pin<Box<dyn Future<Output = Result<ToolRun, ToolExecError>> + Send + 'a>>;

/// Why a tool could not run (a tool that ran and failed reports it in [`ToolRun::error`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ToolExecError {
    /// No tool has this name.
    #[error("tool {0:?} not found")]
    Unknown(String),
    /// The tool did not finish within the timeout.
    #[error("tool `{0}` timed out")]
    TimedOut(String),
    /// The executor could not run it, for this reason.
    #[error("{0}")]
    Failed(String),
}

/// Executes registered tools for `tool_exec` (the engine wires its tool registry here).
pub trait ToolExecutor: Send + Sync {
    /// Runs tool `name` with JSON `args` within `timeout`; `Err` when it could not run.
    fn execute<'a>(&'a self, name: &'a str, args: &'a Value, timeout: Duration) -> ToolFuture<'a>;
}

/// The tool's output as text: a JSON string's content, else the JSON (as Go writes it).
fn output_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => crate::go_json::to_string(other),
    }
}

/// The tool's payload for reports: JSON, with a JSON-looking string decoded once more.
fn payload(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) => {
            let t = s.trim();
            if t.len() >= 2
                && (t.starts_with('{') || t.starts_with('['))
                && let Ok(inner) = serde_json::from_str(t)
            {
                return Some(inner);
            }
            Some(v.clone())
        }
        other => Some(other.clone()),
    }
}

/// `tool_exec`.
pub(crate) async fn tool_exec(
    p: Params<'_>,
    ctx: &AssertionContext,
    exec: Option<&dyn ToolExecutor>,
) -> EvalResult {
    let Some(tool) = p.non_empty("tool") else {
        return EvalResult::fail("tool_exec: 'tool' parameter is required");
    };
    let Some(exec) = exec else {
        return if ctx.metadata.is_empty() {
            EvalResult::fail(
                "tool_exec: no metadata on eval context; host must inject tool_registry",
            )
        } else {
            EvalResult::fail(
                "tool_exec: \"tool_registry\" not present in metadata; host must inject the tool registry",
            )
        };
    };
    let args = p
        .get("args")
        .cloned()
        .filter(|a| !a.is_null())
        .unwrap_or_else(|| json!({}));
    let timeout = p
        .int("timeout_seconds")
        .filter(|s| *s > 0)
        .map_or(DEFAULT_TIMEOUT, |s| Duration::from_secs(s as u64));
    let run = match exec.execute(tool, &args, timeout).await {
        Ok(run) => run,
        Err(e) => return EvalResult::fail(format!("tool_exec: {tool:?} failed: {e}")),
    };
    if let Some(e) = run.error.filter(|e| !e.is_empty()) {
        return EvalResult::fail(format!("tool_exec: {tool:?} reported error: {e}"))
            .with_value(json!({"tool": tool, "error": e}));
    }
    let text = output_text(&run.result);
    if let Some(sp) = p.non_empty("success_pattern") {
        match super::regex_cache::compile(sp) {
            Err(e) => {
                return EvalResult::fail(format!(
                    "tool_exec: success_pattern {sp:?} is not a valid regex: {e}"
                ));
            }
            Ok(re) if !re.is_match(&text) => {
                return EvalResult::fail(format!(
                    "tool_exec: {tool:?} succeeded but output did not match success_pattern {sp:?}"
                ));
            }
            Ok(_) => {}
        }
    }
    if let Some(fp) = p.non_empty("failure_pattern") {
        match super::regex_cache::compile(fp) {
            Err(e) => {
                return EvalResult::fail(format!(
                    "tool_exec: failure_pattern {fp:?} is not a valid regex: {e}"
                ));
            }
            Ok(re) if re.is_match(&text) => {
                return EvalResult::fail(format!(
                    "tool_exec: {tool:?} output matched failure_pattern {fp:?}"
                ));
            }
            Ok(_) => {}
        }
    }
    let mut details = json!({"tool": tool, "latency_ms": run.latency_ms});
    if let Some(p) = payload(&run.result) {
        details["result"] = p;
    }
    EvalResult::pass(true, format!("tool_exec: {tool:?} succeeded"))
        .with_value(details.clone())
        .with_details(details)
}
