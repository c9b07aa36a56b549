//! `ASSERTIONS.md` is the registry's own rendering; a registry change without a
//! regenerated page fails here.

use std::path::Path;

#[test]
fn assertions_md_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ASSERTIONS.md");
    let rendered = promptkit_build::registry::markdown();
    if std::env::var_os("UPDATE_ASSERTIONS_MD").is_some() {
        std::fs::write(&path, &rendered).expect("ASSERTIONS.md is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "ASSERTIONS.md is stale: run `UPDATE_ASSERTIONS_MD=1 cargo test -p promptkit-build --test it assertions_doc`"
    );
}
