//! Cassettes: one recording file per case, so a suite runs live once and keyless ever
//! after. A [`Cassette`] stands in for a case's live provider: it answers from the
//! case's file when the request matches what was recorded ([`CassetteMode::Replay`],
//! the default), calls the live provider and records ([`CassetteMode::Record`]), or
//! does the first where it can and the second where it must
//! ([`CassetteMode::Update`]). A request that no longer matches fails with the field
//! that changed and the command that records again. Files use the [`Recording`]
//! format (request fingerprints the reference's session recordings cannot hold);
//! credentials are masked when written, and keys never enter requests.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use promptkit_build::plan;
use serde_json::Value;

use super::recording::{Entry, FORMAT_VERSION, Recording, RecordingError, key_of};
use crate::provider::{BoxFuture, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError};

/// The variable choosing the cassette mode of `#[arena_test]` tests: unset (replay),
/// `1` (record every case again) or `update` (record only what no longer matches).
pub const RECORD_VAR: &str = "PROMPTKIT_RECORD";

/// What a cassette does with requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CassetteMode {
    /// Answer from the file; a request it does not hold is an error.
    Replay,
    /// Call the live provider for every request and write a new file.
    Record,
    /// Answer from the file where it matches, call the live provider where it does not,
    /// and rewrite the file when anything changed.
    Update,
}

impl CassetteMode {
    /// The mode [`RECORD_VAR`] asks for; `None` for a value it does not know.
    pub fn from_env() -> Option<Self> {
        match std::env::var(RECORD_VAR) {
            Err(_) => Some(Self::Replay),
            Ok(v) => match v.trim() {
                "" | "0" | "false" => Some(Self::Replay),
                "1" | "true" | "all" => Some(Self::Record),
                "update" => Some(Self::Update),
                _ => None,
            },
        }
    }
}

/// Where a suite keeps its cassettes and what it does with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cassettes {
    /// The folder of the cassette files.
    pub dir: PathBuf,
    /// Replay, record or update.
    pub mode: CassetteMode,
    /// The command that records again, quoted when a request no longer matches.
    pub rerecord: String,
}

impl Cassettes {
    /// The cassette file of a case (see [`plan::cassette_file`]).
    pub fn path(&self, scenario: &str, provider: &str, trial: usize) -> PathBuf {
        self.dir
            .join(plan::cassette_file(scenario, provider, trial))
    }
}

/// A case's provider behind its cassette file.
pub struct Cassette {
    id: String,
    model: String,
    path: PathBuf,
    mode: CassetteMode,
    live: Option<Arc<dyn Provider>>,
    recorded: Vec<Entry>,
    state: Mutex<State>,
    rerecord: String,
}

#[derive(Default)]
struct State {
    /// The calls of this case in order, answered or recorded.
    entries: Vec<Entry>,
    /// Whether any call went to the live provider.
    changed: bool,
}

impl Cassette {
    /// The cassette at `path` for provider `id`/`model`: the file is read unless `mode`
    /// is [`CassetteMode::Record`] (a missing file is an empty cassette); `live` is the
    /// real provider (`None` when it cannot be built, e.g. without its key: replay
    /// still works). `rerecord` is the command that records again, quoted in errors.
    pub fn open(
        id: impl Into<String>,
        model: impl Into<String>,
        path: impl Into<PathBuf>,
        mode: CassetteMode,
        live: Option<Arc<dyn Provider>>,
        rerecord: impl Into<String>,
    ) -> Result<Self, RecordingError> {
        let path = path.into();
        let recorded = if mode == CassetteMode::Record || !path.exists() {
            Vec::new()
        } else {
            Recording::load(&path)?.entries
        };
        Ok(Self {
            id: id.into(),
            model: model.into(),
            path,
            mode,
            live,
            recorded,
            state: Mutex::default(),
            rerecord: rerecord.into(),
        })
    }

    /// Whether the file exists (a replay needs it).
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// Writes the file when calls were recorded (always in [`CassetteMode::Record`]);
    /// returns whether it wrote. Replays never write.
    pub fn save(&self) -> Result<bool, RecordingError> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let write = match self.mode {
            CassetteMode::Replay => false,
            CassetteMode::Record => true,
            CassetteMode::Update => state.changed,
        };
        if !write {
            return Ok(false);
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| RecordingError::Write {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        }
        Recording {
            version: FORMAT_VERSION,
            entries: state.entries.clone(),
        }
        .save(&self.path)?;
        Ok(true)
    }

    /// The recorded answer of call `key`, when the file has it.
    fn recorded(&self, key: &str) -> Option<&Entry> {
        self.recorded.iter().find(|e| e.key == key)
    }

    /// Why call `n` (0-based) with `request` has no recorded answer.
    fn mismatch(&self, n: usize, request: &Value) -> String {
        let file = self.path.display();
        let why = match self.recorded.get(n) {
            None if self.recorded.is_empty() => {
                format!("the cassette `{file}` is missing or empty")
            }
            None => format!(
                "the cassette `{file}` holds {} calls; this is call {}",
                self.recorded.len(),
                n + 1
            ),
            Some(entry) => format!(
                "call {} no longer matches the cassette `{file}`: {}",
                n + 1,
                changed_field(&entry.request, request)
            ),
        };
        format!("{why}; record it again with `{}`", self.rerecord)
    }
}

/// The first difference between a recorded normalized request and a new one, named
/// for a person: `system prompt changed`, `message 3 (user) changed`, ...
fn changed_field(recorded: &Value, now: &Value) -> String {
    let field = |v: &Value, name: &str| v.get(name).cloned().unwrap_or(Value::Null);
    let excerpt = |v: &Value| {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        let short: String = text.chars().take(80).collect();
        if text.chars().count() > 80 {
            format!("{short}…")
        } else {
            short
        }
    };
    let (was, is) = (field(recorded, "system"), field(now, "system"));
    if was != is {
        return format!(
            "the system prompt changed (was \"{}\", now \"{}\")",
            excerpt(&was),
            excerpt(&is)
        );
    }
    let (was, is) = (field(recorded, "messages"), field(now, "messages"));
    if was != is {
        let empty = Vec::new();
        let was = was.as_array().unwrap_or(&empty);
        let is = is.as_array().unwrap_or(&empty);
        for i in 0..was.len().max(is.len()) {
            match (was.get(i), is.get(i)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => {
                    let role = b.get("role").map(excerpt).unwrap_or_default();
                    return format!(
                        "message {} ({role}) changed (was \"{}\", now \"{}\")",
                        i + 1,
                        excerpt(&field(a, "content")),
                        excerpt(&field(b, "content"))
                    );
                }
                _ => {
                    return format!(
                        "the conversation has {} messages, the cassette {}",
                        is.len(),
                        was.len()
                    );
                }
            }
        }
    }
    for (name, what) in [
        ("tools", "the tools changed"),
        ("tool_choice", "the tool choice changed"),
        ("sampling", "the sampling parameters changed"),
    ] {
        if field(recorded, name) != field(now, name) {
            return what.to_owned();
        }
    }
    "the provider, model or trial changed".to_owned()
}

impl Provider for Cassette {
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
            let (key, normalized) = key_of("", &self.model, &request);
            let n = self
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entries
                .len();
            let what = format!("cassette call {}", n + 1);
            if self.mode != CassetteMode::Record
                && let Some(entry) = self.recorded(&key)
            {
                let entry = entry.clone();
                self.state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entries
                    .push(entry.clone());
                return entry.answer(&self.id, &what);
            }
            let live = match (&self.live, self.mode) {
                (_, CassetteMode::Replay) | (None, _) => {
                    return Err(ProviderError::new(
                        &self.id,
                        &what,
                        ErrorKind::NoResponse,
                        self.mismatch(n, &normalized),
                    ));
                }
                (Some(live), _) => live,
            };
            let started = std::time::Instant::now();
            let result = live.chat(request).await;
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.changed = true;
            state.entries.push(Entry {
                key,
                provider: self.id.clone(),
                model: self.model.clone(),
                request: normalized,
                response: result.as_ref().ok().cloned(),
                error: result.as_ref().err().map(ToString::to_string),
                latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            });
            result
        })
    }
}
