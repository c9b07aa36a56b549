//! A prompt's template against its declarations: every `{{…}}` it uses must be a
//! declared variable or a fragment, and every declared type must be one the pack
//! format knows. Errors point at the placeholder inside the YAML scalar.

use crate::diagnostic::{Diagnostic, SourceCache};
use crate::load::{Item, did_you_mean, locate_in_scalar};
use crate::model::PromptSpec;
use crate::template::{VarType, placeholders};

/// Every problem of `prompt`'s template and variable declarations; `fragments` are the
/// names of the fragments composed in (`{{name}}` and `{{fragment:name}}` fill them).
pub fn check_template(
    prompt: &Item<PromptSpec>,
    fragments: &[String],
    sources: &SourceCache,
) -> Vec<Diagnostic> {
    let spec = &prompt.spec;
    let mut errors = Vec::new();
    let declared: Vec<&str> = spec
        .variables
        .iter()
        .map(|v| v.name.value.as_str())
        .collect();
    for variable in &spec.variables {
        if let Some(ty) = variable
            .r#type
            .as_ref()
            .filter(|t| VarType::parse(&t.value).is_none())
        {
            errors.push(
                Diagnostic::error(format!(
                    "variable `{}` has unknown type `{}`",
                    variable.name.value, ty.value
                ))
                .at_opt(prompt.at(&ty.referenced))
                .with_label("unknown type")
                .with_help("use one of: string, number, integer, boolean, object, array"),
            );
        }
    }
    let Some(template) = &spec.system_template else {
        return errors;
    };
    let source = sources.get(&prompt.path).unwrap_or_default();
    for placeholder in placeholders(&template.value) {
        let name = placeholder.name;
        let known = declared.contains(&name)
            || fragments.iter().any(|f| f == name)
            || name
                .strip_prefix("fragment:")
                .is_some_and(|f| fragments.iter().any(|g| g == f));
        if known {
            continue;
        }
        let at = locate_in_scalar(&prompt.path, source, template, placeholder.range.clone());
        let diagnostic = if !placeholder.is_well_formed() && declared.contains(&name.trim()) {
            Diagnostic::error(format!("placeholder `{{{{{name}}}}}` can never be filled"))
                .with_label("spaces inside the braces")
                .with_help(format!("write `{{{{{}}}}}`", name.trim()))
        } else {
            let mut d = Diagnostic::error(format!(
                "the template uses `{{{{{name}}}}}` but no variable `{name}` is declared"
            ))
            .with_label("undeclared variable")
            .with_help(format!(
                "declare it under `spec.variables` (`- name: {name}`) or remove the placeholder"
            ));
            if let Some(best) = did_you_mean(name, &declared) {
                d = d.with_help(format!("did you mean `{{{{{best}}}}}`?"));
            }
            d
        };
        errors.push(diagnostic.at_opt(at));
    }
    errors
}
