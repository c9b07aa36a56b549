//! Path rules: references resolve relative to the file naming them (or to the arena
//! config's folder for `mock_config`), and must stay inside the project root.

use std::path::{Component, Path, PathBuf};

/// Resolves `reference` relative to the folder `base_dir` (absolute references stay as they are).
pub(crate) fn resolve(base_dir: &Path, reference: &str) -> PathBuf {
    let reference = Path::new(reference);
    if reference.is_absolute() {
        normalize(reference)
    } else {
        normalize(&base_dir.join(reference))
    }
}

/// The folder of a file path ("" becomes ".").
pub(crate) fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes `.` components and folds `..` lexically (without touching the file system).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The absolute, symlink-free form of a path when it exists, else its absolute lexical form.
pub(crate) fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    normalize(&absolute)
}

/// True when `path` (canonical) is `root` (canonical) or inside it.
pub(crate) fn is_within(root: &Path, path: &Path) -> bool {
    path.starts_with(root)
}

/// True when `path` resolves (symlinks followed) inside the folder `root`.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    is_within(&canonical(root), &canonical(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_to_the_naming_folder() {
        assert_eq!(
            resolve(Path::new("a/b"), "c.yaml"),
            PathBuf::from("a/b/c.yaml")
        );
        assert_eq!(
            resolve(Path::new("a/b"), "../c.yaml"),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(
            resolve(Path::new("a"), "./x/../y.yaml"),
            PathBuf::from("a/y.yaml")
        );
        assert_eq!(
            resolve(Path::new("a"), "/abs/y.yaml"),
            PathBuf::from("/abs/y.yaml")
        );
        assert_eq!(resolve(Path::new("."), "../../y"), PathBuf::from("../../y"));
        assert_eq!(
            parent_dir(Path::new("config.arena.yaml")),
            PathBuf::from(".")
        );
    }

    #[test]
    fn containment_is_by_component() {
        assert!(is_within(Path::new("/p/root"), Path::new("/p/root/a.yaml")));
        assert!(!is_within(
            Path::new("/p/root"),
            Path::new("/p/root2/a.yaml")
        ));
        assert!(!is_within(Path::new("/p/root"), Path::new("/p/a.yaml")));
    }
}
