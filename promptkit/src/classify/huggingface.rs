//! The Hugging Face Inference API (`type: huggingface`): text, image and audio
//! classification on the public router or a dedicated Inference Endpoint.
//!
//! As the reference: `POST {base}/models/{owner}/{name}` (the base alone for a
//! dedicated endpoint, `additional_config.dedicated: true`), bearer key from
//! `HF_TOKEN` / `HUGGING_FACE_HUB_TOKEN` (or `credential.credential_env`); text goes as
//! `{"inputs": .., "parameters": {"return_all_scores": true}}`, media as raw bytes. A 503
//! means the model is loading: retried up to 3 times after its `estimated_time` (at
//! most 15 s, 5 s when absent). A 4xx whose error says "not supported" is
//! [`ClassifyError::ModelNotSupported`]; other statuses fail without retry.

use std::time::Duration;

use promptkit_build::model::ProviderSpec;
use serde::Deserialize;
use serde_json::json;

use super::{Classifier, ClassifyError, ClassifyFuture, Input, LabelScore, Task};
use crate::providers::http::{Secret, Transport};

/// The public Inference API (the router's `hf-inference` provider).
pub const DEFAULT_BASE_URL: &str = "https://router.huggingface.co/hf-inference";

const LOADING_RETRIES: u32 = 3;
const LOADING_WAIT_DEFAULT: Duration = Duration::from_secs(5);
const LOADING_WAIT_CAP: Duration = Duration::from_secs(15);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const BODY_SNIPPET: usize = 200;

/// A Hugging Face Inference API client.
#[derive(Debug, Clone)]
pub struct HuggingFace {
    client: reqwest::Client,
    key: Secret,
    base_url: String,
    dedicated: bool,
}

/// Why an inference client could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The provider's `type` names no supported inference API.
    #[error("inference provider type `{0}` is not supported (supported: huggingface)")]
    UnsupportedType(String),
    /// None of the provider's key variables is set.
    #[error("no API key: set {0} in the environment (API keys are read from the environment only)")]
    NoKey(String),
    /// The HTTP client could not be built.
    #[error("{0}")]
    Transport(String),
}

impl HuggingFace {
    /// The tasks it serves.
    pub const TASKS: &'static [Task] = &[Task::Text, Task::Image, Task::Audio];

    /// A client for `base_url` (`None`: the public API) with `key`; `dedicated` when the
    /// URL is an Inference Endpoint that serves one model (no `/models/{id}` suffix).
    pub fn new(base_url: Option<&str>, key: Secret, dedicated: bool) -> Result<Self, SetupError> {
        Ok(Self {
            client: Transport::shared()
                .map_err(|e| SetupError::Transport(e.to_string()))?
                .client()
                .clone(),
            key,
            base_url: base_url
                .unwrap_or(DEFAULT_BASE_URL)
                .trim_end_matches('/')
                .to_owned(),
            dedicated,
        })
    }

    /// The client a `role: inference` provider declares; the key comes from the
    /// environment only.
    pub fn from_spec(spec: &ProviderSpec) -> Result<Self, SetupError> {
        let kind = spec.r#type.value.as_str();
        if kind != "huggingface" {
            return Err(SetupError::UnsupportedType(kind.to_owned()));
        }
        let vars = spec.credential_env();
        let key = Secret::from_env(&vars).ok_or_else(|| SetupError::NoKey(vars.join(" or ")))?;
        let dedicated = spec
            .additional_config
            .as_ref()
            .and_then(|c| c.value.get("dedicated"))
            .and_then(|d| d.value.as_bool())
            .unwrap_or(false);
        Self::new(
            spec.base_url.as_ref().map(|b| b.value.as_str()),
            key,
            dedicated,
        )
    }

    /// The request URL for `model`.
    fn model_url(&self, model: &str) -> Result<String, ClassifyError> {
        if model.is_empty() {
            return Err(ClassifyError::Failed("hf: model id is required".into()));
        }
        if self.dedicated {
            return Ok(self.base_url.clone());
        }
        let path: Vec<String> = model.split('/').map(escape_segment).collect();
        Ok(format!("{}/models/{}", self.base_url, path.join("/")))
    }

    /// POSTs `body`, retrying while the model loads; the response body on success.
    async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ClassifyError> {
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            ClassifyError::Failed(self.key.redact(&format!("hf: {what}: {e}")))
        };
        let mut attempt = 0;
        loop {
            let response = self
                .client
                .post(url)
                .bearer_auth(self.key.expose())
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .timeout(REQUEST_TIMEOUT)
                .body(body.clone())
                .send()
                .await
                .map_err(|e| failed("send request", &e))?;
            let status = response.status();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| failed("read response", &e))?;
            let snippet = self.key.redact(&snippet(&bytes));
            match status.as_u16() {
                200..=299 => return Ok(bytes.to_vec()),
                503 if attempt < LOADING_RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(estimated_wait(&bytes)).await;
                }
                503 => {
                    return Err(ClassifyError::ModelLoading(format!(
                        "last 503 body: {snippet}"
                    )));
                }
                _ if is_unsupported_model(&bytes) => {
                    return Err(ClassifyError::ModelNotSupported(snippet));
                }
                code => {
                    return Err(ClassifyError::Failed(format!(
                        "hf: status {code}: {snippet}"
                    )));
                }
            }
        }
    }
}

impl Classifier for HuggingFace {
    fn tasks(&self) -> &[Task] {
        Self::TASKS
    }

    fn classify<'a>(&'a self, model: &'a str, input: Input<'a>) -> ClassifyFuture<'a> {
        Box::pin(async move {
            let url = self.model_url(model)?;
            match input {
                Input::Text(text) => {
                    if text.is_empty() {
                        return Err(ClassifyError::Failed("hf: empty text".into()));
                    }
                    let body = json!({
                        "inputs": text,
                        "parameters": {"return_all_scores": true},
                    });
                    let bytes = self
                        .post(&url, "application/json", body.to_string().into_bytes())
                        .await?;
                    decode_text(&bytes)
                }
                Input::Image(bytes, mime) | Input::Audio(bytes, mime) => {
                    if bytes.is_empty() {
                        return Err(ClassifyError::Failed(format!(
                            "hf: empty {} bytes",
                            input.task().name()
                        )));
                    }
                    let content_type = mime.unwrap_or("application/octet-stream");
                    let reply = self.post(&url, content_type, bytes.to_vec()).await?;
                    decode_flat(&reply)
                }
            }
        })
    }
}

/// A text reply: `[[{label, score}..]]` (all scores, one input) or the flat shape.
fn decode_text(body: &[u8]) -> Result<Vec<LabelScore>, ClassifyError> {
    match serde_json::from_slice::<Vec<Vec<LabelScore>>>(body) {
        Ok(mut nested) if !nested.is_empty() => Ok(nested.swap_remove(0)),
        _ => decode_flat(body),
    }
}

/// The standard `[{label, score}..]` reply.
fn decode_flat(body: &[u8]) -> Result<Vec<LabelScore>, ClassifyError> {
    serde_json::from_slice(body).map_err(|e| {
        ClassifyError::Failed(format!(
            "hf: decode label-score array: {e} (body: {})",
            snippet(body)
        ))
    })
}

/// How long a 503 asks to wait (`estimated_time` seconds), capped.
fn estimated_wait(body: &[u8]) -> Duration {
    #[derive(Deserialize)]
    struct Loading {
        estimated_time: f64,
    }
    serde_json::from_slice::<Loading>(body)
        .ok()
        .map(|l| l.estimated_time)
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(LOADING_WAIT_DEFAULT, |s| {
            Duration::from_secs_f64(s).min(LOADING_WAIT_CAP)
        })
}

/// Whether an error reply says the model is not served on this path: its JSON
/// `error` (else the raw text) contains "not supported", in any case.
fn is_unsupported_model(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Reply {
        error: String,
    }
    let text = match serde_json::from_slice::<Reply>(body) {
        Ok(r) if !r.error.is_empty() => r.error,
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    text.to_lowercase().contains("not supported")
}

/// The start of a reply body, for error messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(BODY_SNIPPET) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

/// Percent-encodes one path segment (unreserved characters stay).
fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(dedicated: bool) -> HuggingFace {
        HuggingFace::new(Some("http://h/"), Secret::new("k"), dedicated).expect("client")
    }

    #[test]
    fn model_urls_keep_the_owner_slash_and_escape_the_rest() {
        assert_eq!(
            client(false).model_url("unitary/toxic bert").ok(),
            Some("http://h/models/unitary/toxic%20bert".to_owned())
        );
        assert_eq!(
            client(true).model_url("x/y").ok(),
            Some("http://h".to_owned())
        );
        assert!(client(false).model_url("").is_err());
    }

    #[test]
    fn loading_waits_are_capped_with_a_fallback() {
        assert_eq!(
            estimated_wait(br#"{"estimated_time": 60}"#),
            LOADING_WAIT_CAP
        );
        assert_eq!(
            estimated_wait(br#"{"estimated_time": 0.5}"#),
            Duration::from_millis(500)
        );
        assert_eq!(estimated_wait(b"oops"), LOADING_WAIT_DEFAULT);
    }

    #[test]
    fn unsupported_models_are_recognised_in_json_and_text() {
        assert!(is_unsupported_model(
            br#"{"error":"Model x/y is NOT supported for task"}"#
        ));
        assert!(is_unsupported_model(b"model not supported here"));
        assert!(!is_unsupported_model(br#"{"error":"rate limited"}"#));
    }

    #[test]
    fn text_replies_decode_nested_or_flat() {
        let nested = decode_text(br#"[[{"label":"a","score":0.5}]]"#).expect("nested");
        let flat = decode_text(br#"[{"label":"a","score":0.5}]"#).expect("flat");
        assert_eq!(nested, flat);
        assert!(decode_text(b"{}").is_err());
    }
}
