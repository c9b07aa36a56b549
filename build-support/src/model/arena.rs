//! `kind: Arena` — the project config (`config.arena.yaml`): references to every
//! other file, defaults, self-play, judges, and inline specs.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::common::{Assertion, EvalDef};
use super::defaults::Defaults;
use super::eval::EvalSpec;
use super::integrations::{A2aAgentConfig, DeployConfig, McpServerConfig, StateStoreConfig};
use super::persona::PersonaSpec;
use super::prompt::PromptSpec;
use super::provider::ProviderSpec;
use super::runtime::RuntimeConfigSpec;
use super::scenario::ScenarioSpec;
use super::tool::ToolSpec;
use super::value::{Node, SpannedMap};

/// The `spec` of an Arena document.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArenaSpec {
    /// Prompt config files, each with the id scenarios use.
    #[serde(default)]
    pub prompt_configs: Vec<PromptConfigRef>,
    /// Provider files (all roles).
    #[serde(default)]
    pub providers: Vec<ProviderRef>,
    /// LLM judges: name -> provider id.
    #[serde(default)]
    pub judges: Vec<JudgeRef>,
    /// Default judge prompt.
    #[serde(default)]
    pub judge_defaults: Option<JudgeDefaults>,
    /// Scenario files.
    #[serde(default)]
    pub scenarios: Vec<FileRef>,
    /// Eval files.
    #[serde(default)]
    pub evals: Vec<FileRef>,
    /// Tool files.
    #[serde(default)]
    pub tools: Vec<FileRef>,
    /// Skill sources (directories under the project root).
    #[serde(default)]
    pub skills: Vec<SkillSource>,
    /// Evals compiled into the pack.
    #[serde(default)]
    pub pack_evals: Vec<EvalDef>,
    /// Settings applied to every scenario.
    #[serde(default)]
    pub globals: Option<Globals>,
    /// Runtime config (providers, tools, MCP, logging, hooks).
    #[serde(default)]
    pub runtime: Option<RuntimeConfigSpec>,
    /// Workflow state machine, free-form (the reference takes any value).
    #[serde(default)]
    pub workflow: Option<Node>,
    /// Composed multi-agent pipelines, free-form.
    #[serde(default)]
    pub compositions: Option<Node>,
    /// Memory capability, free-form.
    #[serde(default)]
    pub memory: Option<Node>,
    /// Named agents, free-form.
    #[serde(default)]
    pub agents: Option<Node>,
    /// Deployment target.
    #[serde(default)]
    pub deploy: Option<DeployConfig>,
    /// MCP servers.
    #[serde(default)]
    pub mcp_servers: Vec<McpServerConfig>,
    /// A2A agents (mock or remote).
    #[serde(default)]
    pub a2a_agents: Vec<A2aAgentConfig>,
    /// Conversation state store.
    #[serde(default)]
    pub state_store: Option<StateStoreConfig>,
    /// Run defaults (sampling, output, concurrency).
    #[serde(default)]
    pub defaults: Option<Defaults>,
    /// Self-play: personas and the providers playing the user.
    #[serde(default)]
    pub self_play: Option<SelfPlayConfig>,
    /// A compiled pack to run instead of prompt files.
    #[serde(default)]
    pub pack_file: Option<Spanned<String>>,
    /// Inline providers by id.
    #[serde(default)]
    pub provider_specs: Option<SpannedMap<String, ProviderSpec>>,
    /// Inline scenarios by id.
    #[serde(default)]
    pub scenario_specs: Option<SpannedMap<String, ScenarioSpec>>,
    /// Inline evals by id.
    #[serde(default)]
    pub eval_specs: Option<SpannedMap<String, EvalSpec>>,
    /// Inline tools by name.
    #[serde(default)]
    pub tool_specs: Option<SpannedMap<String, ToolSpec>>,
    /// Inline judges by name.
    #[serde(default)]
    pub judge_specs: Option<SpannedMap<String, JudgeSpec>>,
    /// Inline prompts by task type.
    #[serde(default)]
    pub prompt_specs: Option<SpannedMap<String, PromptSpec>>,
    /// Legacy TTS provider files.
    #[serde(default)]
    pub tts_providers: Vec<ProviderRef>,
    /// Legacy STT provider files.
    #[serde(default)]
    pub stt_providers: Vec<ProviderRef>,
    /// Legacy embedding provider files.
    #[serde(default)]
    pub embedding_providers: Vec<ProviderRef>,
    /// Legacy image provider files.
    #[serde(default)]
    pub image_providers: Vec<ProviderRef>,
    /// Voice catalog: voice id -> TTS provider id.
    #[serde(default)]
    pub voices: Vec<VoiceBinding>,
}

/// A prompt config file with the id scenarios and judges refer to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromptConfigRef {
    /// Id of the prompt in this arena.
    pub id: Spanned<String>,
    /// Path, relative to the arena config.
    pub file: Spanned<String>,
    /// Variable overrides.
    #[serde(default)]
    pub vars: Option<SpannedMap<String, Spanned<String>>>,
}

/// A provider file with its group.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRef {
    /// Path, relative to the arena config.
    pub file: Spanned<String>,
    /// Provider group (default `default`).
    #[serde(default)]
    pub group: Option<Spanned<String>>,
}

/// A file reference (`- file: path`) of scenarios, evals, tools and personas.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Path, relative to the arena config.
    pub file: Spanned<String>,
}

/// An LLM judge: a name bound to a provider id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeRef {
    /// Judge name used in assertions.
    pub name: Spanned<String>,
    /// Provider id.
    pub provider: Spanned<String>,
}

/// An inline judge.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeSpec {
    /// Provider id.
    pub provider: Spanned<String>,
}

/// Default judge prompt.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeDefaults {
    /// Prompt config id used by judges.
    #[serde(default)]
    pub prompt: Option<Spanned<String>>,
    /// Prompt registry.
    #[serde(default)]
    pub prompt_registry: Option<String>,
}

/// A skill source.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SkillSource {
    /// Directory of skills, relative to the arena config.
    #[serde(default)]
    pub dir: Option<Spanned<String>>,
    /// Alias of `dir`.
    #[serde(default)]
    pub path: Option<Spanned<String>>,
    /// Inline skill name.
    #[serde(default)]
    pub name: Option<String>,
    /// Inline skill description.
    #[serde(default)]
    pub description: Option<String>,
    /// Inline skill instructions.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Load eagerly.
    #[serde(default)]
    pub preload: Option<bool>,
}

/// Settings applied to every scenario.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Globals {
    /// Conversation assertions added to every scenario.
    #[serde(default)]
    pub conversation_assertions: Vec<Assertion>,
}

/// Self-play: personas and the providers playing the user.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SelfPlayConfig {
    /// Enabled (default true when the section exists).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Persona files.
    #[serde(default)]
    pub personas: Vec<FileRef>,
    /// Inline personas by id.
    #[serde(default)]
    pub persona_specs: Option<SpannedMap<String, PersonaSpec>>,
    /// Self-play roles: role id -> provider id.
    #[serde(default)]
    pub roles: Vec<SelfPlayRole>,
}

impl SelfPlayConfig {
    /// Whether self-play is on (the reference treats a missing `enabled` as on).
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }
}

/// A self-play role bound to a provider.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SelfPlayRole {
    /// Role id (turns use it as `role`).
    pub id: Spanned<String>,
    /// Provider id.
    pub provider: Spanned<String>,
}

/// A voice id bound to a TTS provider.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceBinding {
    /// Voice id.
    pub id: Spanned<String>,
    /// TTS provider id.
    pub provider: Spanned<String>,
}
