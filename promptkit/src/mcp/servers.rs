//! The MCP servers of a run: each started on first use and shared by every case (the
//! reference's run scope), a failed start remembered for the run, all closed by
//! [`McpServers::shutdown`] (and killed if dropped without it).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use promptkit_build::load::Project;
use serde_json::Value;

use super::connection::Connection;
use super::content::{McpAnswer, answer};
use super::spec::McpServerSpec;
use super::{McpError, qualified_name};

/// Where one server stands.
enum State {
    Closed,
    Open(Arc<Connection>),
    Failed(McpError),
}

/// One configured server and its session.
struct Server {
    spec: McpServerSpec,
    state: tokio::sync::Mutex<State>,
}

impl Server {
    /// The open session, starting it if needed.
    async fn open(&self) -> Result<Arc<Connection>, McpError> {
        let mut state = self.state.lock().await;
        match &*state {
            State::Open(connection) => return Ok(connection.clone()),
            State::Failed(error) => return Err(error.clone()),
            State::Closed => {}
        }
        match Connection::open(&self.spec).await {
            Ok(connection) => {
                let connection = Arc::new(connection);
                *state = State::Open(connection.clone());
                Ok(connection)
            }
            Err(error) => {
                *state = State::Failed(error.clone());
                Err(error)
            }
        }
    }

    /// The server's tools that pass its filter.
    async fn tools(&self) -> Result<Vec<McpTool>, McpError> {
        let connection = self.open().await?;
        Ok(connection
            .tools
            .iter()
            .filter(|t| self.spec.filter.includes(&t.name))
            .map(|t| McpTool {
                name: qualified_name(&self.spec.name, &t.name),
                description: t.description.clone(),
                input_schema: t.input_schema.clone(),
                timeout: self.spec.request_timeout,
                connection: connection.clone(),
                remote_name: t.name.clone(),
            })
            .collect())
    }

    async fn shutdown(&self) {
        let mut state = self.state.lock().await;
        if let State::Open(connection) = std::mem::replace(&mut *state, State::Closed) {
            connection.close().await;
        }
    }
}

/// The MCP servers of a run.
#[derive(Default)]
pub struct McpServers {
    servers: Vec<Server>,
}

impl McpServers {
    /// These servers, none started yet; a later spec replaces an earlier one of the
    /// same name.
    pub fn new(specs: impl IntoIterator<Item = McpServerSpec>) -> Self {
        let mut servers: Vec<Server> = Vec::new();
        for spec in specs {
            servers.retain(|s| s.spec.name != spec.name);
            servers.push(Server {
                spec,
                state: tokio::sync::Mutex::new(State::Closed),
            });
        }
        Self { servers }
    }

    /// The servers of a project (`spec.mcp_servers`, then `spec.runtime.mcp_servers`)
    /// followed by `extra`.
    pub fn from_project(project: &Project, extra: &[McpServerSpec]) -> Self {
        let arena = &project.arena.spec.value;
        let config_dir = project.config_dir();
        let configured = arena
            .mcp_servers
            .iter()
            .chain(arena.runtime.iter().flat_map(|r| r.mcp_servers.iter()))
            .map(|c| McpServerSpec::from_config(c, &config_dir));
        Self::new(configured.chain(extra.iter().cloned()))
    }

    /// True when there are no servers.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// The servers' specs.
    pub fn specs(&self) -> impl Iterator<Item = &McpServerSpec> {
        self.servers.iter().map(|s| &s.spec)
    }

    /// Every filtered tool of every server, starting the servers not yet started
    /// (concurrently); the first server that cannot start fails the lot.
    pub async fn tools(&self) -> Result<Vec<McpTool>, McpError> {
        let mut tools = Vec::new();
        for listed in join_all(self.servers.iter().map(Server::tools)).await {
            tools.extend(listed?);
        }
        Ok(tools)
    }

    /// Closes every open session (a stdio server is asked to exit, then killed).
    pub async fn shutdown(&self) {
        join_all(self.servers.iter().map(Server::shutdown)).await;
    }
}

/// A tool of an open MCP session.
#[derive(Clone)]
pub struct McpTool {
    /// The name offered to the model: `mcp__<server>__<tool>`.
    pub name: String,
    /// The server's description of the tool.
    pub description: String,
    /// The tool's JSON Schema for its arguments.
    pub input_schema: Value,
    /// The server's per-call timeout.
    pub timeout: Duration,
    connection: Arc<Connection>,
    remote_name: String,
}

impl McpTool {
    /// Calls the tool; the error text of a failed call or an `isError` result.
    pub async fn run(&self, arguments: &Value) -> Result<McpAnswer, McpError> {
        let result = self.connection.call(&self.remote_name, arguments).await?;
        answer(&result)
    }
}
