//! The bounded mutation campaign over `run --mock-provider` (issue 17): mutated copies of
//! the conformance projects are loaded through the front-end and, when they check, run on
//! the mock provider and written as reports. It asserts: no panic, no hang, nothing from
//! outside the project in a result or report, a file:line:col on every load error, and a
//! bounded peak memory. The generator is shared with the validate/compile campaign.
//!
//! CI runs a fixed seed and a small budget. For a longer local campaign:
//! `PROMPTKIT_CAMPAIGN_CASES=2000 PROMPTKIT_CAMPAIGN_SEED=$RANDOM cargo test --release -p promptkit --test it mutation_campaign_run -- --nocapture`

use crate::mutations;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use mutations::{OUTSIDE_TEXT, campaign, mutated_copy, projects};
use promptkit::arena::report::{Format, write_reports};
use promptkit::arena::{RunOptions, Setup, Suite};

/// Longest a case may take before it counts as a hang (see the compile campaign).
const CASE_LIMIT: Duration = Duration::from_secs(120);
/// Projects whose tools call public APIs: a run would leave loopback.
const NETWORKED: &[&str] = &["live-http-tools"];

/// What one case found wrong (empty when the case passed).
fn run_case(seed: u64, project: &Path) -> Vec<String> {
    let (temp, config) = mutated_copy(seed, project);
    let reports = temp.path().join("out");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let options = RunOptions {
                mock_provider: true,
                ..RunOptions::default()
            };
            let suite = match Suite::load(&config, options, &Setup::new()) {
                Ok(suite) => suite,
                Err(rejected) => {
                    return rejected
                        .diagnostics
                        .errors()
                        .filter(|d| !d.location.as_ref().is_some_and(|l| l.has_position()))
                        .map(|d| format!("error without line:col: {}", d.message))
                        .collect();
                }
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let run = runtime.block_on(suite.run(|_| {}));
            let mut problems = Vec::new();
            if let Err(e) = write_reports(&run, &reports, &[Format::Json, Format::Markdown]) {
                problems.push(format!("reports not written: {e}"));
            }
            for entry in std::fs::read_dir(&reports).into_iter().flatten().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if text.contains(OUTSIDE_TEXT) {
                    problems.push(format!(
                        "`{}` holds the file outside the project",
                        entry.path().display()
                    ));
                }
            }
            problems
        });
        let _ = send.send(result);
    });
    match receive.recv_timeout(CASE_LIMIT) {
        Err(_) => vec![format!("hang: no answer within {CASE_LIMIT:?}")],
        Ok(Err(_)) => vec!["panic".to_owned()],
        Ok(Ok(problems)) => problems,
    }
}

#[test]
fn mutated_conformance_projects_run_cleanly_on_the_mock_provider() {
    let projects: Vec<_> = projects()
        .into_iter()
        .filter(|p| !NETWORKED.iter().any(|n| p.ends_with(n)))
        .collect();
    campaign(&projects, 120, run_case);
}
