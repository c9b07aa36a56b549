//! Turn-level diff of replies between providers: for each scenario run on more than
//! one provider, each turn's user message and every provider's reply side by side,
//! each reply word-diffed against the first provider's (`<del>`/`<ins>`).

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::escape;
use crate::arena::results::{CaseResult, RunResult};

/// The HTML section, empty when no scenario ran on two providers.
pub fn reply_diffs(run: &RunResult) -> String {
    let mut scenarios: Vec<(&str, Vec<&CaseResult>)> = Vec::new();
    for case in run.cases.iter().filter(|c| c.trial == 0) {
        match scenarios.iter_mut().find(|(s, _)| *s == case.scenario) {
            Some((_, cases)) => cases.push(case),
            None => scenarios.push((&case.scenario, vec![case])),
        }
    }
    let mut out = String::new();
    for (scenario, cases) in scenarios.iter().filter(|(_, c)| c.len() > 1) {
        let turns = cases.iter().map(|c| c.turns.len()).max().unwrap_or(0);
        let _ = write!(
            out,
            "<details class=\"diff\" data-scenario=\"{}\"><summary>{}</summary><table><tr><th>turn</th><th>user</th>",
            escape(scenario),
            escape(scenario)
        );
        for case in cases {
            let _ = write!(out, "<th>{}</th>", escape(&case.provider));
        }
        out.push_str("</tr>\n");
        for turn in 0..turns {
            let replies: Vec<Option<&str>> = cases
                .iter()
                .map(|c| c.turns.get(turn).map(|t| t.reply.as_str()))
                .collect();
            let first = replies.first().copied().flatten().unwrap_or_default();
            let differs = replies.iter().any(|r| r.unwrap_or_default() != first);
            let user = cases
                .iter()
                .find_map(|c| c.turns.get(turn))
                .map(|t| t.user.as_str())
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr class=\"turn\" data-differs=\"{differs}\"><td>{}</td><td class=\"msg\">{}</td>",
                turn + 1,
                escape(user)
            );
            for (i, reply) in replies.iter().enumerate() {
                let cell = match reply {
                    None => "<span class=\"muted\">(no turn)</span>".to_owned(),
                    Some(text) if i == 0 => escape(text),
                    Some(text) => word_diff(first, text),
                };
                let _ = write!(out, "<td class=\"msg\">{cell}</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table></details>\n");
    }
    out
}

/// `after` as HTML, words missing from `before` in `<ins>`, words of `before` it lacks
/// in `<del>`.
pub fn word_diff(before: &str, after: &str) -> String {
    let diff = TextDiff::from_words(before, after);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let text = escape(change.value());
        match change.tag() {
            ChangeTag::Equal => out.push_str(&text),
            ChangeTag::Delete => {
                let _ = write!(out, "<del>{text}</del>");
            }
            ChangeTag::Insert => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::word_diff;

    #[test]
    fn changed_words_are_marked_and_escaped() {
        assert_eq!(
            word_diff("refunds within 30 days", "refunds within 45 days"),
            "refunds within <del>30</del><ins>45</ins> days"
        );
        assert_eq!(word_diff("a", "a <b>"), "a<ins> </ins><ins>&lt;b&gt;</ins>");
    }
}
