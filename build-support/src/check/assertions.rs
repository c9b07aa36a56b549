//! Assertion, validator and eval types (every alias) with their params: unknown types
//! and params the reference rejects are errors, with a "did you mean"; unknown param
//! names it ignores are warnings; regexes and JMESPath must compile; a `judge` param
//! must name a configured judge; `when.tool_called_pattern` must compile.

use std::path::Path;

use serde_json::{Map, Value};
use serde_saphyr::Spanned;

use super::{at, at_loc, error, suggestion, warning};
use crate::diagnostic::Diagnostics;
use crate::load::{Item, Project};
use crate::model::{Assertion, EvalDef, Map as YamlMap, PromptSpec};
use crate::registry::{self, Needs, check_params};

pub(super) fn check_project(project: &Project, custom: &[String], out: &mut Diagnostics) {
    let arena = &project.arena.spec.value;
    let judges: Vec<&str> = arena
        .judges
        .iter()
        .map(|j| j.name.value.as_str())
        .chain(
            arena
                .judge_specs
                .iter()
                .flat_map(|s| s.keys().map(|k| k.value.as_str())),
        )
        .collect();
    let cx = Context {
        judges: &judges,
        custom,
    };
    for scenario in &project.scenarios {
        let path = scenario.path.as_path();
        for turn in &scenario.spec.turns {
            for a in &turn.assertions {
                cx.assertion(path, a, out);
            }
        }
        for a in &scenario.spec.conversation_assertions {
            cx.assertion(path, a, out);
        }
    }
    let arena_path = project.config_path.as_path();
    for a in arena
        .globals
        .iter()
        .flat_map(|g| &g.conversation_assertions)
    {
        cx.assertion(arena_path, a, out);
    }
    for eval in &arena.pack_evals {
        eval_def(arena_path, eval, out);
    }
    for eval in &project.evals {
        let path = eval.path.as_path();
        for a in eval
            .spec
            .turns
            .iter()
            .filter_map(|t| t.all_turns.as_ref())
            .flat_map(|t| &t.assertions)
        {
            cx.assertion(path, a, out);
        }
        for a in &eval.spec.conversation_assertions {
            cx.assertion(path, a, out);
        }
    }
    for prompt in &project.prompts {
        check_prompt(prompt, out);
    }
}

/// The validators and evals of a prompt.
pub(super) fn check_prompt(prompt: &Item<PromptSpec>, out: &mut Diagnostics) {
    check_validators(prompt, out);
    for eval in &prompt.spec.evals {
        eval_def(&prompt.path, eval, out);
    }
}

/// The validators of a prompt.
fn check_validators(prompt: &Item<PromptSpec>, out: &mut Diagnostics) {
    let path = prompt.path.as_path();
    // A disabled validator is never built (as in the reference), so its params are not held
    // to its type's rules.
    for validator in prompt
        .spec
        .validators
        .iter()
        .filter(|v| v.enabled != Some(false))
    {
        typed(
            path,
            &validator.r#type,
            validator.params.as_ref(),
            "validator",
            out,
        );
    }
}

struct Context<'a> {
    judges: &'a [&'a str],
    /// Types registered in Rust: accepted with any params.
    custom: &'a [String],
}

impl Context<'_> {
    /// A type that asks an LLM judge, in a project that configures none.
    fn judge_available(&self, path: &Path, ty: &Spanned<String>, out: &mut Diagnostics) {
        if self.judges.is_empty()
            && registry::assertion_type(&ty.value).is_some_and(|t| t.needs == Needs::Judge)
        {
            out.push(
                warning(
                    format!("`{}` asks an LLM judge, and none is configured", ty.value),
                    at(path, ty),
                    path,
                )
                .with_help("add `judges: [{name: ..., provider: ...}]` to the arena config")
                .with_note(
                    "without a judge the assertion fails (pii_leakage runs only its regex pre-pass)",
                ),
            );
        }
    }

    fn assertion(&self, path: &Path, a: &Assertion, out: &mut Diagnostics) {
        if !self.custom.contains(&a.r#type.value) {
            typed(path, &a.r#type, a.params.as_ref(), "assertion", out);
            self.judge_available(path, &a.r#type, out);
        }
        if let Some(params) = &a.params
            && let Some((key, judge)) = params.value.entry("judge")
            && let Some(name) = judge.value.as_str()
            && !self.judges.contains(&name)
        {
            out.push(
                error(format!("unknown judge `{name}`"), at(path, key), path)
                    .with_help(suggestion(name, self.judges, "judges"))
                    .with_note("judges are listed under `judges:` of the arena config"),
            );
        }
        if let Some(pattern) = a
            .when
            .as_ref()
            .and_then(|w| w.value.tool_called_pattern.as_ref())
            && let Err(e) = regex::Regex::new(&pattern.value)
        {
            out.push(
                error(
                    "invalid `when.tool_called_pattern`",
                    at(path, pattern),
                    path,
                )
                .with_note(e.to_string()),
            );
        }
        if let Some(threshold) = &a.pass_threshold
            && !(0.0..=1.0).contains(&threshold.value)
        {
            out.push(
                error(
                    format!("pass_threshold {} is outside 0..=1", threshold.value),
                    at(path, threshold),
                    path,
                )
                .with_help("it is the fraction of trials that must pass, e.g. 0.66"),
            );
        }
    }
}

fn eval_def(path: &Path, eval: &EvalDef, out: &mut Diagnostics) {
    typed(path, &eval.r#type, eval.params.as_ref(), "eval", out);
    let trigger = &eval.trigger;
    if matches!(trigger.value.as_str(), "every_turn" | "sample_turns") {
        out.push(
            warning(
                format!(
                    "accepted but not executed by this runtime: `trigger: {}`",
                    trigger.value
                ),
                at(path, trigger),
                path,
            )
            .with_note(
                "the arena scores evals once a conversation ends (`on_session_complete`, \
                 `sample_sessions`); per-turn triggers are copied into the pack only",
            ),
        );
    }
}

/// Checks a type name and its params against the registry.
fn typed(
    path: &Path,
    kind: &Spanned<String>,
    params: Option<&Spanned<YamlMap>>,
    what: &str,
    out: &mut Diagnostics,
) {
    let Some(ty) = registry::assertion_type(&kind.value) else {
        let help = match registry::suggest(&kind.value) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "see the assertion reference for the known types".to_owned(),
        };
        let mut diagnostic = error(
            format!("unknown {what} type `{}`", kind.value),
            at(path, kind),
            path,
        )
        .with_help(help);
        if what == "assertion" {
            diagnostic = diagnostic.with_note(
                "assertion types written in Rust run under `#[arena_test(\"..\", assertions = \
                 [\"name\"])]`, registered with `Setup::assertion`",
            );
        }
        out.push(diagnostic);
        return;
    };
    let json: Map<String, Value> = params.map(|p| p.value.to_json_map()).unwrap_or_default();
    for problem in check_params(ty, &json) {
        let location = params
            .and_then(|p| {
                p.value
                    .entry(problem.param.as_str())
                    .map(|(k, _)| at(path, k))
            })
            .flatten()
            .or_else(|| params.and_then(|p| at_loc(path, &p.referenced)))
            .or_else(|| at(path, kind));
        let message = format!("`{}` {what}: {problem}", kind.value);
        out.push(if problem.is_hard() {
            error(message, location, path)
        } else if problem.unknown {
            warning(message, location, path)
                .with_note("the reference ignores unknown params; check for a typo")
        } else {
            warning(message, location, path)
        });
    }
}
