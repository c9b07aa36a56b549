//! Integrations named by an arena config: MCP servers, A2A agents, state stores, deploy targets.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::value::{Map, SpannedMap};

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
    #[serde(default, deserialize_with = "strict::opt")]
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
    #[serde(default, deserialize_with = "strict::opt")]
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

impl A2aCard {
    /// The tool the model calls for skill `skill_id` of this agent, as the reference
    /// names it: `a2a__<card name>__<skill id>`, each lowercased with every run of
    /// other characters than `a-z0-9` turned into `_` and trimmed.
    pub fn tool_name(&self, skill_id: &str) -> String {
        a2a_tool_name(&self.name, skill_id)
    }
}

/// The tool name of skill `skill_id` of the agent whose card is named `card_name`
/// (mock or remote): see [`A2aCard::tool_name`].
pub fn a2a_tool_name(card_name: &str, skill_id: &str) -> String {
    format!("a2a__{}__{}", sanitize(card_name), sanitize(skill_id))
}

fn sanitize(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
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
    #[serde(default, deserialize_with = "strict::opt")]
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
    #[serde(default, deserialize_with = "strict::opt")]
    pub ttl_days: Option<i64>,
}
