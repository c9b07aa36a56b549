//! `kind: Provider` — an LLM (or TTS/STT/embedding/image) provider connection.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::provider_kind::{self, ProviderRole, ProviderType};
use super::strict;

use super::common::{CredentialConfig, PlatformConfig};
use super::value::{Map, SpannedMap};

/// The `spec` of a Provider document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    /// Id; the reference overrides it with `metadata.name`.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// Implementation: `openai`, `claude`, `gemini`, `mock`, `ollama`, `vllm`, ...
    #[serde(deserialize_with = "provider_kind::spanned")]
    pub r#type: Spanned<ProviderType>,
    /// Model name.
    #[serde(default)]
    pub model: Option<Spanned<String>>,
    /// TTS voice id.
    #[serde(default)]
    pub voice: Option<String>,
    /// TTS sample rate in Hz.
    #[serde(default, deserialize_with = "strict::opt")]
    pub sample_rate: Option<i64>,
    /// Mock TTS audio fixtures, relative to the arena config's folder.
    #[serde(default)]
    pub audio_files: Vec<Spanned<String>>,
    /// `llm` (default), `tts`, `stt`, `embedding`, `image`, `video`, `inference`.
    #[serde(default, deserialize_with = "provider_kind::opt_spanned")]
    pub role: Option<Spanned<ProviderRole>>,
    /// API base URL.
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    /// Extra HTTP headers on every request.
    #[serde(default)]
    pub headers: Option<SpannedMap<String, String>>,
    /// Client-side rate limit.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Default sampling parameters.
    #[serde(default)]
    pub defaults: Option<ProviderDefaults>,
    /// Cost per 1K tokens.
    #[serde(default)]
    pub pricing: Option<Pricing>,
    /// When the pricing was last checked.
    #[serde(default)]
    pub pricing_correct_at: Option<String>,
    /// Include raw API requests/responses in outputs.
    #[serde(default)]
    pub include_raw_output: Option<bool>,
    /// Provider-specific settings, free-form (the mock provider reads `mock_config`).
    #[serde(default)]
    pub additional_config: Option<Spanned<Map>>,
    /// Where the API key comes from.
    #[serde(default)]
    pub credential: Option<CredentialConfig>,
    /// Hosting platform.
    #[serde(default)]
    pub platform: Option<PlatformConfig>,
    /// Capabilities: text, streaming, vision, tools, json, audio, video, documents.
    #[serde(default)]
    pub capabilities: Vec<Spanned<String>>,
    /// Parameters the model rejects (e.g. `temperature`).
    #[serde(default)]
    pub unsupported_params: Vec<Spanned<String>>,
    /// Request timeout as a Go duration (`60s`).
    #[serde(default)]
    pub request_timeout: Option<Spanned<String>>,
    /// Streaming idle timeout as a Go duration.
    #[serde(default)]
    pub stream_idle_timeout: Option<Spanned<String>>,
    /// Retry policy for streams failing before the first chunk.
    #[serde(default)]
    pub stream_retry: Option<StreamRetryConfig>,
    /// Maximum concurrent streams.
    #[serde(default, deserialize_with = "strict::opt")]
    pub stream_max_concurrent: Option<i64>,
    /// HTTP connection pool settings.
    #[serde(default)]
    pub http_transport: Option<HttpTransportConfig>,
}

impl ProviderSpec {
    /// `additional_config.mock_config` when it is a string.
    pub fn mock_config(&self) -> Option<(&Spanned<String>, &str)> {
        let map = &self.additional_config.as_ref()?.value;
        let (key, value) = map.entry("mock_config")?;
        value.value.as_str().map(|s| (key, s))
    }

    /// The environment variables a live provider reads its API key from, in order of
    /// preference: `credential.credential_env` when set, else the reference's defaults
    /// for the type (empty for keyless types such as `mock`, `replay`, `ollama`).
    pub fn credential_env(&self) -> Vec<String> {
        if let Some(var) = self
            .credential
            .as_ref()
            .and_then(|c| c.credential_env.as_ref())
        {
            return vec![var.value.clone()];
        }
        default_credential_env(self.r#type.value.as_str())
            .iter()
            .map(|v| (*v).to_owned())
            .collect()
    }
}

/// The reference's default API-key variables by provider type.
pub fn default_credential_env(provider_type: &str) -> &'static [&'static str] {
    match provider_type {
        "openai" => &["OPENAI_API_KEY", "OPENAI_TOKEN"],
        "azure" | "azure-openai" | "azure_openai" => &["AZURE_OPENAI_API_KEY"],
        "claude" | "anthropic" => &["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"],
        "gemini" | "imagen" => &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
        "huggingface" => &["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"],
        _ => &[],
    }
}

/// Requests per second and burst.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests per second.
    #[serde(default, deserialize_with = "strict::opt")]
    pub rps: Option<i64>,
    /// Burst size.
    #[serde(default, deserialize_with = "strict::opt")]
    pub burst: Option<i64>,
}

/// Default sampling parameters of a provider.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDefaults {
    /// Sampling temperature.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub temperature: Option<Spanned<f64>>,
    /// Nucleus sampling.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub top_p: Option<Spanned<f64>>,
    /// Maximum output tokens.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub max_tokens: Option<Spanned<i64>>,
    /// Anthropic prompt caching (default on).
    #[serde(default)]
    pub prompt_caching: Option<bool>,
}

/// Cost per 1K input and output tokens, in USD.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// USD per 1K input tokens.
    #[serde(default, deserialize_with = "strict::opt")]
    pub input_cost_per_1k: Option<f64>,
    /// USD per 1K output tokens.
    #[serde(default, deserialize_with = "strict::opt")]
    pub output_cost_per_1k: Option<f64>,
}

/// Retry of streams that fail before the first chunk.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamRetryConfig {
    /// Turns retry on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Total attempts including the first.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_attempts: Option<i64>,
    /// First backoff (Go duration).
    #[serde(default)]
    pub initial_delay: Option<String>,
    /// Maximum backoff (Go duration).
    #[serde(default)]
    pub max_delay: Option<String>,
    /// Retry window, `pre_first_chunk`.
    #[serde(default)]
    pub retry_window: Option<String>,
    /// Token bucket limiting retries.
    #[serde(default)]
    pub budget: Option<StreamRetryBudget>,
}

/// Token bucket limiting stream retries.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamRetryBudget {
    /// Refill rate per second.
    #[serde(default, deserialize_with = "strict::opt")]
    pub rate_per_sec: Option<f64>,
    /// Bucket size.
    #[serde(default, deserialize_with = "strict::opt")]
    pub burst: Option<i64>,
}

/// HTTP connection pool settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTransportConfig {
    /// Maximum connections per host.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_conns_per_host: Option<i64>,
    /// Maximum idle connections per host.
    #[serde(default, deserialize_with = "strict::opt")]
    pub max_idle_conns_per_host: Option<i64>,
    /// Idle connection timeout (Go duration).
    #[serde(default)]
    pub idle_conn_timeout: Option<String>,
}
