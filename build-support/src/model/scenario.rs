//! `kind: Scenario` — a test conversation: turns, assertions, policies.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::{Assertion, ContentPart};
use super::value::{Map, SpannedMap};

/// The `spec` of a Scenario document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Id; the reference overrides it with `metadata.name`.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// The prompt config's `task_type` this scenario runs.
    #[serde(default)]
    pub task_type: Option<Spanned<String>>,
    /// Execution mode (e.g. `duplex`).
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// What the scenario tests.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Stratification labels (the reference copies `metadata.labels` here).
    #[serde(default)]
    pub labels: Option<SpannedMap<String, String>>,
    /// Context metadata.
    #[serde(default)]
    pub context_metadata: Option<ContextMetadata>,
    /// The conversation turns.
    #[serde(default, deserialize_with = "super::compact::vec")]
    pub turns: Vec<Turn>,
    /// Extra context, free-form.
    #[serde(default)]
    pub context: Option<Spanned<Map>>,
    /// Constraints, free-form.
    #[serde(default)]
    pub constraints: Option<Spanned<Map>>,
    /// Tool-use policy.
    #[serde(default)]
    pub tool_policy: Option<Box<ToolPolicy>>,
    /// Provider ids this scenario runs on (default: all).
    #[serde(default)]
    pub providers: Vec<Spanned<String>>,
    /// Provider group this scenario runs on.
    #[serde(default)]
    pub provider_group: Option<Spanned<String>>,
    /// Capabilities a provider needs to run this scenario.
    #[serde(default)]
    pub required_capabilities: Vec<Spanned<String>>,
    /// Stream responses.
    #[serde(default)]
    pub streaming: Option<bool>,
    /// Context window management.
    #[serde(default)]
    pub context_policy: Option<Box<ContextPolicy>>,
    /// Assertions over the whole conversation.
    #[serde(default, deserialize_with = "super::compact::vec")]
    pub conversation_assertions: Vec<Assertion>,
    /// Duplex (voice) settings.
    #[serde(default)]
    pub duplex: Option<Box<DuplexConfig>>,
    /// Voice binding id.
    #[serde(default)]
    pub voice: Option<Spanned<String>>,
    /// Template variables injected into the prompt.
    #[serde(default)]
    pub variables: Option<SpannedMap<String, Spanned<String>>>,
    /// Repeat count for statistical runs.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub trials: Option<Spanned<i64>>,
    /// Memories seeded before the conversation.
    #[serde(default)]
    pub seed_memories: Vec<SeedMemory>,
}

/// One scripted or self-play turn.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Turn {
    /// `user`, `assistant`, `system`, or a self-play role id.
    pub role: Spanned<String>,
    /// Message text.
    #[serde(default)]
    pub content: Option<Spanned<String>>,
    /// Multimodal parts.
    #[serde(default, deserialize_with = "super::compact::vec")]
    pub parts: Vec<ContentPart>,
    /// Persona id (self-play turns).
    #[serde(default)]
    pub persona: Option<Spanned<String>>,
    /// Number of self-play turns.
    #[serde(default, deserialize_with = "strict::opt")]
    pub turns: Option<i64>,
    /// Upper bound on self-play turns.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_turns: Option<i64>,
    /// Assistant temperature for this turn.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub assistant_temp: Option<Spanned<f64>>,
    /// Simulated user temperature.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub user_temp: Option<Spanned<f64>>,
    /// Seed.
    #[serde(default, deserialize_with = "strict::opt")]
    pub seed: Option<i64>,
    /// Stream this turn.
    #[serde(default)]
    pub streaming: Option<bool>,
    /// Client-tool consent answers by tool name (`grant`/`deny`).
    #[serde(default)]
    pub consent_overrides: Option<SpannedMap<String, Spanned<String>>>,
    /// Perturbed variants of the message (name -> texts).
    #[serde(default)]
    pub perturbations: Option<SpannedMap<String, Vec<String>>>,
    /// Injected tool failures.
    #[serde(default)]
    pub chaos: Option<ChaosConfig>,
    /// Assertions on the response to this turn.
    #[serde(default, deserialize_with = "super::compact::vec")]
    pub assertions: Vec<Assertion>,
}

/// Context metadata.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContextMetadata {
    /// Domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// User role.
    #[serde(default)]
    pub user_role: Option<String>,
    /// Project stage.
    #[serde(default)]
    pub project_stage: Option<String>,
}

/// Tool-use policy of a scenario.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolPolicy {
    /// `auto`, `required`, `none` or a tool name.
    #[serde(default)]
    pub tool_choice: Option<Spanned<String>>,
    /// Maximum tool calls per turn.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_tool_calls_per_turn: Option<i64>,
    /// Maximum tool calls in the conversation.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_total_tool_calls: Option<i64>,
    /// Tools never allowed.
    #[serde(default)]
    pub blocklist: Vec<Spanned<String>>,
    /// Maximum tool rounds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_rounds: Option<i64>,
    /// Cost ceiling in USD.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_cost_usd: Option<f64>,
    /// Maximum identical tool calls.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_identical_tool_calls: Option<i64>,
}

/// Context window management.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContextPolicy {
    /// Token budget.
    #[serde(default, deserialize_with = "strict::opt")]
    pub token_budget: Option<i64>,
    /// Tokens reserved for the output.
    #[serde(default, deserialize_with = "strict::opt")]
    pub reserve_for_output: Option<i64>,
    /// Truncation strategy (`oldest`, `fail`, `relevance`, ...).
    #[serde(default)]
    pub strategy: Option<Spanned<String>>,
    /// Insert cache breakpoints.
    #[serde(default)]
    pub cache_breakpoints: Option<bool>,
    /// Relevance-based truncation.
    #[serde(default)]
    pub relevance: Option<RelevanceConfig>,
}

/// Relevance-based truncation settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelevanceConfig {
    /// Embedding provider id.
    pub provider: Spanned<String>,
    /// Embedding model.
    #[serde(default)]
    pub model: Option<String>,
    /// Recent messages always kept.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub min_recent_messages: Option<Spanned<i64>>,
    /// Always keep system messages.
    #[serde(default)]
    pub always_keep_system_role: Option<bool>,
    /// Similarity threshold.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub similarity_threshold: Option<Spanned<f64>>,
    /// Query source.
    #[serde(default)]
    pub query_source: Option<Spanned<String>>,
    /// Messages used as query.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub last_n_count: Option<Spanned<i64>>,
    /// Custom query.
    #[serde(default)]
    pub custom_query: Option<String>,
    /// Cache embeddings.
    #[serde(default)]
    pub cache_embeddings: Option<bool>,
}

/// Duplex (voice) settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DuplexConfig {
    /// Session timeout (Go duration).
    #[serde(default)]
    pub timeout: Option<String>,
    /// Turn detection.
    #[serde(default)]
    pub turn_detection: Option<TurnDetectionConfig>,
    /// Resilience.
    #[serde(default)]
    pub resilience: Option<DuplexResilienceConfig>,
}

/// Turn detection of a duplex session.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TurnDetectionConfig {
    /// Mode (`vad`, `asm`).
    #[serde(default)]
    pub mode: Option<String>,
    /// Voice activity detection.
    #[serde(default)]
    pub vad: Option<VadConfig>,
}

/// Voice activity detection.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VadConfig {
    /// Silence threshold.
    #[serde(default, deserialize_with = "strict::opt")]
    pub silence_threshold_ms: Option<i64>,
    /// Minimum speech.
    #[serde(default, deserialize_with = "strict::opt")]
    pub min_speech_ms: Option<i64>,
    /// Maximum turn duration.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_turn_duration_s: Option<i64>,
}

/// Duplex resilience.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DuplexResilienceConfig {
    /// Maximum retries.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_retries: Option<i64>,
    /// Delay between retries.
    #[serde(default, deserialize_with = "strict::opt")]
    pub retry_delay_ms: Option<i64>,
    /// Turns needed for partial success.
    #[serde(default, deserialize_with = "strict::opt")]
    pub partial_success_min_turns: Option<i64>,
    /// Ignore a session end on the last turn.
    #[serde(default)]
    pub ignore_last_turn_session_end: Option<bool>,
}

/// Injected tool failures.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChaosConfig {
    /// Failures per tool.
    #[serde(default)]
    pub tool_failures: Vec<ChaosToolFailure>,
}

/// One injected tool failure.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChaosToolFailure {
    /// Tool name.
    pub tool: Spanned<String>,
    /// Failure mode (`error`, `timeout`, ...).
    pub mode: Spanned<String>,
    /// Probability (0-1).
    #[serde(default, deserialize_with = "strict::opt")]
    pub probability: Option<f64>,
    /// Error message.
    #[serde(default)]
    pub message: Option<String>,
}

/// A memory seeded before the conversation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMemory {
    /// Memory text.
    pub content: String,
    /// Memory type.
    #[serde(default)]
    pub r#type: Option<String>,
    /// Confidence (0-1).
    #[serde(default, deserialize_with = "strict::opt")]
    pub confidence: Option<f64>,
    /// Metadata, free-form.
    #[serde(default)]
    pub metadata: Option<Spanned<Map>>,
}
