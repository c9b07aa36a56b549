//! Hostile input (issue 17): one regression test per defect found by the mutation
//! campaign. Each copies the quick-start project, breaks it one way, and asserts the
//! load + check refuses it with an error at file:line:col — without hanging, reading
//! outside the project, or echoing a giant value whole.

use std::path::{Path, PathBuf};

use promptkit_build::check::check_project;
use promptkit_build::diagnostic::{Diagnostic, Diagnostics, MAX_MESSAGE_CHARS, RenderStyle};
use promptkit_build::load::{LoadOptions, Loaded, Project, did_you_mean, load_project};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart");

/// The example's YAML files, relative to it (sorted).
fn project_files() -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("example folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && let Ok(rel) = path.strip_prefix(base)
            {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(EXAMPLE), Path::new(EXAMPLE), &mut out);
    out.sort();
    out
}

/// A copy of the quick-start project under `project/` of a temp dir (so `..` has room).
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new(edits: &[(&str, &str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let copy = Self { dir };
        for rel in project_files() {
            let rel = rel.as_str();
            let mut text =
                std::fs::read_to_string(Path::new(EXAMPLE).join(rel)).expect("example file");
            for (file, from, to) in edits {
                if *file == rel {
                    assert!(text.contains(from), "`{from}` not in {rel}");
                    text = text.replacen(from, to, 1);
                }
            }
            copy.write(rel, text.as_bytes());
        }
        copy
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn config(&self) -> PathBuf {
        self.root().join("config.arena.yaml")
    }

    fn load_with(&self, options: &LoadOptions) -> (Loaded<Project>, Diagnostics) {
        let loaded = load_project(self.config(), options);
        let checked = if loaded.value.is_some() {
            check_project(&loaded)
        } else {
            Diagnostics::new()
        };
        (loaded, checked)
    }

    /// Every error of the load and the check.
    fn errors(&self) -> Vec<Diagnostic> {
        self.errors_with(&LoadOptions::default())
    }

    fn errors_with(&self, options: &LoadOptions) -> Vec<Diagnostic> {
        let (loaded, checked) = self.load_with(options);
        loaded
            .diagnostics
            .errors()
            .chain(checked.errors())
            .cloned()
            .collect()
    }
}

/// The one error whose message contains `needle`; it must have a line and column.
fn located<'d>(errors: &'d [Diagnostic], needle: &str) -> &'d Diagnostic {
    let found = errors
        .iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no error containing `{needle}` in {errors:#?}"));
    let at = found.location.as_ref().expect("a location");
    assert!(at.has_position(), "no line:col: {found:#?}");
    found
}

fn file_name(d: &Diagnostic) -> String {
    d.location
        .as_ref()
        .and_then(|l| l.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn the_quickstart_copy_is_clean() {
    assert_eq!(Copy::new(&[]).errors(), Vec::<Diagnostic>::new());
}

#[cfg(unix)]
#[test]
fn a_file_reference_to_a_fifo_is_refused_without_blocking() {
    let copy = Copy::new(&[]);
    let fifo = copy.root().join("scenarios/order-status.scenario.yaml");
    std::fs::remove_file(&fifo).expect("rm");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    // Opening a FIFO for reading blocks until a writer comes: the loader must not open it.
    let errors = copy.errors();
    let d = located(&errors, "is not a file");
    assert_eq!(file_name(d), "config.arena.yaml");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_device_is_refused() {
    let copy = Copy::new(&[]);
    let link = copy.root().join("scenarios/order-status.scenario.yaml");
    std::fs::remove_file(&link).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    let options = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let errors = copy.errors_with(&options);
    located(&errors, "is not a file");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_refused_at_the_reference() {
    let copy = Copy::new(&[]);
    let outside = copy.dir.path().join("secret.yaml");
    std::fs::write(&outside, "secret").expect("write");
    let link = copy.root().join("scenarios/order-status.scenario.yaml");
    std::fs::remove_file(&link).expect("rm");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    let errors = copy.errors();
    let d = located(&errors, "resolves outside the project root");
    assert_eq!(file_name(d), "config.arena.yaml");
}

#[cfg(unix)]
#[test]
fn a_config_symlinked_out_of_its_folder_is_located() {
    let copy = Copy::new(&[]);
    let outside = copy.dir.path().join("elsewhere.arena.yaml");
    std::fs::rename(copy.config(), &outside).expect("mv");
    std::os::unix::fs::symlink(&outside, copy.config()).expect("symlink");
    let errors = copy.errors();
    located(&errors, "resolves outside the project root");
}

#[test]
fn invalid_utf8_is_located_at_its_line_and_column() {
    let copy = Copy::new(&[]);
    let mut text = std::fs::read(copy.config()).expect("read");
    // Line 5 is `kind: Arena`; break its 3rd character.
    let line5 = text
        .split(|b| *b == b'\n')
        .take(4)
        .map(|l| l.len() + 1)
        .sum::<usize>();
    text[line5 + 2] = 0xff;
    copy.write("config.arena.yaml", &text);
    let errors = copy.errors();
    let d = located(&errors, "is not valid UTF-8");
    let at = d.location.as_ref().expect("location");
    assert_eq!((at.line, at.column), (5, 3));
}

#[test]
fn a_config_over_the_size_limit_is_located() {
    let copy = Copy::new(&[]);
    let options = LoadOptions {
        max_file_bytes: 64,
        ..LoadOptions::default()
    };
    let errors = copy.errors_with(&options);
    located(&errors, "is too large");
}

#[test]
fn the_project_total_is_capped() {
    let copy = Copy::new(&[]);
    let options = LoadOptions {
        max_project_bytes: 2048,
        ..LoadOptions::default()
    };
    let errors = copy.errors_with(&options);
    located(&errors, "brings the project to");
}

#[test]
fn a_default_naming_itself_is_a_located_cycle() {
    let copy = Copy::new(&[(
        "prompts/support.yaml",
        "default: \"Acme Outfitters\"",
        "default: \"Acme {{company}} {{company}}\"",
    )]);
    let errors = copy.errors();
    let d = located(&errors, "name each other");
    assert!(d.message.contains("`company` -> `company`"), "{d:#?}");
    assert_eq!(file_name(d), "support.yaml");
}

#[test]
fn two_defaults_naming_each_other_are_a_located_cycle() {
    let copy = Copy::new(&[
        (
            "prompts/support.yaml",
            "default: \"Acme Outfitters\"",
            "default: \"{{refund_days}}{{refund_days}}\"",
        ),
        (
            "prompts/support.yaml",
            "default: \"30\"",
            "default: \"{{company}}{{company}}\"",
        ),
    ]);
    let errors = copy.errors();
    let d = located(&errors, "name each other");
    assert!(
        d.message
            .contains("`company` -> `refund_days` -> `company`"),
        "{d:#?}"
    );
}

#[test]
fn defaults_expanding_past_the_budget_are_refused() {
    // No cycle: `company` is 32 × `refund_days`, which is 2 MiB.
    let big = "x".repeat(2 * 1024 * 1024);
    let copy = Copy::new(&[
        (
            "prompts/support.yaml",
            "default: \"Acme Outfitters\"",
            &format!("default: \"{}\"", "{{refund_days}}".repeat(32)),
        ),
        (
            "prompts/support.yaml",
            "default: \"30\"",
            &format!("default: \"{big}\""),
        ),
    ]);
    let errors = copy.errors();
    located(&errors, "expands past");
}

#[test]
fn placeholders_the_renderer_cannot_resolve_are_errors() {
    for (placeholder, needle) in [
        ("{{ company }}", "can never be substituted"),
        ("{{#if company}}", "can never be substituted"),
        ("{{company", "is never closed"),
    ] {
        let copy = Copy::new(&[(
            "prompts/support.yaml",
            "Answer in at most three sentences",
            &format!("{placeholder} Answer in at most three sentences"),
        )]);
        let errors = copy.errors();
        let d = located(&errors, needle);
        assert_eq!(file_name(d), "support.yaml", "{placeholder}");
    }
}

#[test]
fn an_unknown_report_format_is_located() {
    let copy = Copy::new(&[("config.arena.yaml", "\"html\"]", "\"pdf\"]")]);
    let errors = copy.errors();
    located(&errors, "unknown report format `pdf`");
}

#[test]
fn a_workflow_without_version_is_located() {
    let copy = Copy::new(&[(
        "config.arena.yaml",
        "  defaults:\n",
        "  workflow:\n    entry: a\n    states:\n      a:\n        prompt_task: support\n  defaults:\n",
    )]);
    let errors = copy.errors();
    located(&errors, "the workflow has no `version`");
}

#[test]
fn giant_values_are_truncated_in_messages() {
    let giant = "q".repeat(7 * 1024 * 1024);
    let copy = Copy::new(&[("config.arena.yaml", "\"html\"]", &format!("\"{giant}\"]"))]);
    let (loaded, checked) = copy.load_with(&LoadOptions::default());
    let d = located(
        &checked.errors().cloned().collect::<Vec<_>>(),
        "unknown report format",
    )
    .clone();
    assert!(
        d.message.chars().count() < MAX_MESSAGE_CHARS + 100,
        "{}",
        d.message.len()
    );
    let rendered = checked.render(&loaded.sources, RenderStyle::Plain);
    assert!(
        rendered.len() < 64 * 1024,
        "{} bytes rendered",
        rendered.len()
    );
}

#[test]
fn suggestions_skip_giant_words() {
    let giant = format!("llm_judgd{}", "x".repeat(7 * 1024 * 1024));
    assert_eq!(did_you_mean(&giant, &["llm_judge"]), None);
    assert_eq!(did_you_mean("llm_judgd", &["llm_judge"]), Some("llm_judge"));
    assert_eq!(promptkit_build::registry::suggest(&giant), None);
}

#[test]
fn duplicate_keys_are_still_found_among_many() {
    // The set-based detection must keep reporting duplicates (80k keys were ~9 s before).
    let mut mock = String::from("scenarios:\n  order-status:\n    turns:\n");
    for i in 1..20_000 {
        mock.push_str(&format!("      {i}: x\n"));
    }
    mock.push_str("      7: y\n");
    let copy = Copy::new(&[]);
    copy.write("mock-responses.yaml", mock.as_bytes());
    let errors = copy.errors();
    located(&errors, "duplicate");
}

#[test]
fn a_replay_recording_outside_the_project_is_a_located_warning() {
    let copy = Copy::new(&[(
        "providers/mock.provider.yaml",
        "  type: mock\n",
        "  type: replay\n",
    )]);
    copy.write(
        "providers/mock.provider.yaml",
        b"apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Provider\nmetadata:\n  name: mock\nspec:\n  id: mock\n  type: replay\n  model: m\n  additional_config:\n    recording: ../../etc/passwd\n",
    );
    let (loaded, checked) = copy.load_with(&LoadOptions::default());
    let warnings: Vec<&Diagnostic> = loaded
        .diagnostics
        .warnings()
        .chain(checked.warnings())
        .collect();
    let d = warnings
        .iter()
        .find(|d| d.message.contains("resolves outside the project root"))
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(d.location.as_ref().is_some_and(|l| l.has_position()));
    assert_eq!(file_name(d), "mock.provider.yaml");
}
