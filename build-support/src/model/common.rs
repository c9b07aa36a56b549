//! Types shared by several kinds: assertions, fragments, credentials, exec bindings, evals.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::value::{Map, SpannedMap};

/// One assertion (`type` + free-form `params`); the assertion registry checks types and params.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// The assertion type, e.g. `content_includes` (aliases allowed).
    pub r#type: Spanned<String>,
    /// Type-specific parameters, free-form.
    #[serde(default)]
    pub params: Option<Spanned<Map>>,
    /// Message shown when the assertion fails.
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    /// Condition under which the assertion applies.
    #[serde(default)]
    pub when: Option<Box<Spanned<AssertionWhen>>>,
    /// For trial runs: the fraction of trials that must pass.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub pass_threshold: Option<Spanned<f64>>,
}

/// Conditions gating an assertion or eval (`when:`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionWhen {
    /// Applies only if this tool was called.
    #[serde(default)]
    pub tool_called: Option<Spanned<String>>,
    /// Applies only if a tool matching this regex was called.
    #[serde(default)]
    pub tool_called_pattern: Option<Spanned<String>>,
    /// Applies only if any tool was called.
    #[serde(default)]
    pub any_tool_called: Option<bool>,
    /// Applies only after at least this many tool calls.
    #[serde(default, deserialize_with = "strict::opt")]
    pub min_tool_calls: Option<i64>,
}

/// A reference to a prompt fragment (`fragments:` of prompts and personas).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FragmentRef {
    /// Fragment name.
    pub name: Spanned<String>,
    /// Optional path to the fragment file, relative to the file naming it.
    #[serde(default)]
    pub path: Option<Spanned<String>>,
    /// Whether the fragment must exist.
    #[serde(default)]
    pub required: bool,
}

/// Where a provider finds its credential (never the secret itself in packs).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialConfig {
    /// Literal API key (discouraged; never copied into packs or logs).
    #[serde(default)]
    pub api_key: Option<String>,
    /// File holding the key.
    #[serde(default)]
    pub credential_file: Option<Spanned<String>>,
    /// Environment variable holding the key.
    #[serde(default)]
    pub credential_env: Option<Spanned<String>>,
}

/// Cloud platform hosting a provider (Bedrock, Vertex, Azure).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// Platform type, e.g. `bedrock`.
    #[serde(default)]
    pub r#type: Option<Spanned<String>>,
    /// Cloud region.
    #[serde(default)]
    pub region: Option<String>,
    /// Cloud project.
    #[serde(default)]
    pub project: Option<String>,
    /// Endpoint override.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Platform-specific settings, free-form.
    #[serde(default)]
    pub additional_config: Option<Spanned<Map>>,
}

/// A subprocess binding (`exec:` tools, runtime evals).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExecBinding {
    /// Command to run.
    pub command: Spanned<String>,
    /// `exec` (one process per call) or `server` (long-running).
    #[serde(default)]
    pub runtime: Option<Spanned<String>>,
    /// Environment variable names passed through.
    #[serde(default)]
    pub env: Vec<String>,
    /// Command arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Named sandbox.
    #[serde(default)]
    pub sandbox: Option<Spanned<String>>,
}

/// A pack-level eval definition (`evals:` of a prompt, `pack_evals:` of an arena).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvalDef {
    /// Eval id.
    pub id: Spanned<String>,
    /// Eval type (same registry as assertions).
    pub r#type: Spanned<String>,
    /// When it runs, e.g. `every_turn`, `on_session_complete`.
    pub trigger: Spanned<String>,
    /// Type-specific parameters.
    #[serde(default)]
    pub params: Option<Spanned<Map>>,
    /// Human description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the eval is enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Sampling percentage (0-100).
    #[serde(default, deserialize_with = "strict::opt")]
    pub sample_percentage: Option<f64>,
    /// Metric exported by the eval.
    #[serde(default)]
    pub metric: Option<MetricDef>,
    /// Pass threshold.
    #[serde(default)]
    pub threshold: Option<Threshold>,
    /// Failure message.
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    /// Condition under which the eval runs.
    #[serde(default)]
    pub when: Option<Box<Spanned<AssertionWhen>>>,
    /// Groups the eval belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// A metric exported by an eval.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    /// Metric name.
    pub name: Spanned<String>,
    /// Metric type (gauge, counter, histogram, boolean).
    pub r#type: Spanned<String>,
    /// Value range.
    #[serde(default)]
    pub range: Option<MetricRange>,
    /// Metric labels.
    #[serde(default)]
    pub labels: Option<SpannedMap<String, String>>,
}

/// A numeric range.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricRange {
    /// Lower bound.
    #[serde(default, deserialize_with = "strict::opt")]
    pub min: Option<f64>,
    /// Upper bound.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max: Option<f64>,
}

/// An eval pass threshold.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Required boolean outcome.
    #[serde(default)]
    pub passed: Option<bool>,
    /// Minimum score.
    #[serde(default, deserialize_with = "strict::opt")]
    pub min_score: Option<f64>,
    /// Maximum score.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_score: Option<f64>,
}

/// A media attachment in examples and scenario turns.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    /// Local file, relative to the file naming it.
    #[serde(default)]
    pub file_path: Option<Spanned<String>>,
    /// Remote URL.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Inline base64 data (scenario turns only).
    #[serde(default)]
    pub data: Option<String>,
    /// Storage reference (scenario turns only).
    #[serde(default)]
    pub storage_reference: Option<String>,
    /// MIME type, e.g. `image/png`.
    pub mime_type: Spanned<String>,
    /// Image detail level (`low`, `high`, `auto`).
    #[serde(default)]
    pub detail: Option<String>,
    /// Caption.
    #[serde(default)]
    pub caption: Option<String>,
}

/// One content part of a multimodal message (`type: text|image|audio|video|document`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContentPart {
    /// Part type.
    pub r#type: Spanned<String>,
    /// Text (for `type: text`).
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// Media (for media types).
    #[serde(default)]
    pub media: Option<MediaRef>,
}
