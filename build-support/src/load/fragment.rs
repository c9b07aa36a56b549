//! Prompt fragments: reusable text a prompt composes in as `{{fragment_name}}`.
//!
//! As the reference: `{{variables}}` in a fragment's name and path are filled first; a
//! fragment with a `path` is read relative to the prompt file, one without from
//! `fragments/<name>.yaml` beside it; the file is YAML whose `content` is the text. A
//! missing optional fragment is skipped; a missing required one is an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::paths;
use crate::diagnostic::Diagnostic;
use crate::model::FragmentRef;

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
            acc.replace(&format!("{{{{{k}}}}}", k = k), v)
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

/// The fragments of a prompt as template variables (name -> content). Missing optional
/// fragments are left out; every missing or broken required fragment is an error.
pub fn load_fragments(
    prompt_file: &Path,
    fragments: &[FragmentRef],
    vars: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<Diagnostic>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for reference in fragments {
        let (name, path) = fragment_path(prompt_file, reference, vars);
        let content = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
            .and_then(|text| {
                serde_saphyr::from_str::<FragmentFile>(&text)
                    .map(|f| f.content)
                    .map_err(|e| format!("`{}` is not a fragment file: {e}", path.display()))
            });
        match content {
            Ok(content) => {
                out.insert(name, content);
            }
            Err(why) if reference.required => errors.push(
                Diagnostic::error(format!("required fragment `{name}` could not be loaded"))
                    .in_file(prompt_file)
                    .with_note(why)
                    .with_help(
                        "create the fragment file (YAML with a `content:` field) or mark the \
                         fragment `required: false`",
                    ),
            ),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spanned;

    fn reference(name: &str, path: Option<&str>, required: bool) -> FragmentRef {
        let s = |v: &str| {
            Spanned::new(
                v.to_owned(),
                crate::model::Location::UNKNOWN,
                crate::model::Location::UNKNOWN,
            )
        };
        FragmentRef {
            name: s(name),
            path: path.map(s),
            required,
        }
    }

    #[test]
    fn loads_by_default_location_and_by_templated_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let prompt = dir.path().join("p.yaml");
        std::fs::create_dir_all(dir.path().join("fragments")).expect("mkdir");
        std::fs::write(dir.path().join("fragments/tone.yaml"), "content: Be kind.").expect("w");
        std::fs::write(dir.path().join("us.yaml"), "content: US rules").expect("w");
        let vars = BTreeMap::from([("region".to_owned(), "us".to_owned())]);
        let got = load_fragments(
            &prompt,
            &[
                reference("tone", None, true),
                reference("rules_{{region}}", Some("{{region}}.yaml"), true),
                reference("absent", None, false),
            ],
            &vars,
        )
        .expect("fragments");
        assert_eq!(got["tone"], "Be kind.");
        assert_eq!(got["rules_us"], "US rules");
        assert!(!got.contains_key("absent"));
        let err = load_fragments(&prompt, &[reference("absent", None, true)], &vars)
            .expect_err("required");
        assert!(err[0].message.contains("`absent`"));
    }
}
