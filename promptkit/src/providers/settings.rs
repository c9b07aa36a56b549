//! What every live provider takes from its config besides endpoint and key: extra
//! headers, pricing, and sampling defaults.

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
            pricing: spec.pricing.as_ref().and_then(|p| {
                Some(Pricing {
                    input_per_1k: p.input_cost_per_1k?,
                    output_per_1k: p.output_cost_per_1k?,
                })
            }),
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
