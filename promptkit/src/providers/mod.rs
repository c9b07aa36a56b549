//! Provider implementations: keyless (mock) and live HTTP backends (OpenAI-compatible,
//! Anthropic, Gemini) over one shared transport.

pub mod anthropic;
pub mod aws_credentials;
pub mod aws_errors;
pub mod cassette;
pub mod credentials;
pub mod embeddings;
pub mod eventstream;
pub mod gcp_auth;
pub mod gemini;
pub mod http;
pub mod limits;
pub mod mock;
pub mod openai;
pub mod platform;
pub mod pricing;
pub mod recording;
mod recording_media;
pub mod session;
pub mod settings;
pub mod sigv4;
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
/// `platform:` runs the vendor on its cloud: Azure for OpenAI, AWS Bedrock for Claude
/// and OpenAI models (SigV4, [`aws_credentials`]), GCP Vertex for Claude, Gemini and
/// OpenAI-compatible Model Garden endpoints (OAuth, [`gcp_auth`]); any other pairing is
/// refused, never sent to the public API.
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
            ("bedrock" | "vertex", "claude" | "anthropic" | "gemini" | "openai")
                if !(name == "bedrock" && kind == "gemini") =>
            {
                let platform = Arc::new(
                    cloud_platform(name, platform, spec, config_dir).map_err(config_error)?,
                );
                let settings = Settings::from_spec(spec);
                Ok(match (kind, platform.gemini_base()) {
                    ("gemini", Some(base)) => Arc::new(
                        gemini::Gemini::on_platform(id, &model, &base, platform, transport)
                            .with_settings(settings),
                    ),
                    ("openai", _) => Arc::new(
                        OpenAi::on_platform(id, &model, platform, transport)
                            .with_settings(settings),
                    ),
                    _ => Arc::new(
                        anthropic::Anthropic::on_platform(id, &model, platform, transport)
                            .with_settings(settings),
                    ),
                })
            }
            (other, _) => Err(config_error(format!(
                "`platform: {{type: {other}}}` is not supported for provider type `{kind}` in this build (`azure` for OpenAI, `bedrock` for Claude and OpenAI models, `vertex` for Claude, Gemini and OpenAI-compatible Model Garden endpoints are); the provider is not used rather than sent to the public API. Remove `platform:` to call the vendor's public API, or run keyless with `--mock-provider`"
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

/// The Bedrock or Vertex platform of a provider config, with its credentials.
fn cloud_platform(
    name: &str,
    config: &promptkit_build::model::PlatformConfig,
    spec: &ProviderSpec,
    config_dir: Option<&Path>,
) -> Result<platform::Platform, String> {
    let env = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
    let extra = |key: &str| {
        config
            .additional_config
            .as_ref()
            .and_then(|c| c.value.get(key))
            .and_then(|v| v.value.as_str().map(str::to_owned))
    };
    let endpoint = config
        .endpoint
        .as_deref()
        .map(|e| e.trim_end_matches('/').to_owned());
    if name == "bedrock" {
        let region = config
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .ok_or("`platform: {type: bedrock}` needs `platform.region` (or AWS_REGION)")?;
        let credentials = aws_credentials::AwsCredentials::resolve(extra("profile").as_deref())
            .map_err(|e| e.to_string())?;
        let base_url = spec
            .base_url
            .as_ref()
            .map(|b| b.value.trim_end_matches('/').to_owned());
        return Ok(platform::Platform::Bedrock {
            base: base_url
                .or(endpoint)
                .unwrap_or_else(|| format!("https://bedrock-runtime.{region}.amazonaws.com")),
            signer: sigv4::SigV4Signer::new(credentials, &region, "bedrock"),
        });
    }
    let project = config
        .project
        .clone()
        .or_else(|| env("GOOGLE_CLOUD_PROJECT"))
        .ok_or("`platform: {type: vertex}` needs `platform.project` (or GOOGLE_CLOUD_PROJECT)")?;
    let region = config
        .region
        .clone()
        .or_else(|| env("GOOGLE_CLOUD_LOCATION"))
        .ok_or("`platform: {type: vertex}` needs `platform.region` (or GOOGLE_CLOUD_LOCATION)")?;
    let file = credentials::configured_file(spec, config_dir).map_err(|e| e.to_string())?;
    let tokens = gcp_auth::TokenSource::resolve(file).map_err(|e| e.to_string())?;
    let base_url = spec
        .base_url
        .as_ref()
        .map(|b| b.value.trim_end_matches('/').to_owned());
    // For the OpenAI-compatible endpoint `platform.endpoint` is the endpoint id (as in
    // the reference; `openapi` = Gemini and partner models); for Claude and Gemini it
    // replaces the regional host.
    let is_openai = !matches!(
        spec.r#type.value.as_str(),
        "claude" | "anthropic" | "gemini"
    );
    let host = match (&endpoint, is_openai) {
        (Some(host), false) => host.clone(),
        _ => format!("https://{region}-aiplatform.googleapis.com"),
    };
    let location = format!("projects/{project}/locations/{region}");
    let endpoint_id = endpoint
        .filter(|_| is_openai)
        .unwrap_or_else(|| "openapi".into());
    Ok(platform::Platform::Vertex {
        claude_models: base_url
            .clone()
            .unwrap_or_else(|| format!("{host}/v1/{location}/publishers/anthropic/models")),
        gemini_base: base_url
            .as_deref()
            .map(|b| b.strip_suffix("/models").unwrap_or(b).to_owned())
            .unwrap_or_else(|| format!("{host}/v1/{location}/publishers/google")),
        openai_base: base_url
            .unwrap_or_else(|| format!("{host}/v1beta1/{location}/endpoints/{endpoint_id}")),
        tokens: Box::new(tokens),
    })
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
