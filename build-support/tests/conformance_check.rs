//! Every conformance project passes the checker with no error.

use promptkit_build::check::check_project;
use promptkit_build::diagnostic::RenderStyle;
use promptkit_build::load::{LoadOptions, load_project};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

#[test]
fn every_conformance_project_checks_clean() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus present")
        .filter_map(Result::ok)
        .map(|e| e.path().join("config.arena.yaml"))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    for config in entries {
        let loaded = load_project(&config, &LoadOptions::default());
        let diagnostics = check_project(&loaded);
        assert!(
            !diagnostics.has_errors(),
            "{}:\n{}",
            config.display(),
            diagnostics.render(&loaded.sources, RenderStyle::Plain)
        );
        checked += 1;
    }
    assert!(checked >= 14, "checked {checked} projects");
}

/// The checker's warnings for each conformance project, one snapshot per project, so
/// a change in what the runtime executes shows up in review.
#[test]
fn conformance_warnings_snapshot() {
    let mut entries: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus present")
        .filter_map(Result::ok)
        .filter_map(|e| e.path().canonicalize().ok())
        .filter(|p| p.join("config.arena.yaml").is_file())
        .collect();
    entries.sort();
    for project in entries {
        let loaded = load_project(project.join("config.arena.yaml"), &LoadOptions::default());
        let mut diagnostics = check_project(&loaded);
        diagnostics.sort();
        let lines: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let at = d.location.as_ref().map_or_else(String::new, |l| {
                    let path = l.path.strip_prefix(&project).unwrap_or(&l.path);
                    format!("{}:{}:{}: ", path.display(), l.line, l.column)
                });
                format!("{at}{}: {}", d.severity, d.message)
            })
            .collect();
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("warnings__{name}"), lines.join("\n"));
    }
}
