//! Pack-level sections: tools, evals and skills.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::json::{self, Object};
use super::model::{PackEval, PackTool};
use super::prompt::text;
use crate::load::Project;
use crate::model::{EvalDef, SkillSource};

pub(super) fn eval(e: &EvalDef) -> PackEval {
    PackEval {
        id: e.id.value.clone(),
        r#type: e.r#type.value.clone(),
        trigger: e.trigger.value.clone(),
        params: e
            .params
            .as_ref()
            .map(|p| Value::Object(json::map(&p.value))),
        description: e.description.clone().filter(|d| !d.is_empty()),
        enabled: e.enabled,
        sample_percentage: e.sample_percentage,
        metric: e.metric.as_ref().map(|m| {
            let labels = m.labels.as_ref().map(|l| {
                let sorted: BTreeMap<&String, &String> =
                    l.iter().map(|(k, v)| (&k.value, v)).collect();
                json!(sorted)
            });
            Object::new()
                .put("name", m.name.value.clone())
                .put("type", m.r#type.value.clone())
                .opt(
                    "range",
                    m.range
                        .as_ref()
                        .map(|r| Object::new().some("min", r.min).some("max", r.max).build()),
                )
                .opt("labels", labels)
                .build()
        }),
        threshold: e.threshold.as_ref().map(|t| {
            Object::new()
                .some("passed", t.passed)
                .some("min_score", t.min_score)
                .some("max_score", t.max_score)
                .build()
        }),
        message: e
            .message
            .as_ref()
            .map(|m| m.value.clone())
            .filter(|m| !m.is_empty()),
        when: e.when.as_ref().and_then(|w| {
            let w = &w.value;
            Object::new()
                .opt(
                    "tool_called",
                    w.tool_called.as_ref().map(|t| t.value.clone()),
                )
                .opt(
                    "tool_called_pattern",
                    w.tool_called_pattern.as_ref().map(|t| t.value.clone()),
                )
                .opt("any_tool_called", w.any_tool_called)
                .opt("min_tool_calls", w.min_tool_calls)
                .non_empty()
        }),
        groups: e.groups.clone(),
        extra: Default::default(),
    }
}

/// Every loaded tool: name, description and its input schema as `parameters`.
pub(super) fn tools(project: &Project) -> BTreeMap<String, PackTool> {
    project
        .tools
        .iter()
        .map(|t| {
            let name = t
                .spec
                .name
                .as_ref()
                .map_or_else(|| t.id.clone(), |n| n.value.clone());
            let tool = PackTool {
                name: name.clone(),
                description: text(&t.spec.description),
                parameters: t.spec.input_schema.as_ref().map(json::node),
                extra: Default::default(),
            };
            (name, tool)
        })
        .collect()
}

/// A skill source as the reference writes it: directories as a `path` relative to the
/// arena config, inline skills as they are.
pub(super) fn skill(s: &SkillSource) -> Value {
    let dir = s.dir.as_ref().or(s.path.as_ref()).map(|d| clean(&d.value));
    Object::new()
        .opt("path", dir)
        .opt("name", s.name.clone())
        .opt("description", s.description.clone())
        .opt("instructions", s.instructions.clone())
        .opt("preload", s.preload)
        .build()
}

/// A relative path without `.` segments or trailing slashes (Go's `filepath.Rel` form).
pub(super) fn clean(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}
