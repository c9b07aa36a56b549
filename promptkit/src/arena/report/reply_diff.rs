//! Turn-level diff of replies between providers: for each scenario run on more than
//! one provider, each turn's user message and every provider's reply side by side,
//! each reply word-diffed against the first provider's (`<del>`/`<ins>`). Scenarios
//! whose replies differ start open.

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
        let rows: Vec<Vec<Option<&str>>> = (0..turns)
            .map(|turn| {
                cases
                    .iter()
                    .map(|c| c.turns.get(turn).map(|t| t.reply.as_str()))
                    .collect()
            })
            .collect();
        let any_differs = rows.iter().any(|replies| differs(replies));
        let _ = write!(
            out,
            "<details class=\"diff\" data-scenario=\"{}\"{}><summary>{}{}</summary><table><tr><th>turn</th><th>user</th>",
            escape(scenario),
            if any_differs { " open" } else { "" },
            escape(scenario),
            if any_differs {
                " — replies differ"
            } else {
                " — same replies"
            }
        );
        for case in cases {
            let _ = write!(out, "<th>{}</th>", escape(&case.provider));
        }
        out.push_str("</tr>\n");
        for (turn, replies) in rows.iter().enumerate() {
            let first = replies.first().copied().flatten().unwrap_or_default();
            let differs = differs(replies);
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

fn differs(replies: &[Option<&str>]) -> bool {
    let first = replies.first().copied().flatten();
    replies.iter().any(|r| *r != first)
}

/// `after` as HTML: each changed stretch shows the words of `before` it replaced in
/// `<del>` and its own words in `<ins>`.
pub fn word_diff(before: &str, after: &str) -> String {
    let diff = TextDiff::from_words(before, after);
    let mut out = String::new();
    let (mut removed, mut added) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            // Spaces between two changed words belong to the change.
            ChangeTag::Equal
                if text.trim().is_empty() && !(removed.is_empty() && added.is_empty()) =>
            {
                removed.push_str(text);
                added.push_str(text);
            }
            ChangeTag::Equal => {
                flush(&mut out, &mut removed, &mut added);
                out.push_str(&escape(text));
            }
            ChangeTag::Delete => removed.push_str(text),
            ChangeTag::Insert => added.push_str(text),
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// Writes a pending changed stretch; spaces it ends with stay outside the marks.
fn flush(out: &mut String, removed: &mut String, added: &mut String) {
    let tail_len = added.len() - added.trim_end().len();
    let tail = added[added.len() - tail_len..].to_owned();
    for (tag, text) in [("del", removed.trim_end()), ("ins", added.trim_end())] {
        if !text.trim().is_empty() {
            let _ = write!(out, "<{tag}>{}</{tag}>", escape(text));
        }
    }
    out.push_str(&escape(&tail));
    removed.clear();
    added.clear();
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
        assert_eq!(word_diff("a", "a <b>"), "a<ins> &lt;b&gt;</ins>");
        assert_eq!(
            word_diff("items can be returned", "returns are accepted"),
            "<del>items can be returned</del><ins>returns are accepted</ins>"
        );
    }
}
