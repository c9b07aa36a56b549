//! LLM judges backed by the project's providers: `judges:` (and `judge_specs:`) name a
//! provider each; the `judge` param of an assertion picks one, else the first.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::suite::Suite;
use crate::assertions::{Judge, JudgeError, JudgeFuture, JudgeRequest};
use crate::message::Message;
use crate::provider::{ChatRequest, Provider, RequestContext, Sampling};

/// Judges of one case: provider calls share the case's call counter, so keyless mock
/// judges read their scripted verdicts by turn, as in the reference.
pub(crate) struct ProviderJudge {
    judges: BTreeMap<String, Arc<dyn Provider>>,
    first: Option<String>,
    scenario: String,
    calls: Arc<AtomicUsize>,
}

impl ProviderJudge {
    /// The judges configured in `suite` for a case of `scenario`.
    pub fn new(suite: &Suite, scenario: &str, calls: Arc<AtomicUsize>) -> Self {
        let arena = &suite.project.arena.spec.value;
        let mut order = Vec::new();
        let named = arena
            .judges
            .iter()
            .map(|j| (j.name.value.clone(), j.provider.value.clone()))
            .chain(arena.judge_specs.iter().flat_map(|specs| {
                specs
                    .iter()
                    .map(|(k, v)| (k.value.clone(), v.provider.value.clone()))
            }));
        let mut judges = BTreeMap::new();
        for (name, provider) in named {
            if let Some(p) = suite.providers.get(&provider) {
                order.push(name.clone());
                judges.insert(name, p.clone());
            }
        }
        Self {
            judges,
            first: order.into_iter().next(),
            scenario: scenario.to_owned(),
            calls,
        }
    }
}

impl Judge for ProviderJudge {
    fn judge<'a>(&'a self, request: &'a JudgeRequest) -> JudgeFuture<'a> {
        Box::pin(async move {
            let name = request
                .judge
                .clone()
                .or_else(|| self.first.clone())
                .ok_or(JudgeError::NotConfigured)?;
            let provider = self
                .judges
                .get(&name)
                .ok_or_else(|| JudgeError::Unknown(name.clone()))?;
            let chat = ChatRequest {
                system: Some(request.system_prompt.clone()),
                messages: vec![Message::user(request.user_content.clone())].into(),
                sampling: Sampling {
                    temperature: Some(0.0),
                    ..Sampling::default()
                },
                context: RequestContext {
                    scenario: Some(self.scenario.clone()),
                    call: self.calls.fetch_add(1, Ordering::SeqCst) + 1,
                    ..RequestContext::default()
                },
                ..ChatRequest::default()
            };
            provider
                .chat(chat)
                .await
                .map(|r| r.message.content)
                .map_err(|e| JudgeError::Failed(e.to_string()))
        })
    }
}
