//! Cargo reruns the example's build script when a file the compiler read changes, and
//! only then: builds a copy of the example (build.rs and arena/) with cargo and watches
//! whether the build script runs.

use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = env!("CARGO_MANIFEST_DIR");
const TMP: &str = env!("CARGO_TARGET_TMPDIR");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A standalone copy of the example: its build.rs and arena, a main that embeds the pack.
fn project(dir: &Path) {
    let example = Path::new(EXAMPLE);
    std::fs::copy(example.join("build.rs"), dir.join("build.rs")).expect("build.rs");
    std::fs::copy(example.join("NOTES.md"), dir.join("NOTES.md")).expect("NOTES.md");
    copy_dir(&example.join("arena"), &dir.join("arena"));
    let build_support = example.join("../../build-support");
    let build_support = build_support.canonicalize().expect("build-support");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"pack-build-rerun\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [build-dependencies]\npromptkit-build = {{ path = {:?} }}\n\n[workspace]\n",
            build_support.display().to_string()
        ),
    )
    .expect("Cargo.toml");
    std::fs::copy(example.join("../../Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    std::fs::write(
        dir.join("src/main.rs"),
        "const PACK: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/app.pack.json\"));\n\
         fn main() { print!(\"{PACK}\"); }\n",
    )
    .expect("main.rs");
}

fn target_dir() -> PathBuf {
    Path::new(TMP).join("pack-build-rerun-target")
}

/// Builds the copy; returns whether the build script ran, and cargo's log.
fn build(dir: &Path) -> (bool, String) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "-v", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo build failed:\n{stderr}");
    let ran = stderr
        .lines()
        .any(|l| l.trim_start().starts_with("Running") && l.contains("build-script-build`"));
    (ran, stderr.into_owned())
}

/// Asserts whether a build of `dir` runs the build script, showing cargo's log if not.
fn assert_build(dir: &Path, runs: bool, why: &str) {
    let (ran, log) = build(dir);
    assert_eq!(ran, runs, "{why}\n{log}");
}

fn pack_text() -> String {
    let out = Command::new(target_dir().join("debug/pack-build-rerun"))
        .output()
        .expect("binary runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `rerun-if-changed` paths the build script of the copy in `dir` printed.
fn reruns(dir: &Path) -> Vec<String> {
    let build = target_dir().join("debug/build");
    let needle = dir.display().to_string();
    for entry in std::fs::read_dir(build).expect("build dir").flatten() {
        let Ok(output) = std::fs::read_to_string(entry.path().join("output")) else {
            continue;
        };
        if !output.contains(&needle) {
            continue;
        }
        let mut files: Vec<String> = output
            .lines()
            .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
            .map(str::to_owned)
            .collect();
        files.sort();
        return files;
    }
    panic!("no build script output for {needle}");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from));
    std::fs::write(path, text.replace(from, to)).expect("write");
}

#[test]
fn touching_a_prompt_reruns_build_rs_and_touching_other_files_does_not() {
    let tmp = tempfile::tempdir_in(TMP).expect("tempdir");
    let dir = tmp.path().canonicalize().expect("canonical");
    project(&dir);

    assert_build(&dir, true, "first build runs the build script");
    assert!(pack_text().contains("Acme Outfitters"));
    let arena = dir.join("arena");
    let mut expected: Vec<String> = [
        "config.arena.yaml",
        "prompts/support.yaml",
        "tools/get-order-status.tool.yaml",
    ]
    .iter()
    .map(|f| arena.join(f).display().to_string())
    .collect();
    expected.sort();
    assert_eq!(
        reruns(&dir),
        expected,
        "exactly the files the compiler read"
    );

    assert_build(&dir, false, "nothing changed: no rerun");

    std::fs::write(dir.join("NOTES.md"), "edited, unrelated\n").expect("write");
    std::fs::write(arena.join("unused.yaml"), "not referenced\n").expect("write");
    assert_build(&dir, false, "unrelated files do not rerun build.rs");

    edit(
        &arena.join("prompts/support.yaml"),
        "Acme Outfitters",
        "Globex Outlet",
    );
    assert_build(&dir, true, "an edited prompt reruns build.rs");
    let pack = pack_text();
    assert!(
        pack.contains("Globex Outlet"),
        "the binary embeds the new pack"
    );
    assert!(!pack.contains("Acme Outfitters"));
}
