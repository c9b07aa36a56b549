//! Typed provider errors: which provider, which request, what happened.

use std::fmt;
use std::time::Duration;

/// What went wrong with a provider call.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The provider is misconfigured (missing credential variable, bad base URL...).
    Config,
    /// Could not connect (refused, reset, DNS).
    Connect,
    /// The request timed out.
    Timeout,
    /// HTTP 429; `retry_after` as the server asked.
    RateLimited {
        /// Server-requested wait.
        retry_after: Option<Duration>,
    },
    /// Any other non-success HTTP status.
    Status {
        /// HTTP status code.
        code: u16,
    },
    /// The response could not be understood (invalid JSON, truncated stream...).
    Decode,
    /// The call was cancelled.
    Cancelled,
    /// A keyless provider has no scripted answer for this request.
    NoResponse,
}

impl ErrorKind {
    /// Whether retrying may help (429, 5xx, connect errors, timeouts).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect | Self::Timeout | Self::RateLimited { .. } => true,
            Self::Status { code } => *code >= 500,
            Self::Config | Self::Decode | Self::Cancelled | Self::NoResponse => false,
        }
    }
}

/// A failed provider call. Its text never carries credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderError {
    /// Provider id from the config.
    pub provider: String,
    /// What the request was, e.g. `POST /v1/chat/completions` or `scenario refund, call 2`.
    pub request: String,
    /// Classification.
    pub kind: ErrorKind,
    /// Human-readable detail (an excerpt of the body, the decode error...), redacted.
    pub detail: String,
    /// Attempts made, including the first.
    pub attempts: u32,
}

impl ProviderError {
    /// A new error of `kind` for `provider`.
    pub fn new(
        provider: impl Into<String>,
        request: impl Into<String>,
        kind: ErrorKind,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            provider: provider.into(),
            request: request.into(),
            kind,
            detail: detail.into(),
            attempts: 1,
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ErrorKind::Config => "configuration error".to_owned(),
            ErrorKind::Connect => "connection failed".to_owned(),
            ErrorKind::Timeout => "timed out".to_owned(),
            ErrorKind::RateLimited {
                retry_after: Some(d),
            } => {
                format!("rate limited (retry after {}s)", d.as_secs_f64())
            }
            ErrorKind::RateLimited { retry_after: None } => "rate limited".to_owned(),
            ErrorKind::Status { code } => format!("HTTP {code}"),
            ErrorKind::Decode => "unreadable response".to_owned(),
            ErrorKind::Cancelled => "cancelled".to_owned(),
            ErrorKind::NoResponse => "no scripted response".to_owned(),
        };
        write!(f, "provider `{}`: {} ({what}", self.provider, self.request)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        write!(f, ")")?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ProviderError {}
