//! `kind: Tool` — a tool descriptor with its mock, HTTP, exec or client binding.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::ExecBinding;
use super::value::{Map, Node, SpannedMap};

/// The `spec` of a Tool document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    /// Tool name the model calls (unique in a project).
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// Description shown to the model.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// JSON Schema of the arguments.
    #[serde(default)]
    pub input_schema: Option<Node>,
    /// JSON Schema of the result.
    #[serde(default)]
    pub output_schema: Option<Node>,
    /// `mock`, `live`, `mcp`, `exec` or `client`.
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// Call timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Static mock result.
    #[serde(default)]
    pub mock_result: Option<Node>,
    /// Go text/template rendered against the arguments (mock mode).
    #[serde(default)]
    pub mock_template: Option<Spanned<String>>,
    /// Multimodal mock result parts.
    #[serde(default)]
    pub mock_parts: Vec<MockPart>,
    /// HTTP binding (`mode: live`).
    #[serde(default)]
    pub http: Option<HttpConfig>,
    /// Subprocess binding (`mode: exec`).
    #[serde(default)]
    pub exec: Option<ExecBinding>,
    /// Client-side execution (`mode: client`).
    #[serde(default)]
    pub client: Option<ToolClientConfig>,
}

/// One multimodal part of a mock tool result.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockPart {
    /// `text`, `image`, `audio`, `video`, `document`.
    pub r#type: Spanned<String>,
    /// Text (for `type: text`).
    #[serde(default)]
    pub text: Option<String>,
    /// Media (for media types).
    #[serde(default)]
    pub media: Option<MockMedia>,
}

/// Media of a mock tool result part.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockMedia {
    /// Local file.
    #[serde(default)]
    pub file_path: Option<Spanned<String>>,
    /// Remote URL.
    #[serde(default)]
    pub url: Option<String>,
    /// MIME type.
    pub mime_type: Spanned<String>,
    /// Width in pixels.
    #[serde(default, deserialize_with = "strict::opt")]
    pub width: Option<i64>,
    /// Height in pixels.
    #[serde(default, deserialize_with = "strict::opt")]
    pub height: Option<i64>,
    /// Caption.
    #[serde(default)]
    pub caption: Option<String>,
}

/// HTTP binding of a live tool; `url` may use Go-style `{{.arg}}` placeholders.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// URL template.
    pub url: Spanned<String>,
    /// HTTP method.
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    /// Header names whose values come from the environment.
    #[serde(default)]
    pub headers_from_env: Vec<Spanned<String>>,
    /// Timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Fields redacted from logs.
    #[serde(default)]
    pub redact: Vec<String>,
    /// Static headers.
    #[serde(default)]
    pub headers: Option<SpannedMap<String, String>>,
    /// How arguments map onto the request.
    #[serde(default)]
    pub request: Option<RequestMapping>,
    /// How the response maps onto the result.
    #[serde(default)]
    pub response: Option<ResponseMapping>,
    /// Multimodal response handling.
    #[serde(default)]
    pub multimodal: Option<MultimodalConfig>,
}

/// Mapping of tool arguments onto an HTTP request.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestMapping {
    /// Arguments sent as query parameters.
    #[serde(default)]
    pub query_params: Vec<Spanned<String>>,
    /// Arguments sent as headers (argument -> header).
    #[serde(default)]
    pub header_params: Option<SpannedMap<String, String>>,
    /// JMESPath-like body mapping expression.
    #[serde(default)]
    pub body_mapping: Option<Spanned<String>>,
    /// Arguments left out of the body.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Fixed query parameters.
    #[serde(default)]
    pub static_query: Option<SpannedMap<String, String>>,
    /// Fixed headers.
    #[serde(default)]
    pub static_headers: Option<SpannedMap<String, String>>,
    /// Fixed body fields, free-form.
    #[serde(default)]
    pub static_body: Option<Spanned<Map>>,
}

/// Mapping of an HTTP response onto the tool result.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseMapping {
    /// Expression selecting the result from the body.
    #[serde(default)]
    pub body_mapping: Option<Spanned<String>>,
}

/// Multimodal HTTP response handling.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MultimodalConfig {
    /// Turns multimodal handling on.
    #[serde(default)]
    pub enabled: bool,
    /// Accepted MIME types.
    #[serde(default)]
    pub accept_types: Vec<String>,
}

/// Client-side tool execution settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolClientConfig {
    /// User consent requirement.
    #[serde(default)]
    pub consent: Option<ToolConsentConfig>,
    /// Timeout in milliseconds.
    #[serde(default, deserialize_with = "strict::opt")]
    pub timeout_ms: Option<i64>,
    /// Categories for UI grouping.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Validate the client's output against `output_schema`.
    #[serde(default)]
    pub validate_output: Option<bool>,
}

/// Consent required before a client tool runs.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolConsentConfig {
    /// Whether consent is required.
    #[serde(default)]
    pub required: bool,
    /// Prompt shown to the user.
    #[serde(default)]
    pub message: Option<String>,
    /// What to do when declined.
    #[serde(default)]
    pub decline_strategy: Option<Spanned<String>>,
}

/// The memory tools the runtime offers when memory is enabled.
pub const MEMORY_TOOLS: [&str; 4] = [
    "memory__remember",
    "memory__recall",
    "memory__list",
    "memory__forget",
];

/// The tool the runtime offers to move a workflow between states.
pub const WORKFLOW_TRANSITION_TOOL: &str = "workflow__transition";

/// The tool the runtime offers to record a workflow artifact.
pub const WORKFLOW_ARTIFACT_TOOL: &str = "workflow__set_artifact";
