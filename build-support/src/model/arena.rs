//! `kind: Arena` — the project config (`config.arena.yaml`): references to every
//! other file, defaults, self-play, judges, and inline specs.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::common::{Assertion, EvalDef};
use super::eval::EvalSpec;
use super::persona::PersonaSpec;
use super::prompt::PromptSpec;
use super::provider::ProviderSpec;
use super::runtime::RuntimeConfigSpec;
use super::scenario::ScenarioSpec;
use super::tool::ToolSpec;
use super::value::{Map, Node, SpannedMap};

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

/// Deployment target.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// Deploy provider (e.g. `omnia`).
    pub provider: Spanned<String>,
    /// Provider settings, free-form.
    #[serde(default)]
    pub config: Option<Spanned<Map>>,
    /// Per-environment settings.
    #[serde(default)]
    pub environments: Option<SpannedMap<String, DeployEnvironment>>,
}

/// Per-environment deploy settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeployEnvironment {
    /// Settings, free-form.
    #[serde(default)]
    pub config: Option<Spanned<Map>>,
}

/// An MCP server.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct McpServerConfig {
    /// Server name.
    pub name: Spanned<String>,
    /// Command (stdio transport).
    #[serde(default)]
    pub command: Option<String>,
    /// Command arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment.
    #[serde(default)]
    pub env: Option<SpannedMap<String, String>>,
    /// Working directory.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// URL (HTTP transports).
    #[serde(default)]
    pub url: Option<String>,
    /// Headers.
    #[serde(default)]
    pub headers: Option<SpannedMap<String, String>>,
    /// `stdio`, `sse`, `streamable_http`.
    #[serde(default)]
    pub transport: Option<Spanned<String>>,
    /// Host-provisioned source.
    #[serde(default)]
    pub source: Option<String>,
    /// `run`, `scenario`, `session`.
    #[serde(default)]
    pub scope: Option<Spanned<String>>,
    /// Source arguments, free-form.
    #[serde(default)]
    pub source_args: Option<Spanned<Map>>,
    /// Timeout in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<i64>,
    /// Tool allow/block lists.
    #[serde(default)]
    pub tool_filter: Option<AllowBlockList>,
}

/// Allow and block lists.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowBlockList {
    /// Only these.
    #[serde(default)]
    pub allowlist: Vec<Spanned<String>>,
    /// Never these.
    #[serde(default)]
    pub blocklist: Vec<Spanned<String>>,
}

/// An A2A agent (mock card + responses, or remote URL).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aAgentConfig {
    /// Agent name.
    pub name: Spanned<String>,
    /// Agent card (mock).
    #[serde(default)]
    pub card: Option<A2aCard>,
    /// Mock responses.
    #[serde(default)]
    pub responses: Vec<A2aResponseRule>,
    /// Remote server URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Remote auth.
    #[serde(default)]
    pub auth: Option<A2aAuth>,
    /// Static headers.
    #[serde(default)]
    pub headers: Option<SpannedMap<String, String>>,
    /// Header names whose values come from the environment.
    #[serde(default)]
    pub headers_from_env: Vec<String>,
    /// Timeout in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<i64>,
    /// Skill allow/block lists.
    #[serde(default)]
    pub skill_filter: Option<AllowBlockList>,
}

/// A2A remote auth.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aAuth {
    /// Scheme (e.g. `Bearer`).
    pub scheme: String,
    /// Literal token (discouraged).
    #[serde(default)]
    pub token: Option<String>,
    /// Environment variable with the token.
    #[serde(default)]
    pub token_env: Option<String>,
}

/// A2A agent card.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aCard {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<A2aSkill>,
}

/// A2A skill.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aSkill {
    /// Skill id.
    pub id: Spanned<String>,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A mock A2A response rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aResponseRule {
    /// Skill id.
    pub skill: Spanned<String>,
    /// Request matcher.
    #[serde(default)]
    pub r#match: Option<A2aMatch>,
    /// Response.
    #[serde(default)]
    pub response: Option<A2aResponse>,
    /// Error instead of a response.
    #[serde(default)]
    pub error: Option<String>,
}

/// A2A request matcher.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aMatch {
    /// Substring.
    #[serde(default)]
    pub contains: Option<String>,
    /// Regex.
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
}

/// A2A mock response.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aResponse {
    /// Text parts.
    #[serde(default)]
    pub parts: Vec<A2aPart>,
}

/// A2A text part.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct A2aPart {
    /// Text.
    pub text: String,
}

/// Conversation state store.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateStoreConfig {
    /// `memory`, `redis`, `file`.
    pub r#type: Spanned<String>,
    /// Redis settings.
    #[serde(default)]
    pub redis: Option<RedisConfig>,
    /// File store settings.
    #[serde(default)]
    pub file: Option<FileStateStoreConfig>,
}

/// Redis state store.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// Address.
    pub address: String,
    /// Password (discouraged).
    #[serde(default)]
    pub password: Option<String>,
    /// Database number.
    #[serde(default)]
    pub database: Option<i64>,
    /// TTL.
    #[serde(default)]
    pub ttl: Option<String>,
    /// Key prefix.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// File state store.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileStateStoreConfig {
    /// Root directory.
    pub root: String,
    /// `off`, `on-save`, `on-append`.
    #[serde(default)]
    pub fsync: Option<String>,
    /// Retention in days.
    #[serde(default)]
    pub ttl_days: Option<i64>,
}

/// Run defaults.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Temperature.
    #[serde(default)]
    pub temperature: Option<Spanned<f64>>,
    /// Maximum output tokens.
    #[serde(default)]
    pub max_tokens: Option<Spanned<i64>>,
    /// Seed.
    #[serde(default)]
    pub seed: Option<i64>,
    /// Parallel runs.
    #[serde(default)]
    pub concurrency: Option<Spanned<i64>>,
    /// Whole-run timeout (Go duration).
    #[serde(default)]
    pub run_timeout: Option<Spanned<String>>,
    /// Output settings.
    #[serde(default)]
    pub output: Option<OutputConfig>,
    /// Base folder for `mock_config` and other runtime paths.
    #[serde(default)]
    pub config_dir: Option<Spanned<String>>,
    /// Error classes that fail the run (e.g. `provider_error`).
    #[serde(default)]
    pub fail_on: Vec<Spanned<String>>,
    /// Verbose logging.
    #[serde(default)]
    pub verbose: Option<bool>,
    /// Monitoring.
    #[serde(default)]
    pub monitor: Option<MonitorSection>,
    /// Default inference providers per task.
    #[serde(default)]
    pub inference: Option<InferenceDefaults>,
    /// Legacy HTML report path.
    #[serde(default)]
    pub html_report: Option<String>,
    /// Legacy output folder.
    #[serde(default)]
    pub out_dir: Option<String>,
    /// Legacy output formats.
    #[serde(default)]
    pub output_formats: Vec<Spanned<String>>,
    /// Legacy markdown settings.
    #[serde(default)]
    pub markdown_config: Option<MarkdownConfig>,
}

/// Output settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Output folder.
    #[serde(default)]
    pub dir: Option<String>,
    /// Formats: `json`, `html`, `markdown`, `junit`.
    #[serde(default)]
    pub formats: Vec<Spanned<String>>,
    /// JSON output (no options).
    #[serde(default)]
    pub json: Option<EmptyConfig>,
    /// HTML output.
    #[serde(default)]
    pub html: Option<FileOutputConfig>,
    /// Markdown output.
    #[serde(default)]
    pub markdown: Option<MarkdownOutputConfig>,
    /// JUnit output.
    #[serde(default)]
    pub junit: Option<FileOutputConfig>,
    /// Session recordings.
    #[serde(default)]
    pub recording: Option<RecordingConfig>,
}

/// A section without options.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyConfig {}

/// An output written to one file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileOutputConfig {
    /// File name.
    #[serde(default)]
    pub file: Option<String>,
}

/// Markdown report sections.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Include details.
    #[serde(default)]
    pub include_details: bool,
    /// Overview section.
    #[serde(default)]
    pub show_overview: bool,
    /// Results matrix.
    #[serde(default)]
    pub show_results_matrix: bool,
    /// Failed tests.
    #[serde(default)]
    pub show_failed_tests: bool,
    /// Cost summary.
    #[serde(default)]
    pub show_cost_summary: bool,
}

/// Markdown output: file plus sections.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownOutputConfig {
    /// File name.
    #[serde(default)]
    pub file: Option<String>,
    /// Include details.
    #[serde(default)]
    pub include_details: bool,
    /// Overview section.
    #[serde(default)]
    pub show_overview: bool,
    /// Results matrix.
    #[serde(default)]
    pub show_results_matrix: bool,
    /// Failed tests.
    #[serde(default)]
    pub show_failed_tests: bool,
    /// Cost summary.
    #[serde(default)]
    pub show_cost_summary: bool,
}

/// Session recordings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingConfig {
    /// Record sessions.
    #[serde(default)]
    pub enabled: bool,
    /// Subfolder of the output folder.
    #[serde(default)]
    pub dir: Option<String>,
}

/// Monitoring.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSection {
    /// Audio monitoring.
    #[serde(default)]
    pub audio: Option<AudioMonitorSection>,
}

/// Audio monitoring.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudioMonitorSection {
    /// `auto`, `on`, `off`.
    #[serde(default)]
    pub enabled: Option<String>,
    /// Sample rate.
    #[serde(default)]
    pub rate: Option<i64>,
}

/// Default inference providers per task.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InferenceDefaults {
    /// Audio classifier provider id.
    #[serde(default)]
    pub audio_classifier: Option<Spanned<String>>,
    /// Text classifier provider id.
    #[serde(default)]
    pub text_classifier: Option<Spanned<String>>,
    /// Image classifier provider id.
    #[serde(default)]
    pub image_classifier: Option<Spanned<String>>,
    /// Video classifier provider id.
    #[serde(default)]
    pub video_classifier: Option<Spanned<String>>,
    /// Embedder provider id.
    #[serde(default)]
    pub embedder: Option<Spanned<String>>,
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
