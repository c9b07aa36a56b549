//! Self-play: a persona, played by a provider, writes the next user message.
//!
//! The persona's prompt becomes the system text, built as the reference builds it: a
//! `system_template` rendered with the persona's `optional_vars`, the self-play context
//! (`context_slot`, `domain_hint`, `user_context`) and the persona's own variables
//! (`persona_goals`, `persona_constraints`, `verbosity`, `challenge_level`,
//! `friction_tags`, `region`), its `required_vars` checked; else the `system_prompt` as
//! written; an `expressive` style puts its `characterization_rubric` first. The
//! conversation so far is shown with the roles swapped, so the simulated user answers
//! the assistant. The persona's `defaults` (temperature 0.7, seed 42 when unset) sample
//! the simulated user unless the turn sets `user_temp` or `seed`.

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
    let messages: Vec<Message> = conversation
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
        messages: messages.into(),
        sampling: persona_sampling(persona, turn),
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

/// The reference's sampling defaults of a persona.
const PERSONA_TEMPERATURE: f64 = 0.7;
const PERSONA_SEED: i64 = 42;

/// The simulated user's sampling: the turn's `user_temp` and `seed`, else the persona's
/// `defaults`, else the reference's (0.7, 42).
fn persona_sampling(persona: Option<&PersonaSpec>, turn: &Turn) -> Sampling {
    let defaults = persona.and_then(|p| p.defaults.as_ref());
    Sampling {
        temperature: Some(
            turn.user_temp
                .as_ref()
                .map(|t| t.value)
                .or_else(|| {
                    defaults
                        .and_then(|d| d.temperature.as_ref())
                        .map(|t| t.value)
                })
                .unwrap_or(PERSONA_TEMPERATURE),
        ),
        seed: Some(
            turn.seed
                .or_else(|| defaults.and_then(|d| d.seed))
                .unwrap_or(PERSONA_SEED),
        ),
        ..Sampling::default()
    }
}

/// The system text that makes a model play `persona`.
pub(crate) fn persona_prompt(persona: &PersonaSpec) -> Result<String, String> {
    let name = persona
        .id
        .as_ref()
        .map(|i| i.value.as_str())
        .unwrap_or("persona");
    if !persona.fragments.is_empty() {
        return Err(format!(
            "persona `{name}`: fragment composition is not supported (as in the reference); use system_template or system_prompt"
        ));
    }
    let style = persona.style.clone().unwrap_or_default();
    let body = match (&persona.system_template, &persona.system_prompt) {
        (Some(tpl), _) => {
            let vars = persona_variables(persona, name, &style);
            let missing: Vec<&str> = persona
                .required_vars
                .iter()
                .map(|v| v.value.as_str())
                .filter(|v| vars.get(*v).is_none_or(String::is_empty))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "persona `{name}`: required variable(s) {} have no value; give them in optional_vars",
                    missing.join(", ")
                ));
            }
            template::render(&tpl.value, &vars)
                .map_err(|e| format!("persona `{name}` prompt: {e}"))?
        }
        (None, Some(prompt)) => prompt.value.clone(),
        (None, None) => {
            return Err(format!(
                "persona `{name}` has neither system_template nor system_prompt"
            ));
        }
    };
    Ok(
        match style
            .characterization_rubric
            .filter(|r| style.expressive == Some(true) && !r.is_empty())
        {
            Some(rubric) => format!("{rubric}\n\n{body}"),
            None => body,
        },
    )
}

/// The variables of a persona template: its `optional_vars`, the self-play context,
/// then the persona's own (which win), with the reference's defaults.
fn persona_variables(
    persona: &PersonaSpec,
    name: &str,
    style: &promptkit_build::model::PersonaStyle,
) -> BTreeMap<String, String> {
    let mut vars: BTreeMap<String, String> = persona
        .optional_vars
        .as_ref()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.value.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in [
        ("context_slot", ""),
        ("domain_hint", "general"),
        ("user_context", "user"),
    ] {
        vars.insert(k.to_owned(), v.to_owned());
    }
    let or = |value: String, default: &str| {
        if value.is_empty() {
            default.to_owned()
        } else {
            value
        }
    };
    let region = ["uk", "au", "us"]
        .into_iter()
        .find(|r| name.ends_with(&format!("_{r}")))
        .unwrap_or("us");
    vars.insert(
        "persona_goals".into(),
        or(persona.goals.join(", "), "Interact naturally and helpfully"),
    );
    vars.insert(
        "persona_constraints".into(),
        or(
            persona.constraints.join(", "),
            "Be respectful and constructive",
        ),
    );
    vars.insert(
        "verbosity".into(),
        or(style.verbosity.clone().unwrap_or_default(), "medium"),
    );
    vars.insert(
        "challenge_level".into(),
        or(style.challenge_level.clone().unwrap_or_default(), "medium"),
    );
    vars.insert(
        "friction_tags".into(),
        or(style.friction_tags.join(", "), "none"),
    );
    vars.insert("region".into(), region.to_owned());
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use promptkit_build::model::PersonaSpec;

    fn persona(yaml: &str) -> PersonaSpec {
        serde_saphyr::from_str(yaml).expect("persona spec")
    }

    #[test]
    fn a_template_sees_the_persona_variables_with_the_references_defaults() {
        let p = persona(
            "id: skeptic_uk
description: d
system_template: \"Goals: {{persona_goals}}. Style: {{verbosity}}/{{challenge_level}}/{{friction_tags}}. From {{region}}, {{user_context}}, {{product}}.\"
optional_vars: {product: phones}
goals: [get a refund, stay polite]
style: {verbosity: short, friction_tags: [skeptical]}
",
        );
        assert_eq!(
            persona_prompt(&p).expect("prompt"),
            "Goals: get a refund, stay polite. Style: short/medium/skeptical. From uk, user, phones."
        );
    }

    #[test]
    fn required_vars_fragments_and_rubrics_follow_the_reference() {
        let missing =
            persona("id: p\ndescription: d\nsystem_template: \"{{who}}\"\nrequired_vars: [who]\n");
        assert!(persona_prompt(&missing).is_err_and(|e| e.contains("who")));
        let plain = persona(
            "id: p\ndescription: d\nsystem_prompt: Be terse.\ngoals: [g]\nstyle: {expressive: true, characterization_rubric: \"[whispers]\"}\n",
        );
        assert_eq!(
            persona_prompt(&plain).expect("prompt"),
            "[whispers]\n\nBe terse."
        );
        let fragments =
            persona("id: p\ndescription: d\nsystem_prompt: x\nfragments: [{name: f}]\n");
        assert!(persona_prompt(&fragments).is_err_and(|e| e.contains("fragment")));
    }
}
