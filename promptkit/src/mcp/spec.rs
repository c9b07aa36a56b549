//! How to reach one MCP server: the runtime side of an arena `mcp_servers` entry, or
//! a server a test registers with `Setup::mcp_server`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use promptkit_build::model::{AllowBlockList, McpServerConfig};

use super::source::{SourceEntry, SourceScope};

/// The reference's default per-request timeout (overridden by `timeout_ms`).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The reference's initialization handshake timeout.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How the client talks to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum McpTransport {
    /// A child process speaking JSON-RPC on stdin/stdout.
    Stdio {
        /// The program.
        command: String,
        /// Its arguments.
        args: Vec<String>,
        /// Variables added to the inherited environment.
        env: Vec<(String, String)>,
        /// Its working directory.
        working_dir: PathBuf,
    },
    /// MCP Streamable HTTP (protocol 2025-03-26 and later).
    StreamableHttp {
        /// The endpoint, e.g. `http://127.0.0.1:3001/mcp`.
        url: String,
        /// Headers sent with every request.
        headers: Vec<(String, String)>,
    },
    /// The legacy HTTP+SSE transport (2024-11-05): see `legacy_sse`.
    Sse {
        /// The SSE endpoint, e.g. `http://127.0.0.1:3001/sse`.
        url: String,
        /// Headers sent with every request.
        headers: Vec<(String, String)>,
    },
    /// Opened by a host-provisioned source at its scope (`source`, `scope`).
    Source(SourceEntry),
    /// Neither `command` nor `url` was given.
    Missing,
}

/// Which of a server's tools the model sees: the reference's allowlist (wins when
/// non-empty) and blocklist, each entry exact or a `prefix*` pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    /// Only these (when not empty).
    pub allowlist: Vec<String>,
    /// Never these.
    pub blocklist: Vec<String>,
}

impl ToolFilter {
    /// The filter of a config's `tool_filter`.
    pub fn from_config(list: &AllowBlockList) -> Self {
        let names = |l: &[promptkit_build::model::Spanned<String>]| {
            l.iter().map(|s| s.value.clone()).collect()
        };
        Self {
            allowlist: names(&list.allowlist),
            blocklist: names(&list.blocklist),
        }
    }

    /// Whether the model may see tool `name`.
    pub fn includes(&self, name: &str) -> bool {
        if !self.allowlist.is_empty() {
            return self.allowlist.iter().any(|p| matches_pattern(p, name));
        }
        !self.blocklist.iter().any(|p| matches_pattern(p, name))
    }
}

/// An entry ending in `*` matches by prefix; any other entry exactly.
fn matches_pattern(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// One MCP server: its name (tools are offered as `mcp__<name>__<tool>`), transport,
/// timeouts and tool filter.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerSpec {
    /// The server's name.
    pub name: String,
    /// How to reach it.
    pub transport: McpTransport,
    /// Per-request timeout (`timeout_ms`).
    pub request_timeout: Duration,
    /// Time allowed to start and initialize.
    pub startup_timeout: Duration,
    /// Which tools the model sees.
    pub filter: ToolFilter,
}

impl McpServerSpec {
    /// A server started as a child process; it runs in the current directory unless
    /// [`McpServerSpec::working_dir`] says otherwise.
    pub fn stdio(name: &str, command: &str, args: &[&str]) -> Self {
        Self::new(
            name,
            McpTransport::Stdio {
                command: command.to_owned(),
                args: args.iter().map(|a| (*a).to_owned()).collect(),
                env: Vec::new(),
                working_dir: PathBuf::from("."),
            },
        )
    }

    /// A server opened by source `source` (see [`McpSource`](super::McpSource)) at each
    /// `scope`, with `args` as its `source_args`.
    pub fn source(
        name: &str,
        source: &str,
        scope: SourceScope,
        args: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        Self::new(
            name,
            McpTransport::Source(SourceEntry {
                source: source.to_owned(),
                scope,
                args,
            }),
        )
    }

    /// A server reached over Streamable HTTP at `url`.
    pub fn streamable_http(name: &str, url: &str) -> Self {
        Self::new(
            name,
            McpTransport::StreamableHttp {
                url: url.to_owned(),
                headers: Vec::new(),
            },
        )
    }

    fn new(name: &str, transport: McpTransport) -> Self {
        Self {
            name: name.to_owned(),
            transport,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            filter: ToolFilter::default(),
        }
    }

    /// Sets the per-request timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the start-up (initialize) timeout.
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Sets the tool filter.
    pub fn filter(mut self, filter: ToolFilter) -> Self {
        self.filter = filter;
        self
    }

    /// Adds an environment variable (stdio servers).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        if let McpTransport::Stdio { env, .. } = &mut self.transport {
            env.push((key.to_owned(), value.to_owned()));
        }
        self
    }

    /// Sets the working directory (stdio servers).
    pub fn working_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        if let McpTransport::Stdio { working_dir, .. } = &mut self.transport {
            *working_dir = dir.into();
        }
        self
    }

    /// The runtime spec of an arena `mcp_servers` entry. A relative `working_dir` (and
    /// the default one) is the project's config folder, where the reference's CLI runs.
    pub fn from_config(config: &McpServerConfig, config_dir: &Path) -> Self {
        let pairs = |map: &Option<promptkit_build::model::SpannedMap<String, String>>| {
            map.iter()
                .flat_map(|m| m.iter())
                .map(|(k, v)| (k.value.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        let transport_name = config.transport.as_ref().map(|t| t.value.as_str());
        let scope = config
            .scope
            .as_ref()
            .and_then(|s| SourceScope::parse(&s.value));
        let transport = match (&config.command, &config.url, transport_name) {
            (None, None, _) if config.source.is_some() && scope.is_some() => {
                McpTransport::Source(SourceEntry {
                    source: config.source.clone().unwrap_or_default(),
                    scope: scope.unwrap_or(SourceScope::Run),
                    args: config
                        .source_args
                        .as_ref()
                        .map(|a| a.value.to_json_map())
                        .unwrap_or_default(),
                })
            }
            (_, Some(url), Some("streamable_http")) => McpTransport::StreamableHttp {
                url: url.clone(),
                headers: pairs(&config.headers),
            },
            (Some(command), _, None | Some("stdio")) => McpTransport::Stdio {
                command: command.clone(),
                args: config.args.clone(),
                env: pairs(&config.env),
                working_dir: config_dir.join(config.working_dir.as_deref().unwrap_or(".")),
            },
            // The reference infers the legacy SSE transport from a bare `url`.
            (_, Some(url), None | Some("sse")) => McpTransport::Sse {
                url: url.clone(),
                headers: pairs(&config.headers),
            },
            _ => McpTransport::Missing,
        };
        let mut spec = Self::new(&config.name.value, transport);
        if let Some(ms) = config
            .timeout_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .filter(|ms| *ms > 0)
        {
            spec.request_timeout = Duration::from_millis(ms);
        }
        if let Some(filter) = &config.tool_filter {
            spec.filter = ToolFilter::from_config(filter);
        }
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_wins_and_patterns_match_by_prefix() {
        let filter = ToolFilter {
            allowlist: vec!["echo".into(), "get-*".into()],
            blocklist: vec!["echo".into()],
        };
        assert!(filter.includes("echo"));
        assert!(filter.includes("get-sum"));
        assert!(!filter.includes("toggle-simulated-logging"));
        let block = ToolFilter {
            allowlist: vec![],
            blocklist: vec!["write_*".into(), "move_file".into()],
        };
        assert!(block.includes("read_text_file"));
        assert!(!block.includes("write_file"));
        assert!(!block.includes("move_file"));
        assert!(ToolFilter::default().includes("anything"));
    }
}
