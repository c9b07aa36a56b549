//! Provider implementations: keyless (mock) and live HTTP backends (OpenAI-compatible,
//! Anthropic, Gemini) over one shared transport.

pub mod anthropic;
pub mod cassette;
pub mod credentials;
pub mod embeddings;
pub mod gemini;
pub mod http;
pub mod limits;
pub mod mock;
pub mod openai;
pub mod pricing;
pub mod recording;
pub mod session;
pub mod settings;
pub mod sse;
mod streaming;

use std::path::Path;
use std::sync::Arc;

use promptkit_build::model::{ProviderSpec, parse_go_duration};

use crate::provider::{ErrorKind, Provider, ProviderError};
use http::{Secret, Transport};
use openai::{Auth, OpenAi};
use settings::Settings;

/// A live provider for an arena provider config (`openai`, `azure`, `vllm`, `ollama`,
/// `claude`/`anthropic`, `gemini`), with credentials from the environment or a key
/// file ([`credentials`]); `config_dir` is the folder of the provider's config file.
/// A `platform:` other than Azure for OpenAI is refused: such a provider is never sent
/// to the public API with the vendor key.
pub fn live(
    id: &str,
    spec: &ProviderSpec,
    config_dir: Option<&Path>,
) -> Result<Arc<dyn Provider>, ProviderError> {
    let config_error =
        |detail: String| ProviderError::new(id, "create provider", ErrorKind::Config, detail);
    let kind = spec.r#type.value.as_str();
    let model = spec
        .model
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    let base_url = spec.base_url.as_ref().map(|b| b.value.clone());
    let mut transport = Transport::shared().map_err(|e| config_error(e.to_string()))?;
    if let Some(timeout) = spec
        .request_timeout
        .as_ref()
        .and_then(|t| parse_go_duration(&t.value))
        .filter(|t| !t.is_zero())
    {
        transport = transport.with_timeout(timeout);
    }
    let transport = transport.with_limits(limits::Limits::from_spec(spec));
    let credential =
        || credentials::resolve(spec, config_dir).map_err(|e| config_error(e.to_string()));
    let key = || {
        credential()?.ok_or_else(|| {
            config_error(format!(
                "provider type `{kind}` needs an API key: set `credential.credential_env` or `credential.credential_file`"
            ))
        })
    };
    if let Some(platform) = &spec.platform {
        let name = platform.r#type.as_ref().map_or("", |t| t.value.as_str());
        return match (name, kind) {
            ("azure", "openai" | "azure" | "azure-openai" | "azure_openai") => {
                let endpoint = platform.endpoint.as_deref().ok_or_else(|| {
                    config_error(
                        "`platform: {type: azure}` needs `platform.endpoint` (https://<resource>.openai.azure.com)".into(),
                    )
                })?;
                let version = azure_api_version(platform.additional_config.as_ref());
                let key = match spec.credential.is_some() {
                    true => key()?,
                    false => Secret::from_env(&["AZURE_OPENAI_API_KEY".to_owned()]).ok_or_else(|| {
                        config_error("set AZURE_OPENAI_API_KEY in the environment (or configure `credential`) for `platform: {type: azure}`".into())
                    })?,
                };
                let provider = OpenAi::azure(id, &model, endpoint, &version, key, transport);
                Ok(Arc::new(provider.with_settings(Settings::from_spec(spec))))
            }
            (other, _) => Err(config_error(format!(
                "`platform: {{type: {other}}}` is not supported for provider type `{kind}` in this build (only `azure` for OpenAI is); the provider is not used rather than sent to the public API. Remove `platform:` to call the vendor's public API, or run keyless with `--mock-provider`"
            ))),
        };
    }
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
            let version = azure_api_version(spec.additional_config.as_ref());
            OpenAi::azure(id, &model, &base, &version, key()?, transport)
        }
        "vllm" | "openai-compatible" => {
            let base = base_url
                .ok_or_else(|| config_error(format!("a `{kind}` provider needs `base_url`")))?;
            let auth = credential()?.map_or(Auth::None, Auth::Bearer);
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

/// The `api_version` of an Azure config, else the version this build was tested with.
fn azure_api_version(
    config: Option<&promptkit_build::model::Spanned<promptkit_build::model::Map>>,
) -> String {
    config
        .and_then(|c| c.value.get("api_version"))
        .and_then(|v| v.value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "2024-10-21".to_owned())
}
