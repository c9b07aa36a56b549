//! The conversation data every part of the runtime speaks: messages, tool calls, usage.
//!
//! Providers translate to and from these types; the conversation loop, validators
//! and arena assertions read them.

use serde::{Deserialize, Serialize};

/// Who authored a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The system prompt.
    System,
    /// The human (or the self-play persona standing in for one).
    User,
    /// The model.
    Assistant,
    /// A tool result sent back to the model.
    Tool,
}

impl Role {
    /// The role's name as in transcripts and configs (`user`, `assistant`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// Its text (empty for an assistant message that only calls tools).
    #[serde(default)]
    pub content: String,
    /// Non-text parts (images, audio, ...), in order, when the message has any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<ContentPart>,
    /// Tool calls requested by an assistant message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// For a `Tool` message: the id of the call it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// For a `Tool` message: the tool's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The model's reasoning (thinking text or summary) behind an assistant message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Reasoning>,
    /// The model's refusal, when it declined instead of answering (OpenAI `refusal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

/// Reasoning a model showed or summarised before answering.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reasoning {
    /// The thinking text (Claude, Gemini thoughts, `reasoning_content` of compatibles).
    pub text: String,
    /// The provider's opaque token for it (Claude thinking `signature`), sent back unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl Reasoning {
    /// Reasoning with `text` and `signature`; `None` when there is neither.
    pub fn of(text: String, signature: Option<String>) -> Option<Self> {
        (!text.is_empty() || signature.is_some()).then_some(Self { text, signature })
    }
}

impl Message {
    /// A message with text content only.
    pub fn text(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            parts: Vec::new(),
            tool_calls: Vec::new(),
            tool_call_id: None,
            name: None,
            reasoning: None,
            refusal: None,
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::text(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::text(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::text(Role::Assistant, content)
    }

    /// A tool result answering the call `call_id` of tool `name`.
    pub fn tool_result(
        call_id: impl Into<String>,
        name: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        Self {
            tool_call_id: Some(call_id.into()),
            name: Some(name.into()),
            ..Self::text(Role::Tool, content)
        }
    }
}

/// A non-text part of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// An image, by URL (`https:`, `data:` or a local path).
    Image {
        /// Where the image is.
        url: String,
        /// Its MIME type when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// What its author declared about it ([`Declared`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared: Option<Declared>,
    },
    /// An audio clip.
    Audio {
        /// Where the clip is.
        url: String,
        /// Its MIME type when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// What its author declared about it ([`Declared`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared: Option<Declared>,
    },
    /// A video clip.
    Video {
        /// Where the clip is.
        url: String,
        /// Its MIME type when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// What its author declared about it ([`Declared`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared: Option<Declared>,
    },
    /// A document (PDF, text...).
    Document {
        /// Where the document is.
        url: String,
        /// Its MIME type when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// What its author declared about it ([`Declared`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared: Option<Declared>,
    },
}

/// What an author wrote about a media part beside its bytes, as the reference keeps it
/// on the part: sizes and duration (a mock reply's `metadata`, a mock tool's
/// `width`/`height`), read by the media assertions where there are no bytes to measure
/// (a `mock://` or `http` URL); an image's `detail` level, sent by the OpenAI-compatible
/// encodings; a `caption`, kept with the part and sent to no model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// Duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// An image's detail level (`low`, `high`, `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A caption or description of the media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl ContentPart {
    /// A part of `kind` (`image`, `audio`, `video`, `document`); `None` for another kind.
    pub fn of_kind(kind: &str, url: String, mime_type: Option<String>) -> Option<Self> {
        let declared = None;
        Some(match kind {
            "image" => Self::Image {
                url,
                mime_type,
                declared,
            },
            "audio" => Self::Audio {
                url,
                mime_type,
                declared,
            },
            "video" => Self::Video {
                url,
                mime_type,
                declared,
            },
            "document" => Self::Document {
                url,
                mime_type,
                declared,
            },
            _ => return None,
        })
    }

    /// The same part with what its author declared about it (nothing declared keeps none).
    pub fn with_declared(mut self, value: Declared) -> Self {
        if value != Declared::default() {
            match &mut self {
                Self::Image { declared, .. }
                | Self::Audio { declared, .. }
                | Self::Video { declared, .. }
                | Self::Document { declared, .. } => *declared = Some(value),
            }
        }
        self
    }

    /// What its author declared about it, if anything.
    pub fn declared(&self) -> Option<&Declared> {
        match self {
            Self::Image { declared, .. }
            | Self::Audio { declared, .. }
            | Self::Video { declared, .. }
            | Self::Document { declared, .. } => declared.as_ref(),
        }
    }

    /// The part's kind: `image`, `audio`, `video` or `document`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Image { .. } => "image",
            Self::Audio { .. } => "audio",
            Self::Video { .. } => "video",
            Self::Document { .. } => "document",
        }
    }

    /// Where the media is (`https:`, `data:` or a path).
    pub fn url(&self) -> &str {
        match self {
            Self::Image { url, .. }
            | Self::Audio { url, .. }
            | Self::Video { url, .. }
            | Self::Document { url, .. } => url,
        }
    }

    /// Its MIME type when known.
    pub fn mime_type(&self) -> Option<&str> {
        match self {
            Self::Image { mime_type, .. }
            | Self::Audio { mime_type, .. }
            | Self::Video { mime_type, .. }
            | Self::Document { mime_type, .. } => mime_type.as_deref(),
        }
    }
}

/// A tool call requested by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's id for the call (generated when the provider gives none).
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, as JSON.
    pub arguments: serde_json::Value,
    /// The provider's opaque token for the call (Gemini `thoughtSignature`), sent back
    /// unchanged with the call in the next request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl ToolCall {
    /// A call without a provider token.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: serde_json::Value,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            arguments,
            signature: None,
        }
    }
}

/// Token counts of one provider call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens, reasoning included (what the provider bills as output).
    pub output_tokens: u64,
    /// Of the output tokens, those spent on reasoning (thinking).
    #[serde(default)]
    pub reasoning_tokens: u64,
    /// Prompt tokens served from the provider's cache.
    #[serde(default)]
    pub cached_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, rhs: Self) {
        self.input_tokens += rhs.input_tokens;
        self.output_tokens += rhs.output_tokens;
        self.cached_tokens += rhs.cached_tokens;
        self.reasoning_tokens += rhs.reasoning_tokens;
    }
}

/// The cost of one or more calls in US dollars; `None` means "not priced", which is not $0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Dollars, when the model has a price.
    pub usd: Option<f64>,
}
