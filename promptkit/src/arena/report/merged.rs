//! One report for a whole test binary: every `#[arena_test]` test (a thread of one
//! process, or its own process under cargo-nextest) adds its run to a shared folder as
//! `cases/<scenario>__<provider>.json` (and `.xml`), and the folder's `results.json`,
//! `junit.xml` and `report.html` are rebuilt from them under an exclusive file lock,
//! each written atomically, so parallel tests never lose or tear a report. A process
//! rebuilds when its last running test ends (the caller decides), so a test binary's
//! merged reports hold every test once it exits.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use super::{Format, file_name_part};
use crate::arena::results::RunResult;
use crate::files::write_atomically;

/// The folder of the per-test runs, inside the report folder.
pub const CASES_DIR: &str = "cases";
/// The lock file serializing merges, inside the report folder.
const LOCK_FILE: &str = ".promptkit-report.lock";
/// Longest scenario or provider part of a per-test file name, in characters.
const NAME_PART_MAX: usize = 100;

/// Adds `run` (one test's scenario × provider) to the reports in `dir`: its own JSON
/// and JUnit files under [`CASES_DIR`]; [`rebuild`] merges them.
pub fn add_run(dir: &Path, scenario: &str, provider: &str, run: &RunResult) -> std::io::Result<()> {
    let cases = dir.join(CASES_DIR);
    std::fs::create_dir_all(&cases)?;
    let stem = format!(
        "{}__{}",
        file_name_part(scenario, NAME_PART_MAX),
        file_name_part(provider, NAME_PART_MAX)
    );
    let own = cases.join(format!("{stem}.json"));
    write_atomically(&own, Format::Json.render(run).as_bytes())?;
    // This process's own runs are never parsed back (see `read_runs`).
    if let Some(stamp) = stamp(&own) {
        known().insert(own, (stamp, run.clone()));
    }
    write_atomically(
        &cases.join(format!("{stem}.xml")),
        Format::Junit.render(run).as_bytes(),
    )
}

/// Rebuilds the merged JSON, JUnit and HTML reports in `dir` from every run added so
/// far; returns the merged files.
pub fn rebuild(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let cases = dir.join(CASES_DIR);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    lock.lock()?;
    let merged = merge(&cases);
    let mut written = Vec::new();
    for format in [Format::Json, Format::Junit, Format::Html] {
        let path = dir.join(format.file_name());
        write_atomically(&path, format.render(&merged).as_bytes())?;
        written.push(path);
    }
    lock.unlock()?;
    Ok(written)
}

/// A file's modification time and length: a cached run is reused while both hold.
type Stamp = (SystemTime, u64);

/// The runs this process wrote or already parsed, by file.
fn known() -> std::sync::MutexGuard<'static, BTreeMap<PathBuf, (Stamp, RunResult)>> {
    static KNOWN: Mutex<BTreeMap<PathBuf, (Stamp, RunResult)>> = Mutex::new(BTreeMap::new());
    KNOWN.lock().unwrap_or_else(PoisonError::into_inner)
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Every run kept in `cases` as one run, its cases ordered by scenario, provider and
/// trial. Only files this process has not seen in their current state are parsed (a
/// test binary's merges then cost one parse per test); a file that cannot be read is
/// reported on stderr and left out.
fn merge(cases: &Path) -> RunResult {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut known = known();
    let mut name = String::new();
    let mut all = Vec::new();
    let mut duration_ms = 0.0;
    for file in files {
        let Some(stamp) = stamp(&file) else { continue };
        let fresh = known.get(&file).is_some_and(|(seen, _)| *seen == stamp);
        if !fresh {
            let parsed = std::fs::read(&file)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<RunResult>(&bytes).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(run) => {
                    known.insert(file.clone(), (stamp, run));
                }
                Err(e) => {
                    eprintln!(
                        "promptkit: leaving `{}` out of the merged report: {e}",
                        file.display()
                    );
                    continue;
                }
            }
        }
        if let Some((_, run)) = known.get(&file) {
            if name.is_empty() {
                name.clone_from(&run.name);
            }
            duration_ms += run.duration_ms;
            all.extend(run.cases.iter().cloned());
        }
    }
    all.sort_by(|a, b| {
        (&a.scenario, &a.provider, a.trial).cmp(&(&b.scenario, &b.provider, b.trial))
    });
    RunResult::new(name, all, duration_ms)
}
