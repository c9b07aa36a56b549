//! Prompt fragments: reusable text a prompt composes in as `{{fragment_name}}`, read by
//! the loader like every other project file (root-confined, size-capped, read once,
//! embedded by the macros, tracked for rebuilds).
//!
//! As the reference: `{{variables}}` in a fragment's name and path are filled first; a
//! fragment with a `path` is read relative to the prompt file, one without from
//! `fragments/<name>.yaml` beside it; the file is YAML whose `content` is the text. A
//! missing optional fragment is skipped; a missing required one is an error. Unlike
//! the reference, which reads fragments when a conversation starts, the files are read
//! when the project is loaded, so a name or path is filled with the variables'
//! declared defaults: one that needs a variable without a default cannot be read and is
//! reported at its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::paths;
use super::reader::{OrFile, Reader, Reference};
use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::model::{FragmentRef, PromptSpec};

/// A fragment the loader read for a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// The name the template uses (`{{name}}`), with variables filled in.
    pub name: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// The fragment's text (the file's `content`).
    pub content: Arc<str>,
}

/// A fragment file's content (other fields of the reference's format are descriptive).
#[derive(Debug, Deserialize)]
struct FragmentFile {
    #[serde(default)]
    content: String,
}

/// Where the fragment `reference` of the prompt at `prompt_file` lives, with `vars`
/// substituted into its name and path; also returns the resolved name.
pub fn fragment_path(
    prompt_file: &Path,
    reference: &FragmentRef,
    vars: &BTreeMap<String, String>,
) -> (String, PathBuf) {
    let fill = |text: &str| {
        vars.iter().fold(text.to_owned(), |acc, (k, v)| {
            acc.replace(&format!("{{{{{k}}}}}"), v)
        })
    };
    let name = fill(&reference.name.value);
    let dir = paths::parent_dir(prompt_file);
    let path = match &reference.path {
        Some(p) if !p.value.is_empty() => paths::resolve(&dir, &fill(&p.value)),
        _ => dir.join("fragments").join(format!("{name}.yaml")),
    };
    (name, path)
}

/// The declared defaults of a prompt's variables, as text: what fills fragment names
/// and paths at load time.
fn default_values(spec: &PromptSpec) -> BTreeMap<String, String> {
    spec.variables
        .iter()
        .filter_map(|v| {
            let text = match v.default.as_ref()?.value.to_json() {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            Some((v.name.value.clone(), text))
        })
        .collect()
}

/// Reads the fragments of the prompt `spec` written in `prompt_file`, reporting a
/// missing required fragment, a broken fragment file, or a name or path that needs a
/// value only known at run time.
pub(crate) fn read_fragments(
    r: &mut Reader<'_>,
    prompt_file: &Path,
    spec: &PromptSpec,
) -> Vec<Fragment> {
    let defaults = default_values(spec);
    let mut out = Vec::new();
    for reference in &spec.fragments {
        let at = SourceLocation::from_yaml(prompt_file, &reference.name.referenced);
        let (name, path) = fragment_path(prompt_file, reference, &defaults);
        let written = reference
            .path
            .as_ref()
            .map_or_else(|| format!("fragments/{name}.yaml"), |p| p.value.clone());
        if name.contains("{{") || path.to_string_lossy().contains("{{") {
            let diagnostic = if reference.required {
                Diagnostic::error(format!(
                    "fragment `{}` names its file with a variable that has no default",
                    reference.name.value
                ))
            } else {
                Diagnostic::warning(format!(
                    "optional fragment `{}` names its file with a variable that has no default; \
                     it is never composed in",
                    reference.name.value
                ))
            };
            r.diags.push(
                diagnostic
                    .at_opt(at)
                    .or_file(prompt_file)
                    .with_note(
                        "fragments are read when the project is loaded, with the variables' \
                         declared defaults",
                    )
                    .with_help("give the variable a `default`, or write the name and path out"),
            );
            continue;
        }
        if !reference.required && !r.exists(&path) {
            continue;
        }
        let reference_to = Reference {
            text: &written,
            at: at.as_ref(),
        };
        let Some(text) = r.read(&path, Some(reference_to)) else {
            continue;
        };
        let Some(file) = r.plain::<FragmentFile>(&path, &text) else {
            continue;
        };
        out.push(Fragment {
            name,
            path,
            content: Arc::from(file.content),
        });
    }
    out
}

/// The fragments as template variables ([`add_fragment_vars`]); of two with one name,
/// the later wins, as in the reference.
pub fn fragment_vars(fragments: &[Fragment]) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    add_fragment_vars(
        &mut vars,
        fragments
            .iter()
            .rev()
            .map(|f| (f.name.as_str(), &*f.content)),
    );
    vars
}

/// Adds each fragment to `vars` under its name and under `fragment:<name>` (the
/// PromptPack clients' spelling), keeping values `vars` already has: the one way
/// fragments become template variables.
pub fn add_fragment_vars<'a>(
    vars: &mut BTreeMap<String, String>,
    fragments: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    for (name, content) in fragments {
        vars.entry(name.to_owned())
            .or_insert_with(|| content.to_owned());
        vars.entry(format!("fragment:{name}"))
            .or_insert_with(|| content.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_prompt_file};

    const PROMPT: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata: {name: p}
spec:
  task_type: t
  version: v1.0.0
  description: d
  system_template: \"{{tone}} {{rules_us}}\"
  variables:
    - {name: region, default: us}
  fragments:
    - {name: tone, required: true}
    - {name: \"rules_{{region}}\", path: \"{{region}}.yaml\", required: true}
    - {name: absent}
";

    #[test]
    fn loads_by_default_location_and_by_templated_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("fragments")).expect("mkdir");
        std::fs::write(dir.path().join("fragments/tone.yaml"), "content: Be kind.").expect("w");
        std::fs::write(dir.path().join("us.yaml"), "content: US rules").expect("w");
        std::fs::write(dir.path().join("p.yaml"), PROMPT).expect("w");
        let loaded = load_prompt_file(dir.path().join("p.yaml"), &LoadOptions::default());
        assert!(loaded.is_ok(), "{:?}", loaded.diagnostics);
        let item = loaded.value.expect("prompt");
        let vars = fragment_vars(&item.fragments);
        assert_eq!(vars["tone"], "Be kind.");
        assert_eq!(vars["fragment:tone"], "Be kind.");
        assert_eq!(vars["rules_us"], "US rules");
        assert!(!vars.contains_key("absent"));
        assert_eq!(loaded.files.len(), 3, "{:?}", loaded.files);
    }

    #[test]
    fn a_missing_required_fragment_is_located_at_its_reference() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("p.yaml"), PROMPT).expect("w");
        let loaded = load_prompt_file(dir.path().join("p.yaml"), &LoadOptions::default());
        let errors: Vec<_> = loaded.diagnostics.errors().collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let first = errors[0].location.as_ref().expect("located");
        assert_eq!((first.line, first.column), (12, 14), "{errors:?}");
    }

    #[test]
    fn a_fragment_outside_the_root_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("project");
        std::fs::create_dir_all(&project).expect("mkdir");
        std::fs::write(dir.path().join("secret.yaml"), "content: secret").expect("w");
        let prompt = PROMPT.replace(
            "- {name: tone, required: true}",
            "- {name: tone, path: ../secret.yaml, required: true}",
        );
        std::fs::write(project.join("p.yaml"), prompt).expect("w");
        let loaded = load_prompt_file(project.join("p.yaml"), &LoadOptions::default());
        let text = format!("{:?}", loaded.diagnostics);
        assert!(text.contains("resolves outside the project root"), "{text}");
        let item = loaded.value.expect("prompt");
        assert!(item.fragments.iter().all(|f| &*f.content != "secret"));
    }
}
