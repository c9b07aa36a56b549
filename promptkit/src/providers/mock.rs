//! The Arena mock provider: canned answers from a mock-responses file, keyless and
//! deterministic.
//!
//! Lookup order, as the reference: the self-play section for a persona's user turns,
//! then the scenario's response for this turn (turns count provider calls within the
//! conversation: a tool-call answer, the reply after the tool results, the next user
//! turn...), then the scenario's default, then the file's default, then a fixed
//! fallback naming the provider and model.
//!
//! A turn's `parts` become real media on the assistant message (see
//! [`crate::media::reply_parts`]): files are read relative to the mock file's folder,
//! inside the project folder, when the provider knows them ([`MockProvider::with_media`]).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use promptkit_build::model::{MockConfig, MockScenario, MockTurn};

use crate::media::{MediaRoot, reply_parts};
use crate::message::{ContentPart, Cost, Message, ToolCall, Usage};
use crate::provider::{BoxFuture, ChatRequest, ChatResponse, ErrorKind, Provider, ProviderError};

/// The role a request plays, for self-play lookups.
pub const SELF_PLAY_USER: &str = "self_play_user";

/// A provider answering from a mock-responses file.
#[derive(Debug, Clone)]
pub struct MockProvider {
    id: String,
    model: String,
    config: Arc<MockConfig>,
    /// Where the mock file's media files are read from.
    media: MediaRoot,
}

impl MockProvider {
    /// A mock provider `id` (reporting `model`) answering from `config`.
    pub fn new(id: impl Into<String>, model: impl Into<String>, config: Arc<MockConfig>) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            config,
            media: MediaRoot::new(Path::new("."), Path::new("."), Path::new("mock responses")),
        }
    }

    /// The same provider reading the media files its parts name from `media` (the
    /// project folder, the mock file's folder and the mock file); without it, from the
    /// current folder.
    pub fn with_media(mut self, media: MediaRoot) -> Self {
        self.media = media;
        self
    }

    /// A mock provider without a response file: every answer is the fallback text.
    pub fn fallback(id: impl Into<String>, model: impl Into<String>) -> Self {
        Self::new(id, model, Arc::new(MockConfig::default()))
    }

    /// The scripted answer for `request` (see the module docs for the lookup order); an
    /// error when a media part of it cannot be loaded.
    pub fn answer(&self, request: &ChatRequest) -> Result<Message, ProviderError> {
        let context = &request.context;
        let call = context.call.max(1);
        let persona_turn = context.persona.as_deref().and_then(|persona| {
            let selfplay = self.config.selfplay.as_ref()?.get(persona)?;
            self.scenario_turn(selfplay, call)
        });
        let scenario_turn = || {
            let scenario = self
                .config
                .scenarios
                .as_ref()?
                .get(context.scenario.as_deref()?)?;
            self.scenario_turn(scenario, call)
        };
        if let Some(message) = persona_turn.or_else(scenario_turn) {
            return message;
        }
        let default = self
            .config
            .default_response
            .as_ref()
            .or(self.config.default_response_snake.as_ref())
            .map(|d| d.value.clone());
        Ok(Message::assistant(default.unwrap_or_else(|| {
            format!(
                "Mock response for provider {} model {}",
                self.id, self.model
            )
        })))
    }

    /// The scenario's response for `call`, else its default.
    fn scenario_turn(
        &self,
        scenario: &MockScenario,
        call: usize,
    ) -> Option<Result<Message, ProviderError>> {
        let turn = scenario.turns.as_ref().and_then(|turns| {
            turns
                .iter()
                .find(|(number, _)| usize::try_from(number.value).is_ok_and(|n| n == call))
                .map(|(_, turn)| &turn.value)
        });
        if let Some(turn) = turn {
            return Some(self.message_of(turn, call));
        }
        scenario
            .default_response
            .as_ref()
            .or(scenario.default_response_snake.as_ref())
            .map(|d| Ok(Message::assistant(d.value.clone())))
    }

    /// The assistant message a scripted turn stands for: its text (or, as the
    /// reference, a summary of its parts when it has none), its media, its tool calls.
    fn message_of(&self, turn: &MockTurn, call: usize) -> Result<Message, ProviderError> {
        let mut message = tool_call_message(turn, call);
        let parts = match turn {
            MockTurn::Structured(spec) if !spec.parts.is_empty() => &spec.parts,
            _ => return Ok(message),
        };
        let config_error = |detail: String| {
            ProviderError::new(&self.id, "mock response", ErrorKind::Config, detail)
        };
        let canned = reply_parts(parts, &self.media).map_err(|e| config_error(e.to_string()))?;
        if message.content.is_empty() {
            message.content = parts_summary(canned.texts.first(), &canned.parts);
        }
        message.parts = canned.parts;
        Ok(message)
    }
}

/// The reference's text for a reply of parts only: its first text, then the media
/// kinds in brackets (`Here it is [[image 2 audio files]]`).
fn parts_summary(first_text: Option<&String>, parts: &[ContentPart]) -> String {
    let count = |kind: &str| parts.iter().filter(|p| p.kind() == kind).count();
    let described: Vec<String> = [
        ("image", "image", "images"),
        ("audio", "audio", "audio files"),
        ("video", "video", "videos"),
    ]
    .into_iter()
    .filter_map(|(kind, one, many)| match count(kind) {
        0 => None,
        1 => Some(one.to_owned()),
        n => Some(format!("{n} {many}")),
    })
    .collect();
    let text = first_text.cloned().unwrap_or_default();
    if described.is_empty() {
        return text;
    }
    let media = format!(" [[{}]]", described.join(" "));
    if text.is_empty() {
        format!("Content includes: {media}")
    } else {
        text + &media
    }
}

/// The text and tool calls of a scripted turn; tool call ids are stable per call.
fn tool_call_message(turn: &MockTurn, call: usize) -> Message {
    let mut message = Message::assistant(turn.text().unwrap_or_default());
    message.tool_calls = turn
        .tool_calls()
        .iter()
        .enumerate()
        .map(|(i, tc)| ToolCall {
            id: format!("call_{call}_{}", i + 1),
            name: tc.name.value.clone(),
            arguments: tc
                .arguments
                .as_ref()
                .map(|args| serde_json::Value::Object(args.value.to_json_map()))
                .unwrap_or_else(|| serde_json::Value::Object(Default::default())),
            signature: None,
        })
        .collect();
    message
}

/// Token estimate the reference uses where nothing was counted (its mock and replay
/// providers): about four characters a token, `floor` for a text too short for one.
pub(crate) fn estimate_tokens(text_len: usize, floor: u64) -> u64 {
    let tokens = (text_len / 4) as u64;
    if tokens == 0 { floor } else { tokens }
}

impl Provider for MockProvider {
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
            let started = Instant::now();
            let message = self.answer(&request)?;
            let input_len: usize = request.system.as_deref().map_or(0, str::len)
                + request
                    .messages
                    .iter()
                    .map(|m| m.content.len())
                    .sum::<usize>();
            let usage = Usage {
                input_tokens: estimate_tokens(input_len, 10),
                output_tokens: estimate_tokens(message.content.len(), 20),
                ..Usage::default()
            };
            let finish_reason = if message.tool_calls.is_empty() {
                "stop"
            } else {
                "tool_calls"
            };
            Ok(ChatResponse {
                message,
                usage,
                // Keyless answers cost nothing: a known price of zero, not "unpriced".
                cost: Cost { usd: Some(0.0) },
                latency: started.elapsed(),
                finish_reason: Some(finish_reason.to_owned()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::RequestContext;

    fn provider(yaml: &str) -> MockProvider {
        let (config, diags) =
            promptkit_build::load::parse_mock_config(std::path::Path::new("m.yaml"), yaml);
        assert!(diags.is_empty(), "{diags:?}");
        let config = config.expect("mock yaml");
        MockProvider::new("mock", "mock-model", Arc::new(config))
    }

    fn ask(p: &MockProvider, scenario: Option<&str>, call: usize) -> Message {
        p.try_ask(scenario, call).expect("an answer")
    }

    impl MockProvider {
        fn try_ask(&self, scenario: Option<&str>, call: usize) -> Result<Message, ProviderError> {
            self.answer(&ChatRequest {
                context: RequestContext {
                    scenario: scenario.map(str::to_owned),
                    call,
                    ..RequestContext::default()
                },
                ..ChatRequest::default()
            })
        }
    }

    const FILE: &str = r#"
defaultResponse: "global"
scenarios:
  s1:
    defaultResponse: "s1 default"
    turns:
      1:
        tool_calls:
          - name: lookup
            arguments: { id: 7 }
      2: "after tool"
  s2:
    turns:
      1: { content: "structured" }
"#;

    #[test]
    fn picks_turn_then_scenario_default_then_global() {
        let p = provider(FILE);
        let first = ask(&p, Some("s1"), 1);
        assert_eq!(first.tool_calls.len(), 1);
        assert_eq!(first.tool_calls[0].name, "lookup");
        assert_eq!(first.tool_calls[0].arguments, serde_json::json!({"id": 7}));
        assert_eq!(ask(&p, Some("s1"), 2).content, "after tool");
        assert_eq!(ask(&p, Some("s1"), 3).content, "s1 default");
        assert_eq!(ask(&p, Some("s2"), 1).content, "structured");
        assert_eq!(ask(&p, Some("s2"), 2).content, "global");
        assert_eq!(ask(&p, None, 1).content, "global");
    }

    #[test]
    fn without_any_default_names_provider_and_model() {
        let p = MockProvider::fallback("m", "x");
        assert_eq!(
            ask(&p, Some("s"), 1).content,
            "Mock response for provider m model x"
        );
    }
}
