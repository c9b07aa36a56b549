//! Self-play: a persona, played by a provider, writes the next user message.
//!
//! The persona's prompt (its `system_prompt`, else its `system_template` filled with its
//! `optional_vars`, plus goals and constraints) becomes the system text; the
//! conversation so far is shown with the roles swapped, so the simulated user answers
//! the assistant.

use std::collections::BTreeMap;

use promptkit_build::model::{PersonaSpec, Turn};
use promptkit_build::template;

use super::suite::Suite;
use crate::conversation::Conversation;
use crate::message::{Message, Role};
use crate::provider::{ChatRequest, RequestContext, Sampling};
use promptkit_build::plan::Case;

/// The `index`-th (1-based) simulated user message of a self-play turn.
pub(crate) async fn next_user_message(
    suite: &Suite,
    case: &Case,
    turn: &Turn,
    conversation: &Conversation,
    index: usize,
) -> Result<String, String> {
    let role = &turn.role.value;
    let arena = &suite.project.arena.spec.value;
    let provider_id = arena
        .self_play
        .as_ref()
        .and_then(|sp| sp.roles.iter().find(|r| &r.id.value == role))
        .map(|r| r.provider.value.clone())
        .unwrap_or_else(|| case.provider.clone());
    let provider = suite.providers.get(&provider_id).ok_or_else(|| {
        format!("self-play role `{role}` uses provider `{provider_id}`, which is not available")
    })?;
    let persona_id = turn.persona.as_ref().map(|p| p.value.clone());
    let persona = persona_id
        .as_deref()
        .and_then(|id| suite.project.persona(id))
        .map(|p| &p.spec);
    let system = persona.map(persona_prompt).transpose()?;
    let messages = conversation
        .messages()
        .iter()
        .filter_map(|m| match m.role {
            Role::User => Some(Message::assistant(m.content.clone())),
            Role::Assistant if !m.content.is_empty() => Some(Message::user(m.content.clone())),
            _ => None,
        })
        .collect();
    let request = ChatRequest {
        system,
        messages,
        sampling: Sampling {
            temperature: turn.user_temp.as_ref().map(|t| t.value),
            seed: turn.seed,
            ..Sampling::default()
        },
        context: RequestContext {
            scenario: Some(case.scenario.clone()),
            call: index,
            repetition: case.trial,
            persona: persona_id,
        },
        ..ChatRequest::default()
    };
    let response = provider.chat(request).await.map_err(|e| e.to_string())?;
    Ok(response.message.content)
}

/// The system text that makes a model play `persona`.
fn persona_prompt(persona: &PersonaSpec) -> Result<String, String> {
    let mut text = match (&persona.system_prompt, &persona.system_template) {
        (Some(prompt), _) => prompt.value.clone(),
        (None, Some(tpl)) => {
            let vars: BTreeMap<String, String> = persona
                .optional_vars
                .as_ref()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.value.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            template::render(&tpl.value, &vars).map_err(|e| format!("persona prompt: {e}"))?
        }
        (None, None) => String::from("You are a user talking to an assistant."),
    };
    if !persona.goals.is_empty() {
        text.push_str("\n\nYour goals:\n- ");
        text.push_str(&persona.goals.join("\n- "));
    }
    if !persona.constraints.is_empty() {
        text.push_str("\n\nConstraints:\n- ");
        text.push_str(&persona.constraints.join("\n- "));
    }
    Ok(text)
}
