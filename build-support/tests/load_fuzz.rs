//! The loader never panics: random text and mutations of the conformance files go
//! through every parser, whole-project loads and the diagnostic renderer.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::{Diagnostics, RenderStyle, SourceCache};
use promptkit_build::load::{LoadOptions, load_project, parse_manifest, parse_mock_config};
use promptkit_build::model::{
    ArenaSpec, EvalSpec, Kind, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec, ToolSpec,
};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// Every YAML file of the corpus with its text.
fn corpus_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(CORPUS), &mut out);
    out.sort();
    out
}

/// Runs a text through every parser and renders whatever they report.
fn parse_everything(path: &Path, text: &str) {
    let mut sources = SourceCache::new();
    sources.insert(path, text);
    let mut all = Diagnostics::new();
    all.extend(parse_manifest::<ArenaSpec>(path, text, Kind::Arena).1);
    all.extend(parse_manifest::<PromptSpec>(path, text, Kind::PromptConfig).1);
    all.extend(parse_manifest::<ScenarioSpec>(path, text, Kind::Scenario).1);
    all.extend(parse_manifest::<ProviderSpec>(path, text, Kind::Provider).1);
    all.extend(parse_manifest::<ToolSpec>(path, text, Kind::Tool).1);
    all.extend(parse_manifest::<PersonaSpec>(path, text, Kind::Persona).1);
    all.extend(parse_manifest::<EvalSpec>(path, text, Kind::Eval).1);
    all.extend(parse_mock_config(path, text).1);
    for d in &all {
        if let Some(loc) = &d.location {
            assert_eq!(loc.path, path);
        }
    }
    let _ = all.render(&sources, RenderStyle::Plain);
    let _ = all.render(&sources, RenderStyle::Styled);
}

/// One edit applied to a text at a relative position.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: f64, len: usize },
    Insert { at: f64, text: String },
    DuplicateLine { at: f64 },
    SwapLines { a: f64, b: f64 },
    Indent { at: f64, by: usize },
    Truncate { at: f64 },
}

fn yaml_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":".to_string()),
        Just("- ".to_string()),
        Just("\n  ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!!binary ".to_string()),
        Just("{".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("#".to_string()),
        Just("\t".to_string()),
        Just("<<: *a\n".to_string()),
        Just("---\n".to_string()),
        Just("? ".to_string()),
        Just("|\n".to_string()),
        Just("é\u{feff}".to_string()),
        Just("9999999999999999999999".to_string()),
        Just("~".to_string()),
        "[a-z_]{1,12}: [a-z0-9 ]{0,10}\n",
        "\\PC{0,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = 0.0..1.0f64;
    prop_oneof![
        (pos.clone(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (pos.clone(), yaml_fragment()).prop_map(|(at, text)| Mutation::Insert { at, text }),
        pos.clone().prop_map(|at| Mutation::DuplicateLine { at }),
        (pos.clone(), pos.clone()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        (pos.clone(), 1..6usize).prop_map(|(at, by)| Mutation::Indent { at, by }),
        pos.prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// The char boundary nearest below `frac` of the text.
fn boundary(text: &str, frac: f64) -> usize {
    let mut i = ((text.len() as f64) * frac) as usize;
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line_at = |frac: f64, n: usize| ((n as f64) * frac) as usize % n.max(1);
    match m {
        Mutation::Delete { at, len } => {
            let start = boundary(text, *at);
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert { at, text: ins } => {
            let i = boundary(text, *at);
            format!("{}{}{}", &text[..i], ins, &text[i..])
        }
        Mutation::DuplicateLine { at } if !lines.is_empty() => {
            let i = line_at(*at, lines.len());
            lines.insert(i, lines[i]);
            lines.concat()
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let (i, j) = (line_at(*a, lines.len()), line_at(*b, lines.len()));
            lines.swap(i, j);
            lines.concat()
        }
        Mutation::Indent { at, by } if !lines.is_empty() => {
            let i = line_at(*at, lines.len());
            let indented = format!("{}{}", " ".repeat(*by), lines[i]);
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            out[i] = indented;
            out.concat()
        }
        Mutation::Truncate { at } => text[..boundary(text, *at)].to_owned(),
        _ => text.to_owned(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        parse_everything(Path::new("random.yaml"), &text);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(parts in proptest::collection::vec(yaml_fragment(), 0..40)) {
        parse_everything(Path::new("noise.yaml"), &parts.concat());
    }

    #[test]
    fn mutated_corpus_files_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(mutation(), 1..6),
    ) {
        let files = corpus_files();
        prop_assume!(!files.is_empty());
        let (path, text) = &files[pick.index(files.len())];
        let mutated = edits.iter().fold(text.clone(), |t, m| apply(&t, m));
        parse_everything(path, &mutated);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A whole project where one referenced file is mutated still loads without panicking,
    /// and every error is located in a file the loader read.
    #[test]
    fn mutated_projects_never_panic(
        project in any::<prop::sample::Index>(),
        victim in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut projects: Vec<PathBuf> = std::fs::read_dir(CORPUS)
            .expect("corpus")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("config.arena.yaml").is_file())
            .collect();
        projects.sort();
        let src = &projects[project.index(projects.len())];
        let dir = tempfile::tempdir().expect("temp dir");
        let mut copied = Vec::new();
        copy_tree(src, dir.path(), &mut copied);
        copied.sort();
        let victim = &copied[victim.index(copied.len())];
        let text = std::fs::read_to_string(victim).unwrap_or_default();
        let mutated = edits.iter().fold(text, |t, m| apply(&t, m));
        std::fs::write(victim, mutated).expect("write");
        let loaded = load_project(dir.path().join("config.arena.yaml"), &LoadOptions::default());
        let _ = loaded.render(RenderStyle::Plain);
        for d in loaded.diagnostics.errors() {
            if let Some(loc) = &d.location {
                prop_assert!(loc.path.starts_with(dir.path()), "{}", loc.path.display());
            }
        }
    }
}

fn copy_tree(from: &Path, to: &Path, yaml: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries.flatten() {
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            std::fs::create_dir_all(&dst).expect("mkdir");
            copy_tree(&src, &dst, yaml);
        } else {
            std::fs::copy(&src, &dst).expect("copy");
            if dst.extension().is_some_and(|e| e == "yaml") {
                yaml.push(dst);
            }
        }
    }
}
