//! `kind: PromptConfig` — a prompt: system template, variables, tools, validators.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::{ContentPart, EvalDef, FragmentRef};
use super::value::{Map, Node, SpannedMap};

/// The `spec` of a PromptConfig document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromptSpec {
    /// The task type scenarios name in `task_type`.
    pub task_type: Spanned<String>,
    /// Prompt version.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// What the prompt is for.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Template engine declaration.
    #[serde(default)]
    pub template_engine: Option<TemplateEngineInfo>,
    /// Fragments composed into the template.
    #[serde(default)]
    pub fragments: Vec<FragmentRef>,
    /// The system prompt template with `{{variables}}`.
    #[serde(default)]
    pub system_template: Option<Spanned<String>>,
    /// Declared template variables.
    #[serde(default)]
    pub variables: Vec<VariableMetadata>,
    /// Per-model template overrides, keyed by model name.
    #[serde(default)]
    pub model_overrides: Option<SpannedMap<String, ModelOverride>>,
    /// Tools this prompt may call (by tool name).
    #[serde(default)]
    pub allowed_tools: Vec<Spanned<String>>,
    /// Multimodal settings.
    #[serde(default)]
    pub media: Option<Spanned<MediaConfig>>,
    /// Validators / guardrails applied to responses.
    #[serde(default)]
    pub validators: Vec<ValidatorConfig>,
    /// Models this prompt was tested with.
    #[serde(default)]
    pub tested_models: Vec<ModelTestResult>,
    /// Tool-use policy.
    #[serde(default)]
    pub tool_policy: Option<ToolPolicyPack>,
    /// Sampling parameters.
    #[serde(default)]
    pub parameters: Option<Parameters>,
    /// Pack-level evals.
    #[serde(default)]
    pub evals: Vec<EvalDef>,
    /// Descriptive metadata.
    #[serde(default)]
    pub metadata: Option<PromptMetadata>,
    /// Compiler stamp (written by packc).
    #[serde(default)]
    pub compilation: Option<CompilationInfo>,
}

/// Template engine declaration.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateEngineInfo {
    /// Engine version.
    #[serde(default)]
    pub version: Option<String>,
    /// Syntax name.
    #[serde(default)]
    pub syntax: Option<Spanned<String>>,
    /// Enabled features.
    #[serde(default)]
    pub features: Vec<String>,
}

/// A declared template variable.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariableMetadata {
    /// Variable name as used in `{{name}}`.
    pub name: Spanned<String>,
    /// Type: `string`, `number`, `boolean`, `object`, `array`.
    #[serde(default)]
    pub r#type: Option<Spanned<String>>,
    /// Whether a value must be supplied.
    #[serde(default)]
    pub required: bool,
    /// Default value.
    #[serde(default)]
    pub default: Option<Node>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Example value.
    #[serde(default)]
    pub example: Option<Node>,
    /// Validation rules (pattern, min/max, enum...), free-form.
    #[serde(default)]
    pub validation: Option<Spanned<Map>>,
    /// Binding to a runtime resource.
    #[serde(default)]
    pub binding: Option<VariableBinding>,
}

/// Binding of a variable to a runtime resource.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariableBinding {
    /// Binding kind.
    pub kind: Spanned<String>,
    /// Field of the resource.
    #[serde(default)]
    pub field: Option<String>,
    /// Fill automatically.
    #[serde(default, rename = "autoPopulate")]
    pub auto_populate: Option<bool>,
    /// Resource filter.
    #[serde(default)]
    pub filter: Option<VariableBindingFilter>,
}

/// Filter of a variable binding.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariableBindingFilter {
    /// Required capability.
    #[serde(default)]
    pub capability: Option<String>,
    /// Required labels.
    #[serde(default)]
    pub labels: Option<SpannedMap<String, String>>,
}

/// Per-model template override.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOverride {
    /// Replacement system template.
    #[serde(default)]
    pub system_template: Option<Spanned<String>>,
    /// Suffix appended to the system template.
    #[serde(default)]
    pub system_template_suffix: Option<Spanned<String>>,
}

/// A validator (guardrail) on responses.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorConfig {
    /// Validator type, e.g. `banned_words`, `max_length`.
    pub r#type: Spanned<String>,
    /// Type-specific parameters.
    #[serde(default)]
    pub params: Option<Spanned<Map>>,
    /// Whether the validator is on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Fail the turn on violation.
    #[serde(default)]
    pub fail_on_violation: Option<bool>,
    /// Message on violation.
    #[serde(default)]
    pub message: Option<Spanned<String>>,
}

/// Result of testing the prompt with a model.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelTestResult {
    /// Provider.
    pub provider: String,
    /// Model.
    pub model: String,
    /// Date tested.
    pub date: String,
    /// Success rate (0-1).
    #[serde(deserialize_with = "strict::req")]
    pub success_rate: f64,
    /// Average tokens.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_tokens: Option<i64>,
    /// Average cost.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_cost: Option<f64>,
    /// Average latency.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_latency_ms: Option<i64>,
}

/// Tool-use policy of a prompt.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolPolicyPack {
    /// `auto`, `required`, `none` or a tool name.
    #[serde(default)]
    pub tool_choice: Option<Spanned<String>>,
    /// Maximum tool rounds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_rounds: Option<i64>,
    /// Maximum tool calls per turn.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_tool_calls_per_turn: Option<i64>,
    /// Tools never allowed.
    #[serde(default)]
    pub blocklist: Vec<Spanned<String>>,
}

/// Sampling parameters of a prompt.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    /// Temperature.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub temperature: Option<Spanned<f64>>,
    /// Maximum output tokens.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub max_tokens: Option<Spanned<i64>>,
    /// Nucleus sampling.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub top_p: Option<Spanned<f64>>,
    /// Top-k sampling.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub top_k: Option<Spanned<i64>>,
}

/// Multimodal settings of a prompt.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// Multimodal on.
    #[serde(default)]
    pub enabled: bool,
    /// `image`, `audio`, `video`, `document`.
    #[serde(default)]
    pub supported_types: Vec<Spanned<String>>,
    /// Image limits.
    #[serde(default)]
    pub image: Option<ImageConfig>,
    /// Audio limits.
    #[serde(default)]
    pub audio: Option<AvConfig>,
    /// Video limits.
    #[serde(default)]
    pub video: Option<AvConfig>,
    /// Example multimodal messages.
    #[serde(default)]
    pub examples: Vec<MultimodalExample>,
}

/// Image limits.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    /// Maximum size in MB.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_size_mb: Option<i64>,
    /// Allowed formats.
    #[serde(default)]
    pub allowed_formats: Vec<String>,
    /// Default detail level.
    #[serde(default)]
    pub default_detail: Option<String>,
    /// Require captions.
    #[serde(default)]
    pub require_caption: Option<bool>,
    /// Maximum images per message.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_images_per_msg: Option<i64>,
}

/// Audio or video limits.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AvConfig {
    /// Maximum size in MB.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_size_mb: Option<i64>,
    /// Allowed formats.
    #[serde(default)]
    pub allowed_formats: Vec<String>,
    /// Maximum duration in seconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_duration_sec: Option<i64>,
    /// Require metadata.
    #[serde(default)]
    pub require_metadata: Option<bool>,
}

/// An example multimodal message.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MultimodalExample {
    /// Example name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Message role.
    pub role: Spanned<String>,
    /// Content parts.
    #[serde(default)]
    pub parts: Vec<ContentPart>,
}

/// Descriptive metadata of a prompt.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromptMetadata {
    /// Domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Language.
    #[serde(default)]
    pub language: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Estimated cost.
    #[serde(default)]
    pub cost_estimate: Option<CostEstimate>,
    /// Measured performance.
    #[serde(default)]
    pub performance: Option<PerformanceMetrics>,
    /// Change history.
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
    /// Average latency (arena schema only).
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_latency_ms: Option<i64>,
}

/// Estimated cost per conversation.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CostEstimate {
    /// Minimum USD.
    #[serde(default, deserialize_with = "strict::opt")]
    pub min_cost_usd: Option<f64>,
    /// Maximum USD.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_cost_usd: Option<f64>,
    /// Average USD.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_cost_usd: Option<f64>,
}

/// Measured performance.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PerformanceMetrics {
    /// Average latency.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_latency_ms: Option<i64>,
    /// 95th percentile latency.
    #[serde(default, deserialize_with = "strict::opt")]
    pub p95_latency_ms: Option<i64>,
    /// Average tokens.
    #[serde(default, deserialize_with = "strict::opt")]
    pub avg_tokens: Option<i64>,
    /// Success rate.
    #[serde(default, deserialize_with = "strict::opt")]
    pub success_rate: Option<f64>,
}

/// One changelog entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    /// Version.
    pub version: String,
    /// Date.
    pub date: String,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// What changed.
    pub description: String,
}

/// Compiler stamp.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompilationInfo {
    /// Compiler name and version.
    #[serde(default)]
    pub compiled_with: Option<String>,
    /// Timestamp.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Schema URL.
    #[serde(default)]
    pub schema: Option<String>,
}
