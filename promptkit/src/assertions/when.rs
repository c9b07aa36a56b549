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

/// Whether an assertion with `when` applies to a turn with `calls`: `Err` holds why it is
/// skipped (a skipped assertion is reported, not failed).
pub fn should_run(when: Option<&When>, calls: &[ToolCallRecord]) -> Result<(), String> {
    let Some(when) = when else { return Ok(()) };
    if when.any_tool_called && calls.is_empty() {
        return Err("no tool calls in turn".into());
    }
    if let Some(name) = when.tool_called.as_deref().filter(|n| !n.is_empty())
        && !calls.iter().any(|c| c.name == name)
    {
        return Err(format!("tool {name:?} not called"));
    }
    if let Some(pattern) = when
        .tool_called_pattern
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let re = super::regex_cache::compile(pattern)
            .map_err(|e| format!("invalid tool_called_pattern {pattern:?}: {e}"))?;
        if !calls.iter().any(|c| re.is_match(&c.name)) {
            return Err(format!("no tool matching pattern {pattern:?}"));
        }
    }
    if when.min_tool_calls > 0 && calls.len() < when.min_tool_calls {
        return Err(format!(
            "only {} tool call(s), need {}",
            calls.len(),
            when.min_tool_calls
        ));
    }
    Ok(())
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
        assert_eq!(should_run(None, &[]), Ok(()));
        assert_eq!(should_run(Some(&When::default()), &[]), Ok(()));
        let any = When {
            any_tool_called: true,
            ..When::default()
        };
        assert_eq!(
            should_run(Some(&any), &[]),
            Err("no tool calls in turn".into())
        );
        assert_eq!(should_run(Some(&any), &calls(&["search"])), Ok(()));
        let named = When {
            tool_called: Some("search".into()),
            ..When::default()
        };
        assert_eq!(
            should_run(Some(&named), &calls(&["format", "search"])),
            Ok(())
        );
        assert_eq!(
            should_run(Some(&named), &calls(&["format"])),
            Err(r#"tool "search" not called"#.into())
        );
        let pat = When {
            tool_called_pattern: Some("workflow__.*".into()),
            ..When::default()
        };
        assert_eq!(
            should_run(Some(&pat), &calls(&["workflow__transition"])),
            Ok(())
        );
        assert_eq!(
            should_run(Some(&pat), &calls(&["search"])),
            Err(r#"no tool matching pattern "workflow__.*""#.into())
        );
        let bad = When {
            tool_called_pattern: Some("[invalid".into()),
            ..When::default()
        };
        assert!(should_run(Some(&bad), &calls(&["search"])).is_err());
        let min = When {
            min_tool_calls: 2,
            ..When::default()
        };
        assert_eq!(should_run(Some(&min), &calls(&["a", "b"])), Ok(()));
        let min3 = When {
            min_tool_calls: 3,
            ..When::default()
        };
        assert_eq!(
            should_run(Some(&min3), &calls(&["a"])),
            Err("only 1 tool call(s), need 3".into())
        );
        let both = When {
            tool_called: Some("search".into()),
            min_tool_calls: 2,
            ..When::default()
        };
        assert_eq!(
            should_run(Some(&both), &calls(&["search", "format"])),
            Ok(())
        );
        assert!(should_run(Some(&both), &calls(&["search"])).is_err());
    }
}
