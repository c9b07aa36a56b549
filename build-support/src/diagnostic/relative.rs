//! Diagnostics as a crate's build shows them: paths relative to the crate's folder
//! (the same on every machine), and the switch that silences checker warnings.

use std::path::{Path, PathBuf};

use super::{Diagnostic, SourceCache};

/// The variable that silences the checker's warnings in macros and `build.rs`
/// (`PROMPTKIT_ALLOW_WARNINGS=1`, e.g. in `.cargo/config.toml`'s `[env]`).
pub const ALLOW_WARNINGS_VAR: &str = "PROMPTKIT_ALLOW_WARNINGS";

/// Whether [`ALLOW_WARNINGS_VAR`] is set to something other than empty, `0` or `false`.
pub fn warnings_allowed() -> bool {
    std::env::var(ALLOW_WARNINGS_VAR).is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// `diagnostics` with their paths made relative to `base`, and the sources under both
/// names.
pub(crate) fn relative<'a>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    sources: &SourceCache,
    base: &Path,
) -> (Vec<Diagnostic>, SourceCache) {
    let mut relative_sources = SourceCache::new();
    let mut relocate = |path: &mut PathBuf| {
        let Ok(short) = path.strip_prefix(base).map(Path::to_path_buf) else {
            return;
        };
        if let Some(text) = sources.get(path) {
            relative_sources.insert(short.clone(), text);
        }
        *path = short;
    };
    let mut moved: Vec<Diagnostic> = Vec::new();
    for diagnostic in diagnostics {
        let mut d = diagnostic.clone();
        if let Some(location) = d.location.as_mut() {
            relocate(&mut location.path);
        }
        for label in &mut d.labels {
            relocate(&mut label.location.path);
        }
        moved.push(d);
    }
    let mut merged = sources.clone();
    merged.merge(relative_sources);
    (moved, merged)
}
