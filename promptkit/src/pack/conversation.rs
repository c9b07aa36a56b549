//! From a pack to a conversation: a prompt rendered with variables for a model, with
//! its allowed tools, validators and sampling parameters; the pack's tools as specs a
//! [`Toolbox`] can run once handlers are registered.

use std::collections::BTreeMap;

use super::{Pack, RenderError};
use crate::conversation::{self, PreparedPrompt};
use crate::provider::ToolSpec;
use crate::tools::Toolbox;

impl Pack {
    /// The prompt `task_type` ready for a [`crate::conversation::Conversation`]:
    /// rendered with `vars` (and the `model_overrides` of `model`), with its tools,
    /// enabled validators and parameters.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let pack = promptkit::Pack::from_json(r#"{
    ///   "id": "shop", "name": "shop", "version": "1.0.0",
    ///   "template_engine": {"version": "v1", "syntax": "{{variable}}"},
    ///   "prompts": {"support": {
    ///     "id": "support", "name": "support", "version": "1.0.0",
    ///     "system_template": "You help customers of {{company}}.",
    ///     "variables": [{"name": "company", "type": "string", "required": true}],
    ///     "parameters": {"temperature": 0.2}
    ///   }}
    /// }"#).unwrap();
    /// let vars = BTreeMap::from([("company".to_owned(), "Acme".to_owned())]);
    /// let prepared = pack.prepare("support", &vars, None).unwrap();
    /// assert_eq!(prepared.system, "You help customers of Acme.");
    /// assert_eq!(prepared.sampling.temperature, Some(0.2));
    /// assert!(pack.prepare("support", &BTreeMap::new(), None).is_err(), "company is required");
    /// ```
    pub fn prepare(
        &self,
        task_type: &str,
        vars: &BTreeMap<String, String>,
        model: Option<&str>,
    ) -> Result<PreparedPrompt, RenderError> {
        let prompt = self.renderable(task_type)?;
        conversation::prepare(prompt, &self.model().fragments, vars, model)
    }

    /// The pack's tools as specs (name, description, JSON schema of the arguments).
    pub fn tool_specs(&self) -> Vec<ToolSpec> {
        self.tools()
            .map(|t| ToolSpec {
                name: t.name.clone(),
                description: t.description.clone(),
                input_schema: t
                    .parameters
                    .clone()
                    .unwrap_or_else(|| serde_json::json!({"type": "object"})),
            })
            .collect()
    }
}

impl Toolbox {
    /// A toolbox declaring every tool of `pack`; register a handler for each tool the
    /// application serves ([`Toolbox::handler`]), the others answer with an error.
    pub fn from_pack(pack: &Pack) -> Self {
        let mut toolbox = Toolbox::new();
        for spec in pack.tool_specs() {
            let name = spec.name.clone();
            toolbox.declare(
                spec,
                format!("tool `{name}` has no handler; register one with Toolbox::handler"),
            );
        }
        toolbox
    }
}
