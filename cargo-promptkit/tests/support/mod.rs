//! What the command-line tests share (each test uses what it needs).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Copies the folder `from` into `to` (created), leaving out report (`out`) and build
/// (`target`) folders, so a test can edit a project without touching the repository.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "out" && name != "target" {
                copy_dir(&path, &to.join(name));
            }
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy file");
        }
    }
}

/// The project at `project` copied to a temporary folder, its provider file `provider`
/// (relative to the project) pointed at `url` instead of the placeholder
/// `http://127.0.0.1:9`; the folder and the copied arena config.
pub fn project_at(project: &Path, provider: &str, url: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(project, temp.path());
    let provider = temp.path().join(provider);
    let text = std::fs::read_to_string(&provider).expect("provider file");
    std::fs::write(&provider, text.replace("http://127.0.0.1:9", url)).expect("write");
    let config = temp.path().join("config.arena.yaml");
    (temp, config)
}
