//! MCP servers as tool sources, through the official Rust SDK (`rmcp`): stdio child
//! processes and Streamable HTTP servers from an arena's `mcp_servers` (or
//! [`Setup::mcp_server`](crate::arena::Setup::mcp_server)), started on first use,
//! their `tools/list` filtered by `tool_filter` and offered to the model as
//! `mcp__<server>__<tool>` (the reference's names), their results (text, images) fed
//! back into the tool loop. Entries with a `source` are opened by a host-provisioned
//! [`McpSource`] at their `scope` (see `source`), their tools offered under their own
//! names, as the reference does.

mod connection;
mod content;
mod docker;
mod legacy_sse;
mod servers;
mod source;
mod spec;

use std::time::Duration;

pub use connection::ListedTool;
pub use content::{McpAnswer, answer};
pub use docker::DockerSource;
pub use servers::{McpLease, McpServers, McpTool};
pub use source::{
    Closer, McpEndpoint, McpSource, McpSources, SourceContext, SourceEntry, SourceScope,
};
pub use spec::{
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_STARTUP_TIMEOUT, McpServerSpec, McpTransport, ToolFilter,
};

/// The name the model sees for tool `tool` of server `server`.
pub fn qualified_name(server: &str, tool: &str) -> String {
    format!("mcp__{server}__{tool}")
}

/// The server's own name of a tool offered as `name`: `name` without an
/// `mcp__<server>__` prefix (as the reference's executor strips it).
pub fn raw_name(name: &str) -> &str {
    name.strip_prefix("mcp__")
        .and_then(|rest| rest.split_once("__"))
        .map_or(name, |(_, tool)| tool)
}

/// Why an MCP server could not serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McpError {
    /// The tool ran and answered with `isError`; the text goes back to the model.
    #[error("{0}")]
    ToolReported(String),
    /// The child process could not be started.
    #[error(
        "MCP server `{server}`: cannot start `{command}`: {reason}; check `command` (is it installed and on PATH?) and `working_dir`"
    )]
    Spawn {
        /// The server.
        server: String,
        /// The program.
        command: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The initialize handshake failed.
    #[error("MCP server `{server}` did not initialize: {reason}")]
    Initialize {
        /// The server.
        server: String,
        /// What went wrong.
        reason: String,
    },
    /// A request failed.
    #[error("MCP server `{server}`: `{request}` failed: {reason}")]
    Request {
        /// The server.
        server: String,
        /// The method.
        request: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A request did not finish in time.
    #[error(
        "MCP server `{server}`: `{request}` timed out after {} ms (raise `timeout_ms` if the server is slow)",
        after.as_millis()
    )]
    Timeout {
        /// The server.
        server: String,
        /// The method.
        request: &'static str,
        /// The limit.
        after: Duration,
    },
    /// A header of `headers` cannot be sent.
    #[error("MCP server `{server}`: header `{header}`: {reason}")]
    Header {
        /// The server.
        server: String,
        /// The header name.
        header: String,
        /// What is wrong.
        reason: String,
    },
    /// The shared HTTP client could not be built.
    #[error("MCP server `{server}`: {reason}")]
    Http {
        /// The server.
        server: String,
        /// What went wrong.
        reason: String,
    },
    /// A `source` could not open an endpoint.
    #[error("MCP server `{server}`: source `{source_name}`: {reason}")]
    Source {
        /// The server.
        server: String,
        /// The source's name.
        source_name: String,
        /// What went wrong (an unknown source lists the registered ones).
        reason: String,
    },
    /// Neither `command` nor `url` is set.
    #[error("MCP server `{server}` has neither `command` (stdio) nor `url` (HTTP)")]
    NoTransport {
        /// The server.
        server: String,
    },
    /// A tool was called with arguments that are not a JSON object.
    #[error("MCP tool `{tool}` takes an object of arguments, got {got}")]
    Arguments {
        /// The tool.
        tool: String,
        /// What the arguments were.
        got: &'static str,
    },
}
