//! A bounded mutation campaign over the conformance projects (issue 17): each case copies
//! one project, applies hostile edits (paths out of the root, symlinks to devices,
//! template bombs, broken placeholders, invalid UTF-8, giant values, line shuffles) and
//! runs what `validate` and `compile` run: the front-end's load + check, then the pack
//! compiler on what checks. It asserts: no panic, no hang (a time limit per case), no
//! file read outside the project, a file:line:col on every error, and a bounded peak
//! memory for the whole campaign.
//!
//! CI runs a fixed seed and a small budget. For a longer local campaign:
//! `PROMPTKIT_CAMPAIGN_CASES=5000 PROMPTKIT_CAMPAIGN_SEED=$RANDOM cargo test --release -p promptkit-build --test it mutation_campaign -- --nocapture`

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use promptkit_build::frontend::Frontend;
use promptkit_build::pack;

use crate::support;
use support::mutations::{campaign, mutated_copy, projects};
/// Longest a case may take before it counts as a hang. A hang is a read that never
/// returns (a FIFO, a device); normal cases take milliseconds, so the limit is generous
/// enough that a loaded CI machine (debug build, parallel tests) never trips it.
const CASE_LIMIT: Duration = Duration::from_secs(120);

/// What one case found wrong (empty when the case passed).
fn run_case(seed: u64, project: &Path) -> Vec<String> {
    let (_temp, config) = mutated_copy(seed, project);
    let root = config.parent().expect("project folder").to_path_buf();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let outcome = Frontend::new().project(&config);
            let options = pack::CompileOptions::default();
            let compiled = outcome.checked.as_ref().map(|c| pack::compile(c, &options));
            let pack_errors = compiled.into_iter().filter_map(Result::err).flatten();
            let read: Vec<PathBuf> = outcome.files.clone();
            let errors: Vec<String> = outcome
                .diagnostics
                .errors()
                .cloned()
                .chain(pack_errors)
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
    campaign(&projects(), 200, run_case);
}
