//! Host-provisioned MCP servers, the reference's `MCPSource`: an `mcp_servers` entry
//! with `source: <name>` and `scope: run | scenario | session` has no `command` or
//! `url`; the named source opens an endpoint for it (the built-in `docker` source starts
//! a container) at the start of its scope and closes it at the end. The source gets the
//! entry's `source_args`, with `{{scenario.<key>}}` replaced by the scenario's variables
//! and, when the arena has named skill directories, a `mounts` list mounting each at
//! `/skills/<name>` read-only. Hosts register their own sources with
//! [`Setup::mcp_source`](crate::arena::Setup::mcp_source).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};

use crate::provider::BoxFuture;

/// When a source-backed server is opened and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceScope {
    /// Once for the whole run.
    Run,
    /// Once per scenario, shared by its cases (providers, trials) and closed after the
    /// last of them.
    Scenario,
    /// Once per case (one scenario on one provider, one trial).
    Session,
}

impl SourceScope {
    /// The scope of a `scope:` value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "run" => Some(Self::Run),
            "scenario" => Some(Self::Scenario),
            "session" => Some(Self::Session),
            _ => None,
        }
    }
}

/// Something to do when a source's scope ends (stop a container, say).
pub type Closer = Box<dyn FnOnce() -> BoxFuture<'static, Result<(), String>> + Send>;

/// What a source opened: where the MCP server listens, and how to tear it down.
pub struct McpEndpoint {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) streamable: bool,
    pub(crate) closer: Option<Closer>,
}

impl McpEndpoint {
    /// A server speaking the legacy HTTP+SSE transport at base URL `url` (what the
    /// reference connects a source's endpoint with).
    pub fn sse(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: Vec::new(),
            streamable: false,
            closer: None,
        }
    }

    /// A server speaking Streamable HTTP at `url`.
    pub fn streamable_http(url: impl Into<String>) -> Self {
        Self {
            streamable: true,
            ..Self::sse(url)
        }
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Runs `closer` when the scope ends (once; also when the run is interrupted).
    pub fn on_close<F, Fut>(mut self, closer: F) -> Self
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.closer = Some(Box::new(move || Box::pin(closer())));
        self
    }
}

impl fmt::Debug for McpEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpEndpoint")
            .field("url", &self.url)
            .field("streamable", &self.streamable)
            .finish_non_exhaustive()
    }
}

/// Provisions MCP endpoints for `source: <name>` entries.
pub trait McpSource: Send + Sync {
    /// Opens an endpoint for one scope with the entry's (expanded) `source_args`; the
    /// error says what is wrong with them or with the host.
    fn open<'a>(
        &'a self,
        args: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<McpEndpoint, String>>;
}

/// The sources a run knows by name: the built-in `docker`, then the host's.
#[derive(Clone)]
pub struct McpSources(BTreeMap<String, Arc<dyn McpSource>>);

impl Default for McpSources {
    fn default() -> Self {
        let mut sources = BTreeMap::new();
        sources.insert(
            "docker".to_owned(),
            Arc::new(super::docker::DockerSource::new()) as Arc<dyn McpSource>,
        );
        Self(sources)
    }
}

impl McpSources {
    /// Registers (or replaces) source `name`.
    pub fn insert(&mut self, name: &str, source: Arc<dyn McpSource>) {
        self.0.insert(name.to_owned(), source);
    }

    /// The source called `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn McpSource>> {
        self.0.get(name)
    }

    /// The registered names, comma-separated.
    pub fn names(&self) -> String {
        self.0.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// A source-backed entry: which source, at which scope, with which arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEntry {
    /// The source's name.
    pub source: String,
    /// When it opens and closes.
    pub scope: SourceScope,
    /// `source_args`, as written.
    pub args: Map<String, Value>,
}

/// What a scope passes its sources: the scenario's variables and the arena's named
/// skill directories.
#[derive(Debug, Clone, Default)]
pub struct SourceContext {
    /// `{{scenario.<key>}}` values.
    pub vars: BTreeMap<String, String>,
    /// `(skill name, absolute directory)`, mounted at `/skills/<name>`.
    pub skills: Vec<(String, PathBuf)>,
}

impl SourceEntry {
    /// The arguments the source is given in `context`.
    pub fn args_in(&self, context: &SourceContext) -> Map<String, Value> {
        let mut args: Map<String, Value> = self
            .args
            .iter()
            .map(|(k, v)| (k.clone(), expand(v, &context.vars)))
            .collect();
        if !context.skills.is_empty() {
            let mounts = context
                .skills
                .iter()
                .map(|(name, dir)| {
                    serde_json::json!({
                        "source": dir.to_string_lossy(),
                        "target": format!("/skills/{name}"),
                        "readonly": true,
                    })
                })
                .collect();
            args.insert("mounts".to_owned(), Value::Array(mounts));
        }
        args
    }
}

/// `value` with `{{scenario.<key>}}` replaced in every string.
fn expand(value: &Value, vars: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(text) => Value::String(vars.iter().fold(text.clone(), |text, (k, v)| {
            text.replace(&format!("{{{{scenario.{k}}}}}"), v)
        })),
        Value::Array(items) => Value::Array(items.iter().map(|v| expand(v, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), expand(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// An endpoint's tear-down, run once: by [`EndpointGuard::close`], or on drop (then
/// on a runtime thread when one is available, since closing may be asynchronous).
pub(crate) struct EndpointGuard(Mutex<Option<Closer>>);

impl EndpointGuard {
    pub(crate) fn new(closer: Option<Closer>) -> Self {
        Self(Mutex::new(closer))
    }

    /// Runs the tear-down (a no-op the second time).
    pub(crate) async fn close(&self) -> Result<(), String> {
        let closer = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        match closer {
            Some(closer) => closer().await,
            None => Ok(()),
        }
    }
}

impl Drop for EndpointGuard {
    fn drop(&mut self) {
        let closer = self
            .0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(closer) = closer
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            handle.spawn(closer());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_variables_are_expanded_and_skills_mounted() {
        let entry = SourceEntry {
            source: "docker".into(),
            scope: SourceScope::Session,
            args: serde_json::json!({
                "image": "sandbox:{{scenario.tag}}",
                "env": {"REPO": "{{scenario.repo}}", "KEEP": "{{scenario.unknown}}"},
                "mounts": [{"source": "/ignored", "target": "/x"}],
                "retries": 3,
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        };
        let context = SourceContext {
            vars: [("tag", "v2"), ("repo", "acme/app")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            skills: vec![("codegen".into(), PathBuf::from("/p/skills/codegen"))],
        };
        let args = Value::Object(entry.args_in(&context));
        assert_eq!(
            args,
            serde_json::json!({
                "image": "sandbox:v2",
                "env": {"REPO": "acme/app", "KEEP": "{{scenario.unknown}}"},
                "mounts": [{"source": "/p/skills/codegen", "target": "/skills/codegen", "readonly": true}],
                "retries": 3,
            })
        );
        let without = Value::Object(entry.args_in(&SourceContext::default()));
        assert_eq!(without["mounts"][0]["source"], "/ignored");
    }
}
