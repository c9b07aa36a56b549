//! The `skill__activate`, `skill__deactivate` and `skill__read_resource` tools over a
//! per-conversation set of active skills, with the reference's descriptions, argument
//! names, result shapes and errors. Activation calls are the trace the `skill_*`
//! assertions read. As in the reference's arena (no pack tool ceiling), activation
//! adds no tools: `added_tools` is empty.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};

use super::Skills;
use super::glob::allows;
use crate::provider::ToolSpec;
use crate::tools::{Handler, ToolError, Toolbox};

/// The skill tools' names.
pub(crate) const SKILL_TOOLS: [&str; 3] = [
    "skill__activate",
    "skill__deactivate",
    "skill__read_resource",
];

/// The skill filter in force (a workflow state's `skills`), asked at each call.
pub(crate) type FilterSource = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// Adds the skill tools to `tools`, with the preloaded skills active.
pub(crate) fn add_skill_tools(tools: &mut Toolbox, skills: &Arc<Skills>, filter: FilterSource) {
    let active: Arc<Mutex<BTreeSet<String>>> = Arc::new(Mutex::new(
        skills
            .iter()
            .filter(|s| s.preload)
            .map(|s| s.name.clone())
            .collect(),
    ));
    let name_arg = |what: &str| json!({"type": "object", "properties": {"name": {"type": "string", "description": what}}, "required": ["name"]});
    let (s, a) = (skills.clone(), active.clone());
    tools.define(
        ToolSpec {
            name: SKILL_TOOLS[0].to_owned(),
            description: format!(
                "Activate a skill to load its instructions and tools.\n\n{}",
                skills.index()
            ),
            input_schema: name_arg("Name of the skill to activate."),
        },
        handler(move |args| activate(&s, &a, filter(), args)),
    );
    let a = active.clone();
    tools.define(
        ToolSpec {
            name: SKILL_TOOLS[1].to_owned(),
            description: "Deactivate a skill to unload its instructions and tools.".to_owned(),
            input_schema: name_arg("Name of the skill to deactivate."),
        },
        handler(move |args| deactivate(&a, args)),
    );
    let s = skills.clone();
    tools.define(
        ToolSpec {
            name: SKILL_TOOLS[2].to_owned(),
            description: "Read a resource file from within a skill's directory.".to_owned(),
            input_schema: json!({"type": "object", "properties": {
                "skill_name": {"type": "string", "description": "Name of the skill owning the resource."},
                "path": {"type": "string", "description": "Relative path to the resource within the skill directory."}
            }, "required": ["skill_name", "path"]}),
        },
        handler(move |args| read_resource(&s, args)),
    );
}

fn handler(f: impl Fn(&Value) -> Result<Value, String> + Send + Sync + 'static) -> Handler {
    let f = Arc::new(f);
    Arc::new(move |args: Value| {
        let f = f.clone();
        Box::pin(async move { f(&args).map_err(ToolError::Failed) })
    })
}

fn text_arg<'a>(args: &'a Value, key: &str) -> &'a str {
    args.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn activate(
    skills: &Skills,
    active: &Mutex<BTreeSet<String>>,
    filter: Option<String>,
    args: &Value,
) -> Result<Value, String> {
    let name = text_arg(args, "name");
    let mut active = active.lock().unwrap_or_else(PoisonError::into_inner);
    let skill = skills
        .get(name)
        .ok_or_else(|| format!("activating skill {name:?}: skill {name:?} not found"))?;
    if !active.contains(name) && !allows(filter.as_deref(), &skill.path) {
        return Err(format!(
            "skill {name:?} is not available in the current state (filter: {:?})",
            filter.unwrap_or_default()
        ));
    }
    active.insert(name.to_owned());
    Ok(json!({"instructions": skill.instructions, "added_tools": []}))
}

fn deactivate(active: &Mutex<BTreeSet<String>>, args: &Value) -> Result<Value, String> {
    let name = text_arg(args, "name");
    let mut active = active.lock().unwrap_or_else(PoisonError::into_inner);
    if !active.remove(name) {
        return Err(format!("skill {name:?} is not active"));
    }
    Ok(json!({"removed_tools": []}))
}

fn read_resource(skills: &Skills, args: &Value) -> Result<Value, String> {
    let name = text_arg(args, "skill_name");
    let skill = skills
        .get(name)
        .ok_or_else(|| format!("skill {name:?} not found"))?;
    let dir = skill
        .dir
        .as_deref()
        .ok_or_else(|| format!("skill {name:?} is inline and has no directory"))?;
    let content = confined_read(dir, text_arg(args, "path"))?;
    Ok(json!({"content": content}))
}

/// Reads `relative` inside `dir`, refusing anything that resolves outside it.
fn confined_read(dir: &Path, relative: &str) -> Result<String, String> {
    let base = dir
        .canonicalize()
        .map_err(|e| format!("resolving skill directory: {e}"))?;
    let target = base
        .join(relative)
        .canonicalize()
        .map_err(|e| format!("reading resource {relative:?}: {e}"))?;
    if !target.starts_with(&base) {
        return Err(format!(
            "resource path {relative:?} escapes the skill directory"
        ));
    }
    let bytes = promptkit_build::load::bounded_read(&target, MAX_RESOURCE_BYTES)
        .map_err(|e| format!("reading resource {relative:?}: {e}"))?;
    if bytes.len() as u64 > MAX_RESOURCE_BYTES {
        return Err(format!(
            "resource {relative:?} is over the {MAX_RESOURCE_BYTES}-byte limit"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("reading resource {relative:?}: {e}"))
}

/// Largest skill resource a model may read, in bytes.
const MAX_RESOURCE_BYTES: u64 = 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::Skill;

    fn skill(name: &str, path: &str) -> Skill {
        Skill {
            name: name.into(),
            description: String::new(),
            instructions: format!("{name} rules"),
            allowed_tools: Vec::new(),
            path: path.into(),
            dir: None,
            preload: false,
        }
    }

    #[test]
    fn a_state_filter_refuses_skills_outside_it() {
        let skills = Skills {
            skills: vec![
                skill("refunds", "skills/billing/refunds"),
                skill("tracking", "skills/orders/tracking"),
            ],
        };
        let active = Mutex::default();
        let filter = Some("skills/billing/*".to_owned());
        let ok = activate(
            &skills,
            &active,
            filter.clone(),
            &json!({"name": "refunds"}),
        );
        assert_eq!(
            ok,
            Ok(json!({"instructions": "refunds rules", "added_tools": []}))
        );
        let refused = activate(&skills, &active, filter, &json!({"name": "tracking"}));
        assert_eq!(
            refused,
            Err(r#"skill "tracking" is not available in the current state (filter: "skills/billing/*")"#.to_owned())
        );
        let none = activate(
            &skills,
            &active,
            Some("none".into()),
            &json!({"name": "tracking"}),
        );
        assert!(none.is_err());
        assert_eq!(
            skills.index(),
            "Available skills:\n- refunds: \n- tracking: "
        );
    }
}
