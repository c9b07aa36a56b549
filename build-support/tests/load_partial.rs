//! A partial load (`Frontend::only_scenario_files`, what an `#[arena_test]` process
//! running a few tests does) blanks the other scenarios out of the arena config and
//! the mock-responses file: what it keeps must be exactly what the whole load holds,
//! at the same locations, and it must refuse what the whole check refuses for the
//! selected scenario.

use std::path::{Path, PathBuf};

use promptkit_build::diagnostic::{Diagnostic, RenderStyle};
use promptkit_build::frontend::{Frontend, Outcome};
use promptkit_build::load::Project;

use crate::support::conformance_configs;

fn project(outcome: &Outcome<Project>) -> &Project {
    outcome
        .checked
        .as_deref()
        .unwrap_or_else(|| panic!("{}", outcome.render(RenderStyle::Plain)))
}

/// The diagnostics located in `path`.
fn located_in<'a>(outcome: &'a Outcome<Project>, path: &Path) -> Vec<&'a Diagnostic> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.location.as_ref().is_some_and(|l| l.path == path))
        .collect()
}

#[test]
fn each_conformance_scenario_alone_loads_as_in_the_whole_project() {
    let (mut compared, mut blanked) = (0, 0);
    for config in conformance_configs() {
        let whole = Frontend::new().project(&config);
        let full = project(&whole);
        for scenario in full.scenarios.iter().filter(|s| !s.inline) {
            let alone = Frontend::new()
                .only_scenario_files([scenario.path.clone()])
                .project(&config);
            let part = project(&alone);
            let read: Vec<_> = part.scenarios.iter().filter(|s| !s.inline).collect();
            assert_eq!(read, [scenario], "{}", config.display());
            for mock in &full.mock_configs {
                let kept = part
                    .mock_configs
                    .iter()
                    .find(|m| m.path == mock.path)
                    .expect("the mock file is loaded");
                let entry = |m: &promptkit_build::load::MockFile| {
                    m.config
                        .scenarios
                        .as_ref()
                        .and_then(|s| s.get(scenario.id.as_str()).cloned())
                };
                assert_eq!(entry(kept), entry(mock), "{}", mock.path.display());
                assert_eq!(kept.config.default_response, mock.config.default_response);
                assert_eq!(kept.config.selfplay, mock.config.selfplay);
            }
            assert_eq!(
                located_in(&alone, &scenario.path),
                located_in(&whole, &scenario.path)
            );
            compared += 1;
            if alone.sources.get(&config) != whole.sources.get(&config) {
                blanked += 1;
            }
        }
    }
    assert!(compared >= 20, "only {compared} scenarios compared");
    // Most configs list several scenario files, so the blanking was exercised.
    assert!(blanked * 2 >= compared, "{blanked} of {compared} blanked");
}

const ARENA: &str = "\
apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Arena
metadata:
  name: partial
spec:
  prompt_configs:
    - id: support
      file: support.yaml
  providers:
    - file: mock.provider.yaml
  scenarios:
    - file: a.scenario.yaml
    - file: b.scenario.yaml
  defaults:
    concurrency: 1
";

const PROMPT: &str = "\
apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: PromptConfig
metadata:
  name: support
spec:
  task_type: support
  version: \"1.0.0\"
  description: support
  system_template: Answer.
";

const PROVIDER: &str = "\
apiVersion: promptkit.altairalabs.ai/v1alpha1
kind: Provider
metadata:
  name: mock
spec:
  id: mock
  type: mock
  model: mock-model
  additional_config:
    mock_config: mock-responses.yaml
";

/// `b`'s canned reply calls a tool nobody declares (an error) and sets a field the
/// mock provider does not read (a warning).
const MOCKS: &str = "\
defaultResponse: Hello
scenarios:
  a:
    turns:
      1: \"fine\"
  b:
    turns:
      1:
        type: text
        content: calling
        tool_calls:
          - name: nope
            arguments: {}
";

fn scenario(id: &str) -> String {
    format!(
        "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Scenario\nmetadata:\n  name: {id}\nspec:\n  id: {id}\n  task_type: support\n  description: {id}\n  turns:\n    - role: user\n      content: hi\n"
    )
}

fn write_project(dir: &Path) -> PathBuf {
    for (name, text) in [
        ("config.arena.yaml", ARENA.to_owned()),
        ("support.yaml", PROMPT.to_owned()),
        ("mock.provider.yaml", PROVIDER.to_owned()),
        ("mock-responses.yaml", MOCKS.to_owned()),
        ("a.scenario.yaml", scenario("a")),
        ("b.scenario.yaml", scenario("b")),
    ] {
        std::fs::write(dir.join(name), text).expect("write project file");
    }
    dir.join("config.arena.yaml")
}

#[test]
fn a_partial_load_refuses_what_the_whole_check_refuses_for_its_scenario() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().canonicalize().expect("temp dir path");
    let config = write_project(&root);
    let mocks = root.join("mock-responses.yaml");

    let whole = Frontend::new().project(&config);
    assert!(!whole.is_ok(), "b's reply calls an unknown tool");
    let about_b = located_in(&whole, &mocks);
    assert!(
        about_b
            .iter()
            .any(|d| d.message.contains("unknown tool `nope`")),
        "{}",
        whole.render(RenderStyle::Plain)
    );
    assert!(about_b.iter().any(|d| !d.is_error()));

    // `b` alone: refused, with the whole check's diagnostics at the same places.
    let b = Frontend::new()
        .only_scenario_files([root.join("b.scenario.yaml")])
        .project(&config);
    assert!(!b.is_ok());
    assert_eq!(located_in(&b, &mocks), about_b);

    // `a` alone: `b`'s entries are blanked out of both shared files, lines kept.
    let a = Frontend::new()
        .only_scenario_files([root.join("a.scenario.yaml")])
        .project(&config);
    let part = project(&a);
    assert!(part.partial);
    let ids: Vec<&str> = part.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a"]);
    let responses = part.mock_configs[0].config.scenarios.as_ref().expect("a's");
    assert_eq!(
        responses
            .keys()
            .map(|k| k.value.as_str())
            .collect::<Vec<_>>(),
        ["a"]
    );
    for (path, whole_text) in [(&config, ARENA), (&mocks, MOCKS)] {
        let text = a.sources.get(path).expect("read");
        assert_eq!(text.len(), whole_text.len());
        assert_eq!(text.lines().count(), whole_text.lines().count());
        assert!(
            !text.contains("b.scenario.yaml") && !text.contains("nope"),
            "{text}"
        );
    }
}
