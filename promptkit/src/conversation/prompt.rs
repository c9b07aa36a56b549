//! Turning a prompt into what a conversation needs: the rendered system text, allowed
//! tools, validators and sampling parameters.
//!
//! There is one way to do it, from a pack prompt: a PromptPack's prompts are prepared
//! as they are ([`crate::Pack::prepare`]), and a project's prompt configs are first
//! compiled to the same form ([`promptkit_build::pack::prompt`], fragments composed in),
//! so a run and a shipped pack render the same text.

use std::collections::BTreeMap;

use promptkit_build::load::{Item, add_fragment_vars};
use promptkit_build::model::PromptSpec;
use promptkit_build::pack::{PackPrompt, PackVariable};
use promptkit_build::template::{self, VarDecl, VarProblem, VarType};
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

/// Why a prompt could not be rendered or prepared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// No prompt has this task type.
    #[error("pack has no prompt `{task_type}`; it has: {}", available.join(", "))]
    UnknownPrompt {
        /// The task type asked for.
        task_type: String,
        /// The task types the pack has.
        available: Vec<String>,
    },
    /// The pack declares a placeholder syntax other than `{{variable}}`.
    #[error("pack uses template syntax `{syntax}`; only `{{{{variable}}}}` packs can be rendered")]
    UnsupportedSyntax {
        /// The declared syntax.
        syntax: String,
    },
    /// Variables are missing or break their declaration.
    #[error("prompt `{task_type}`: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Variables {
        /// The prompt.
        task_type: String,
        /// Every problem found.
        problems: Vec<VarProblem>,
    },
    /// A validator of the prompt cannot be built.
    #[error("prompt `{task_type}`: {problem}")]
    Validator {
        /// The prompt.
        task_type: String,
        /// What is wrong.
        problem: String,
    },
    /// The template could not be rendered (placeholders left, a cycle, too large).
    #[error("prompt `{task_type}`: {error}")]
    Template {
        /// The prompt.
        task_type: String,
        /// What went wrong.
        error: template::RenderError,
    },
}

/// Prepares the prompt config `prompt` (checked, with the fragments the loader read)
/// with `vars` for `model` (its `model_overrides` apply): compiled to its pack form,
/// then prepared as a pack prompt.
pub fn prepare_prompt(
    prompt: &Item<PromptSpec>,
    vars: &BTreeMap<String, String>,
    model: Option<&str>,
) -> Result<PreparedPrompt, RenderError> {
    prepare(
        &promptkit_build::pack::prompt(prompt),
        &BTreeMap::new(),
        vars,
        model,
    )
}

/// Prepares a pack prompt: the system text rendered ([`render`]), its tools, enabled
/// validators and sampling parameters.
pub(crate) fn prepare(
    prompt: &PackPrompt,
    fragments: &BTreeMap<String, String>,
    vars: &BTreeMap<String, String>,
    model: Option<&str>,
) -> Result<PreparedPrompt, RenderError> {
    let system = render(prompt, fragments, vars, model)?;
    let validators = prompt
        .validators
        .iter()
        .filter(|v| v.enabled)
        .map(|v| {
            let params: Map<String, Value> = v.params.clone().unwrap_or_default();
            Validator::new(&v.r#type, &params).map_err(|e| RenderError::Validator {
                task_type: prompt.id.clone(),
                problem: e.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let parameters = prompt.parameters.as_ref();
    Ok(PreparedPrompt {
        task_type: prompt.id.clone(),
        system,
        allowed_tools: prompt.tools.clone(),
        validators: ValidatorSet::new(validators),
        sampling: Sampling {
            temperature: parameters.and_then(|p| p.temperature),
            top_p: parameters.and_then(|p| p.top_p),
            max_tokens: parameters
                .and_then(|p| p.max_tokens)
                .and_then(|m| u64::try_from(m).ok()),
            seed: None,
        },
    })
}

/// Renders a pack prompt's system template for `model` with `vars`: required variables
/// must be given, optional ones fall back to their defaults, types and validation rules
/// are checked, `fragments` (as `{{name}}` or `{{fragment:name}}`) are filled in, and
/// any placeholder left is an error.
pub(crate) fn render(
    prompt: &PackPrompt,
    fragments: &BTreeMap<String, String>,
    vars: &BTreeMap<String, String>,
    model: Option<&str>,
) -> Result<String, RenderError> {
    let decls: Vec<VarDecl> = prompt.variables.iter().map(decl).collect();
    let mut values =
        template::variables(&decls, vars).map_err(|problems| RenderError::Variables {
            task_type: prompt.id.clone(),
            problems,
        })?;
    // The reference compiler records unresolved fragments as their own placeholder.
    add_fragment_vars(
        &mut values,
        fragments
            .iter()
            .filter(|(name, content)| **content != format!("{{{{{name}}}}}"))
            .map(|(name, content)| (name.as_str(), content.as_str())),
    );
    let text = system_template(prompt, model);
    template::render(&text, &values).map_err(|error| RenderError::Template {
        task_type: prompt.id.clone(),
        error,
    })
}

/// The template module's view of a pack variable (unknown types check as strings).
fn decl(v: &PackVariable) -> VarDecl {
    VarDecl {
        name: v.name.clone(),
        ty: VarType::parse(&v.r#type).unwrap_or_default(),
        required: v.required,
        default: v.default.clone(),
        validation: v.validation.clone(),
    }
}

/// The prompt's template with the override of `model` applied, as the reference does.
fn system_template(prompt: &PackPrompt, model: Option<&str>) -> String {
    let mut text = prompt.system_template.clone();
    let Some(o) = model.and_then(|m| prompt.model_overrides.get(m)) else {
        return text;
    };
    if let Some(replacement) = o.system_template.as_ref().filter(|t| !t.is_empty()) {
        text.clone_from(replacement);
    }
    if let Some(prefix) = o
        .extra
        .get("system_template_prefix")
        .and_then(|p| p.as_str())
    {
        text.insert_str(0, prefix);
    }
    if let Some(suffix) = o.system_template_suffix.as_ref() {
        text.push_str(suffix);
    }
    text
}
