//! Tool execution: the tools of a project (mock, HTTP, client), MCP server tools and
//! Rust handlers, run with timeouts, consent simulation and in parallel.
//!
//! A tool never fails the conversation: whatever goes wrong (unknown tool, bad
//! arguments, timeout, HTTP error, denied consent) becomes an error result the model
//! sees, as the reference does.

pub mod chaos;
mod error;
mod exec;
mod http;
mod mock;
mod schema;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use promptkit_build::load::Project;
use promptkit_build::model::ToolSpec as ToolConfig;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::assertions::{ToolExecError, ToolExecutor, ToolFuture, ToolRun};

use crate::mcp::McpTool;
use crate::media::MediaRoot;
use crate::message::{ContentPart, ToolCall};
use crate::process::Subprocess;
use crate::provider::{BoxFuture, ToolSpec};
pub use error::ToolError;

/// Default timeout of a tool without `timeout_ms`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A Rust tool handler: JSON arguments in, JSON result or error text out.
pub type Handler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, ToolError>> + Send + Sync>;

/// How a tool runs.
#[derive(Clone)]
enum Runner {
    /// Canned data: `mock_result` or a `mock_template` rendered with the arguments.
    Mock(mock::MockTool),
    /// A live HTTP endpoint.
    Http(Arc<http::HttpTool>),
    /// A Rust function registered by the caller.
    Handler(Handler),
    /// A tool of an MCP server.
    Mcp(McpTool),
    /// A `mode: mcp` tool not yet bound to a server listing it (by its raw name).
    McpUnbound(String),
    /// A `mode: exec` tool: a process per call.
    Exec(Arc<Subprocess>),
    /// Declared without any way to run it.
    Unavailable(String),
}

/// One tool: what the model sees and how it runs.
#[derive(Clone)]
pub struct Tool {
    spec: ToolSpec,
    runner: Runner,
    timeout: Duration,
    decline_strategy: Option<String>,
}

impl Tool {
    /// What the model is told about this tool.
    pub fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn from_config(name: &str, config: &ToolConfig, media: MediaRoot, project: &Project) -> Self {
        let mode = config.mode.as_ref().map_or("mock", |m| m.value.as_str());
        let runner = match (mode, &config.http) {
            ("live", Some(http)) => Runner::Http(Arc::new(http::HttpTool::new(http))),
            ("live", None) => Runner::Unavailable(format!(
                "tool `{name}` is `mode: live` but has no `http` section"
            )),
            ("mcp", _) => Runner::McpUnbound(crate::mcp::raw_name(name).to_owned()),
            ("exec", _) => match &config.exec {
                Some(exec) => Runner::Exec(Arc::new(Subprocess::from_binding(
                    exec,
                    project.exec_command(exec),
                ))),
                None => Runner::Unavailable(format!(
                    "tool `{name}` is `mode: exec` but has no `exec` section"
                )),
            },
            _ => match mock::MockTool::from_config(name, config, media) {
                Some(tool) => Runner::Mock(tool),
                None => Runner::Unavailable(format!(
                    "tool `{name}` has no `mock_result`, `mock_template` or `mock_parts`; register a handler for it"
                )),
            },
        };
        let timeout = config
            .timeout_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .filter(|ms| *ms > 0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
        let mut tool = Self::checked(
            name,
            config
                .description
                .as_ref()
                .map(|d| d.value.clone())
                .unwrap_or_default(),
            config.input_schema.as_ref().map(|s| s.value.to_json()),
            runner,
            timeout,
        );
        tool.decline_strategy = config
            .client
            .as_ref()
            .and_then(|c| c.consent.as_ref())
            .and_then(|c| c.decline_strategy.as_ref())
            .map(|s| s.value.clone());
        tool
    }

    /// A tool of an MCP server, offered under its qualified name
    /// (`mcp__<server>__<tool>`).
    pub(crate) fn mcp(tool: McpTool) -> Self {
        let (name, description) = (tool.name.clone(), tool.description.clone());
        let (schema, timeout) = (tool.input_schema.clone(), tool.timeout);
        Self::checked(&name, description, Some(schema), Runner::Mcp(tool), timeout)
    }

    /// A tool whose input schema went through [`schema::input_schema`], the one check
    /// every declared tool (YAML or MCP) passes: one that fails answers its calls with
    /// the reason instead of running.
    fn checked(
        name: &str,
        description: String,
        input_schema: Option<Value>,
        runner: Runner,
        timeout: Duration,
    ) -> Self {
        let (input_schema, runner) = match schema::input_schema(name, input_schema) {
            Ok(schema) => (schema, runner),
            Err(why) => (schema::open(), Runner::Unavailable(why)),
        };
        Self {
            spec: ToolSpec {
                name: name.to_owned(),
                description,
                input_schema,
            },
            runner,
            timeout,
            decline_strategy: None,
        }
    }
}

/// The result of one tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    /// The call it answers.
    pub call: ToolCall,
    /// The result, when the tool succeeded.
    pub result: Option<Value>,
    /// What went wrong, when it did not.
    pub error: Option<String>,
    /// Media the tool returned beside its result (MCP tools, `mock_parts`, HTTP tools'
    /// `multimodal` responses).
    pub parts: Vec<ContentPart>,
    /// Wall time.
    pub latency: Duration,
}

impl ToolOutput {
    /// The result with its media, as the assertions read multimodal results (see
    /// [`crate::assertions::result_with_media`]).
    pub fn result_with_media(&self) -> Option<Value> {
        crate::assertions::result_with_media(self.result.as_ref(), &self.parts)
    }

    /// The text the model receives: the result as JSON (as Go's `json.Marshal` writes
    /// it, see [`crate::go_json`]), or the error. With media, as the reference, the
    /// result's texts only (the media go beside them as parts).
    pub fn content(&self) -> String {
        match (&self.result, &self.error) {
            (_, Some(error)) => format!("Error: {error}"),
            (Some(result), None) if !self.parts.is_empty() => {
                crate::assertions::result_texts(result).concat()
            }
            (Some(Value::String(s)), None) => s.clone(),
            (Some(value), None) => crate::go_json::to_string(value),
            (None, None) => String::new(),
        }
    }
}

/// Consent decisions for client tools, by tool name: `grant`, `deny` or `timeout`.
pub type Consent = BTreeMap<String, String>;

/// The tools a conversation may call.
#[derive(Clone, Default)]
pub struct Toolbox {
    tools: BTreeMap<String, Tool>,
}

impl Toolbox {
    /// No tools.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every tool of a loaded project.
    pub fn from_project(project: &Project) -> Self {
        let mut toolbox = Self::new();
        let config_dir = project.config_dir();
        for item in &project.tools {
            let media = MediaRoot::new(&project.root, &config_dir, &item.path);
            toolbox.tools.insert(
                item.id.clone(),
                Tool::from_config(&item.id, &item.spec, media, project),
            );
        }
        toolbox
    }

    /// Registers (or replaces) a Rust handler for tool `name`, with typed arguments.
    /// A declared tool keeps its description and schema; an undeclared one gets an
    /// open schema.
    pub fn handler<A, R, F, Fut>(&mut self, name: &str, f: F) -> &mut Self
    where
        A: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ToolError>> + Send + 'static,
    {
        let f = Arc::new(f);
        let handler: Handler = Arc::new(move |args: Value| {
            let f = Arc::clone(&f);
            Box::pin(async move {
                let args: A = serde_json::from_value(args)
                    .map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
                let result = f(args).await?;
                serde_json::to_value(result).map_err(|e| ToolError::Unserializable(e.to_string()))
            })
        });
        self.raw_handler(name, handler)
    }

    /// Defines a tool by its spec and a raw JSON handler (built-in tools such as
    /// memory and workflow transitions).
    pub fn define(&mut self, spec: ToolSpec, handler: Handler) -> &mut Self {
        self.define_timed(spec, handler, DEFAULT_TIMEOUT)
    }

    /// [`Toolbox::define`] with a call timeout other than [`DEFAULT_TIMEOUT`].
    pub fn define_timed(
        &mut self,
        spec: ToolSpec,
        handler: Handler,
        timeout: Duration,
    ) -> &mut Self {
        self.tools.insert(
            spec.name.clone(),
            Tool {
                spec,
                runner: Runner::Handler(handler),
                timeout,
                decline_strategy: None,
            },
        );
        self
    }

    /// Declares a tool the model may call before a handler runs it; until one is
    /// registered a call answers with `why_unavailable` as the error.
    pub fn declare(&mut self, spec: ToolSpec, why_unavailable: String) -> &mut Self {
        self.tools.insert(
            spec.name.clone(),
            Tool {
                spec,
                runner: Runner::Unavailable(why_unavailable),
                timeout: DEFAULT_TIMEOUT,
                decline_strategy: None,
            },
        );
        self
    }

    /// Registers a handler taking and returning raw JSON.
    pub fn raw_handler(&mut self, name: &str, handler: Handler) -> &mut Self {
        let tool = self.tools.entry(name.to_owned()).or_insert_with(|| Tool {
            spec: ToolSpec {
                name: name.to_owned(),
                description: String::new(),
                input_schema: serde_json::json!({"type": "object"}),
            },
            runner: Runner::Unavailable(String::new()),
            timeout: DEFAULT_TIMEOUT,
            decline_strategy: None,
        });
        tool.runner = Runner::Handler(handler);
        self
    }

    /// Adds `other`'s tools, replacing those with the same name (Rust handlers
    /// registered by a caller take over declared tools).
    pub fn merge(&mut self, other: &Toolbox) {
        for (name, tool) in &other.tools {
            match (self.tools.get_mut(name), &tool.runner) {
                (Some(existing), Runner::Handler(handler)) => {
                    existing.runner = Runner::Handler(handler.clone());
                }
                _ => {
                    self.tools.insert(name.clone(), tool.clone());
                }
            }
        }
    }

    /// Points every live HTTP tool whose URL starts with `from` at `to` instead (a
    /// staging server, or a loopback fake in tests).
    pub fn redirect_http(&mut self, from: &str, to: &str) {
        for tool in self.tools.values_mut() {
            if let Runner::Http(http) = &tool.runner
                && let Some(moved) = http.redirected(from, to)
            {
                tool.runner = Runner::Http(Arc::new(moved));
            }
        }
    }

    /// The tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools.get(name)
    }

    /// Specs of the named tools that exist, in the order given.
    pub fn specs(&self, names: &[String]) -> Vec<ToolSpec> {
        names
            .iter()
            .filter_map(|n| self.tools.get(n).map(|t| t.spec.clone()))
            .collect()
    }

    /// Runs one call.
    pub async fn call(&self, call: &ToolCall, consent: &Consent) -> ToolOutput {
        let started = Instant::now();
        let outcome = self.run(call, consent).await;
        let (result, error, parts) = match outcome {
            Ok((value, parts)) => (Some(value), None, parts),
            Err(error) => (None, Some(error), Vec::new()),
        };
        ToolOutput {
            call: call.clone(),
            result,
            error,
            parts,
            latency: started.elapsed(),
        }
    }

    /// Runs calls concurrently; outputs are in call order.
    pub async fn call_all(&self, calls: &[ToolCall], consent: &Consent) -> Vec<ToolOutput> {
        futures_util::future::join_all(calls.iter().map(|c| self.call(c, consent))).await
    }

    /// Adds (or replaces) `tool`.
    pub(crate) fn insert(&mut self, tool: Tool) {
        self.tools.insert(tool.spec.name.clone(), tool);
    }

    /// Binds each `mode: mcp` tool to the MCP tool of `listed` with its raw name (the
    /// reference routes such a call to whichever server lists that tool); the declared
    /// description and schema stay what the model sees.
    pub(crate) fn bind_mcp(&mut self, listed: &[McpTool]) {
        for tool in self.tools.values_mut() {
            if let Runner::McpUnbound(raw) = &tool.runner
                && let Some(mcp) = listed.iter().find(|t| t.remote_name() == raw)
            {
                tool.runner = Runner::Mcp(mcp.clone());
            }
        }
    }

    async fn run(
        &self,
        call: &ToolCall,
        consent: &Consent,
    ) -> Result<(Value, Vec<ContentPart>), String> {
        let Some(tool) = self.tools.get(&call.name) else {
            return Err(format!("unknown tool `{}`", call.name));
        };
        if let Some(decision) = consent.get(&call.name) {
            match decision.as_str() {
                // A refusal is the user's answer, not a tool failure: the model reads it
                // as the result (and `tools_called` still counts the attempt).
                "deny" => {
                    return Ok((
                        Value::String(deny_message(&call.name, tool.decline_strategy.as_deref())),
                        Vec::new(),
                    ));
                }
                "timeout" => {
                    return Ok((
                        Value::String(format!(
                            "Tool {} timed out waiting for user consent",
                            call.name
                        )),
                        Vec::new(),
                    ));
                }
                _ => {}
            }
        }
        let run = async {
            let value = match &tool.runner {
                Runner::Mock(mock) => return mock.run(&call.arguments),
                Runner::Http(http) => return http.run(&call.arguments).await,
                Runner::Handler(handler) => handler(call.arguments.clone())
                    .await
                    .map_err(|e| e.to_string()),
                Runner::Mcp(mcp) => {
                    return mcp
                        .run(&call.arguments)
                        .await
                        .map(|a| (a.value, a.parts))
                        .map_err(|e| e.to_string());
                }
                Runner::McpUnbound(raw) => Err(format!(
                    "tool `{}` is `mode: mcp`, but no MCP server lists `{raw}`",
                    call.name
                )),
                Runner::Exec(process) => exec::run(process, &call.name, &call.arguments).await,
                Runner::Unavailable(why) => Err(why.clone()),
            };
            value.map(|v| (v, Vec::new()))
        };
        match tokio::time::timeout(tool.timeout, run).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "tool `{}` timed out after {} ms",
                call.name,
                tool.timeout.as_millis()
            )),
        }
    }
}

/// The reference's denial texts, by `decline_strategy`.
fn deny_message(tool: &str, strategy: Option<&str>) -> String {
    match strategy {
        Some("fallback") => {
            format!("Tool {tool} unavailable: user declined consent. Use alternative approach.")
        }
        Some("retry") => {
            format!("Tool {tool} denied: user declined consent. Try a different approach.")
        }
        _ => format!("Tool {tool} denied: user declined consent"),
    }
}

/// Lets the `tool_exec` assertion run the project's tools.
impl ToolExecutor for Toolbox {
    fn execute<'a>(&'a self, name: &'a str, args: &'a Value, timeout: Duration) -> ToolFuture<'a> {
        Box::pin(async move {
            let call = ToolCall::new("tool_exec", name, args.clone());
            let output = tokio::time::timeout(timeout, self.call(&call, &Consent::new()))
                .await
                .map_err(|_| ToolExecError::TimedOut(name.to_owned()))?;
            Ok(ToolRun {
                result: output.result.unwrap_or(Value::Null),
                error: output.error,
                latency_ms: output.latency.as_secs_f64() * 1000.0,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    fn call(name: &str, args: Value) -> ToolCall {
        ToolCall::new("c1", name, args)
    }

    #[derive(Deserialize)]
    struct Add {
        a: i64,
        b: i64,
    }

    #[tokio::test]
    async fn rust_handlers_get_typed_arguments() {
        let mut tools = Toolbox::new();
        tools.handler("add", |args: Add| async move { Ok(args.a + args.b) });
        let out = tools
            .call(&call("add", json!({"a": 2, "b": 3})), &Consent::new())
            .await;
        assert_eq!(out.result, Some(json!(5)));
        let bad = tools
            .call(&call("add", json!({"a": "x"})), &Consent::new())
            .await;
        assert!(
            bad.error
                .as_deref()
                .is_some_and(|e| e.contains("invalid arguments"))
        );
        assert!(bad.content().starts_with("Error: "));
    }

    #[tokio::test]
    async fn unknown_tools_fail_and_denied_consent_answers() {
        let mut tools = Toolbox::new();
        tools.handler("loc", |_: Value| async move { Ok(json!({"lat": 1})) });
        let unknown = tools.call(&call("nope", json!({})), &Consent::new()).await;
        assert_eq!(unknown.error.as_deref(), Some("unknown tool `nope`"));
        let consent = Consent::from([("loc".to_owned(), "deny".to_owned())]);
        let denied = tools.call(&call("loc", json!({})), &consent).await;
        assert_eq!(denied.error, None);
        assert_eq!(denied.content(), "Tool loc denied: user declined consent");
    }

    #[tokio::test]
    async fn slow_tools_time_out() {
        let mut tools = Toolbox::new();
        tools.handler("slow", |_: Value| async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(json!(null))
        });
        if let Some(tool) = tools.tools.get_mut("slow") {
            tool.timeout = Duration::from_millis(20);
        }
        let out = tools.call(&call("slow", json!({})), &Consent::new()).await;
        assert!(
            out.error
                .as_deref()
                .is_some_and(|e| e.contains("timed out"))
        );
    }

    #[tokio::test]
    async fn calls_run_concurrently_in_order() {
        let mut tools = Toolbox::new();
        tools.handler("wait", |ms: u64| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(ms)
        });
        let calls = [call("wait", json!(30)), call("wait", json!(1))];
        let outs = tools.call_all(&calls, &Consent::new()).await;
        assert_eq!(outs[0].result, Some(json!(30)));
        assert_eq!(outs[1].result, Some(json!(1)));
    }
}
