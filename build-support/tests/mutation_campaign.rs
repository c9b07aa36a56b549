//! A bounded mutation campaign over the conformance projects (issue 17): each case copies
//! one project, applies hostile edits (paths out of the root, symlinks to devices,
//! template bombs, broken placeholders, invalid UTF-8, giant values, line shuffles) and
//! runs the load + check that `validate` runs. It asserts: no panic, no hang (a time
//! limit per case), no file read outside the project, and a file:line:col on every error.
//!
//! CI runs a fixed seed and a small budget. For a longer local campaign:
//! `PROMPTKIT_CAMPAIGN_CASES=5000 PROMPTKIT_CAMPAIGN_SEED=$RANDOM cargo test --release -p promptkit-build --test mutation_campaign -- --nocapture`

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use promptkit_build::check::check_project;
use promptkit_build::load::{LoadOptions, load_project};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
/// Longest a case may take before it counts as a hang (generous: debug builds, 2 cores).
const CASE_LIMIT: Duration = Duration::from_secs(20);

/// A small deterministic generator (xorshift64*): the campaign is reproducible by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn projects() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("config.arena.yaml").is_file())
        .collect();
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path, files: &mut Vec<PathBuf>) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target, files);
        } else {
            std::fs::copy(&path, &target).expect("copy");
            if target.extension().is_some_and(|e| e == "yaml") {
                files.push(target);
            }
        }
    }
}

/// Hostile lines inserted into a YAML file (the campaign's found defects, as edits).
const INSERTS: &[&str] = &[
    "      file: ../outside.yaml",
    "  file: /etc/passwd",
    "    recording: ../outside.yaml",
    "    mock_config: ../outside.yaml",
    "  system_template: \"{{ spaced }} {{#if x}} {{unclosed\"",
    "      default: \"{{a}}{{a}}{{a}}\"",
    "  - name: a\n    default: \"{{a}}{{a}}\"",
    "  id: &a [*a, *a]",
    "  formats: [\"pdf\"]",
    "  workflow:\n    entry: x",
    "  type: replay",
    ":",
    "- ",
    "{{",
];

/// Applies one random edit to `text`.
fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = rng.below(lines.len() + 1);
    match rng.below(7) {
        0 | 1 => lines.insert(at, INSERTS[rng.below(INSERTS.len())].to_owned()),
        2 if at < lines.len() => {
            lines.remove(at);
        }
        3 if at < lines.len() => {
            let line = lines[at].clone();
            lines.insert(at, line);
        }
        4 if at < lines.len() => {
            let giant = "v".repeat(100_000 + rng.below(100_000));
            lines[at] = format!("{}{giant}", lines[at]);
        }
        5 => {
            let mut bytes = lines.join("\n").into_bytes();
            let i = rng.below(bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = 0xff;
            }
            return bytes;
        }
        _ => {
            let b = rng.below(lines.len());
            if at < lines.len() && b < lines.len() {
                lines.swap(at, b);
            }
        }
    }
    lines.join("\n").into_bytes()
}

/// Replaces a random file with a symlink to a device or to the file outside (unix).
#[cfg(unix)]
fn maybe_link(rng: &mut Rng, files: &[PathBuf], outside: &Path) {
    if rng.below(8) != 0 || files.is_empty() {
        return;
    }
    let victim = &files[rng.below(files.len())];
    let target: &Path = match rng.below(3) {
        0 => Path::new("/dev/zero"),
        1 => Path::new("/proc/self/environ"),
        _ => outside,
    };
    let _ = std::fs::remove_file(victim);
    let _ = std::os::unix::fs::symlink(target, victim);
}

#[cfg(not(unix))]
fn maybe_link(_: &mut Rng, _: &[PathBuf], _: &Path) {}

/// What one case found wrong (empty when the case passed).
fn run_case(seed: u64, project: &Path) -> Vec<String> {
    let mut rng = Rng(seed | 1);
    let temp = tempfile::tempdir().expect("temp dir");
    let outside = temp.path().join("outside.yaml");
    std::fs::write(&outside, "SECRET-OUTSIDE-THE-ROOT").expect("write");
    let root = temp.path().join("project");
    let mut files = Vec::new();
    copy_dir(project, &root, &mut files);
    for _ in 0..=rng.below(3) {
        let file = &files[rng.below(files.len())];
        let text = std::fs::read_to_string(file).unwrap_or_default();
        std::fs::write(file, mutate(&mut rng, &text)).expect("write");
    }
    maybe_link(&mut rng, &files, &outside);

    let (send, receive) = mpsc::channel();
    let config = root.join("config.arena.yaml");
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let loaded = load_project(&config, &LoadOptions::default());
            let checked = check_project(&loaded);
            let read: Vec<PathBuf> = loaded.files.clone();
            let errors: Vec<String> = loaded
                .diagnostics
                .errors()
                .chain(checked.errors())
                .filter(|d| !d.location.as_ref().is_some_and(|l| l.has_position()))
                .map(|d| format!("error without line:col: {}", d.message))
                .collect();
            (read, errors)
        });
        let _ = send.send(result);
    });
    let mut problems = Vec::new();
    match receive.recv_timeout(CASE_LIMIT) {
        Err(_) => problems.push(format!("hang: no answer within {CASE_LIMIT:?}")),
        Ok(Err(_)) => problems.push("panic".to_owned()),
        Ok(Ok((read, unlocated))) => {
            let root = std::fs::canonicalize(&root).expect("root");
            for path in read {
                // Files read (or checked) must resolve inside the project.
                if let Ok(real) = std::fs::canonicalize(&path)
                    && !real.starts_with(&root)
                {
                    problems.push(format!("read outside the root: {}", real.display()));
                }
            }
            problems.extend(unlocated);
        }
    }
    problems
}

#[test]
fn mutated_conformance_projects_are_refused_cleanly() {
    let seed = env_number("PROMPTKIT_CAMPAIGN_SEED", 17);
    let cases = env_number("PROMPTKIT_CAMPAIGN_CASES", 200);
    let projects = projects();
    assert!(
        !projects.is_empty(),
        "no conformance projects under {CORPUS}"
    );
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    for case in 0..cases {
        let case_seed = rng.next();
        let project = &projects[rng.below(projects.len())];
        for problem in run_case(case_seed, project) {
            failures.push(format!(
                "case {case} (seed {case_seed}, {}): {problem}",
                project.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
