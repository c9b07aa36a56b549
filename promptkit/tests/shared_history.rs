//! A conversation's history is shared, never copied per turn: the provider receives the
//! conversation's own allocation (so a turn costs no copy of the turns before it and a
//! long scripted run stays linear in its turns; `cargo promptkit run` on 1,000 / 2,000 /
//! 4,000 turns is measured in BENCHMARKS.md).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use promptkit::Message;
use promptkit::conversation::Conversation;
use promptkit::provider::{BoxFuture, ChatRequest, ChatResponse, Provider, ProviderError};
use promptkit::tools::Consent;

/// Answers every request and notes which history allocation it was handed, and how
/// long that history was.
#[derive(Default)]
struct Keep(Mutex<Vec<(usize, usize)>>);

impl Provider for Keep {
    fn id(&self) -> &str {
        "keep"
    }

    fn model(&self) -> &str {
        "keep"
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        let seen = (
            Arc::as_ptr(&request.messages) as usize,
            request.messages.len(),
        );
        self.0.lock().expect("lock").push(seen);
        Box::pin(async move {
            Ok(ChatResponse {
                message: Message::assistant("ok"),
                usage: Default::default(),
                cost: Default::default(),
                latency: Duration::ZERO,
                finish_reason: None,
            })
        })
    }
}

#[tokio::test]
async fn the_provider_receives_the_conversations_own_history() {
    let provider = Arc::new(Keep::default());
    let mut conversation = Conversation::new(provider.clone());
    for turn in 0..3 {
        conversation
            .send_message(Message::user(format!("turn {turn}")), &Consent::new())
            .await
            .expect("answered");
        let (allocation, len) = provider.0.lock().expect("lock").pop().expect("a request");
        // The request saw the history up to this turn's question, in the very
        // allocation the conversation then grew with the reply: nothing was copied.
        assert_eq!(len, 2 * turn + 1);
        let history = conversation.shared_messages();
        assert_eq!(history.len(), 2 * turn + 2);
        assert_eq!(
            Arc::as_ptr(history) as usize,
            allocation,
            "turn {turn} copied the history"
        );
    }
}
