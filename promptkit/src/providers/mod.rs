//! Provider implementations: keyless (mock) and live HTTP backends (OpenAI-compatible,
//! Anthropic, Gemini) over one shared transport.

pub mod anthropic;
pub mod embeddings;
pub mod gemini;
pub mod http;
pub mod mock;
pub mod openai;
pub mod pricing;
pub mod recording;
pub mod session;
pub mod settings;
pub mod sse;
mod streaming;

use std::sync::Arc;

use promptkit_build::model::{ProviderSpec, parse_go_duration};

use crate::provider::{ErrorKind, Provider, ProviderError};
use http::{Secret, Transport};
use openai::{Auth, OpenAi};
use settings::Settings;

/// A live provider for an arena provider config (`openai`, `azure`, `vllm`, `ollama`,
/// `claude`/`anthropic`, `gemini`), with credentials from the environment only.
pub fn live(id: &str, spec: &ProviderSpec) -> Result<Arc<dyn Provider>, ProviderError> {
    let config_error =
        |detail: String| ProviderError::new(id, "create provider", ErrorKind::Config, detail);
    let kind = spec.r#type.value.as_str();
    let model = spec
        .model
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    let base_url = spec.base_url.as_ref().map(|b| b.value.clone());
    let mut transport = Transport::shared().map_err(config_error)?;
    if let Some(timeout) = spec
        .request_timeout
        .as_ref()
        .and_then(|t| parse_go_duration(&t.value))
        .filter(|t| !t.is_zero())
    {
        transport = transport.with_timeout(timeout);
    }
    let key = || {
        let vars = spec.credential_env();
        Secret::from_env(&vars).ok_or_else(|| {
            config_error(format!(
                "set {} in the environment (API keys are read from the environment only)",
                vars.join(" or ")
            ))
        })
    };
    let provider = match kind {
        "openai" => OpenAi::new(
            id,
            &model,
            base_url.as_deref().unwrap_or(openai::OPENAI_BASE_URL),
            Auth::Bearer(key()?),
            transport,
        ),
        "azure" | "azure-openai" | "azure_openai" => {
            let base = base_url.ok_or_else(|| {
                config_error(
                    "an Azure provider needs `base_url` (https://<resource>.openai.azure.com)"
                        .into(),
                )
            })?;
            let version = spec
                .additional_config
                .as_ref()
                .and_then(|c| c.value.get("api_version"))
                .and_then(|v| v.value.as_str().map(str::to_owned))
                .unwrap_or_else(|| "2024-10-21".to_owned());
            OpenAi::azure(id, &model, &base, &version, key()?, transport)
        }
        "vllm" | "openai-compatible" => {
            let base = base_url
                .ok_or_else(|| config_error(format!("a `{kind}` provider needs `base_url`")))?;
            let auth = Secret::from_env(&spec.credential_env()).map_or(Auth::None, Auth::Bearer);
            OpenAi::new(id, &model, &base, auth, transport)
        }
        "claude" | "anthropic" => {
            let provider = anthropic::Anthropic::new(
                id,
                &model,
                base_url.as_deref().unwrap_or(anthropic::ANTHROPIC_BASE_URL),
                key()?,
                transport,
            )
            .with_settings(Settings::from_spec(spec));
            return Ok(Arc::new(provider));
        }
        "gemini" => {
            let provider = gemini::Gemini::new(
                id,
                &model,
                base_url.as_deref().unwrap_or(gemini::GEMINI_BASE_URL),
                key()?,
                transport,
            )
            .with_settings(Settings::from_spec(spec));
            return Ok(Arc::new(provider));
        }
        "ollama" => OpenAi::new(
            id,
            &model,
            base_url.as_deref().unwrap_or("http://localhost:11434/v1"),
            Auth::None,
            transport,
        ),
        other => {
            return Err(config_error(format!(
                "provider type `{other}` has no live implementation in this build; run keyless with `--mock-provider --mock-config <file>`"
            )));
        }
    };
    Ok(Arc::new(provider.with_settings(Settings::from_spec(spec))))
}
