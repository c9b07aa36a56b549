//! What every live provider takes from its config besides endpoint and key: extra
//! headers, pricing (the config's, else the built-in price of the model), sampling
//! defaults and the reasoning knobs of `additional_config`.

use promptkit_build::model::ProviderSpec;

use super::pricing::Pricing;
use crate::provider::Sampling;

/// Per-provider settings from the config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Extra request headers (`headers:`).
    pub headers: Vec<(String, String)>,
    /// Prices for cost reporting (`pricing:`); `None` = not priced.
    pub pricing: Option<Pricing>,
    /// Sampling defaults (`defaults:`); a request's own values win.
    pub defaults: Sampling,
    /// Reasoning knobs from `additional_config`.
    pub reasoning: ReasoningConfig,
}

/// The reference's reasoning settings, read from a provider's `additional_config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReasoningConfig {
    /// `reasoning_effort` (OpenAI): `minimal`, `low`, `medium`, `high`.
    pub effort: Option<String>,
    /// `thinking_budget` (Claude, Gemini): reasoning-token budget; Gemini also takes
    /// `0` (off) and `-1` (model decides).
    pub budget: Option<i64>,
    /// `include_thoughts` (Gemini): return thought summaries.
    pub include_thoughts: Option<bool>,
}

impl ReasoningConfig {
    fn from_spec(spec: &ProviderSpec) -> Self {
        let Some(config) = spec.additional_config.as_ref() else {
            return Self::default();
        };
        let get = |key: &str| config.value.get(key).map(|v| &v.value);
        Self {
            effort: get("reasoning_effort").and_then(|v| v.as_str().map(str::to_owned)),
            budget: get("thinking_budget").and_then(|v| v.as_f64().map(|f| f as i64)),
            include_thoughts: get("include_thoughts").and_then(|v| v.as_bool()),
        }
    }
}

impl Settings {
    /// The settings of a provider config.
    pub fn from_spec(spec: &ProviderSpec) -> Self {
        Self {
            headers: spec
                .headers
                .as_ref()
                .map(|h| {
                    h.iter()
                        .map(|(k, v)| (k.value.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            pricing: spec
                .pricing
                .as_ref()
                .and_then(|p| {
                    Some(Pricing {
                        input_per_1k: p.input_cost_per_1k?,
                        output_per_1k: p.output_cost_per_1k?,
                    })
                })
                .or_else(|| Pricing::builtin(&spec.model.as_ref()?.value)),
            defaults: spec
                .defaults
                .as_ref()
                .map(|d| Sampling {
                    temperature: d.temperature.as_ref().map(|t| t.value),
                    top_p: d.top_p.as_ref().map(|t| t.value),
                    max_tokens: d
                        .max_tokens
                        .as_ref()
                        .and_then(|t| u64::try_from(t.value).ok()),
                    seed: None,
                })
                .unwrap_or_default(),
            reasoning: ReasoningConfig::from_spec(spec),
        }
    }

    /// `builder` with the extra headers.
    pub(crate) fn headers(&self, mut builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        builder
    }
}
