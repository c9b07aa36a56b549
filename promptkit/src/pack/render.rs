//! Rendering a pack prompt's system template with checked variables.

use std::collections::BTreeMap;

use super::{Pack, PackPrompt};
use crate::conversation::{self, RenderError};

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
        let prompt = self.renderable(task_type)?;
        conversation::render(prompt, &self.model().fragments, vars, model)
    }

    /// The prompt `task_type`, when the pack's template syntax is one this runtime renders.
    pub(super) fn renderable(&self, task_type: &str) -> Result<&PackPrompt, RenderError> {
        let prompt = self
            .prompt(task_type)
            .ok_or_else(|| RenderError::UnknownPrompt {
                task_type: task_type.to_owned(),
                available: self.prompt_names().into_iter().map(str::to_owned).collect(),
            })?;
        match &self.model().template_engine {
            Some(engine) if !engine.syntax.is_empty() && engine.syntax != "{{variable}}" => {
                Err(RenderError::UnsupportedSyntax {
                    syntax: engine.syntax.clone(),
                })
            }
            _ => Ok(prompt),
        }
    }
}
