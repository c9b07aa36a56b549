//! Rendering a pack prompt's system template with checked variables.

use std::collections::BTreeMap;

use promptkit_build::template::{self, VarDecl, VarProblem, VarType};

use super::{Pack, PackVariable};

/// Why a prompt could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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

impl Pack {
    /// Renders the system template of `task_type` with `vars`: required variables must
    /// be given, optional ones fall back to their defaults, types and validation rules
    /// are checked, fragments (`{{name}}` or `{{fragment:name}}`) are filled in, and any
    /// placeholder left is an error.
    pub fn render(
        &self,
        task_type: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<String, RenderError> {
        self.render_for_model(task_type, None, vars)
    }

    /// [`Pack::render`] with the prompt's `model_overrides` entry for `model` applied
    /// (replacement template, then prefix and suffix).
    pub fn render_for_model(
        &self,
        task_type: &str,
        model: Option<&str>,
        vars: &BTreeMap<String, String>,
    ) -> Result<String, RenderError> {
        let prompt = self
            .prompt(task_type)
            .ok_or_else(|| RenderError::UnknownPrompt {
                task_type: task_type.to_owned(),
                available: self.prompt_names().into_iter().map(str::to_owned).collect(),
            })?;
        if let Some(engine) = &self.model().template_engine
            && !engine.syntax.is_empty()
            && engine.syntax != "{{variable}}"
        {
            return Err(RenderError::UnsupportedSyntax {
                syntax: engine.syntax.clone(),
            });
        }
        let decls: Vec<VarDecl> = prompt.variables.iter().map(decl).collect();
        let mut values =
            template::variables(&decls, vars).map_err(|problems| RenderError::Variables {
                task_type: task_type.to_owned(),
                problems,
            })?;
        for (name, content) in &self.model().fragments {
            // The reference compiler records unresolved fragments as their own placeholder.
            if *content == format!("{{{{{name}}}}}") {
                continue;
            }
            values
                .entry(name.clone())
                .or_insert_with(|| content.clone());
            values
                .entry(format!("fragment:{name}"))
                .or_insert_with(|| content.clone());
        }
        let text = system_template(prompt, model);
        template::render(&text, &values).map_err(|error| RenderError::Template {
            task_type: task_type.to_owned(),
            error,
        })
    }
}

/// The prompt's template with the override of `model` applied, as the reference does.
fn system_template(prompt: &super::PackPrompt, model: Option<&str>) -> String {
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
