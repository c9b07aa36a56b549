//! `kind: Eval` — assertions run over a recorded conversation.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::Assertion;

/// The `spec` of an Eval document.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSpec {
    /// Id; the reference overrides it with `metadata.name`.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// What the eval checks.
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// The recording to evaluate.
    pub recording: RecordingSource,
    /// Per-turn assertions.
    #[serde(default)]
    pub turns: Vec<EvalTurn>,
    /// Assertions over the whole conversation.
    #[serde(default)]
    pub conversation_assertions: Vec<Assertion>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Replay mode: `instant`, `realtime`, `accelerated`.
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// Replay speed factor (accelerated mode).
    #[serde(default, deserialize_with = "strict::opt")]
    pub speed: Option<f64>,
}

/// A recorded conversation file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingSource {
    /// Path, relative to the eval file.
    pub path: Spanned<String>,
    /// `session`, `arena_output`, `transcript`, `generic`.
    #[serde(default)]
    pub r#type: Option<Spanned<String>>,
}

/// Per-turn assertions of an eval.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvalTurn {
    /// Assertions applied to every assistant turn.
    #[serde(default)]
    pub all_turns: Option<EvalAllTurns>,
}

/// Assertions applied to every turn.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvalAllTurns {
    /// The assertions.
    #[serde(default)]
    pub assertions: Vec<Assertion>,
}
