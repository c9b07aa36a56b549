//! `when:` conditions gating an assertion on the turn's tool calls.

use super::context::ToolCallRecord;
use serde::{Deserialize, Serialize};

/// The conditions under which an assertion applies (all given ones must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct When {
    /// Applies only if this tool was called.
    pub tool_called: Option<String>,
    /// Applies only if a tool whose name matches this regex was called.
    pub tool_called_pattern: Option<String>,
    /// Applies only if any tool was called.
    pub any_tool_called: bool,
    /// Applies only with at least this many tool calls.
    pub min_tool_calls: usize,
}

/// Why an assertion with `when` does not apply to a turn with `calls`, or `None` when it
/// does (a skipped assertion is reported, not failed).
pub fn skip_reason(when: Option<&When>, calls: &[ToolCallRecord]) -> Option<String> {
    let when = when?;
    if when.any_tool_called && calls.is_empty() {
        return Some("no tool calls in turn".into());
    }
    if let Some(name) = when.tool_called.as_deref().filter(|n| !n.is_empty())
        && !calls.iter().any(|c| c.name == name)
    {
        return Some(format!("tool {name:?} not called"));
    }
    if let Some(pattern) = when
        .tool_called_pattern
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let re = match super::regex_cache::compile(pattern) {
            Ok(re) => re,
            Err(e) => return Some(format!("invalid tool_called_pattern {pattern:?}: {e}")),
        };
        if !calls.iter().any(|c| re.is_match(&c.name)) {
            return Some(format!("no tool matching pattern {pattern:?}"));
        }
    }
    if when.min_tool_calls > 0 && calls.len() < when.min_tool_calls {
        return Some(format!(
            "only {} tool call(s), need {}",
            calls.len(),
            when.min_tool_calls
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(names: &[&str]) -> Vec<ToolCallRecord> {
        names
            .iter()
            .map(|n| ToolCallRecord::new(*n, serde_json::json!({})))
            .collect()
    }

    // Mirrors runtime/evals/when_test.go of the reference.
    #[test]
    fn conditions_gate_as_the_reference() {
        assert_eq!(skip_reason(None, &[]), None);
        assert_eq!(skip_reason(Some(&When::default()), &[]), None);
        let any = When {
            any_tool_called: true,
            ..When::default()
        };
        assert_eq!(
            skip_reason(Some(&any), &[]),
            Some("no tool calls in turn".into())
        );
        assert_eq!(skip_reason(Some(&any), &calls(&["search"])), None);
        let named = When {
            tool_called: Some("search".into()),
            ..When::default()
        };
        assert_eq!(
            skip_reason(Some(&named), &calls(&["format", "search"])),
            None
        );
        assert_eq!(
            skip_reason(Some(&named), &calls(&["format"])),
            Some(r#"tool "search" not called"#.into())
        );
        let pat = When {
            tool_called_pattern: Some("workflow__.*".into()),
            ..When::default()
        };
        assert_eq!(
            skip_reason(Some(&pat), &calls(&["workflow__transition"])),
            None
        );
        assert_eq!(
            skip_reason(Some(&pat), &calls(&["search"])),
            Some(r#"no tool matching pattern "workflow__.*""#.into())
        );
        let bad = When {
            tool_called_pattern: Some("[invalid".into()),
            ..When::default()
        };
        assert!(skip_reason(Some(&bad), &calls(&["search"])).is_some());
        let min = When {
            min_tool_calls: 2,
            ..When::default()
        };
        assert_eq!(skip_reason(Some(&min), &calls(&["a", "b"])), None);
        let min3 = When {
            min_tool_calls: 3,
            ..When::default()
        };
        assert_eq!(
            skip_reason(Some(&min3), &calls(&["a"])),
            Some("only 1 tool call(s), need 3".into())
        );
        let both = When {
            tool_called: Some("search".into()),
            min_tool_calls: 2,
            ..When::default()
        };
        assert_eq!(
            skip_reason(Some(&both), &calls(&["search", "format"])),
            None
        );
        assert!(skip_reason(Some(&both), &calls(&["search"])).is_some());
    }
}
