//! Cloud platforms hosting a vendor's models (`platform: {type: bedrock | vertex}`):
//! where a request goes, how its body differs from the vendor's public API, and how it
//! is authorized — SigV4 for AWS Bedrock, an OAuth bearer token for GCP Vertex. Azure
//! OpenAI is an `openai` deployment URL and lives in [`super::openai`].

use std::sync::Arc;
use std::time::SystemTime;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::aws_errors;
use super::gcp_auth::TokenSource;
use super::http::{OpenStream, Secret, Transport, excerpt};
use super::settings::Settings;
use super::sigv4::SigV4Signer;
use crate::provider::{ErrorKind, ProviderError};

/// What a Bedrock model id escapes in the URL path: all but RFC 3986's unreserved
/// characters and `:` (kept as the reference and the signed-request tests send it).
const MODEL_ID_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// The Anthropic version Bedrock expects in the body.
pub const BEDROCK_ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";
/// The Anthropic version Vertex expects in the body.
pub const VERTEX_ANTHROPIC_VERSION: &str = "vertex-2023-10-16";

/// A cloud platform and its credentials.
#[derive(Debug)]
pub enum Platform {
    /// AWS Bedrock runtime at `base` (`https://bedrock-runtime.{region}.amazonaws.com`).
    Bedrock {
        /// The runtime endpoint.
        base: String,
        /// The request signer.
        signer: SigV4Signer,
    },
    /// GCP Vertex AI.
    Vertex {
        /// Claude models: `…/publishers/anthropic/models`.
        claude_models: String,
        /// The Gemini base: `…/publishers/google` (the Gemini client adds `/models`).
        gemini_base: String,
        /// The OpenAI-compatible endpoint (Model Garden): `…/endpoints/{id}`.
        openai_base: String,
        /// The access-token source.
        tokens: Box<TokenSource>,
    },
}

/// A request ready to send: URL, body bytes, authorization headers and the secret to
/// mask in error bodies.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The URL.
    pub url: String,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Headers that authorize the request.
    pub headers: Vec<(String, String)>,
    /// What must never be printed: the secret that travels with the request first
    /// (the transport masks it in error bodies), then others masked in errors too.
    pub secrets: Vec<Secret>,
    /// Whether Bedrock answers: an exception may come in an HTTP 200 body, and a
    /// streamed answer must be an AWS event stream ([`aws_errors`]).
    pub bedrock: bool,
}

impl Prepared {
    /// A request to a vendor's public API with `headers` carrying `key`.
    pub fn direct(url: String, body: &Value, headers: Vec<(String, String)>, key: &Secret) -> Self {
        Self {
            url,
            body: serde_json::to_vec(body).unwrap_or_default(),
            headers,
            secrets: vec![key.clone()],
            bedrock: false,
        }
    }

    /// Opens a stream with retries (see [`Transport::send_stream`]); every secret is
    /// masked in the error, and in any error the open stream yields later.
    pub async fn send_stream(
        &self,
        transport: &Transport,
        settings: &Settings,
        provider: &str,
        what: &str,
    ) -> Result<OpenStream, ProviderError> {
        let open = transport
            .send_stream(provider, what, self.secrets.first(), || {
                self.request(transport, settings)
            })
            .await
            .map(|mut open| {
                open.secrets.clone_from(&self.secrets);
                open
            })
            .map_err(|e| self.mask(e))?;
        let content_type = open
            .response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !self.bedrock || content_type.contains("amazon.eventstream") {
            return Ok(open);
        }
        let body = read_bounded(open.response, 64 * 1024).await;
        let detail = match serde_json::from_str::<Value>(&body)
            .ok()
            .as_ref()
            .and_then(aws_errors::exception_in_body)
        {
            Some(exception) => aws_errors::exception_detail(exception, &excerpt(&body, None)),
            None => format!(
                "Bedrock answered `{content_type}` instead of an event stream: {}",
                excerpt(&body, None)
            ),
        };
        Err(self.mask(ProviderError::new(
            provider,
            what,
            ErrorKind::Decode,
            detail,
        )))
    }

    /// Sends the request with retries and reads the whole JSON answer (see
    /// [`Transport::send_json`]); every secret is masked in the error.
    pub async fn send_json(
        &self,
        transport: &Transport,
        settings: &Settings,
        provider: &str,
        what: &str,
    ) -> Result<Value, ProviderError> {
        let value = transport
            .send_json(provider, what, self.secrets.first(), || {
                self.request(transport, settings)
            })
            .await
            .map_err(|e| self.mask(e))?;
        match aws_errors::exception_in_body(&value).filter(|_| self.bedrock) {
            Some(exception) => Err(self.mask(ProviderError::new(
                provider,
                what,
                ErrorKind::Decode,
                aws_errors::exception_detail(exception, &excerpt(&value.to_string(), None)),
            ))),
            None => Ok(value),
        }
    }

    fn mask(&self, mut error: ProviderError) -> ProviderError {
        for secret in &self.secrets {
            error.detail = secret.redact(&error.detail);
        }
        error
    }

    /// The POST request, with the config's extra headers.
    fn request(&self, transport: &Transport, settings: &Settings) -> reqwest::RequestBuilder {
        let mut b = transport
            .client()
            .post(&self.url)
            .header("content-type", "application/json")
            .body(self.body.clone());
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        settings.headers(b)
    }
}

impl Platform {
    /// Whether streamed answers are AWS event-stream frames (else SSE).
    pub fn event_stream(&self) -> bool {
        matches!(self, Self::Bedrock { .. })
    }

    /// The URL of a Claude `model` call.
    pub fn claude_url(&self, model: &str, stream: bool) -> String {
        match (self, stream) {
            (Self::Bedrock { .. }, _) => self.bedrock_invoke_url(model, stream),
            (Self::Vertex { claude_models, .. }, false) => {
                format!("{claude_models}/{model}:rawPredict")
            }
            (Self::Vertex { claude_models, .. }, true) => {
                format!("{claude_models}/{model}:streamRawPredict")
            }
        }
    }

    /// The URL of an OpenAI-format `model` call: Bedrock's InvokeModel (Chat Completions
    /// body), Vertex's OpenAI-compatible endpoint.
    pub fn openai_url(&self, model: &str, stream: bool) -> String {
        match self {
            Self::Bedrock { .. } => self.bedrock_invoke_url(model, stream),
            Self::Vertex { openai_base, .. } => format!("{openai_base}/chat/completions"),
        }
    }

    fn bedrock_invoke_url(&self, model: &str, stream: bool) -> String {
        let base = match self {
            Self::Bedrock { base, .. } => base.as_str(),
            Self::Vertex { .. } => "",
        };
        // The model id is one path segment, as the AWS SDKs send it: an ARN's `/`
        // travels as `%2F` (else Bedrock answers UnknownOperationException).
        let model = utf8_percent_encode(model, MODEL_ID_ESCAPES);
        match stream {
            false => format!("{base}/model/{model}/invoke"),
            true => format!("{base}/model/{model}/invoke-with-response-stream"),
        }
    }

    /// The Gemini base URL (`…/publishers/google`) on Vertex; `None` on Bedrock.
    pub fn gemini_base(&self) -> Option<String> {
        match self {
            Self::Vertex { gemini_base, .. } => Some(gemini_base.clone()),
            Self::Bedrock { .. } => None,
        }
    }

    /// A Chat Completions body in the platform's shape: on Bedrock the URL says whether
    /// to stream, and `top_p` is left out as the reference does (Bedrock's OpenAI models
    /// reject `top_p: 0`).
    pub fn openai_body(&self, mut body: Value) -> Value {
        if let (Self::Bedrock { .. }, Some(map)) = (self, body.as_object_mut()) {
            map.remove("stream");
            map.remove("stream_options");
            map.remove("top_p");
        }
        body
    }

    /// A Messages API body in the platform's shape: no `model` (it is in the URL), the
    /// platform's `anthropic_version`; Bedrock streams by URL, not by a `stream` flag.
    pub fn claude_body(&self, mut body: Value) -> Value {
        if let Some(map) = body.as_object_mut() {
            map.remove("model");
            let version = match self {
                Self::Bedrock { .. } => {
                    map.remove("stream");
                    BEDROCK_ANTHROPIC_VERSION
                }
                Self::Vertex { .. } => VERTEX_ANTHROPIC_VERSION,
            };
            map.insert("anthropic_version".into(), Value::from(version));
        }
        body
    }

    /// `body` for `url`, authorized: signed (Bedrock) or with a bearer token (Vertex).
    pub async fn prepare(
        &self,
        provider: &str,
        transport: &Transport,
        url: String,
        body: &Value,
    ) -> Result<Prepared, ProviderError> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        match self {
            Self::Bedrock { signer, .. } => {
                let headers = signer
                    .sign(
                        "POST",
                        &url,
                        &[("content-type", "application/json")],
                        &bytes,
                        SystemTime::now(),
                    )
                    .map_err(|e| {
                        ProviderError::new(
                            provider,
                            format!("POST {url}"),
                            ErrorKind::Config,
                            e.to_string(),
                        )
                    })?;
                Ok(Prepared {
                    url,
                    body: bytes,
                    headers,
                    bedrock: true,
                    secrets: {
                        let c = signer.credentials();
                        c.session_token
                            .iter()
                            .chain([&c.secret_access_key, &c.access_key_id])
                            .cloned()
                            .collect()
                    },
                })
            }
            Self::Vertex { tokens, .. } => {
                let token = tokens.token(provider, transport).await?;
                Ok(Prepared {
                    url,
                    body: bytes,
                    headers: vec![("authorization".into(), format!("Bearer {}", token.expose()))],
                    secrets: vec![token],
                    bedrock: false,
                })
            }
        }
    }
}

/// A shared platform.
pub type SharedPlatform = Arc<Platform>;

/// At most `limit` bytes of `response`'s body, as text.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> String {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= limit {
            break;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
