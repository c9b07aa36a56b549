//! Turning a prompt config into what a conversation needs: the rendered system text,
//! allowed tools, validators and sampling parameters.

use std::collections::BTreeMap;
use std::fmt;

use promptkit_build::load::{Item, load_fragments};
use promptkit_build::model::PromptSpec;
use promptkit_build::template::{self, VarDecl, VarProblem};
use serde_json::{Map, Value};

use crate::provider::Sampling;
use crate::validators::{Validator, ValidatorSet};

/// A prompt ready for a conversation.
#[derive(Debug, Clone)]
pub struct PreparedPrompt {
    /// The prompt's task type.
    pub task_type: String,
    /// The rendered system prompt.
    pub system: String,
    /// Tools the prompt allows.
    pub allowed_tools: Vec<String>,
    /// Enabled validators.
    pub validators: ValidatorSet,
    /// Sampling parameters from the prompt's `parameters`.
    pub sampling: Sampling,
}

/// Why a prompt could not be prepared.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptError {
    /// The prompt (task type) concerned.
    pub task_type: String,
    /// Every problem found.
    pub problems: Vec<String>,
}

impl fmt::Display for PromptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "prompt `{}`: {}",
            self.task_type,
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for PromptError {}

/// Renders `prompt` with `vars` for `model` (model overrides apply when it has one):
/// required variables checked, defaults applied, fragments composed in.
pub fn prepare_prompt(
    prompt: &Item<PromptSpec>,
    vars: &BTreeMap<String, String>,
    model: Option<&str>,
) -> Result<PreparedPrompt, PromptError> {
    let spec = &prompt.spec;
    let task_type = spec.task_type.value.clone();
    let fail = |problems: Vec<String>| PromptError {
        task_type: task_type.clone(),
        problems,
    };
    let decls: Vec<VarDecl> = spec.variables.iter().map(VarDecl::from).collect();
    let mut values = template::variables(&decls, vars)
        .map_err(|problems| fail(problems.iter().map(VarProblem::to_string).collect()))?;
    let fragments = load_fragments(&prompt.path, &spec.fragments, &values)
        .map_err(|diags| fail(diags.iter().map(|d| d.message.clone()).collect()))?;
    values.extend(fragments);

    let mut text = spec
        .system_template
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();
    if let Some(overrides) = model.and_then(|m| spec.model_overrides.as_ref()?.get(m)) {
        if let Some(replacement) = &overrides.system_template {
            text.clone_from(&replacement.value);
        }
        if let Some(suffix) = &overrides.system_template_suffix {
            text.push_str(&suffix.value);
        }
    }
    let system = template::render(&text, &values).map_err(|e| fail(vec![e.to_string()]))?;

    let mut validators = Vec::new();
    let mut problems = Vec::new();
    for config in &spec.validators {
        if config.enabled == Some(false) {
            continue;
        }
        let params: Map<String, Value> = config
            .params
            .as_ref()
            .map(|p| p.value.to_json_map())
            .unwrap_or_default();
        match Validator::new(&config.r#type.value, &params) {
            Ok(v) => validators.push(match &config.message {
                Some(m) => v.with_message(m.value.clone()),
                None => v,
            }),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }

    let parameters = spec.parameters.as_ref();
    Ok(PreparedPrompt {
        task_type: task_type.clone(),
        system,
        allowed_tools: spec.allowed_tools.iter().map(|t| t.value.clone()).collect(),
        validators: ValidatorSet::new(validators),
        sampling: Sampling {
            temperature: parameters
                .and_then(|p| p.temperature.as_ref())
                .map(|t| t.value),
            top_p: parameters.and_then(|p| p.top_p.as_ref()).map(|t| t.value),
            max_tokens: parameters
                .and_then(|p| p.max_tokens.as_ref())
                .and_then(|t| u64::try_from(t.value).ok()),
            seed: None,
        },
    })
}
