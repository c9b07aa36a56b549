//! The MCP servers of a run. A server with a `command` or `url`, or a source at `run`
//! scope, is started on first use and shared by every case; a failed start is
//! remembered for the run. A source at `scenario` scope is opened for the first case of
//! its scenario and closed after the last one the run plans; at `session` scope, for
//! each case. [`McpServers::shutdown`] closes everything still open (and an open
//! session is killed or its endpoint torn down if dropped without it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::join_all;
use promptkit_build::load::Project;
use serde_json::Value;

use super::connection::Connection;
use super::content::{McpAnswer, answer};
use super::source::{EndpointGuard, McpSources, SourceContext, SourceScope};
use super::spec::{McpServerSpec, McpTransport};
use super::{McpError, qualified_name};

/// An open session: the connection, and the source endpoint behind it if any.
struct Session {
    connection: Arc<Connection>,
    endpoint: EndpointGuard,
}

impl Session {
    /// Starts `spec`'s server; a source-backed one is first opened by its source.
    async fn open(
        spec: &McpServerSpec,
        sources: &McpSources,
        context: &SourceContext,
    ) -> Result<Arc<Self>, McpError> {
        let McpTransport::Source(entry) = &spec.transport else {
            let connection = Arc::new(Connection::open(spec).await?);
            return Ok(Arc::new(Self {
                connection,
                endpoint: EndpointGuard::new(None),
            }));
        };
        let failed = |reason: String| McpError::Source {
            server: spec.name.clone(),
            source_name: entry.source.clone(),
            reason,
        };
        let source = sources.get(&entry.source).ok_or_else(|| {
            failed(format!(
                "no such source (registered: {}); register it with `Setup::mcp_source`",
                sources.names()
            ))
        })?;
        let args = entry.args_in(context);
        let endpoint = source.open(&args).await.map_err(failed)?;
        let guard = EndpointGuard::new(endpoint.closer);
        let headers = endpoint.headers;
        let transport = if endpoint.streamable {
            McpTransport::StreamableHttp {
                url: endpoint.url,
                headers,
            }
        } else {
            McpTransport::Sse {
                url: endpoint.url,
                headers,
            }
        };
        let connected = McpServerSpec {
            transport,
            ..spec.clone()
        };
        match Connection::open(&connected).await {
            Ok(connection) => Ok(Arc::new(Self {
                connection: Arc::new(connection),
                endpoint: guard,
            })),
            Err(error) => {
                let _ = guard.close().await;
                Err(error)
            }
        }
    }

    /// Closes the connection, then the endpoint.
    async fn close(&self) {
        self.connection.close().await;
        let _ = self.endpoint.close().await;
    }

    /// The tools of this session that pass `spec`'s filter; a source's tools keep
    /// their own names, as the reference registers them.
    fn tools(self: &Arc<Self>, spec: &McpServerSpec) -> Vec<McpTool> {
        let sourced = matches!(spec.transport, McpTransport::Source(_));
        self.connection
            .tools
            .iter()
            .filter(|t| spec.filter.includes(&t.name))
            .map(|t| McpTool {
                name: if sourced {
                    t.name.clone()
                } else {
                    qualified_name(&spec.name, &t.name)
                },
                description: t.description.clone(),
                input_schema: t.input_schema.clone(),
                timeout: spec.request_timeout,
                connection: self.connection.clone(),
                remote_name: t.name.clone(),
            })
            .collect()
    }
}

/// Where one run-wide server stands.
enum State {
    Closed,
    Open(Arc<Session>),
    Failed(McpError),
}

/// One run-wide server and its session.
struct Server {
    spec: McpServerSpec,
    state: tokio::sync::Mutex<State>,
}

impl Server {
    /// The open session, starting it if needed.
    async fn open(&self, sources: &McpSources) -> Result<Arc<Session>, McpError> {
        let mut state = self.state.lock().await;
        match &*state {
            State::Open(session) => return Ok(session.clone()),
            State::Failed(error) => return Err(error.clone()),
            State::Closed => {}
        }
        match Session::open(&self.spec, sources, &SourceContext::default()).await {
            Ok(session) => {
                *state = State::Open(session.clone());
                Ok(session)
            }
            Err(error) => {
                *state = State::Failed(error.clone());
                Err(error)
            }
        }
    }

    /// The server's tools that pass its filter.
    async fn tools(&self, sources: &McpSources) -> Result<Vec<McpTool>, McpError> {
        Ok(self.open(sources).await?.tools(&self.spec))
    }

    async fn shutdown(&self) {
        let mut state = self.state.lock().await;
        if let State::Open(session) = std::mem::replace(&mut *state, State::Closed) {
            session.close().await;
        }
    }
}

/// A scoped session (opened once, by the first case that needs it) and how many more
/// cases will use it.
struct Scoped {
    session: Arc<tokio::sync::OnceCell<Arc<Session>>>,
    remaining: usize,
}

/// One case's hold on the scenario- and session-scoped sources: what
/// [`McpServers::tools`] opened for it, closed by [`McpServers::release`].
#[derive(Debug)]
pub struct McpLease {
    scenario: String,
    case: u64,
    context: SourceContext,
    held: Mutex<Vec<(String, usize)>>,
}

/// The key of a scoped session: the scenario's (`s:`) or the case's (`c:`), and the
/// server's index.
type ScopedKey = (String, usize);
/// The MCP servers of a run.
#[derive(Default)]
pub struct McpServers {
    servers: Vec<Server>,
    scoped: Vec<McpServerSpec>,
    sources: McpSources,
    open: Mutex<HashMap<ScopedKey, Scoped>>,
    planned: Mutex<HashMap<String, usize>>,
    cases: AtomicU64,
}

impl McpServers {
    /// These servers, none started yet; a later spec replaces an earlier one of the
    /// same name.
    pub fn new(specs: impl IntoIterator<Item = McpServerSpec>) -> Self {
        let mut unique: Vec<McpServerSpec> = Vec::new();
        for spec in specs {
            unique.retain(|s| s.name != spec.name);
            unique.push(spec);
        }
        let (scoped, run_wide): (Vec<_>, Vec<_>) = unique.into_iter().partition(
            |s| matches!(&s.transport, McpTransport::Source(e) if e.scope != SourceScope::Run),
        );
        Self {
            servers: run_wide
                .into_iter()
                .map(|spec| Server {
                    spec,
                    state: tokio::sync::Mutex::new(State::Closed),
                })
                .collect(),
            scoped,
            ..Self::default()
        }
    }

    /// Uses `sources` (the built-in ones and the host's) for `source:` entries.
    pub fn with_sources(mut self, sources: McpSources) -> Self {
        self.sources = sources;
        self
    }

    /// Tells how many cases the run plans per scenario, so a scenario-scoped source
    /// stays open until the last of them ends (one case each when not told).
    pub fn plan<'a>(&self, scenarios: impl IntoIterator<Item = &'a str>) {
        let mut planned = self.planned.lock().unwrap_or_else(PoisonError::into_inner);
        planned.clear();
        for scenario in scenarios {
            *planned.entry(scenario.to_owned()).or_default() += 1;
        }
    }

    /// A lease for one case of `scenario`, opening nothing yet.
    pub fn lease(&self, scenario: &str, context: SourceContext) -> McpLease {
        McpLease {
            scenario: scenario.to_owned(),
            case: self.cases.fetch_add(1, Ordering::Relaxed),
            context,
            held: Mutex::new(Vec::new()),
        }
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
        self.servers.is_empty() && self.scoped.is_empty()
    }

    /// The servers' specs.
    pub fn specs(&self) -> impl Iterator<Item = &McpServerSpec> {
        self.servers.iter().map(|s| &s.spec).chain(&self.scoped)
    }

    /// Every filtered tool of the run-wide servers, starting those not yet started
    /// (concurrently); the first server that cannot start fails the lot.
    pub async fn tools(&self) -> Result<Vec<McpTool>, McpError> {
        let mut tools = Vec::new();
        let run_wide = self.servers.iter().map(|s| s.tools(&self.sources));
        for listed in join_all(run_wide).await {
            tools.extend(listed?);
        }
        Ok(tools)
    }

    /// [`McpServers::tools`], and those of the scoped sources for the case holding
    /// `lease` (opened for its scenario or for the case itself).
    pub async fn case_tools(&self, lease: &McpLease) -> Result<Vec<McpTool>, McpError> {
        let mut tools = self.tools().await?;
        for (index, spec) in self.scoped.iter().enumerate() {
            let session = self.scoped_session(lease, index, spec).await?;
            tools.extend(session.tools(spec));
        }
        Ok(tools)
    }

    /// The session of scoped server `index` for `lease`'s case, opened if needed.
    async fn scoped_session(
        &self,
        lease: &McpLease,
        index: usize,
        spec: &McpServerSpec,
    ) -> Result<Arc<Session>, McpError> {
        let per_scenario =
            matches!(&spec.transport, McpTransport::Source(e) if e.scope == SourceScope::Scenario);
        let key = if per_scenario {
            (format!("s:{}", lease.scenario), index)
        } else {
            (format!("c:{}", lease.case), index)
        };
        let remaining = if per_scenario {
            let planned = self.planned.lock().unwrap_or_else(PoisonError::into_inner);
            planned.get(&lease.scenario).copied().unwrap_or(1).max(1)
        } else {
            1
        };
        let cell = self
            .lock_open()
            .entry(key.clone())
            .or_insert_with(|| Scoped {
                session: Arc::default(),
                remaining,
            })
            .session
            .clone();
        {
            let mut held = lease.held.lock().unwrap_or_else(PoisonError::into_inner);
            if !held.contains(&key) {
                held.push(key);
            }
        }
        let session = cell
            .get_or_try_init(|| Session::open(spec, &self.sources, &lease.context))
            .await?;
        Ok(session.clone())
    }

    /// Ends `lease`'s case: its session-scoped sources close, and a scenario-scoped one
    /// closes when this was the last case the run planned for the scenario.
    pub async fn release(&self, lease: McpLease) {
        let held = lease
            .held
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut closing = Vec::new();
        {
            let mut open = self.lock_open();
            for key in held {
                let Some(scoped) = open.get_mut(&key) else {
                    continue;
                };
                scoped.remaining = scoped.remaining.saturating_sub(1);
                if scoped.remaining == 0
                    && let Some(scoped) = open.remove(&key)
                    && let Some(session) = scoped.session.get()
                {
                    closing.push(session.clone());
                }
            }
        }
        join_all(closing.iter().map(|s| s.close())).await;
    }

    fn lock_open(&self) -> std::sync::MutexGuard<'_, HashMap<ScopedKey, Scoped>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes every open session (a stdio server is asked to exit, then killed; a
    /// source's endpoint is torn down).
    pub async fn shutdown(&self) {
        let scoped: Vec<Arc<Session>> = self
            .lock_open()
            .drain()
            .filter_map(|(_, s)| s.session.get().cloned())
            .collect();
        join_all(scoped.iter().map(|s| s.close())).await;
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
    /// The server's own name of the tool.
    pub fn remote_name(&self) -> &str {
        &self.remote_name
    }

    /// Calls the tool; the error text of a failed call or an `isError` result.
    pub async fn run(&self, arguments: &Value) -> Result<McpAnswer, McpError> {
        let result = self.connection.call(&self.remote_name, arguments).await?;
        answer(&result)
    }
}
