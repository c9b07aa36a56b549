//! A loaded, checked project ready to run: its run plan (scenarios × providers ×
//! trials, as the reference multiplies them) and the providers, tools and evaluator
//! the cases share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::frontend::{Checked, Frontend};
use promptkit_build::load::{Project, ProviderEntry};
use promptkit_build::model::{MockConfig, ProviderType};
use promptkit_build::plan::{self, Case};

use super::setup::Setup;
use crate::a2a::RemoteAgents;
use crate::assertions::{Evaluator, ExecEval};
use crate::classify::Classifiers;
use crate::mcp::McpServers;
use crate::media::MediaFetch;
use crate::media::MediaRoot;
use crate::provider::Provider;
use crate::providers::cassette::Cassettes;
use crate::providers::embeddings::Embedder;
use crate::providers::mock::MockProvider;
use crate::providers::recording::{Recording, RecordingError, Replay};
use crate::providers::session::{Session, SessionReplay, Timing};
use crate::skills::{SkillError, Skills};
use crate::tools::Toolbox;

/// How to run a suite.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only these scenarios (all when empty).
    pub scenarios: Vec<String>,
    /// Only these providers (all when empty).
    pub providers: Vec<String>,
    /// Replace every provider with a mock (`--mock-provider`).
    pub mock_provider: bool,
    /// The responses every mock answers from (`--mock-config`); without it a mock
    /// provider keeps its own `mock_config` and others answer with the fallback text.
    /// Media files its reply `parts` name resolve from the arena config's folder.
    pub mock_config: Option<Arc<MockConfig>>,
    /// Cases in flight at once (default: the config's `defaults.concurrency`, else 1).
    pub concurrency: Option<usize>,
    /// A run-wide budget in dollars (`run --max-cost`): once the finished cases have
    /// spent it, no new case starts (cases in flight finish) and the run says so.
    pub max_cost_usd: Option<f64>,
    /// Cassettes of live providers: each case on a live provider answers from (or
    /// records into) its own file (a relative folder is taken from the project's config
    /// folder); `None` calls the providers directly.
    pub cassettes: Option<Cassettes>,
    /// Download turn media given by `url` before sending (`run --fetch-media`), as the
    /// reference does; `None` sends image URLs by reference and refuses other URLs.
    pub fetch_media: Option<MediaFetch>,
}

/// Why a suite could not be prepared: the front-end's refusal.
pub type SuiteError = promptkit_build::frontend::Rejected;

/// A project ready to run.
pub struct Suite {
    pub(crate) project: Arc<Project>,
    pub(crate) providers: BTreeMap<String, Arc<dyn Provider>>,
    pub(crate) provider_errors: BTreeMap<String, String>,
    pub(crate) tools: Arc<Toolbox>,
    pub(crate) evaluator: Evaluator,
    pub(crate) embedders: BTreeMap<String, Arc<dyn Embedder>>,
    pub(crate) mcp: McpServers,
    pub(crate) agents: RemoteAgents,
    pub(crate) skills: Result<Arc<Skills>, SkillError>,
    pub(crate) options: RunOptions,
}

impl Suite {
    /// Loads and checks the arena config at `path` through the [`Frontend`] (knowing the
    /// assertion types `setup` registers); any error refuses the suite, with every
    /// diagnostic rendered.
    pub fn load(
        path: impl AsRef<Path>,
        options: RunOptions,
        setup: &Setup,
    ) -> Result<Self, SuiteError> {
        Self::load_with(&Frontend::new(), path, options, setup)
    }

    /// [`Suite::load`] through a configured front-end (for example one reading the
    /// files `#[arena_test]` compiled into the test binary).
    pub fn load_with(
        frontend: &Frontend,
        path: impl AsRef<Path>,
        options: RunOptions,
        setup: &Setup,
    ) -> Result<Self, SuiteError> {
        let project = Self::check(frontend, path, setup)?;
        Ok(Self::new(project, options, setup))
    }

    /// The project at `path` loaded and checked through `frontend`, knowing the
    /// assertion types and MCP servers `setup` registers (what [`Suite::load_with`]
    /// runs; a caller running many suites on one project checks it once).
    pub fn check(
        frontend: &Frontend,
        path: impl AsRef<Path>,
        setup: &Setup,
    ) -> Result<Checked<Project>, SuiteError> {
        let outcome = frontend
            .clone()
            .custom_assertions(setup.assertions.keys().cloned())
            .mcp_servers(setup.mcp_servers.iter().map(|s| s.name.clone()))
            .project(path);
        let (project, _) = outcome.into_result(RenderStyle::Plain)?;
        Ok(project)
    }

    /// A suite for a checked project; `setup`'s providers, tools, assertions,
    /// classifiers and embedders take part. A relative cassette folder resolves from
    /// the project's config folder.
    pub fn new(project: Checked<Project>, mut options: RunOptions, setup: &Setup) -> Self {
        if let Some(cassettes) = &mut options.cassettes
            && cassettes.dir.is_relative()
        {
            cassettes.dir = project.config_dir().join(&cassettes.dir);
        }
        let mut tools = Toolbox::from_project(&project);
        crate::a2a::add_agent_tools(&mut tools, &project.arena.spec.value.a2a_agents);
        tools.merge(&setup.tools);
        for (from, to) in &setup.redirects {
            tools.redirect_http(from, to);
        }
        let tools = Arc::new(tools);
        let mut classifiers = Classifiers::from_project(&project);
        for (id, classifier) in &setup.classifiers {
            classifiers.register(id.clone(), classifier.clone());
        }
        let mut evaluator = Evaluator::new()
            .with_tool_executor(tools.clone())
            .with_classifiers(Arc::new(classifiers));
        for (name, binding) in project.exec_evals() {
            evaluator.register_exec(ExecEval::from_binding(
                &name.value,
                binding,
                project.exec_command(binding),
            ));
        }
        for (name, assertion) in &setup.assertions {
            evaluator.register(name.clone(), assertion.clone());
        }
        let mut providers = BTreeMap::new();
        let mut provider_errors = BTreeMap::new();
        for entry in project
            .providers
            .iter()
            .filter(|e| plan::is_chat(&e.item.spec))
        {
            let id = entry.item.id.clone();
            if let Some(p) = setup.providers.get(&id) {
                providers.insert(id, p.clone());
                continue;
            }
            match build_provider(&project, entry, &options) {
                Ok(p) => {
                    providers.insert(id, p);
                }
                Err(e) => {
                    provider_errors.insert(id, e);
                }
            }
        }
        let mcp = McpServers::from_project(&project, &setup.mcp_servers)
            .with_sources(setup.mcp_sources.clone());
        let skills = Skills::discover(&project).map(Arc::new);
        Self {
            mcp,
            agents: RemoteAgents::new(&project.arena.spec.value.a2a_agents),
            skills,
            project: project.shared(),
            providers,
            provider_errors,
            tools,
            evaluator,
            embedders: setup.embedders.clone(),
            options,
        }
    }

    /// The loaded project.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The run plan (see [`promptkit_build::plan`]) under this run's filters.
    pub fn cases(&self) -> Vec<Case> {
        plan::cases(
            &self.project,
            &plan::Filter {
                scenarios: self.options.scenarios.clone(),
                providers: self.options.providers.clone(),
            },
        )
    }

    /// Closes the run's MCP sessions (their servers exit); [`Suite::run`] does this
    /// when it ends, and a later case starts them again.
    pub async fn shutdown(&self) {
        self.mcp.shutdown().await;
    }

    /// Where reports go by default: `defaults.output.dir` (else `out`) under the project.
    pub fn default_out_dir(&self) -> PathBuf {
        let defaults = self.project.arena.spec.value.defaults.as_ref();
        let dir = defaults
            .and_then(|d| d.output.as_ref())
            .and_then(|o| o.dir.as_ref())
            .cloned()
            .or_else(|| defaults.and_then(|d| d.out_dir.clone()))
            .unwrap_or_else(|| "out".to_owned());
        self.project.root.join(dir)
    }
}

/// The provider for a config entry: a mock for `type: mock` (or for every provider
/// under `--mock-provider`), else a live provider.
fn build_provider(
    project: &Project,
    entry: &ProviderEntry,
    options: &RunOptions,
) -> Result<Arc<dyn Provider>, String> {
    let spec = &entry.item.spec;
    let id = entry.item.id.clone();
    let model = spec
        .model
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    if let Some(config) = options
        .mock_config
        .as_ref()
        .filter(|_| options.mock_provider)
    {
        let media = MediaRoot::new(
            &project.root,
            &project.config_dir(),
            Path::new("--mock-config"),
        );
        return Ok(Arc::new(
            MockProvider::new(id, model, config.clone()).with_media(media),
        ));
    }
    if spec.r#type.value == ProviderType::Mock || options.mock_provider {
        let file = project.mock_config_of(entry);
        let config = file.map(|m| Arc::new(m.config.clone())).unwrap_or_default();
        let media = match file {
            Some(m) => MediaRoot::new(
                &project.root,
                m.path.parent().unwrap_or(&project.root),
                &m.path,
            ),
            None => MediaRoot::new(&project.root, &project.root, &project.root),
        };
        return Ok(Arc::new(
            MockProvider::new(id, model, config).with_media(media),
        ));
    }
    if spec.r#type.value == ProviderType::Replay {
        return replay_provider(project, entry, id, model);
    }
    crate::providers::live(&id, spec, entry.item.path.parent()).map_err(|e| e.to_string())
}

/// A `type: replay` provider: a PromptKit recording (answers keyed by request), else a
/// session recording or arena output of the reference (answers by turn or content). The
/// loader read the recording (confined to the project, bounded, once); when it could not,
/// its warning said why and the provider is refused here.
fn replay_provider(
    project: &Project,
    entry: &ProviderEntry,
    id: String,
    model: String,
) -> Result<Arc<dyn Provider>, String> {
    let spec = &entry.item.spec;
    let config = spec.additional_config.as_ref().map(|c| &c.value);
    let text = |key: &str| {
        config
            .and_then(|c| c.get(key))
            .and_then(|v| v.value.as_str())
    };
    let Some(path) = &entry.recording else {
        return Err(format!(
            "`{}`: replay provider `{id}` needs `additional_config.recording` (or `arena_output`)",
            entry.item.path.display()
        ));
    };
    let Some(recording) = project.recording_of(entry) else {
        return Err(format!(
            "`{}`: the recording `{}` of replay provider `{id}` could not be read (see the \
             warning of the check: it must be a file inside the project folder `{}`, within the \
             size limit)",
            entry.item.path.display(),
            path.display(),
            project.root.display()
        ));
    };
    let contents = &*recording.text;
    let timing = text("timing").unwrap_or("instant");
    let not_ours = match Recording::parse(contents, path) {
        Ok(recording) => {
            return Ok(Arc::new(Replay::new(
                id,
                model,
                recording,
                timing != "instant",
            )));
        }
        Err(RecordingError::Format { reason, .. }) => reason,
        // Ours, with a media file missing or altered: not a session recording either.
        Err(media @ RecordingError::Media { .. }) => return Err(media.to_string()),
        Err(other) => other.to_string(),
    };
    let speed = config
        .and_then(|c| c.get("speed"))
        .and_then(|v| v.value.as_f64())
        .unwrap_or(2.0);
    let timing = match timing {
        "realtime" => Timing::RealTime,
        "accelerated" => Timing::Accelerated(speed),
        _ => Timing::Instant,
    };
    let session = Session::parse(contents)
        .map_err(|e| format!("recording `{}`: {e}; {not_ours}", path.display()))?;
    let replay = SessionReplay::new(id, session, text("match") == Some("content"), timing)
        .map_err(|e| format!("`{}`: {e}", path.display()))?;
    Ok(Arc::new(replay))
}
