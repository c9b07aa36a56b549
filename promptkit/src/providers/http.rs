//! What every live provider shares: the HTTP client (rustls), per-request timeout,
//! retries with exponential backoff and jitter on 429/5xx/connect errors/timeouts
//! honouring the server's hints (`Retry-After`, a `retryDelay` in the error body),
//! capped, a retry budget, a global in-flight limit, the provider's own [`Limits`]
//! (rate, stream slots, stream idle timeout), and error details that never carry
//! credentials.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::{RequestBuilder, Response, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::aws_errors;
use super::limits::Limits;
use crate::provider::{ErrorKind, ProviderError};

/// An API key: shown as `***` in every `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The first of `vars` set (non-empty) in the environment.
    pub fn from_env(vars: &[String]) -> Option<Self> {
        vars.iter()
            .find_map(|v| std::env::var(v).ok().filter(|k| !k.is_empty()))
            .map(Self)
    }

    /// The key itself, for a request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with the key masked (for anything that might echo it back).
    pub fn redact(&self, text: &str) -> String {
        if self.0.len() < 4 {
            return text.to_owned();
        }
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Retry and limit settings.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay (doubled each retry, with jitter).
    pub base_delay: Duration,
    /// Longest wait, whatever the backoff or `Retry-After` says.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// Shared by all requests of a transport: retries are allowed while they stay under
/// 10 plus 20 % of requests, so an outage does not multiply the load.
#[derive(Debug, Default)]
struct RetryBudget {
    requests: AtomicU64,
    retries: AtomicU64,
}

impl RetryBudget {
    fn allow(&self) -> bool {
        let requests = self.requests.load(Ordering::Relaxed);
        let retries = self.retries.fetch_add(1, Ordering::Relaxed);
        if retries < 10 + requests / 5 {
            true
        } else {
            self.retries.fetch_sub(1, Ordering::Relaxed);
            false
        }
    }
}

/// The process's plain HTTP client, shared by tools, MCP servers and the assertions
/// that call out; each sets its timeout per request.
pub(crate) fn client() -> Result<reqwest::Client, ClientError> {
    static CLIENT: OnceLock<Result<reqwest::Client, ClientError>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            crate::tls::client_builder()
                .build()
                .map_err(|e| ClientError(e.to_string()))
        })
        .clone()
}

/// The HTTP client could not be built (its TLS backend did not start).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(String);

/// An HTTP transport with retries and an in-flight limit.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    /// Per-request timeout (the whole response for `chat`; for streams, until the
    /// response headers: the body is bounded by the idle timeout of [`Limits`]).
    pub timeout: Duration,
    /// Retry settings.
    pub retry: RetryPolicy,
    /// The provider's own limits.
    pub limits: Limits,
    inflight: Arc<Semaphore>,
    budget: Arc<RetryBudget>,
}

/// An open streaming response: read its body while holding `permits`, failing when
/// it stays silent longer than `idle`.
#[derive(Debug)]
pub struct OpenStream {
    /// The successful response.
    pub response: Response,
    /// Longest silence between two reads.
    pub idle: Duration,
    /// The in-flight and stream slots the stream holds until dropped.
    pub permits: StreamPermits,
    /// Masked in any error the stream yields later (an error event echoing a key).
    pub secrets: Vec<Secret>,
}

/// The slots an open stream holds (released when dropped).
#[derive(Debug)]
pub struct StreamPermits {
    _inflight: OwnedSemaphorePermit,
    _slot: Option<OwnedSemaphorePermit>,
}

/// Requests in flight at once across every provider of the process, by default.
pub const DEFAULT_INFLIGHT: usize = 512;

impl Transport {
    /// A transport with its own client and limits.
    pub fn new(
        timeout: Duration,
        retry: RetryPolicy,
        inflight: usize,
    ) -> Result<Self, ClientError> {
        let client = crate::tls::client_builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        Ok(Self {
            client,
            timeout,
            retry,
            limits: Limits::default(),
            inflight: Arc::new(Semaphore::new(inflight.max(1))),
            budget: Arc::default(),
        })
    }

    /// The process-wide default transport (120 s timeout, default retries and limit).
    pub fn shared() -> Result<Self, ClientError> {
        static SHARED: OnceLock<Result<Transport, ClientError>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                Self::new(
                    Duration::from_secs(120),
                    RetryPolicy::default(),
                    DEFAULT_INFLIGHT,
                )
            })
            .clone()
    }

    /// The same transport with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same transport with a provider's own limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The HTTP client (to build requests).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends the request `build` makes, retrying what can be retried; returns a
    /// successful response and the in-flight permit (hold it while reading a stream).
    pub async fn send(
        &self,
        provider: &str,
        what: &str,
        secret: Option<&Secret>,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<(Response, OwnedSemaphorePermit), ProviderError> {
        self.attempts(provider, what, secret, false, build).await
    }

    /// [`Transport::send`] for a stream: waits for one of the provider's stream slots
    /// first; the timeout covers the response headers only, the body is bounded by the
    /// idle timeout instead (a long answer is not cut while bytes keep coming).
    pub async fn send_stream(
        &self,
        provider: &str,
        what: &str,
        secret: Option<&Secret>,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<OpenStream, ProviderError> {
        let slot = self.limits.stream_slot().await;
        let (response, inflight) = self.attempts(provider, what, secret, true, build).await?;
        Ok(OpenStream {
            response,
            idle: self.limits.stream_idle,
            permits: StreamPermits {
                _inflight: inflight,
                _slot: slot,
            },
            secrets: secret.into_iter().cloned().collect(),
        })
    }

    async fn attempts(
        &self,
        provider: &str,
        what: &str,
        secret: Option<&Secret>,
        stream: bool,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<(Response, OwnedSemaphorePermit), ProviderError> {
        self.budget.requests.fetch_add(1, Ordering::Relaxed);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.limits.request_slot().await;
            let permit = Arc::clone(&self.inflight)
                .acquire_owned()
                .await
                .map_err(|_| {
                    ProviderError::new(provider, what, ErrorKind::Cancelled, "transport closed")
                })?;
            let outcome = if stream {
                tokio::time::timeout(self.timeout, build().send())
                    .await
                    .ok()
            } else {
                Some(build().timeout(self.timeout).send().await)
            };
            let error = match outcome {
                Some(Ok(response)) if response.status().is_success() => {
                    return Ok((response, permit));
                }
                Some(Ok(response)) => status_error(provider, what, secret, response).await,
                Some(Err(e)) => transport_error(provider, what, e),
                None => ProviderError::new(
                    provider,
                    what,
                    ErrorKind::Timeout,
                    format!("no response headers within {:?}", self.timeout),
                ),
            };
            drop(permit);
            let retryable = error.kind.is_retryable();
            if !retryable || attempt > self.retry.max_retries || !self.budget.allow() {
                return Err(ProviderError {
                    attempts: attempt,
                    ..error
                });
            }
            tokio::time::sleep(self.delay(attempt, &error.kind)).await;
        }
    }

    /// [`Transport::send`] for a whole JSON answer: the body of the successful response
    /// (read while the in-flight permit is held).
    pub async fn send_json(
        &self,
        provider: &str,
        what: &str,
        secret: Option<&Secret>,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<serde_json::Value, ProviderError> {
        let (response, _permit) = self.send(provider, what, secret, build).await?;
        read_json(provider, what, secret, response).await
    }

    /// The wait before retry `attempt`: `Retry-After` when the server gave one, else
    /// exponential backoff with full jitter; never above `max_delay`.
    fn delay(&self, attempt: u32, kind: &ErrorKind) -> Duration {
        if let ErrorKind::RateLimited {
            retry_after: Some(after),
        } = kind
        {
            return (*after).min(self.retry.max_delay);
        }
        let exp = self
            .retry
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let capped = exp.min(self.retry.max_delay);
        capped.mul_f64(0.5 + jitter() * 0.5)
    }
}

/// A number in [0, 1) that differs between calls (no RNG dependency needed).
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

async fn status_error(
    provider: &str,
    what: &str,
    secret: Option<&Secret>,
    response: Response,
) -> ProviderError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    let aws_error = aws_errors::error_type(response.headers()).map(str::to_owned);
    let body = response.text().await.unwrap_or_default();
    let retry_after = retry_after.or_else(|| retry_delay_in_body(&body));
    let detail = match &aws_error {
        Some(exception) => format!("{exception}: {}", excerpt(&body, secret)),
        None => excerpt(&body, secret),
    };
    let kind = if status == StatusCode::TOO_MANY_REQUESTS {
        ErrorKind::RateLimited { retry_after }
    } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        let hint = match aws_error {
            Some(_) => aws_errors::CREDENTIALS_HINT,
            None => "check the API key in the environment",
        };
        return ProviderError::new(
            provider,
            what,
            ErrorKind::Status {
                code: status.as_u16(),
            },
            format!("{detail} ({hint})"),
        );
    } else {
        ErrorKind::Status {
            code: status.as_u16(),
        }
    };
    ProviderError::new(provider, what, kind, detail)
}

/// The `retryDelay` of a Google RPC `RetryInfo` in an error body (`{"error": {"details":
/// [{"@type": "…RetryInfo", "retryDelay": "34s"}]}}`), as Gemini sends with a 429.
fn retry_delay_in_body(body: &str) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value
        .pointer("/error/details")?
        .as_array()?
        .iter()
        .filter_map(|d| d.get("retryDelay")?.as_str())
        .find_map(|delay| {
            let seconds: f64 = delay.trim().strip_suffix('s')?.parse().ok()?;
            (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
        })
}

fn transport_error(provider: &str, what: &str, error: reqwest::Error) -> ProviderError {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_connect() || error.is_request() {
        ErrorKind::Connect
    } else {
        ErrorKind::Decode
    };
    // reqwest's Display may include the URL; it never includes headers (the key).
    ProviderError::new(provider, what, kind, error.without_url().to_string())
}

/// The JSON body of a successful response; unreadable or invalid bodies are typed
/// errors whose detail quotes (masked) what arrived.
async fn read_json(
    provider: &str,
    what: &str,
    secret: Option<&Secret>,
    response: Response,
) -> Result<serde_json::Value, ProviderError> {
    let bytes = response.bytes().await.map_err(|e| {
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Decode
        };
        ProviderError::new(
            provider,
            what,
            kind,
            format!("reading the response: {}", e.without_url()),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ProviderError::new(
            provider,
            what,
            ErrorKind::Decode,
            format!(
                "invalid JSON ({e}): {}",
                excerpt(&String::from_utf8_lossy(&bytes), secret)
            ),
        )
    })
}

/// At most 300 characters of a response body, with the key masked.
pub(crate) fn excerpt(body: &str, secret: Option<&Secret>) -> String {
    let short: String = body.chars().take(300).collect();
    let short = if body.chars().count() > 300 {
        format!("{short}…")
    } else {
        short
    };
    match secret {
        Some(secret) => secret.redact(&short),
        None => short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("sk-live-123456");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert_eq!(s.redact("bad key sk-live-123456!"), "bad key ***!");
        assert_eq!(excerpt("echo sk-live-123456", Some(&s)), "echo ***");
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let t =
            Transport::new(Duration::from_secs(1), RetryPolicy::default(), 4).expect("transport");
        let d1 = t.delay(1, &ErrorKind::Timeout);
        let d3 = t.delay(3, &ErrorKind::Timeout);
        assert!(
            d1 >= Duration::from_millis(125) && d1 <= Duration::from_millis(250),
            "{d1:?}"
        );
        assert!(
            d3 >= Duration::from_millis(500) && d3 <= Duration::from_secs(1),
            "{d3:?}"
        );
        let after = ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(99)),
        };
        assert_eq!(t.delay(1, &after), Duration::from_secs(20));
    }

    #[test]
    fn a_retry_delay_in_the_body_is_read() {
        let body = r#"{"error": {"code": 429, "details": [
            {"@type": "type.googleapis.com/google.rpc.Help"},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.5s"}]}}"#;
        assert_eq!(
            retry_delay_in_body(body),
            Some(Duration::from_secs_f64(34.5))
        );
        assert_eq!(retry_delay_in_body("not json"), None);
        assert_eq!(retry_delay_in_body(r#"{"error": {"details": []}}"#), None);
    }

    #[test]
    fn the_budget_stops_retry_storms() {
        let b = RetryBudget::default();
        assert!((0..10).all(|_| b.allow()));
        assert!(!b.allow());
        b.requests.fetch_add(50, Ordering::Relaxed);
        assert!(b.allow());
    }
}
