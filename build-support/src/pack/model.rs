//! The PromptPack data model: serde types of a `.pack.json` file, shared by the
//! compiler (which writes them) and the runtime reader (which loads them).
//!
//! Field order is the reference's (Go struct order), so serialising a compiled pack
//! gives the reference's key order; maps are [`BTreeMap`]s (sorted keys, as Go's
//! encoder writes maps). Every object keeps fields this model does not know in
//! `extra`, so a pack from a newer spec round-trips without losing anything.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Fields of an object this model does not name, kept verbatim.
pub type Extra = Map<String, Value>;

/// A PromptPack: prompts keyed by task type, with the tools, fragments, evals and
/// workflow they share.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PromptPack {
    /// JSON Schema URL of the pack format.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Pack id (`^[a-z][a-z0-9-]*$`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Pack version (semantic version, optional `v` prefix).
    pub version: String,
    /// What the pack is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How `{{variables}}` are written and resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_engine: Option<TemplateEngine>,
    /// Prompts keyed by task type.
    #[serde(default)]
    pub prompts: BTreeMap<String, PackPrompt>,
    /// Tools prompts may call, keyed by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tools: BTreeMap<String, PackTool>,
    /// Shared fragments: name -> content.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fragments: BTreeMap<String, String>,
    /// Pack-level metadata (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Compiler stamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compilation: Option<Compilation>,
    /// Pack-level evals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evals: Vec<PackEval>,
    /// State machine over the prompts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Workflow>,
    /// Named composition step-graphs (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compositions: Option<Value>,
    /// A2A agent definitions over the prompts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<Agents>,
    /// Skill sources (a path string, `{path, preload}` or an inline skill).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The template engine shared by every prompt of a pack.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateEngine {
    /// Engine version, e.g. `v1`.
    #[serde(default)]
    pub version: String,
    /// Placeholder syntax, e.g. `{{variable}}`.
    #[serde(default)]
    pub syntax: String,
    /// Supported features, e.g. `basic_substitution`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One prompt of a pack.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackPrompt {
    /// Prompt id (its task type).
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: String,
    /// What the prompt does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Prompt version.
    #[serde(default)]
    pub version: String,
    /// The system prompt with `{{variables}}`.
    #[serde(default)]
    pub system_template: String,
    /// Declared variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<PackVariable>,
    /// Names of the tools this prompt may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// Tool-use policy (`tool_choice`, `max_rounds`, ...), free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_policy: Option<Value>,
    /// Multimodal settings, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Value>,
    /// Runtime pipeline stages and middleware, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Value>,
    /// Sampling parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<PackParameters>,
    /// Response validators (guardrails).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validators: Vec<PackValidator>,
    /// Prompt-level evals (override pack-level ones by id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evals: Vec<PackEval>,
    /// Models the prompt was tested with, free-form entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tested_models: Vec<Value>,
    /// Per-model template overrides, keyed by model name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub model_overrides: BTreeMap<String, ModelOverride>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A declared template variable (the binding of the authoring format is not part of a pack).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackVariable {
    /// Name used in `{{name}}`.
    pub name: String,
    /// `string`, `number`, `boolean`, `object` or `array`.
    #[serde(default = "string_type", rename = "type")]
    pub r#type: String,
    /// Whether a value must be supplied.
    #[serde(default)]
    pub required: bool,
    /// Value used when none is supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Rules: `pattern`, `enum`, `min_length`, `max_length`, `minimum`, `maximum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

fn string_type() -> String {
    "string".to_owned()
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackTool {
    /// Function name.
    pub name: String,
    /// What the tool does.
    #[serde(default)]
    pub description: String,
    /// JSON Schema of the arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Sampling parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackParameters {
    /// Temperature (0-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Maximum output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<i64>,
    /// Nucleus sampling (0-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<i64>,
    /// Fields this model does not know (e.g. `frequency_penalty`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A response validator (guardrail).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackValidator {
    /// Validator type, e.g. `banned_words`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Whether it runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Fail the turn on a violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_violation: Option<bool>,
    /// Type-specific parameters (a user-facing `message` lives here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<String, Value>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

fn yes() -> bool {
    true
}

/// An eval run against conversations in production.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackEval {
    /// Eval id.
    pub id: String,
    /// Eval type.
    #[serde(rename = "type")]
    pub r#type: String,
    /// When it runs, e.g. `every_turn`.
    #[serde(default)]
    pub trigger: String,
    /// Type-specific parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Sampling percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_percentage: Option<f64>,
    /// Metric it exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Value>,
    /// Pass threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Value>,
    /// Failure message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Preconditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Value>,
    /// Groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A per-model template override.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelOverride {
    /// Replacement system template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_template: Option<String>,
    /// Suffix appended to the system template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_template_suffix: Option<String>,
    /// Fields this model does not know (e.g. `system_template_prefix`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The compiler stamp.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Compilation {
    /// Compiler name and version.
    #[serde(default)]
    pub compiled_with: String,
    /// RFC 3339 timestamp.
    #[serde(default)]
    pub created_at: String,
    /// Pack schema version, e.g. `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A workflow: an event-driven state machine over the pack's prompts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Workflow {
    /// Workflow format version.
    #[serde(default)]
    pub version: i64,
    /// The first state.
    #[serde(default)]
    pub entry: String,
    /// States by name.
    #[serde(default)]
    pub states: BTreeMap<String, WorkflowState>,
    /// Engine settings (budgets), free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One workflow state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WorkflowState {
    /// The task type of the prompt that runs in this state.
    #[serde(default)]
    pub prompt_task: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Event name -> next state.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub on_event: BTreeMap<String, String>,
    /// Storage hint (`transient`, `persistent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence: Option<String>,
    /// Control mode (`internal`, `external`, `hybrid`, `composition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orchestration: Option<String>,
    /// Skills filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<String>,
    /// Composition run by a `composition` state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composition: Option<String>,
    /// Whether the state ends the workflow.
    #[serde(default, skip_serializing_if = "is_false")]
    pub terminal: bool,
    /// Maximum times the state may be entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_visits: Option<i64>,
    /// State to go to when `max_visits` is reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_max_visits: Option<String>,
    /// Artifact slots, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifacts: Option<Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Agents: prompts exposed as A2A agents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Agents {
    /// The member that receives requests first.
    #[serde(default)]
    pub entry: String,
    /// Members keyed by prompt task type.
    #[serde(default)]
    pub members: BTreeMap<String, AgentDef>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A2A agent card data of one member.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AgentDef {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Accepted MIME types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_modes: Vec<String>,
    /// Produced MIME types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_modes: Vec<String>,
    /// Workflow state backing this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PromptPack {
    /// Task types of the prompts, sorted.
    pub fn prompt_names(&self) -> impl Iterator<Item = &str> {
        self.prompts.keys().map(String::as_str)
    }

    /// Serialises the pack as the reference does: two-space indented JSON, no
    /// trailing newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}
