//! Broken projects built in throwaway folders: each mistake gives the right
//! file:line:col, and one load reports every broken file.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::{Diagnostic, RenderStyle, Severity};
use promptkit_build::load::{LoadOptions, Loaded, Project, load_project, load_prompt_file};

const HEAD: &str = "apiVersion: promptkit.altairalabs.ai/v1alpha1\n";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.root().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    fn load(&self) -> Loaded<Project> {
        load_project(
            self.root().join("config.arena.yaml"),
            &LoadOptions::default(),
        )
    }
}

fn arena(body: &str) -> String {
    format!("{HEAD}kind: Arena\nmetadata:\n  name: t\nspec:\n{body}  defaults: {{}}\n")
}

fn provider(name: &str, extra: &str) -> String {
    format!("{HEAD}kind: Provider\nmetadata:\n  name: {name}\nspec:\n  type: mock\n{extra}")
}

fn scenario(name: &str, extra: &str) -> String {
    format!(
        "{HEAD}kind: Scenario\nmetadata:\n  name: {name}\nspec:\n  task_type: chat\n  description: d\n{extra}"
    )
}

/// The errors as (file name, line, column, message).
fn errors(loaded: &Loaded<Project>) -> Vec<(String, u32, u32, String)> {
    loaded
        .diagnostics
        .errors()
        .map(|d: &Diagnostic| {
            let loc = d.location.clone().expect("every error is located");
            let file = loc
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned());
            (
                file.unwrap_or_default(),
                loc.line,
                loc.column,
                d.message.clone(),
            )
        })
        .collect()
}

#[test]
fn every_broken_file_is_reported_in_one_pass() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena(
            "  providers:\n    - file: providers/a.yaml\n    - file: providers/b.yaml\n  \
             scenarios:\n    - file: s1.yaml\n    - file: s2.yaml\n    - file: gone.yaml\n",
        ),
    );
    f.write("providers/a.yaml", &provider("a", "  modle: x\n"));
    f.write(
        "providers/b.yaml",
        &provider("b", "  defaults:\n    temperature: warm\n"),
    );
    f.write(
        "s1.yaml",
        &scenario("s1", "  turns:\n    - role: user\n      content: [oops\n"),
    );
    f.write("s2.yaml", &scenario("s2", ""));
    let loaded = f.load();
    let errs = errors(&loaded);
    assert_eq!(errs.len(), 4, "{}", loaded.render(RenderStyle::Plain));
    assert_eq!(
        errs[0],
        ("a.yaml".into(), 7, 3, "unknown field `modle`".into())
    );
    assert_eq!(
        errs[1],
        (
            "b.yaml".into(),
            8,
            18,
            "invalid value: expected a number, found a string".into()
        )
    );
    assert_eq!(errs[2].0, "s1.yaml");
    assert!(
        errs[2].1 >= 10,
        "syntax error on or after the bad line: {errs:?}"
    );
    assert_eq!(
        errs[3],
        (
            "config.arena.yaml".into(),
            12,
            13,
            "file not found: `gone.yaml`".into()
        )
    );
    let project = loaded.value.expect("project built despite errors");
    assert_eq!(project.scenarios.len(), 1);
    assert_eq!(project.scenarios[0].id, "s2");
    let a = loaded.diagnostics.errors().next().expect("first");
    assert_eq!(a.help, vec!["did you mean `model`?".to_string()]);
    // Every file read is listed, even the broken ones; the missing one is not.
    let names: Vec<_> = loaded.files.iter().filter_map(|p| p.file_name()).collect();
    assert_eq!(
        names,
        [
            "config.arena.yaml",
            "a.yaml",
            "b.yaml",
            "s1.yaml",
            "s2.yaml"
        ]
    );
}

#[test]
fn rendering_shows_the_snippet_of_the_referencing_file() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena("  scenarios:\n    - file: nope.yaml\n"),
    );
    let loaded = f.load();
    let text = loaded.render(RenderStyle::Plain);
    assert!(
        text.starts_with("error: file not found: `nope.yaml`"),
        "{text}"
    );
    assert!(text.contains("config.arena.yaml:7:13"), "{text}");
    assert!(text.contains("    - file: nope.yaml"), "{text}");
    assert!(text.contains("^^^^^^^^^ referenced here"), "{text}");
}

#[test]
fn references_outside_the_root_are_refused_unless_allowed() {
    let outer = Fixture::new();
    outer.write("shared.yaml", &scenario("shared", ""));
    outer.write(
        "project/config.arena.yaml",
        &arena("  scenarios:\n    - file: ../shared.yaml\n"),
    );
    let config = outer.root().join("project/config.arena.yaml");
    let loaded = load_project(&config, &LoadOptions::default());
    let errs: Vec<_> = loaded.diagnostics.errors().collect();
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].message,
        "`../shared.yaml` resolves outside the project root"
    );
    assert_eq!(
        errs[0].location.as_ref().map(|l| (l.line, l.column)),
        Some((7, 13))
    );
    assert!(
        loaded.files.iter().all(|p| !p.ends_with("shared.yaml")),
        "not read"
    );

    let options = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let loaded = load_project(&config, &options);
    assert!(loaded.is_ok(), "{}", loaded.render(RenderStyle::Plain));
    assert_eq!(loaded.value.map(|p| p.scenarios.len()), Some(1));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_root_are_refused() {
    let outer = Fixture::new();
    outer.write("elsewhere/s.yaml", &scenario("s", ""));
    outer.write(
        "project/config.arena.yaml",
        &arena("  scenarios:\n    - file: link.yaml\n"),
    );
    std::os::unix::fs::symlink(
        outer.root().join("elsewhere/s.yaml"),
        outer.root().join("project/link.yaml"),
    )
    .expect("symlink");
    let loaded = load_project(
        outer.root().join("project/config.arena.yaml"),
        &LoadOptions::default(),
    );
    assert_eq!(
        loaded
            .diagnostics
            .errors()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>(),
        ["`link.yaml` resolves outside the project root"]
    );
    let note = loaded
        .diagnostics
        .errors()
        .next()
        .map(|d| d.notes.join(" "));
    assert!(note.is_some_and(|n| n.contains("link.yaml`, which is `") && n.contains("elsewhere")));
}

#[test]
fn mock_config_resolves_from_the_arena_folder_and_cycles_are_caught() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena("  providers:\n    - file: providers/m.yaml\n    - file: providers/loop.yaml\n"),
    );
    f.write(
        "providers/m.yaml",
        &provider("m", "  additional_config:\n    mock_config: mocks/r.yaml\n"),
    );
    f.write(
        "providers/loop.yaml",
        &provider(
            "loop",
            "  additional_config:\n    mock_config: config.arena.yaml\n",
        ),
    );
    // Same name beside the provider file: must NOT be the one read.
    f.write("providers/mocks/r.yaml", "defaultResponse: wrong\n");
    f.write(
        "mocks/r.yaml",
        "defaultResponse: hi\nscenarios:\n  s:\n    turns:\n      1: hello\n      2:\n        \
         tool_calls:\n          - name: lookup\n            arguments: {id: 7}\n",
    );
    let loaded = f.load();
    let errs = errors(&loaded);
    assert_eq!(errs.len(), 1, "{}", loaded.render(RenderStyle::Plain));
    assert_eq!(errs[0].0, "loop.yaml");
    assert_eq!((errs[0].1, errs[0].2), (8, 18));
    assert!(
        errs[0]
            .3
            .starts_with("reference cycle through `config.arena.yaml`")
    );
    let project = loaded.value.expect("built");
    let m = project.provider("m").expect("m");
    let mock = project.mock_config_of(m).expect("mock read");
    assert_eq!(
        mock.config
            .default_response
            .as_ref()
            .map(|d| d.value.as_str()),
        Some("hi")
    );
    let turns = mock
        .config
        .scenarios
        .as_ref()
        .and_then(|s| s.get("s"))
        .and_then(|s| s.turns.as_ref());
    let turn2 = turns.and_then(|t| t.get(&2)).expect("turn 2");
    assert_eq!(turn2.value.tool_calls()[0].name.value, "lookup");
    assert_eq!(turn2.referenced.line(), 7);
}

#[test]
fn wrong_kind_and_unknown_kind() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena("  providers:\n    - file: s.yaml\n  tools:\n    - file: t.yaml\n"),
    );
    f.write("s.yaml", &scenario("s", ""));
    f.write(
        "t.yaml",
        &format!("{HEAD}kind: Tol\nmetadata:\n  name: t\nspec: {{}}\n"),
    );
    let loaded = f.load();
    let all: Vec<_> = loaded.diagnostics.errors().collect();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0].message,
        "expected a `Provider` document, found kind `Scenario`"
    );
    assert_eq!(
        all[0].location.as_ref().map(|l| (l.line, l.column)),
        Some((2, 7))
    );
    assert_eq!(all[1].help, vec!["did you mean `Tool`?".to_string()]);
}

#[test]
fn lenient_where_the_reference_is() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena(
            "  scenarios:\n    - file: s.yaml\n  self_play:\n    personas:\n      - file: p.yaml\n    \
             roles: []\n",
        ),
    );
    // spec.id differs from metadata.name: the reference uses metadata.name.
    f.write(
        "s.yaml",
        &scenario("by-name", "  id: by-spec\n  labels: {tier: gold}\n").replace(
            "  name: by-name\n",
            "  name: by-name\n  labels: {team: support}\n",
        ),
    );
    // A persona without description: accepted with a warning.
    f.write(
        "p.yaml",
        &format!("{HEAD}kind: Persona\nmetadata:\n  name: p\nspec:\n  goals: [g]\n"),
    );
    let loaded = f.load();
    assert!(loaded.is_ok(), "{}", loaded.render(RenderStyle::Plain));
    let warnings: Vec<_> = loaded
        .diagnostics
        .warnings()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        warnings,
        [
            "`spec.id` `by-spec` differs from `metadata.name` `by-name`",
            "persona `p` has no `description`",
        ]
    );
    let project = loaded.value.expect("built");
    assert_eq!(project.scenarios[0].id, "by-name");
    // metadata.labels replace spec.labels, as in the reference.
    let labels = project.scenarios[0].spec.labels.as_ref().expect("labels");
    assert_eq!(labels.get("team").map(String::as_str), Some("support"));
    assert!(labels.get("tier").is_none());
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn a_broken_arena_config_still_reports_and_lists_the_file() {
    let f = Fixture::new();
    f.write("config.arena.yaml", &arena("  scenarioz: []\n"));
    let loaded = f.load();
    // Only a bad key was dropped: the project is still built, and the load is not ok.
    assert!(loaded.value.is_some() && !loaded.is_ok());
    let errs = errors(&loaded);
    assert_eq!(
        errs,
        [(
            "config.arena.yaml".into(),
            6,
            3,
            "unknown field `scenarioz`".into()
        )]
    );
    assert_eq!(
        loaded.diagnostics.errors().next().map(|d| d.help.clone()),
        Some(vec!["did you mean `scenarios`?".to_string()])
    );
    assert_eq!(loaded.files.len(), 1);
    let missing = load_project(f.root().join("nothing.yaml"), &LoadOptions::default());
    assert!(missing.value.is_none() && missing.diagnostics.has_errors());
    f.write(
        "config.arena.yaml",
        &format!("{HEAD}kind: Arena\nspec: [\n"),
    );
    let broken = f.load();
    assert!(
        broken.value.is_none(),
        "{}",
        broken.render(RenderStyle::Plain)
    );
    assert_eq!(broken.diagnostics.error_count(), 1);
}

#[test]
fn a_prompt_file_loads_alone() {
    let f = Fixture::new();
    let path = f.write(
        "prompts/support.yaml",
        &format!(
            "{HEAD}kind: PromptConfig\nmetadata:\n  name: support\nspec:\n  task_type: support\n  \
             version: v1\n  description: d\n  system_template: Hi {{{{name}}}}\n  variables:\n    \
             - name: name\n      required: true\n"
        ),
    );
    let loaded = load_prompt_file(&path, &LoadOptions::default());
    assert!(loaded.is_ok(), "{}", loaded.render(RenderStyle::Plain));
    let item = loaded.value.expect("loaded");
    assert_eq!(item.id, "support");
    assert_eq!(item.spec_at.as_ref().map(|l| l.line), Some(6));
    let template = item.spec.system_template.as_ref().expect("template");
    assert_eq!(template.value, "Hi {{name}}");
    let at = item.at(&template.referenced).expect("located");
    assert_eq!((at.line, at.column), (9, 20));
    assert_eq!(item.spec.variables[0].name.referenced.line(), 11);

    let nameless = f.write(
        "p2.yaml",
        &format!("{HEAD}kind: PromptConfig\nspec:\n  task_type: x\n"),
    );
    let loaded = load_prompt_file(&nameless, &LoadOptions::default());
    assert_eq!(
        loaded
            .diagnostics
            .errors()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>(),
        [
            "missing required field `version`",
            "missing required field `description`",
            "missing required field `system_template`",
            "PromptConfig has no `metadata.name`"
        ]
    );
    // The required-field errors point at the `spec:` mapping.
    let first = loaded
        .diagnostics
        .errors()
        .next()
        .and_then(|d| d.location.clone());
    assert_eq!(first.map(|l| l.line), Some(4));
}

#[test]
fn json_tool_files_and_disabled_self_play_follow_the_reference() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena(
            "  tools:\n    - file: tools/t.json\n  self_play:\n    enabled: false\n    personas:\n      \
             - file: missing.persona.yaml\n    roles: []\n",
        ),
    );
    f.write(
        "tools/t.json",
        "{\"name\": \"lookup\", \"description\": \"d\", \"input_schema\": {\"type\": \"object\"}}\n",
    );
    let loaded = f.load();
    assert!(loaded.is_ok(), "{}", loaded.render(RenderStyle::Plain));
    let project = loaded.value.expect("built");
    let tool = project.tool("lookup").expect("bare JSON tool");
    assert_eq!(
        tool.id_at.as_ref().map(|l| (l.line, l.column)),
        Some((1, 10))
    );
    assert!(
        project.personas.is_empty(),
        "personas are not read when self-play is off"
    );
}

#[test]
fn rendered_report_snapshot() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena(
            "  providers:\n    - file: providers/a.yaml\n  scenarios:\n    - file: s.yaml\n    \
             - file: ../outside.yaml\n",
        ),
    );
    f.write(
        "providers/a.yaml",
        &provider("a", "  modle: x\n  defaults:\n    temperature: \"0.7\"\n"),
    );
    f.write(
        "s.yaml",
        &scenario("s", "  turns:\n    - role: user\n      contnet: hi\n"),
    );
    let loaded = f.load();
    let root = f.root().display().to_string();
    let tmp = f
        .root()
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let text = loaded
        .render(RenderStyle::Plain)
        .replace(&root, "$ROOT")
        .replace(&tmp, "$TMP");
    let summary = loaded.diagnostics.summary().unwrap_or_default();
    insta::assert_snapshot!(format!("{text}\n\n{summary}"));
}

#[test]
fn a_misspelt_provider_type_or_role_is_an_error_at_the_value_with_a_suggestion() {
    let f = Fixture::new();
    f.write(
        "config.arena.yaml",
        &arena("  providers:\n    - file: a.yaml\n    - file: b.yaml\n"),
    );
    // `type: mock` comes first in `provider`, so the misspelling replaces it.
    f.write(
        "a.yaml",
        &provider("a", "").replace("type: mock", "type: opneai"),
    );
    f.write("b.yaml", &provider("b", "  role: embeddings\n"));
    let loaded = f.load();
    let found = errors(&loaded);
    assert_eq!(
        found,
        vec![
            (
                "a.yaml".into(),
                6,
                9,
                "unknown provider type `opneai`".into()
            ),
            (
                "b.yaml".into(),
                7,
                9,
                "unknown provider role `embeddings`".into()
            ),
        ],
        "{}",
        loaded.render(RenderStyle::Plain)
    );
    let helps: Vec<&str> = loaded
        .diagnostics
        .errors()
        .flat_map(|d| d.help.iter().map(String::as_str))
        .collect();
    assert_eq!(
        helps,
        vec!["did you mean `openai`?", "did you mean `embedding`?"]
    );
}
