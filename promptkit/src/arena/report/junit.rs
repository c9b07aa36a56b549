//! JUnit XML: `<testsuites>` of one `<testsuite>` per scenario, one `<testcase>` per
//! provider run (classname = scenario), failures listing each failed assertion. With a
//! baseline, the counts stay those of this run (CI semantics unchanged): a regressed
//! case's failure says so, and `<properties>` list the new failures and fixes.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape;
use crate::arena::results::{CaseResult, RunResult, Status};

/// The JUnit XML of `run`.
pub fn junit(run: &RunResult) -> String {
    let mut suites: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for case in &run.cases {
        suites.entry(case.scenario.as_str()).or_default().push(case);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
        escape(if run.name.is_empty() {
            "Arena Test Results"
        } else {
            &run.name
        }),
        run.totals.cases,
        run.totals.failed,
        run.totals.errors,
        run.duration_ms / 1000.0
    );
    if let Some(comparison) = &run.comparison {
        let _ = writeln!(
            out,
            "  <properties>\n    <property name=\"baseline\" value=\"{}\"/>\n    \
             <property name=\"baseline.new_failures\" value=\"{}\"/>\n    \
             <property name=\"baseline.fixed\" value=\"{}\"/>\n  </properties>",
            escape(&comparison.baseline),
            escape(&comparison.new_failures.join(",")),
            escape(&comparison.fixed.join(","))
        );
    }
    if let Some(budget) = &run.budget {
        let _ = writeln!(
            out,
            "  <!-- {} -->",
            escape(&budget.summary()).replace("--", "- -")
        );
    }
    for (scenario, cases) in suites {
        let failures = cases.iter().filter(|c| c.status == Status::Failed).count();
        let errors = cases.iter().filter(|c| c.status == Status::Error).count();
        let time: f64 = cases.iter().map(|c| c.duration_ms).sum::<f64>() / 1000.0;
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.3}\">",
            escape(scenario),
            cases.len()
        );
        for case in cases {
            let name = if case.trials > 1 {
                format!("{}#{}", case.provider, case.trial + 1)
            } else {
                case.provider.clone()
            };
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                escape(&name),
                escape(scenario),
                case.duration_ms / 1000.0
            );
            let regressed = run
                .comparison
                .as_ref()
                .is_some_and(|c| c.new_failures.contains(&case.name()));
            let regression = if regressed {
                "regression (passed in the baseline): "
            } else {
                ""
            };
            match case.status {
                Status::Passed => out.push_str("/>\n"),
                Status::Failed => {
                    let failed: Vec<String> = case
                        .failures()
                        .map(|(turn, a)| {
                            let at = turn.map_or_else(
                                || "conversation".into(),
                                |t| format!("turn {}", t + 1),
                            );
                            format!("[{at}] {}: {}", a.assertion_type, a.message)
                        })
                        .collect();
                    let _ = write!(
                        out,
                        ">\n      <failure message=\"{regression}{} assertion(s) failed\" type=\"AssertionFailure\">{}</failure>\n",
                        failed.len(),
                        escape(&failed.join("\n"))
                    );
                    let _ = writeln!(
                        out,
                        "      <system-out>{}</system-out>\n    </testcase>",
                        escape(&case.to_string())
                    );
                }
                Status::Error => {
                    let error = case.error.as_deref().unwrap_or("error");
                    let _ = write!(
                        out,
                        ">\n      <error message=\"{regression}{}\" type=\"RunError\">{}</error>\n    </testcase>\n",
                        escape(error),
                        escape(error)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
