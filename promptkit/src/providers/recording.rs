//! Recording and replay: a [`Recorder`] wraps any provider and keeps every call
//! (request, response or error, latency); a [`Replay`] provider answers from such a
//! recording, so a live session can be re-run keyless and deterministically.
//!
//! Calls are keyed like inspect_ai's cache: provider, model, the normalized request
//! (system, messages, tools, sampling; not the caller context) and the repetition
//! index, so trials replay their own answers. Errors are recorded as errors, never as
//! answers. Values of credential variables in the environment are masked before
//! anything is written. Inline media is kept by reference: stored once in
//! [`MEDIA_DIR`] beside the file (named by its SHA-256), the JSON holding hash, MIME
//! type and size.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::recording_media;
use crate::provider::{BoxFuture, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError};

pub use super::recording_media::MEDIA_DIR;

/// Largest recording file read, in bytes.
pub const MAX_RECORDING_BYTES: u64 = 64 * 1024 * 1024;

/// The recording file format version.
pub const FORMAT_VERSION: u32 = 1;

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The lookup key (see the module docs).
    pub key: String,
    /// Provider id.
    pub provider: String,
    /// Model.
    pub model: String,
    /// The normalized request.
    pub request: Value,
    /// The answer, when the call succeeded.
    pub response: Option<ChatResponse>,
    /// What went wrong, when it did not (kind and detail).
    pub error: Option<String>,
    /// Original latency in milliseconds.
    pub latency_ms: f64,
}

impl Entry {
    /// The recorded answer, or the recorded failure as a `NoResponse` error of
    /// provider `id` for the call `what`.
    pub fn answer(&self, id: &str, what: &str) -> Result<ChatResponse, ProviderError> {
        match (&self.response, &self.error) {
            (Some(response), _) => Ok(response.clone()),
            (None, error) => Err(ProviderError::new(
                id,
                what,
                ErrorKind::NoResponse,
                format!(
                    "recorded failure: {}",
                    error.as_deref().unwrap_or("unknown")
                ),
            )),
        }
    }
}

/// A recording file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// Format version.
    pub version: u32,
    /// Calls in the order they happened.
    pub entries: Vec<Entry>,
}

/// Why a recording (ours or the reference's session) could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordingError {
    /// The file could not be read.
    #[error("cannot read recording `{}`: {reason}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The file could not be written.
    #[error("cannot write recording `{}`: {reason}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The text is not one of the formats read.
    #[error("{}{reason}", named(.path))]
    Format {
        /// The file (empty when read from text).
        path: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// Our format, another version.
    #[error("`{}` is recording format {found}, this build reads {FORMAT_VERSION}", .path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        found: u32,
    },
    /// A media file the recording refers to is missing, outside its folder or altered.
    #[error("recording `{}`: media file `{}` {problem}; record the session again", .path.display(), .file.display())]
    Media {
        /// The recording.
        path: PathBuf,
        /// The media file.
        file: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A session holds no assistant reply to replay.
    #[error("no assistant responses found in recording")]
    NoAnswers,
}

/// `recording `path`: ` before a message, when the path is known.
fn named(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        String::new()
    } else {
        format!("recording `{}`: ", path.display())
    }
}

impl Recording {
    /// Reads a recording: a regular file of at most [`MAX_RECORDING_BYTES`].
    pub fn load(path: &Path) -> Result<Self, RecordingError> {
        let failed = |reason: String| RecordingError::Read {
            path: path.to_owned(),
            reason,
        };
        let bytes = promptkit_build::load::bounded_read(path, MAX_RECORDING_BYTES)
            .map_err(|e| failed(e.to_string()))?;
        if bytes.len() as u64 > MAX_RECORDING_BYTES {
            return Err(failed(format!("over the {MAX_RECORDING_BYTES}-byte limit")));
        }
        let text = String::from_utf8(bytes).map_err(|e| failed(e.to_string()))?;
        Self::parse(&text, path)
    }

    /// Reads a recording from its text; `path` names it in errors, and media stored by
    /// reference is read from [`MEDIA_DIR`] in its folder.
    pub fn parse(text: &str, path: &Path) -> Result<Self, RecordingError> {
        let not_ours = |e: serde_json::Error| RecordingError::Format {
            path: path.to_owned(),
            reason: format!("not a PromptKit recording: {e}"),
        };
        let mut value: Value = serde_json::from_str(text).map_err(not_ours)?;
        if value.get("version").and_then(Value::as_u64) == Some(u64::from(FORMAT_VERSION)) {
            recording_media::resolve(&mut value, folder_of(path), path)?;
        }
        let recording: Self = serde_json::from_value(value).map_err(|e| {
            // The text's own error says where (line and column), when it has one.
            not_ours(serde_json::from_str::<Self>(text).err().unwrap_or(e))
        })?;
        if recording.version != FORMAT_VERSION {
            return Err(RecordingError::Version {
                path: path.to_owned(),
                found: recording.version,
            });
        }
        Ok(recording)
    }

    /// Writes the recording (temporary file, then rename), credentials masked, inline
    /// media stored once by hash in [`MEDIA_DIR`] beside it.
    pub fn save(&self, path: &Path) -> Result<(), RecordingError> {
        let write_error = |reason: String| RecordingError::Write {
            path: path.to_owned(),
            reason,
        };
        let mut value = serde_json::to_value(self).map_err(|e| write_error(e.to_string()))?;
        recording_media::store(&mut value, folder_of(path), path)?;
        let text = serde_json::to_string_pretty(&value).map_err(|e| write_error(e.to_string()))?;
        crate::files::write_atomically(path, mask_credentials(&text).as_bytes())
            .map_err(|e| write_error(e.to_string()))
    }
}

/// The folder of a recording file (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The normalized request and its key.
pub(crate) fn key_of(provider: &str, model: &str, request: &ChatRequest) -> (String, Value) {
    let normalized = serde_json::json!({
        "system": request.system,
        "messages": request.messages,
        "tools": request.tools,
        "tool_choice": request.tool_choice,
        "sampling": request.sampling,
    });
    let key = format!(
        "{provider}|{model}|{}|{}",
        request.context.repetition,
        fingerprint(&normalized.to_string())
    );
    (key, normalized)
}

/// A stable 64-bit FNV-1a fingerprint, as hex.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `text` with the value of every credential-looking environment variable masked.
pub fn mask_credentials(text: &str) -> String {
    std::env::vars()
        .filter(|(name, value)| {
            let name = name.to_ascii_uppercase();
            value.len() >= 8
                && (name.ends_with("_API_KEY")
                    || name.ends_with("_TOKEN")
                    || name.ends_with("_SECRET"))
        })
        .fold(text.to_owned(), |acc, (_, value)| {
            acc.replace(&value, "***")
        })
}

/// Records every call of the provider it wraps.
pub struct Recorder {
    inner: Arc<dyn Provider>,
    entries: Arc<Mutex<Vec<Entry>>>,
}

impl Recorder {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Provider>) -> Self {
        Self {
            inner,
            entries: Arc::default(),
        }
    }

    /// What was recorded so far.
    pub fn recording(&self) -> Recording {
        Recording {
            version: FORMAT_VERSION,
            entries: self
                .entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

impl Provider for Recorder {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn model(&self) -> &str {
        self.inner.model()
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        Box::pin(async move {
            let (key, normalized) = key_of(self.id(), self.model(), &request);
            let started = std::time::Instant::now();
            let result = self.inner.chat(request).await;
            let entry = Entry {
                key,
                provider: self.id().to_owned(),
                model: self.model().to_owned(),
                request: normalized,
                response: result.as_ref().ok().cloned(),
                error: result.as_ref().err().map(ToString::to_string),
                latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            };
            self.entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(entry);
            result
        })
    }
}

/// Answers from a recording.
pub struct Replay {
    id: String,
    model: String,
    entries: BTreeMap<String, Entry>,
    keep_timing: bool,
}

impl Replay {
    /// A replay of `recording` as provider `id`/`model`; with `keep_timing`, each
    /// answer takes its original latency.
    pub fn new(
        id: impl Into<String>,
        model: impl Into<String>,
        recording: Recording,
        keep_timing: bool,
    ) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            entries: recording
                .entries
                .into_iter()
                .map(|e| {
                    let key = e
                        .key
                        .split_once('|')
                        .map_or(e.key.clone(), |(_, rest)| rest.to_owned());
                    (key, e)
                })
                .collect(),
            keep_timing,
        }
    }
}

impl Provider for Replay {
    fn id(&self) -> &str {
        &self.id
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        Box::pin(async move {
            // Replays match on model and request, whatever the provider id was.
            let (key, _) = key_of("", &self.model, &request);
            let key = key.trim_start_matches('|').to_owned();
            let what = format!("replay call {}", request.context.call);
            let entry = self.entries.get(&key).ok_or_else(|| {
                ProviderError::new(
                    &self.id,
                    &what,
                    ErrorKind::NoResponse,
                    "the recording has no call with this request; record the session again after changing prompts or scenarios",
                )
            })?;
            if self.keep_timing {
                tokio::time::sleep(Duration::from_secs_f64(entry.latency_ms / 1000.0)).await;
            }
            entry.answer(&self.id, &what)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;
    use crate::providers::mock::MockProvider;

    fn request(text: &str, repetition: usize) -> ChatRequest {
        let mut r = ChatRequest {
            messages: vec![Message::user(text)].into(),
            ..ChatRequest::default()
        };
        r.context.repetition = repetition;
        r
    }

    #[tokio::test]
    async fn records_and_replays_by_request_and_repetition() {
        let recorder = Recorder::new(Arc::new(MockProvider::fallback("live", "m1")));
        let first = recorder.chat(request("hi", 0)).await.expect("answer");
        recorder.chat(request("hi", 1)).await.expect("answer");
        let recording = recorder.recording();
        assert_eq!(recording.entries.len(), 2);

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("session.json");
        recording.save(&path).expect("saved");
        let replay = Replay::new(
            "replay",
            "m1",
            Recording::load(&path).expect("loads"),
            false,
        );
        assert_eq!(
            replay
                .chat(request("hi", 0))
                .await
                .expect("replayed")
                .message,
            first.message
        );
        let missing = replay
            .chat(request("other", 0))
            .await
            .expect_err("not recorded");
        assert_eq!(missing.kind, ErrorKind::NoResponse);
        assert!(
            replay.chat(request("hi", 2)).await.is_err(),
            "repetitions are keyed"
        );
    }

    #[test]
    fn format_errors_say_where() {
        let err = Recording::parse("{\"version\": 1,\n \"entries\": 3}", Path::new("r.json"))
            .expect_err("not a recording");
        let message = err.to_string();
        assert!(
            message.starts_with("recording `r.json`: not a PromptKit recording"),
            "{message}"
        );
        assert!(message.contains("line 2 column"), "{message}");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint("abc"), "e71fa2190541574b");
    }
}
