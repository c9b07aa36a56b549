//! The mock provider's response file (`mock_config:` of a `type: mock` provider, or
//! `--mock-config`): canned responses per scenario and turn, tool calls, self-play turns.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::value::{Map, SpannedMap};

/// A whole mock response file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockConfig {
    /// Response when nothing more specific matches.
    #[serde(rename = "defaultResponse", default)]
    pub default_response: Option<Spanned<String>>,
    /// Snake-case spelling found in the wild; the reference ignores it (the loader warns).
    #[serde(rename = "default_response", default)]
    pub default_response_snake: Option<Spanned<String>>,
    /// Responses by scenario id.
    #[serde(default)]
    pub scenarios: Option<SpannedMap<String, MockScenario>>,
    /// Simulated-user responses by persona id (self-play).
    #[serde(default)]
    pub selfplay: Option<SpannedMap<String, MockScenario>>,
}

/// Responses for one scenario (or one self-play persona).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockScenario {
    /// Response for turns without a specific entry.
    #[serde(rename = "defaultResponse", default)]
    pub default_response: Option<Spanned<String>>,
    /// Snake-case spelling; the reference ignores it (the loader warns).
    #[serde(rename = "default_response", default)]
    pub default_response_snake: Option<Spanned<String>>,
    /// Responses by 1-based turn number.
    #[serde(default)]
    pub turns: Option<SpannedMap<u32, Spanned<MockTurn>>>,
    /// Responses by composition step id (checked before turns).
    #[serde(default)]
    pub steps: Option<SpannedMap<String, Spanned<MockTurn>>>,
}

/// One canned turn: a plain string, or a structured response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MockTurn {
    /// `3: "text"` — a text response.
    Text(String),
    /// A structured response (text, parts, tool calls, audio).
    Structured(Box<MockTurnSpec>),
}

impl MockTurn {
    /// The response text: the string, or `content`, else `text`, else `response` (the reference's order).
    pub fn text(&self) -> Option<&str> {
        match self {
            MockTurn::Text(s) => Some(s),
            MockTurn::Structured(t) => t
                .content
                .as_ref()
                .or(t.text.as_ref())
                .or(t.response.as_ref())
                .map(|s| s.value.as_str()),
        }
    }

    /// The tool calls of this turn (empty for text turns).
    pub fn tool_calls(&self) -> &[MockToolCall] {
        match self {
            MockTurn::Text(_) => &[],
            MockTurn::Structured(t) => &t.tool_calls,
        }
    }
}

impl<'de> Deserialize<'de> for MockTurn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor instead of `#[serde(untagged)]` keeps the locations of the fields.
        deserializer.deserialize_any(MockTurnVisitor)
    }
}

struct MockTurnVisitor;

impl<'de> Visitor<'de> for MockTurnVisitor {
    type Value = MockTurn;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response string or a mapping with content/tool_calls/parts")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<MockTurn, E> {
        Ok(MockTurn::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<MockTurn, E> {
        Ok(MockTurn::Text(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MockTurn, A::Error> {
        MockTurnSpec::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|t| MockTurn::Structured(Box::new(t)))
    }
}

/// A structured canned turn.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockTurnSpec {
    /// `text`, `tool_calls` or `multimodal` (inferred when absent).
    #[serde(default)]
    pub r#type: Option<Spanned<String>>,
    /// Response text.
    #[serde(default)]
    pub content: Option<Spanned<String>>,
    /// Alias of `content`.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// Legacy alias of `content`.
    #[serde(default)]
    pub response: Option<Spanned<String>>,
    /// Multimodal parts.
    #[serde(default)]
    pub parts: Vec<MockContentPart>,
    /// Tool calls the model makes.
    #[serde(default)]
    pub tool_calls: Vec<MockToolCall>,
    /// Audio fixture (streaming mock), relative to the mock file.
    #[serde(default)]
    pub audio_file: Option<Spanned<String>>,
    /// Sample rate of the audio fixture.
    #[serde(default, deserialize_with = "strict::opt")]
    pub audio_sample_rate: Option<i64>,
    /// MIME type of the audio fixture.
    #[serde(default)]
    pub audio_mime_type: Option<String>,
}

/// A tool call in a canned turn.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockToolCall {
    /// Tool name.
    pub name: Spanned<String>,
    /// Arguments, free-form.
    #[serde(default)]
    pub arguments: Option<Spanned<Map>>,
}

/// A multimodal part of a canned turn.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockContentPart {
    /// `text`, `image`, `audio`, `video`, `document`.
    #[serde(default)]
    pub r#type: Option<Spanned<String>>,
    /// Text (for `type: text`).
    #[serde(default)]
    pub text: Option<String>,
    /// Image.
    #[serde(default)]
    pub image_url: Option<MockMediaUrl>,
    /// Audio.
    #[serde(default)]
    pub audio_url: Option<MockMediaUrl>,
    /// Video.
    #[serde(default)]
    pub video_url: Option<MockMediaUrl>,
    /// Document.
    #[serde(default)]
    pub document_url: Option<MockMediaUrl>,
    /// Extra metadata, free-form.
    #[serde(default)]
    pub metadata: Option<Spanned<Map>>,
}

/// A media URL (`mock://`, `http(s)://`, `data:` or a file path).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MockMediaUrl {
    /// The URL.
    pub url: Spanned<String>,
    /// Image detail (`low`, `high`, `auto`).
    #[serde(default)]
    pub detail: Option<String>,
}
