//! Exec evals: an assertion type bound to a subprocess (`spec.runtime.evals` of the
//! arena config, as the reference SDK's RuntimeConfig exec bindings). The process gets
//! `{type, params, content, context: {messages, turn_index, tool_calls, variables,
//! metadata}}` as JSON on stdin and answers `{score, detail, data}` on stdout.
//!
//! As the reference: a process that fails, times out (default 30 s) or prints no JSON
//! scores 0 with the reason (stderr included). Unlike the reference, the process does
//! not inherit the environment: it gets `PATH`, `HOME`, `LANG`, `TMPDIR` and the variables
//! its `env` names, so API keys reach a script only when listed.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;

use super::context::AssertionContext;
use super::rest::{message_views, tool_call_views};
use super::result::EvalResult;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const BASE_ENV: &[&str] = &["PATH", "HOME", "LANG", "TMPDIR"];

/// One exec-bound eval type.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecEval {
    /// The type name scenarios use.
    pub type_name: String,
    /// The program.
    pub command: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Environment variables passed through from this process.
    pub env: Vec<String>,
    /// How long it may run.
    pub timeout: Duration,
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    score: f64,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    data: Option<Map<String, Value>>,
}

impl ExecEval {
    /// The eval `type_name` bound to `binding`, running `command` (the binding's
    /// command resolved by [`promptkit_build::load::Project::exec_command`]).
    pub fn from_binding(
        type_name: &str,
        binding: &promptkit_build::model::ExecBinding,
        command: PathBuf,
    ) -> Self {
        Self {
            type_name: type_name.to_owned(),
            command,
            args: binding.args.clone(),
            env: binding.env.clone(),
            timeout: timeout_of(binding.timeout_ms),
        }
    }

    /// The request the process reads.
    fn request(&self, params: &Map<String, Value>, ctx: &AssertionContext) -> Value {
        let mut context = json!({
            "messages": message_views(ctx),
            "turn_index": ctx.turn_index,
            "tool_calls": tool_call_views(ctx),
        });
        let mut metadata = ctx.metadata.clone();
        if let Some(vars) = metadata.remove("variables") {
            context["variables"] = vars;
        }
        if !metadata.is_empty() {
            context["metadata"] = Value::Object(metadata);
        }
        json!({
            "type": self.type_name,
            "params": params,
            "content": ctx.response,
            "context": context,
        })
    }

    /// Runs the process on `ctx`.
    pub async fn eval(&self, params: &Map<String, Value>, ctx: &AssertionContext) -> EvalResult {
        let request = self.request(params, ctx).to_string();
        let output = match tokio::time::timeout(self.timeout, self.run(request)).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => return EvalResult::fail(format!("exec eval failed: {e}")),
            Err(_) => {
                return EvalResult::fail(format!(
                    "exec eval failed: no answer within {} ms (timeout_ms)",
                    self.timeout.as_millis()
                ));
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr = stderr.trim();
            let detail = if stderr.is_empty() {
                String::new()
            } else {
                format!(" (stderr: {stderr})")
            };
            return EvalResult::fail(format!("exec eval failed: {}{detail}", output.status));
        }
        match serde_json::from_slice::<Reply>(&output.stdout) {
            Ok(reply) => {
                let data = reply.data.unwrap_or_default();
                EvalResult::scored(reply.score, reply.detail)
                    .with_value(Value::Object(data.clone()))
                    .with_details(Value::Object(data))
            }
            Err(e) => EvalResult::fail(format!("exec eval returned invalid JSON: {e}")),
        }
    }

    async fn run(&self, request: String) -> std::io::Result<std::process::Output> {
        let mut command = tokio::process::Command::new(&self.command);
        command
            .args(&self.args)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for name in BASE_ENV
            .iter()
            .copied()
            .chain(self.env.iter().map(String::as_str))
        {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let mut child = command.spawn().map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot start {}: {e}", self.command.display()),
            )
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A process that does not read its input is not an error.
            let _ = stdin.write_all(request.as_bytes()).await;
        }
        child.wait_with_output().await
    }
}

/// `timeout_ms` when positive, else the default.
fn timeout_of(timeout_ms: Option<i64>) -> Duration {
    timeout_ms
        .and_then(|ms| u64::try_from(ms).ok())
        .filter(|ms| *ms > 0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_default_to_30_seconds() {
        assert_eq!(timeout_of(None), DEFAULT_TIMEOUT);
        assert_eq!(timeout_of(Some(0)), DEFAULT_TIMEOUT);
        assert_eq!(timeout_of(Some(5000)), Duration::from_secs(5));
    }
}
