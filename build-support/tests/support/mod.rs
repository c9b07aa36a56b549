//! Shared test support.
pub mod mutations;

/// The arena config of every project under `shared/conformance` (any folder with a
/// `config.arena.yaml`), sorted, under the corpus folder without `..` (the loader folds
/// `..` lexically, like Go's `filepath.Join`).
pub fn conformance_configs() -> Vec<std::path::PathBuf> {
    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
    let corpus = std::fs::canonicalize(CORPUS).expect("conformance corpus present");
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(corpus)
        .expect("conformance corpus present")
        .flatten()
        .map(|e| e.path().join("config.arena.yaml"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}
