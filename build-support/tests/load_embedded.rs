//! A project captured into memory loads identically after its files are gone
//! (what `#[arena_test]` relies on to run from checked, compiled-in data).

use std::sync::Arc;

use promptkit_build::load::{Embedded, LoadOptions, load_project};

const PROJECT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/customer-support-integrated"
);

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

#[test]
fn embedded_files_replace_the_disk() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("project");
    copy_dir(std::path::Path::new(PROJECT), &root);
    let config = root.join("config.arena.yaml");

    let from_disk = load_project(&config, &LoadOptions::default());
    assert!(
        from_disk.is_ok(),
        "{}",
        from_disk.render(Default::default())
    );
    let embedded: Embedded = from_disk
        .files
        .iter()
        .filter_map(|path| Some((path.clone(), Arc::from(from_disk.sources.get(path)?))))
        .collect();
    assert!(!embedded.is_empty());

    std::fs::remove_dir_all(&root).expect("remove project");
    let options = LoadOptions {
        embedded: Some(Arc::new(embedded)),
        ..LoadOptions::default()
    };
    let from_memory = load_project(&config, &options);
    assert!(
        from_memory.is_ok(),
        "{}",
        from_memory.render(Default::default())
    );
    assert_eq!(from_memory.value, from_disk.value);
    assert_eq!(from_memory.files, from_disk.files);

    let without = load_project(&config, &LoadOptions::default());
    assert!(!without.is_ok(), "the files really are gone");
}
