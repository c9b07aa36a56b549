//! The mutation generator shared by the campaigns (`build-support/tests/mutation_campaign.rs`
//! over validate + compile, `promptkit/tests/mutation_campaign_run.rs` over run): a
//! seeded generator, copies of the conformance projects, hostile edits and symlinks.

use std::path::{Path, PathBuf};

/// The conformance corpus.
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
/// What the file outside the project holds: it must never show up in a result.
pub const OUTSIDE_TEXT: &str = "SECRET-OUTSIDE-THE-ROOT";

/// A small deterministic generator (xorshift64*): the campaign is reproducible by seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn projects() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("conformance corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("config.arena.yaml").is_file())
        .collect();
    out.sort();
    out
}

pub fn copy_dir(from: &Path, to: &Path, files: &mut Vec<PathBuf>) {
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
pub fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
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
pub fn maybe_link(rng: &mut Rng, files: &[PathBuf], outside: &Path) {
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
pub fn maybe_link(_: &mut Rng, _: &[PathBuf], _: &Path) {}

/// A mutated copy of `project` in a fresh temporary folder: the folder (with the file
/// outside the project) and the copy's config.
pub fn mutated_copy(seed: u64, project: &Path) -> (tempfile::TempDir, PathBuf) {
    let mut rng = Rng(seed | 1);
    let temp = tempfile::tempdir().expect("temp dir");
    let outside = temp.path().join("outside.yaml");
    std::fs::write(&outside, OUTSIDE_TEXT).expect("write");
    let root = temp.path().join("project");
    let mut files = Vec::new();
    copy_dir(project, &root, &mut files);
    for _ in 0..=rng.below(3) {
        let file = &files[rng.below(files.len())];
        let text = std::fs::read_to_string(file).unwrap_or_default();
        std::fs::write(file, mutate(&mut rng, &text)).expect("write");
    }
    maybe_link(&mut rng, &files, &outside);
    let config = root.join("config.arena.yaml");
    (temp, config)
}

/// This process's peak resident memory (`VmHWM`), where `/proc` tells it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Highest peak resident memory a campaign may reach (the bound).
pub const PEAK_RSS_LIMIT_KB: u64 = 500 * 1024;

/// Runs `PROMPTKIT_CAMPAIGN_CASES` cases (default `default_cases`) of seed
/// `PROMPTKIT_CAMPAIGN_SEED` (default 17), each on a project of `projects` picked by the
/// seed, and fails with every problem `run_case` reports, or when the process's peak
/// memory passes [`PEAK_RSS_LIMIT_KB`].
pub fn campaign(
    projects: &[PathBuf],
    default_cases: u64,
    run_case: impl Fn(u64, &Path) -> Vec<String>,
) {
    let seed = env_number("PROMPTKIT_CAMPAIGN_SEED", 17);
    let cases = env_number("PROMPTKIT_CAMPAIGN_CASES", default_cases);
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
    if let Some(peak) = peak_rss_kb() {
        assert!(
            peak < PEAK_RSS_LIMIT_KB,
            "the campaign peaked at {peak} kB of resident memory (limit {PEAK_RSS_LIMIT_KB} kB)"
        );
    }
}
