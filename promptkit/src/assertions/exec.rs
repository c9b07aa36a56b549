//! Exec evals: an assertion type bound to a subprocess (`spec.runtime.evals` of the
//! arena config, as the reference SDK's RuntimeConfig exec bindings). The process gets
//! `{type, params, content, context: {messages, turn_index, tool_calls, variables,
//! metadata}}` as JSON on stdin and answers `{score, detail, data}` on stdout.
//!
//! As the reference: a process that fails, times out (default 30 s) or prints no JSON
//! scores 0 with the reason (stderr included). The process runs as every bound one
//! does ([`Subprocess`]: a minimal environment plus the variables it names).

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::context::AssertionContext;
use super::rest::{message_views, tool_call_views};
use super::result::EvalResult;
use crate::process::Subprocess;

/// One exec-bound eval type.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecEval {
    /// The type name scenarios use.
    pub type_name: String,
    /// The process it runs.
    pub process: Subprocess,
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
            process: Subprocess::from_binding(binding, command),
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
        let stdout = match self.process.call(request.as_bytes()).await {
            Ok(stdout) => stdout,
            Err(e) => return EvalResult::fail(format!("exec eval failed: {e}")),
        };
        match serde_json::from_slice::<Reply>(&stdout) {
            Ok(reply) => {
                let data = reply.data.unwrap_or_default();
                EvalResult::scored(reply.score, reply.detail)
                    .with_value(Value::Object(data.clone()))
                    .with_details(Value::Object(data))
            }
            Err(e) => EvalResult::fail(format!("exec eval returned invalid JSON: {e}")),
        }
    }
}
