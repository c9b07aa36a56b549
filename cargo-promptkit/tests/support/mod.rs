//! What the command-line tests share.

use std::path::Path;

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
