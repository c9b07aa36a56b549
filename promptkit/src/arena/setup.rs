//! What a caller adds to a run: Rust tool handlers, custom assertions and provider
//! overrides (the argument of an `#[arena_test]` setup function).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::assertions::CustomAssertion;
use crate::classify::Classifier;
use crate::mcp::{McpServerSpec, McpSource, McpSources};
use crate::provider::Provider;
use crate::providers::embeddings::Embedder;
use crate::tools::{ToolError, Toolbox};

/// Registrations applied on top of a project before it runs.
#[derive(Clone, Default)]
pub struct Setup {
    pub(crate) tools: Toolbox,
    pub(crate) assertions: BTreeMap<String, Arc<dyn CustomAssertion>>,
    pub(crate) providers: BTreeMap<String, Arc<dyn Provider>>,
    pub(crate) redirects: Vec<(String, String)>,
    pub(crate) classifiers: BTreeMap<String, Arc<dyn Classifier>>,
    pub(crate) embedders: BTreeMap<String, Arc<dyn Embedder>>,
    pub(crate) mcp_servers: Vec<McpServerSpec>,
    pub(crate) mcp_sources: McpSources,
}

impl Setup {
    /// Nothing registered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs tool `name` with a Rust function taking typed arguments.
    pub fn tool<A, R, F, Fut>(&mut self, name: &str, handler: F) -> &mut Self
    where
        A: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ToolError>> + Send + 'static,
    {
        self.tools.handler(name, handler);
        self
    }

    /// Registers a custom assertion type usable in scenarios as `type: <name>`.
    pub fn assertion(
        &mut self,
        name: &str,
        assertion: impl CustomAssertion + 'static,
    ) -> &mut Self {
        self.assertions.insert(name.to_owned(), Arc::new(assertion));
        self
    }

    /// Sends live HTTP tools whose URL starts with `from` to `to` instead.
    pub fn redirect_http(&mut self, from: &str, to: &str) -> &mut Self {
        self.redirects.push((from.to_owned(), to.to_owned()));
        self
    }

    /// Serves the classifier-backed assertions with `classifier` under `id` (replacing a
    /// `role: inference` provider of that id; the default of its tasks when none is set).
    pub fn classifier(&mut self, id: &str, classifier: Arc<dyn Classifier>) -> &mut Self {
        self.classifiers.insert(id.to_owned(), classifier);
        self
    }

    /// Serves relevance truncation (`context_policy.relevance.provider: <name>`) with
    /// `embedder` instead of the named API.
    pub fn embedder(&mut self, name: &str, embedder: Arc<dyn Embedder>) -> &mut Self {
        self.embedders.insert(name.to_owned(), embedder);
        self
    }

    /// Registers MCP source `name` (replacing one of that name, the built-in `docker`
    /// included): `mcp_servers` entries with `source: <name>` are opened by it at their
    /// `scope`, as the reference's host-registered `MCPSource`s.
    pub fn mcp_source(&mut self, name: &str, source: impl McpSource + 'static) -> &mut Self {
        self.mcp_sources.insert(name, std::sync::Arc::new(source));
        self
    }

    /// Adds an MCP server (replacing a configured one of the same name): its tools are
    /// offered as `mcp__<name>__<tool>` like those of an arena's `mcp_servers`.
    pub fn mcp_server(&mut self, spec: McpServerSpec) -> &mut Self {
        self.mcp_servers.push(spec);
        self
    }

    /// Replaces the provider with id `id` (for example with a local fake).
    pub fn provider(&mut self, id: &str, provider: Arc<dyn Provider>) -> &mut Self {
        self.providers.insert(id.to_owned(), provider);
        self
    }
}
