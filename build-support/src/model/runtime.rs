//! The `runtime:` section of an arena config (also the spec of a RuntimeConfig document):
//! runtime providers, tools, MCP servers, logging, exec hooks, sandboxes.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::{CredentialConfig, ExecBinding, PlatformConfig};
use super::integrations::{McpServerConfig, StateStoreConfig};
use super::provider::ProviderSpec;
use super::tool::ToolSpec;
use super::value::{Map, SpannedMap};

/// The runtime config.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfigSpec {
    /// LLM providers.
    #[serde(default)]
    pub providers: Vec<ProviderSpec>,
    /// Embedding providers.
    #[serde(default)]
    pub embedding_providers: Vec<AuxProviderConfig>,
    /// Text-to-speech providers.
    #[serde(default)]
    pub tts_providers: Vec<AuxProviderConfig>,
    /// Speech-to-text providers.
    #[serde(default)]
    pub stt_providers: Vec<AuxProviderConfig>,
    /// Classifier (inference) providers.
    #[serde(default)]
    pub inference_providers: Vec<AuxProviderConfig>,
    /// Tools by name.
    #[serde(default)]
    pub tools: Option<SpannedMap<String, ToolSpec>>,
    /// MCP servers.
    #[serde(default)]
    pub mcp_servers: Vec<McpServerConfig>,
    /// Conversation state store.
    #[serde(default)]
    pub state_store: Option<StateStoreConfig>,
    /// Logging.
    #[serde(default)]
    pub logging: Option<LoggingConfig>,
    /// Exec-backed evals by name.
    #[serde(default)]
    pub evals: Option<SpannedMap<String, ExecBinding>>,
    /// Exec hooks by name.
    #[serde(default)]
    pub hooks: Option<SpannedMap<String, ExecHook>>,
    /// Sandboxes by name (`mode` plus factory-specific keys, free-form).
    #[serde(default)]
    pub sandboxes: Option<SpannedMap<String, Spanned<Map>>>,
    /// Tool selectors by name.
    #[serde(default)]
    pub selectors: Option<SpannedMap<String, SelectorConfig>>,
    /// Skill settings.
    #[serde(default)]
    pub skills: Option<SkillsConfig>,
    /// Selector used for tools.
    #[serde(default)]
    pub tool_selector: Option<Spanned<String>>,
}

/// An embedding, TTS, STT or inference provider of the runtime config.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuxProviderConfig {
    /// Provider id.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// Implementation (e.g. `openai`, `voyageai`, `elevenlabs`, `huggingface`).
    pub r#type: Spanned<String>,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// API base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Credential source.
    #[serde(default)]
    pub credential: Option<CredentialConfig>,
    /// Hosting platform (embeddings).
    #[serde(default)]
    pub platform: Option<PlatformConfig>,
    /// Provider-specific settings, free-form.
    #[serde(default)]
    pub additional_config: Option<Spanned<Map>>,
}

/// Logging settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoggingConfig {
    /// `trace`, `debug`, `info`, `warn`, `error`.
    #[serde(default, rename = "defaultLevel")]
    pub default_level: Option<Spanned<String>>,
    /// `json` or `text`.
    #[serde(default)]
    pub format: Option<Spanned<String>>,
    /// Fields added to every record.
    #[serde(default, rename = "commonFields")]
    pub common_fields: Option<SpannedMap<String, String>>,
    /// Per-module levels.
    #[serde(default)]
    pub modules: Vec<ModuleLogging>,
}

/// Logging level of one module.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleLogging {
    /// Module name.
    pub name: String,
    /// Level.
    pub level: Spanned<String>,
    /// Extra fields.
    #[serde(default)]
    pub fields: Option<SpannedMap<String, String>>,
}

/// An exec hook: a subprocess called at provider, tool, session or eval phases.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExecHook {
    /// Command to run.
    pub command: Spanned<String>,
    /// `exec` or `server`.
    #[serde(default)]
    pub runtime: Option<Spanned<String>>,
    /// Environment variable names passed through.
    #[serde(default)]
    pub env: Vec<String>,
    /// Arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Named sandbox.
    #[serde(default)]
    pub sandbox: Option<Spanned<String>>,
    /// `provider`, `tool`, `session`, `eval`.
    pub hook: Spanned<String>,
    /// Phases the hook runs in.
    #[serde(default)]
    pub phases: Vec<Spanned<String>>,
    /// `filter` or `observe`.
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
}

/// A tool selector subprocess.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SelectorConfig {
    /// Command.
    pub command: Spanned<String>,
    /// Arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variable names passed through.
    #[serde(default)]
    pub env: Vec<String>,
    /// Timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Named sandbox.
    #[serde(default)]
    pub sandbox: Option<Spanned<String>>,
}

/// Skill settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SkillsConfig {
    /// Selector name.
    #[serde(default)]
    pub selector: Option<Spanned<String>>,
}
