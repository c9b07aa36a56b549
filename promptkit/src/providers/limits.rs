//! Per-provider limits from the config: `rate_limit` (requests per second with a burst,
//! a token bucket every HTTP attempt draws from), `stream_max_concurrent` (streams in
//! flight at once; more wait for a slot) and `stream_idle_timeout` (how long a stream
//! may stay silent; the timer restarts on every byte). As in the reference, the idle
//! timeout defaults to 30 s and a limit of zero or less means unlimited.

use std::sync::Arc;
use std::time::Duration;

use promptkit_build::model::{ProviderSpec, parse_go_duration};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How long a stream may go without a byte when the config does not say (the
/// reference's `DefaultStreamIdleTimeout`).
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The limits of one provider; clones share the bucket and the stream slots.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest silence inside a stream before it fails with a timeout.
    pub stream_idle: Duration,
    rate: Option<Arc<RateLimiter>>,
    streams: Option<Arc<Semaphore>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            stream_idle: DEFAULT_STREAM_IDLE_TIMEOUT,
            rate: None,
            streams: None,
        }
    }
}

impl Limits {
    /// The limits a provider config sets (`rate_limit`, `stream_max_concurrent`,
    /// `stream_idle_timeout`); the checker refuses values these cannot read.
    pub fn from_spec(spec: &ProviderSpec) -> Self {
        let stream_idle = spec
            .stream_idle_timeout
            .as_ref()
            .and_then(|t| parse_go_duration(&t.value))
            .filter(|t| !t.is_zero())
            .unwrap_or(DEFAULT_STREAM_IDLE_TIMEOUT);
        let rate = spec.rate_limit.as_ref().and_then(|r| {
            let rps = r.rps.filter(|n| *n > 0)?;
            Some(RateLimiter::new(rps as f64, r.burst.unwrap_or(1)))
        });
        Self {
            stream_idle,
            rate: rate.map(Arc::new),
            streams: spec
                .stream_max_concurrent
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n > 0)
                .map(|n| Arc::new(Semaphore::new(n))),
        }
    }

    /// Waits until the rate limit lets one more request go.
    pub async fn request_slot(&self) {
        if let Some(rate) = &self.rate {
            rate.acquire().await;
        }
    }

    /// Waits for a stream slot; hold the permit while the stream is read.
    pub async fn stream_slot(&self) -> Option<OwnedSemaphorePermit> {
        let streams = self.streams.as_ref()?;
        Arc::clone(streams).acquire_owned().await.ok()
    }
}

/// A token bucket: `burst` requests at once, refilled at `rps` per second.
#[derive(Debug)]
pub struct RateLimiter {
    rps: f64,
    burst: f64,
    bucket: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// A full bucket of `burst` tokens (at least one) refilled at `rps` per second.
    pub fn new(rps: f64, burst: i64) -> Self {
        let burst = burst.max(1) as f64;
        Self {
            rps,
            burst,
            bucket: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes one token, waiting for the refill when the bucket is empty.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut bucket = self.bucket.lock().await;
                let now = Instant::now();
                let refill = now.duration_since(bucket.1).as_secs_f64() * self.rps;
                *bucket = ((bucket.0 + refill).min(self.burst), now);
                if bucket.0 >= 1.0 {
                    bucket.0 -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - bucket.0) / self.rps)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_bucket_lets_a_burst_through_then_paces_requests() {
        let limiter = RateLimiter::new(2.0, 3);
        let start = tokio::time::Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst goes at once");
        limiter.acquire().await;
        limiter.acquire().await;
        let paced = start.elapsed();
        assert!(
            paced >= Duration::from_millis(990) && paced <= Duration::from_millis(1010),
            "two more at 2 rps take a second: {paced:?}"
        );
    }

    #[tokio::test]
    async fn stream_slots_are_limited_and_released() {
        let spec: ProviderSpec =
            serde_saphyr::from_str("type: openai\nstream_max_concurrent: 1\n").expect("spec");
        let limits = Limits::from_spec(&spec);
        let first = limits.stream_slot().await.expect("a slot");
        let waiting = tokio::time::timeout(Duration::from_millis(20), limits.stream_slot()).await;
        assert!(waiting.is_err(), "a second stream waits for the first");
        drop(first);
        assert!(limits.stream_slot().await.is_some());
    }

    #[test]
    fn defaults_follow_the_reference() {
        let spec: ProviderSpec =
            serde_saphyr::from_str("type: openai\nstream_max_concurrent: 0\n").expect("spec");
        let limits = Limits::from_spec(&spec);
        assert_eq!(limits.stream_idle, DEFAULT_STREAM_IDLE_TIMEOUT);
        assert!(limits.streams.is_none(), "zero means unlimited");
        assert!(limits.rate.is_none());
        let spec: ProviderSpec =
            serde_saphyr::from_str("type: openai\nstream_idle_timeout: 90s\n").expect("spec");
        assert_eq!(
            Limits::from_spec(&spec).stream_idle,
            Duration::from_secs(90)
        );
    }
}
