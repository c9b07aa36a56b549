//! Fields the reference's JSON schemas require but the model keeps optional (so one
//! missing field does not hide the rest of the file): reported as errors, because the
//! reference refuses such documents.

use crate::diagnostic::{Diagnostic, Diagnostics, SourceLocation};
use crate::model::{
    ArenaSpec, EvalSpec, Kind, MockConfig, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec,
    ToolSpec,
};

/// A spec type that knows which of its optional fields the reference requires.
pub trait Required {
    /// Dotted paths of the required fields that are absent.
    fn missing(&self) -> Vec<&'static str>;
}

/// Reports each missing required field of `spec` at `at`.
pub(crate) fn report<S: Required>(
    spec: &S,
    at: Option<SourceLocation>,
    kind: Kind,
    diags: &mut Diagnostics,
) {
    for field in spec.missing() {
        diags.push(
            Diagnostic::error(format!("missing required field `{field}`"))
                .at_opt(at.clone())
                .with_label(format!("`{field}` is required in this {kind}"))
                .with_note("the reference (PromptArena) refuses the document without it"),
        );
    }
}

fn absent<T>(field: &Option<T>, name: &'static str, out: &mut Vec<&'static str>) {
    if field.is_none() {
        out.push(name);
    }
}

impl Required for ArenaSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        absent(&self.defaults, "defaults", &mut out);
        out
    }
}

impl Required for PromptSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        absent(&self.version, "version", &mut out);
        absent(&self.description, "description", &mut out);
        absent(&self.system_template, "system_template", &mut out);
        out
    }
}

impl Required for ScenarioSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        absent(&self.description, "description", &mut out);
        out
    }
}

impl Required for ProviderSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if let Some(d) = &self.defaults {
            absent(&d.temperature, "defaults.temperature", &mut out);
            absent(&d.top_p, "defaults.top_p", &mut out);
            absent(&d.max_tokens, "defaults.max_tokens", &mut out);
        }
        if let Some(p) = &self.pricing {
            absent(&p.input_cost_per_1k, "pricing.input_cost_per_1k", &mut out);
            absent(
                &p.output_cost_per_1k,
                "pricing.output_cost_per_1k",
                &mut out,
            );
        }
        if let Some(r) = &self.rate_limit {
            absent(&r.rps, "rate_limit.rps", &mut out);
            absent(&r.burst, "rate_limit.burst", &mut out);
        }
        out
    }
}

impl Required for ToolSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        absent(&self.description, "description", &mut out);
        absent(&self.input_schema, "input_schema", &mut out);
        absent(&self.output_schema, "output_schema", &mut out);
        absent(&self.mode, "mode", &mut out);
        if let Some(http) = &self.http {
            absent(&http.method, "http.method", &mut out);
            absent(&http.timeout_ms, "http.timeout_ms", &mut out);
        }
        out
    }
}

impl Required for EvalSpec {
    fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        absent(&self.description, "description", &mut out);
        out
    }
}

impl Required for PersonaSpec {
    /// The reference loads personas without schema validation: nothing is required here
    /// (a missing `description` is a warning elsewhere).
    fn missing(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

impl Required for MockConfig {
    fn missing(&self) -> Vec<&'static str> {
        Vec::new()
    }
}
