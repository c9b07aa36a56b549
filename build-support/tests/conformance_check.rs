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
