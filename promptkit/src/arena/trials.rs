//! Repeated trials: an assertion with `pass_threshold` passes when it passed in at
//! least that fraction of the trials of its scenario × provider (for flaky LLM
//! output); without one, every trial must pass on its own.

use std::collections::BTreeMap;

use super::results::{AssertionRecord, CaseResult, Status};

/// Where an assertion sits in a case: its turn (`None`: conversation) and index.
type Position = (Option<usize>, usize);
/// Passes, evaluations and the threshold of one assertion across trials.
type Tally = (usize, usize, Option<f64>);

/// Applies `pass_threshold` across the trials in `cases`, then recomputes statuses.
pub(crate) fn apply_pass_thresholds(cases: &mut [CaseResult]) {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        if case.trials > 1 && case.status != Status::Error {
            groups
                .entry((case.scenario.clone(), case.provider.clone()))
                .or_default()
                .push(i);
        }
    }
    for members in groups.values() {
        // Assertions line up across trials by position: (turn or conversation, index).
        let mut tally: BTreeMap<Position, Tally> = BTreeMap::new();
        for &i in members {
            for (key, record) in positions(&cases[i]) {
                let entry = tally.entry(key).or_insert((0, 0, record.pass_threshold));
                entry.0 += usize::from(record.passed);
                entry.1 += 1;
            }
        }
        for &i in members {
            let case = &mut cases[i];
            for (turn, list) in case
                .turns
                .iter_mut()
                .map(|t| (Some(t.index), &mut t.assertions))
                .chain(std::iter::once((None, &mut case.conversation_assertions)))
            {
                for (j, record) in list.iter_mut().enumerate() {
                    if let Some(&(passed, total, Some(threshold))) = tally.get(&(turn, j)) {
                        let rate = passed as f64 / total as f64;
                        apply(record, passed, total, rate, threshold);
                    }
                }
            }
            case.status = if case.failures().next().is_some() {
                Status::Failed
            } else {
                Status::Passed
            };
        }
    }
}

fn positions(
    case: &CaseResult,
) -> impl Iterator<Item = ((Option<usize>, usize), &AssertionRecord)> {
    case.turns
        .iter()
        .flat_map(|t| {
            t.assertions
                .iter()
                .enumerate()
                .map(move |(j, a)| ((Some(t.index), j), a))
        })
        .chain(
            case.conversation_assertions
                .iter()
                .enumerate()
                .map(|(j, a)| ((None, j), a)),
        )
}

fn apply(record: &mut AssertionRecord, passed: usize, total: usize, rate: f64, threshold: f64) {
    let verdict = rate + 1e-9 >= threshold;
    if record.passed != verdict {
        record.message = format!(
            "{} [passed in {passed}/{total} trials; pass_threshold {threshold}]",
            record.message
        );
    }
    record.passed = verdict;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::results::TurnRecord;
    use crate::message::Usage;

    fn case(trial: usize, passed: bool) -> CaseResult {
        let mut c = CaseResult::error("s", "p", trial, 3, String::new());
        c.error = None;
        c.status = if passed {
            Status::Passed
        } else {
            Status::Failed
        };
        c.turns.push(TurnRecord {
            index: 0,
            role: "user".into(),
            user: String::new(),
            reply: String::new(),
            tool_calls: Vec::new(),
            assertions: vec![AssertionRecord {
                assertion_type: "contains".into(),
                passed,
                skipped: false,
                message: "m".into(),
                details: serde_json::Value::Null,
                pass_threshold: Some(0.66),
            }],
            validations: Vec::new(),
            usage: Usage::default(),
            cost_usd: None,
            latency_ms: 0.0,
            ..TurnRecord::default()
        });
        c
    }

    #[test]
    fn two_of_three_meets_a_two_thirds_threshold() {
        let mut cases = vec![case(0, true), case(1, false), case(2, true)];
        apply_pass_thresholds(&mut cases);
        assert!(cases.iter().all(|c| c.status == Status::Passed));
        let mut cases = vec![case(0, true), case(1, false), case(2, false)];
        apply_pass_thresholds(&mut cases);
        assert!(cases.iter().all(|c| c.status == Status::Failed));
        assert!(cases[0].turns[0].assertions[0].message.contains("1/3"));
    }
}
