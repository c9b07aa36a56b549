//! Text embeddings for relevance truncation (`context_policy.strategy: relevance`): the
//! [`Embedder`] trait and [`HttpEmbedder`] for the reference's three embedding APIs —
//! `openai` (`POST /embeddings`, default `text-embedding-3-small`), `voyageai` (the same
//! shape, default `voyage-3.5`) and `gemini` (`batchEmbedContents`, default
//! `text-embedding-004`), keys from the environment only, through the shared
//! [`Transport`] (retries, timeouts, redacted errors).

use std::future::Future;
use std::pin::Pin;

use serde_json::{Value, json};

use super::http::{Secret, Transport};
use crate::provider::{ErrorKind, ProviderError};

/// A boxed future returned by an [`Embedder`].
pub type EmbedFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Vec<f64>>, ProviderError>> + Send + 'a>>;

/// Turns texts into vectors (one per text, in order).
pub trait Embedder: Send + Sync {
    /// Embeds `texts`.
    fn embed<'a>(&'a self, texts: &'a [String]) -> EmbedFuture<'a>;
}

/// The embedding APIs the reference supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddingApi {
    /// OpenAI (and compatibles).
    OpenAi,
    /// Voyage AI.
    Voyage,
    /// Google Gemini.
    Gemini,
}

impl EmbeddingApi {
    /// The API named in `relevance.provider` (`openai`, `gemini`, `voyageai`/`voyage`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "openai" => Some(Self::OpenAi),
            "voyageai" | "voyage" => Some(Self::Voyage),
            "gemini" => Some(Self::Gemini),
            _ => None,
        }
    }

    fn default_model(self) -> &'static str {
        match self {
            Self::OpenAi => "text-embedding-3-small",
            Self::Voyage => "voyage-3.5",
            Self::Gemini => "text-embedding-004",
        }
    }

    fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Voyage => "https://api.voyageai.com/v1",
            Self::Gemini => "https://generativelanguage.googleapis.com/v1beta",
        }
    }

    /// The environment variables holding the key, first set wins.
    pub fn key_vars(self) -> &'static [&'static str] {
        match self {
            Self::OpenAi => &["OPENAI_API_KEY", "OPENAI_TOKEN"],
            Self::Voyage => &["VOYAGE_API_KEY"],
            Self::Gemini => &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Voyage => "voyageai",
            Self::Gemini => "gemini",
        }
    }
}

/// An embedding API client.
#[derive(Debug, Clone)]
pub struct HttpEmbedder {
    api: EmbeddingApi,
    model: String,
    base_url: String,
    key: Secret,
    transport: Transport,
}

impl HttpEmbedder {
    /// A client for `api` at `base_url` (`None`: the public endpoint) with `model`
    /// (`None`: the API's default).
    pub fn new(
        api: EmbeddingApi,
        model: Option<&str>,
        base_url: Option<&str>,
        key: Secret,
    ) -> Result<Self, ProviderError> {
        let transport = Transport::shared().map_err(|why| {
            ProviderError::new(api.name(), "setup", ErrorKind::Config, why.to_string())
        })?;
        Ok(Self {
            api,
            model: model.unwrap_or(api.default_model()).to_owned(),
            base_url: base_url
                .unwrap_or(api.default_base_url())
                .trim_end_matches('/')
                .to_owned(),
            key,
            transport,
        })
    }

    /// The client for `relevance.provider` / `relevance.model`, its key read from the
    /// environment.
    pub fn from_env(provider: &str, model: Option<&str>) -> Result<Self, ProviderError> {
        let config =
            |detail: String| ProviderError::new(provider, "setup", ErrorKind::Config, detail);
        let api = EmbeddingApi::parse(provider).ok_or_else(|| {
            config(format!(
                "unknown embedding provider `{provider}` (use openai, gemini or voyageai)"
            ))
        })?;
        let vars: Vec<String> = api.key_vars().iter().map(|v| (*v).to_owned()).collect();
        let key = Secret::from_env(&vars).ok_or_else(|| {
            config(format!(
                "the `{provider}` embedding provider needs {} in the environment",
                vars.join(" or ")
            ))
        })?;
        Self::new(api, model, None, key)
    }

    fn request(&self, texts: &[String]) -> reqwest::RequestBuilder {
        let client = self.transport.client();
        match self.api {
            EmbeddingApi::OpenAi | EmbeddingApi::Voyage => client
                .post(format!("{}/embeddings", self.base_url))
                .bearer_auth(self.key.expose())
                .json(&json!({"model": self.model, "input": texts})),
            EmbeddingApi::Gemini => {
                let model = format!("models/{}", self.model);
                let requests: Vec<Value> = texts
                    .iter()
                    .map(|t| json!({"model": model, "content": {"parts": [{"text": t}]}}))
                    .collect();
                client
                    .post(format!("{}/{model}:batchEmbedContents", self.base_url))
                    .header("x-goog-api-key", self.key.expose())
                    .json(&json!({"requests": requests}))
            }
        }
    }
}

impl Embedder for HttpEmbedder {
    fn embed<'a>(&'a self, texts: &'a [String]) -> EmbedFuture<'a> {
        Box::pin(async move {
            let id = self.api.name();
            let what = format!("embed {} texts with {}", texts.len(), self.model);
            let value = self
                .transport
                .send_json(id, &what, Some(&self.key), || self.request(texts))
                .await?;
            let vectors: Option<Vec<Vec<f64>>> = match self.api {
                EmbeddingApi::OpenAi | EmbeddingApi::Voyage => {
                    let mut data: Vec<&Value> = value
                        .get("data")
                        .and_then(Value::as_array)
                        .map(|d| d.iter().collect())
                        .unwrap_or_default();
                    data.sort_by_key(|d| d.get("index").and_then(Value::as_u64));
                    data.iter().map(|d| floats(d.get("embedding"))).collect()
                }
                EmbeddingApi::Gemini => value
                    .get("embeddings")
                    .and_then(Value::as_array)
                    .and_then(|e| e.iter().map(|v| floats(v.get("values"))).collect()),
            };
            match vectors {
                Some(v) if v.len() == texts.len() => Ok(v),
                _ => Err(ProviderError::new(
                    id,
                    &what,
                    ErrorKind::Decode,
                    format!("expected {} embeddings in the response", texts.len()),
                )),
            }
        })
    }
}

/// A JSON array of numbers as a vector.
pub(crate) fn floats(v: Option<&Value>) -> Option<Vec<f64>> {
    v?.as_array()?.iter().map(Value::as_f64).collect()
}

/// Cosine similarity of two vectors (0 when their lengths differ or one is zero).
pub fn cosine_similarity(a: &[f64], b: &[f64]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|y| y * y).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
