//! The workflow fields of the reference's RFC 0009 (agent loops) that the runtime does
//! not apply yet: per-state `max_visits` / `on_max_visits` and `artifacts`, and the
//! engine's `budget` (visits, tool calls, wall time). Each is a warning at its line,
//! so a loop that relies on the brake is not silently unbounded.

use super::{at_loc, warning};
use crate::diagnostic::Diagnostics;
use crate::load::Project;

/// Per-state fields not applied, with what the reference does with them.
const STATE_FIELDS: &[(&str, &str)] = &[
    (
        "max_visits",
        "the reference redirects to `on_max_visits` once the state was entered this often",
    ),
    (
        "on_max_visits",
        "the reference's forced redirect when `max_visits` is reached",
    ),
    (
        "artifacts",
        "the reference keeps per-state artifacts readable as `{{artifacts.<name>}}`",
    ),
];

pub(super) fn check(project: &Project, out: &mut Diagnostics) {
    let path = project.config_path.as_path();
    let Some(workflow) = super::workflow(project) else {
        return;
    };
    if let Some(budget) = workflow
        .get("engine")
        .and_then(|e| e.value.as_map())
        .and_then(|e| e.get("budget"))
    {
        out.push(
            warning(
                "workflow `engine.budget` is not enforced by this runtime",
                at_loc(path, &budget.referenced),
                path,
            )
            .with_note("the reference fails the workflow once `max_total_visits`, `max_tool_calls` or `max_wall_time_sec` is exceeded"),
        );
    }
    let Some(states) = workflow.get("states").and_then(|s| s.value.as_map()) else {
        return;
    };
    for (name, state) in states.iter() {
        let Some(state) = state.value.as_map() else {
            continue;
        };
        for (field, what) in STATE_FIELDS {
            if let Some(node) = state.get(*field) {
                out.push(
                    warning(
                        format!(
                            "workflow state `{}`: `{field}` is not applied by this runtime",
                            name.value
                        ),
                        at_loc(path, &node.referenced),
                        path,
                    )
                    .with_note(*what),
                );
            }
        }
    }
}
