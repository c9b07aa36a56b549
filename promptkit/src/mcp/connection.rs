//! One live MCP session through the official SDK (`rmcp`): started over stdio,
//! Streamable HTTP or the legacy HTTP+SSE transport within the start-up timeout, its tools listed once, calls bounded
//! by the request timeout, closed gracefully.
//!
//! A stdio server is a child process spawned with `kill_on_drop`, so dropping the
//! session (a panic unwinding, a dropped suite or runtime) kills it; if this process
//! dies outright, the server reads end-of-file on its stdin and exits, as MCP stdio
//! servers do.

use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::model::CallToolRequestParams;
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tokio::io::AsyncBufReadExt;

use super::McpError;
use super::spec::{McpServerSpec, McpTransport};

/// How many of a server's last stderr lines an error quotes.
const STDERR_TAIL: usize = 12;

/// A tool as the server lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedTool {
    /// The server's own name of the tool.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its input schema.
    pub input_schema: Value,
}

/// A started, initialized session.
pub(crate) struct Connection {
    server: String,
    service: tokio::sync::Mutex<Option<RunningService<RoleClient, ()>>>,
    peer: rmcp::Peer<RoleClient>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// Every tool the server lists (unfiltered).
    pub(crate) tools: Vec<ListedTool>,
}

impl Connection {
    /// Starts the server and lists its tools, all within the start-up timeout.
    pub(crate) async fn open(spec: &McpServerSpec) -> Result<Self, McpError> {
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let server = spec.name.clone();
        let service = match &spec.transport {
            McpTransport::Stdio {
                command,
                args,
                env,
                working_dir,
            } => {
                let mut cmd = tokio::process::Command::new(program(command));
                cmd.args(args)
                    .env("PATH", child_path())
                    .envs(env.iter().map(|(k, v)| (k, v)))
                    .current_dir(working_dir)
                    .kill_on_drop(true);
                let (transport, err) = TokioChildProcess::builder(cmd)
                    .stderr(Stdio::piped())
                    .spawn()
                    .map_err(|e| McpError::Spawn {
                        server: server.clone(),
                        command: command.clone(),
                        reason: e.to_string(),
                    })?;
                if let Some(err) = err {
                    tokio::spawn(keep_tail(err, stderr.clone()));
                }
                initialize(spec, ().serve(transport), &stderr).await?
            }
            McpTransport::StreamableHttp { url, headers } => {
                let config = http_config(&server, url, headers)?;
                let client = crate::providers::http::client().map_err(|e| McpError::Http {
                    server: server.clone(),
                    reason: e.to_string(),
                })?;
                let transport = StreamableHttpClientTransport::with_client(client, config);
                initialize(spec, ().serve(transport), &stderr).await?
            }
            McpTransport::Sse { url, headers } => {
                let opening = tokio::time::timeout(
                    spec.startup_timeout,
                    super::legacy_sse::connect(url, headers),
                )
                .await;
                let transport = match opening {
                    Ok(Ok(transport)) => transport,
                    Ok(Err(reason)) => return Err(McpError::Http { server, reason }),
                    Err(_) => {
                        return Err(McpError::Timeout {
                            server,
                            request: "the SSE stream",
                            after: spec.startup_timeout,
                        });
                    }
                };
                initialize(spec, ().serve(transport), &stderr).await?
            }
            // A source's endpoint is opened first and connected as SSE or Streamable HTTP.
            McpTransport::Source(_) | McpTransport::Missing => {
                return Err(McpError::NoTransport { server });
            }
        };
        let peer = service.peer().clone();
        let listed = tokio::time::timeout(spec.startup_timeout, peer.list_all_tools()).await;
        let tools = match listed {
            Ok(Ok(tools)) => tools,
            Ok(Err(e)) => {
                return Err(McpError::Request {
                    server,
                    request: "tools/list",
                    reason: e.to_string(),
                });
            }
            Err(_) => {
                return Err(McpError::Timeout {
                    server,
                    request: "tools/list",
                    after: spec.startup_timeout,
                });
            }
        };
        let tools = tools
            .into_iter()
            .map(|t| ListedTool {
                name: t.name.to_string(),
                description: t.description.map(|d| d.to_string()).unwrap_or_default(),
                input_schema: Value::Object((*t.input_schema).clone()),
            })
            .collect();
        Ok(Self {
            server,
            service: tokio::sync::Mutex::new(Some(service)),
            peer,
            stderr,
            tools,
        })
    }

    /// Calls tool `name` (the server's own name) with `arguments`; the raw
    /// `CallToolResult` as JSON.
    pub(crate) async fn call(&self, name: &str, arguments: &Value) -> Result<Value, McpError> {
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = match arguments {
            Value::Object(map) => Some(map.clone()),
            Value::Null => None,
            other => {
                return Err(McpError::Arguments {
                    tool: name.to_owned(),
                    got: json_kind(other),
                });
            }
        };
        // The toolbox bounds the call by the server's request timeout.
        let result = self
            .peer
            .call_tool(params)
            .await
            .map_err(|e| McpError::Request {
                server: self.server.clone(),
                request: "tools/call",
                reason: with_tail(e.to_string(), &self.stderr),
            })?;
        serde_json::to_value(result).map_err(|e| McpError::Request {
            server: self.server.clone(),
            request: "tools/call",
            reason: e.to_string(),
        })
    }

    /// Closes the session: the transport is closed and a child process is waited for,
    /// then sent SIGTERM, then killed (the MCP stdio shutdown sequence).
    pub(crate) async fn close(&self) {
        if let Some(mut service) = self.service.lock().await.take() {
            let _ = service.close_with_timeout(Duration::from_secs(10)).await;
        }
    }
}

/// The program to start for `command`: a bare name is looked up on this process's
/// `PATH` (not on the `PATH` an entry's `env` gives the server), as the reference's Go
/// client does; a path is used as written.
fn program(command: &str) -> std::path::PathBuf {
    let bare = std::path::PathBuf::from(command);
    if command.contains('/') {
        return bare;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(command))
        .find(|path| path.is_file())
        .unwrap_or(bare)
}

/// The server's `PATH` unless its `env` sets one: this process's, after the common
/// binary folders (the reference's client prepends them so `npx`/`node` are found).
fn child_path() -> std::ffi::OsString {
    let mut dirs: Vec<std::path::PathBuf> = ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .map(std::path::PathBuf::from)
        .collect();
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Runs the initialize handshake within the start-up timeout.
async fn initialize<F, E>(
    spec: &McpServerSpec,
    serving: F,
    stderr: &Arc<Mutex<VecDeque<String>>>,
) -> Result<RunningService<RoleClient, ()>, McpError>
where
    F: Future<Output = Result<RunningService<RoleClient, ()>, E>>,
    E: std::fmt::Display,
{
    match tokio::time::timeout(spec.startup_timeout, serving).await {
        Ok(Ok(service)) => Ok(service),
        Ok(Err(e)) => Err(McpError::Initialize {
            server: spec.name.clone(),
            reason: with_tail(e.to_string(), stderr),
        }),
        Err(_) => Err(McpError::Timeout {
            server: spec.name.clone(),
            request: "initialize",
            after: spec.startup_timeout,
        }),
    }
}

/// The transport config of a Streamable HTTP server; `Authorization: Bearer …` goes
/// through the SDK's auth header (it refuses it as a custom header).
fn http_config(
    server: &str,
    url: &str,
    headers: &[(String, String)],
) -> Result<StreamableHttpClientTransportConfig, McpError> {
    use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_owned());
    let mut custom = HashMap::new();
    for (name, value) in headers {
        let bad = |what: &str| McpError::Header {
            server: server.to_owned(),
            header: name.clone(),
            reason: what.to_owned(),
        };
        let header = HeaderName::try_from(name.as_str()).map_err(|_| bad("not a header name"))?;
        if header == AUTHORIZATION {
            let token = value
                .strip_prefix("Bearer ")
                .ok_or_else(|| bad("only `Bearer <token>` authorization is supported"))?;
            config = config.auth_header(token.to_owned());
            continue;
        }
        let value = HeaderValue::try_from(value.as_str()).map_err(|_| bad("not a header value"))?;
        custom.insert(header, value);
    }
    Ok(config.custom_headers(custom))
}

/// Keeps the last lines a server wrote on stderr, for error messages.
async fn keep_tail(stderr: tokio::process::ChildStderr, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

/// `reason`, followed by the server's last stderr lines when it wrote any.
fn with_tail(reason: String, tail: &Mutex<VecDeque<String>>) -> String {
    let tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
    if tail.is_empty() {
        return reason;
    }
    let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
    format!(
        "{reason}; the server's stderr ends with:\n  {}",
        lines.join("\n  ")
    )
}

/// The JSON kind of a value, for argument errors.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
