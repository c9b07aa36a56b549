//! The workflow fields of the reference's RFC 0009 (agent loops) the runtime applies
//! only in part: per-state `artifacts` are recorded by `workflow__set_artifact` but
//! not rendered as `{{artifacts.<name>}}` in prompts. A warning at its line, so a
//! prompt that relies on the artifact text is not silently missing it. (`max_visits`,
//! `on_max_visits` and `engine.budget` are applied by the runtime.)

use super::{at_loc, warning};
use crate::diagnostic::Diagnostics;
use crate::load::Project;

pub(super) fn check(project: &Project, out: &mut Diagnostics) {
    let path = project.config_path.as_path();
    let Some(workflow) = super::workflow(project) else {
        return;
    };
    let Some(states) = workflow.get("states").and_then(|s| s.value.as_map()) else {
        return;
    };
    for (name, state) in states.iter() {
        let Some(node) = state.value.as_map().and_then(|s| s.get("artifacts")) else {
            continue;
        };
        out.push(
            warning(
                format!(
                    "workflow state `{}`: `artifacts` are recorded but not rendered into prompts by this runtime",
                    name.value
                ),
                at_loc(path, &node.referenced),
                path,
            )
            .with_note("the reference renders them as `{{artifacts.<name>}}` in the next state's prompt"),
        );
    }
}
