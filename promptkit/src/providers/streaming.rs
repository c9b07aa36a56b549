//! Turning an SSE response into [`StreamChunk`]s, for every streaming provider: the
//! provider supplies a [`Decoder`] for its event payloads; this module handles bytes,
//! truncation, transport errors and the final `Done`.

use std::collections::VecDeque;
use std::time::Instant;

use super::http::{OpenStream, Secret, StreamPermits};
use super::sse::{SseEvent, SseParser};
use crate::provider::{ChatResponse, ErrorKind, ProviderError, StreamChunk};
use futures_util::{Stream, StreamExt};

/// How a stream's bytes are cut into events: SSE for most vendors, AWS event-stream
/// frames for Bedrock.
pub(crate) trait Framing: Send + 'static {
    /// The events completed by `bytes`, or why the bytes are not a valid stream.
    fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, String>;
    /// Whether bytes of an unfinished event are buffered.
    fn has_partial(&self) -> bool;
}

impl Framing for SseParser {
    fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, String> {
        Ok(SseParser::push(self, bytes))
    }

    fn has_partial(&self) -> bool {
        SseParser::has_partial(self)
    }
}

/// What a provider's stream events mean.
pub(crate) trait Decoder: Send + 'static {
    /// Applies one event; returns the text deltas it carries, or what went wrong.
    fn apply(&mut self, event: &SseEvent) -> Result<Vec<String>, String>;
    /// Whether the provider has said the answer is complete.
    fn is_done(&self) -> bool;
    /// Whether the stream may end without an explicit end marker once this is true.
    fn may_end(&self) -> bool {
        self.is_done()
    }
    /// The whole response.
    fn finish(self: Box<Self>, started: Instant) -> ChatResponse;
}

/// A provider's stream: `opening` sends the request (with retries); its SSE answer is
/// decoded by `decoder`; a failure to open is the stream's one error.
pub(crate) fn open<'a>(
    provider: String,
    what: String,
    opening: impl std::future::Future<Output = Result<OpenStream, ProviderError>> + Send + 'a,
    decoder: Box<dyn Decoder>,
) -> crate::provider::BoxStream<'a, Result<StreamChunk, ProviderError>> {
    open_framed(provider, what, opening, Box::new(SseParser::new()), decoder)
}

/// [`open`] for a stream whose bytes `framing` cuts into events.
pub(crate) fn open_framed<'a>(
    provider: String,
    what: String,
    opening: impl std::future::Future<Output = Result<OpenStream, ProviderError>> + Send + 'a,
    framing: Box<dyn Framing>,
    decoder: Box<dyn Decoder>,
) -> crate::provider::BoxStream<'a, Result<StreamChunk, ProviderError>> {
    let started = Instant::now();
    Box::pin(
        futures_util::stream::once(async move {
            match opening.await {
                Err(e) => futures_util::stream::iter([Err(e)]).boxed(),
                Ok(open) => chunks(provider, what, open, framing, decoder, started).boxed(),
            }
        })
        .flatten(),
    )
}

/// The chunks of an open SSE response; ends with `Done` or one error (a timeout when
/// no byte comes for the stream's idle time).
fn chunks(
    provider: String,
    what: String,
    open: OpenStream,
    framing: Box<dyn Framing>,
    decoder: Box<dyn Decoder>,
    started: Instant,
) -> impl Stream<Item = Result<StreamChunk, ProviderError>> + Send {
    struct State {
        bytes: futures_util::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
        parser: Box<dyn Framing>,
        decoder: Option<Box<dyn Decoder>>,
        pending: VecDeque<Result<StreamChunk, ProviderError>>,
        provider: String,
        what: String,
        started: Instant,
        idle: std::time::Duration,
        secrets: Vec<Secret>,
        _permits: StreamPermits,
    }
    impl State {
        fn fail(&mut self, kind: ErrorKind, detail: String) {
            self.decoder = None;
            let detail = self
                .secrets
                .iter()
                .fold(detail, |text, secret| secret.redact(&text));
            self.pending.push_back(Err(ProviderError::new(
                &self.provider,
                &self.what,
                kind,
                detail,
            )));
        }

        fn complete(&mut self) {
            if let Some(decoder) = self.decoder.take() {
                let done = decoder.finish(self.started);
                self.pending.extend(
                    done.message
                        .tool_calls
                        .iter()
                        .cloned()
                        .map(|c| Ok(StreamChunk::ToolCall(c))),
                );
                self.pending.push_back(Ok(StreamChunk::Done(done)));
            }
        }
    }
    let OpenStream {
        response,
        idle,
        permits,
        secrets,
    } = open;
    let state = State {
        bytes: response.bytes_stream().boxed(),
        parser: framing,
        decoder: Some(decoder),
        pending: VecDeque::new(),
        provider,
        what,
        started,
        idle,
        secrets,
        _permits: permits,
    };
    futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.pending.pop_front() {
                return Some((item, s));
            }
            let decoder = s.decoder.as_mut()?;
            if decoder.is_done() {
                s.complete();
                continue;
            }
            let Ok(next) = tokio::time::timeout(s.idle, s.bytes.next()).await else {
                let idle = s.idle;
                s.fail(
                    ErrorKind::Timeout,
                    format!(
                        "the stream sent nothing for {idle:?}; raise the provider's \
                         `stream_idle_timeout` if the model pauses longer"
                    ),
                );
                continue;
            };
            match next {
                Some(Ok(chunk)) => {
                    let (events, mut failure) = match s.parser.push(&chunk) {
                        Ok(events) => (events, None),
                        Err(why) => (Vec::new(), Some(why)),
                    };
                    for event in events {
                        match decoder.apply(&event) {
                            Ok(texts) => s
                                .pending
                                .extend(texts.into_iter().map(|t| Ok(StreamChunk::Text(t)))),
                            Err(why) => {
                                failure = Some(why);
                                break;
                            }
                        }
                        if decoder.is_done() {
                            break;
                        }
                    }
                    if let Some(why) = failure {
                        s.fail(ErrorKind::Decode, why);
                    }
                }
                Some(Err(e)) => {
                    let kind = if e.is_timeout() {
                        ErrorKind::Timeout
                    } else {
                        ErrorKind::Connect
                    };
                    s.fail(kind, format!("stream interrupted: {}", e.without_url()));
                }
                None if decoder.may_end() && !s.parser.has_partial() => s.complete(),
                None => s.fail(
                    ErrorKind::Decode,
                    "the stream ended before the response was complete".into(),
                ),
            }
        }
    })
}
