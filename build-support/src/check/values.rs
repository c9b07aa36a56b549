//! Value ranges the model types cannot express: sampling parameters, concurrency,
//! trials and token limits.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{at, error};
use crate::diagnostic::Diagnostics;
use crate::load::{Item, Project};
use crate::model::PromptSpec;

pub(super) fn check_project(project: &Project, out: &mut Diagnostics) {
    let arena_path = project.config_path.as_path();
    if let Some(d) = &project.arena.spec.value.defaults {
        temperature(arena_path, d.temperature.as_ref(), out);
        positive(arena_path, "max_tokens", d.max_tokens.as_ref(), out);
        positive(arena_path, "concurrency", d.concurrency.as_ref(), out);
    }
    for provider in &project.providers {
        if let Some(d) = &provider.item.spec.defaults {
            let path = provider.item.path.as_path();
            temperature(path, d.temperature.as_ref(), out);
            unit(path, "top_p", d.top_p.as_ref(), out);
            positive(path, "max_tokens", d.max_tokens.as_ref(), out);
        }
    }
    for scenario in &project.scenarios {
        let path = scenario.path.as_path();
        positive(path, "trials", scenario.spec.trials.as_ref(), out);
        for turn in &scenario.spec.turns {
            temperature(path, turn.user_temp.as_ref(), out);
            temperature(path, turn.assistant_temp.as_ref(), out);
        }
    }
    for prompt in &project.prompts {
        check_prompt(prompt, out);
    }
}

/// The sampling parameters of a prompt.
pub(super) fn check_prompt(prompt: &Item<PromptSpec>, out: &mut Diagnostics) {
    let path = prompt.path.as_path();
    if let Some(p) = &prompt.spec.parameters {
        temperature(path, p.temperature.as_ref(), out);
        unit(path, "top_p", p.top_p.as_ref(), out);
        positive(path, "max_tokens", p.max_tokens.as_ref(), out);
    }
}

fn temperature(path: &Path, value: Option<&Spanned<f64>>, out: &mut Diagnostics) {
    if let Some(v) = value.filter(|v| !(0.0..=2.0).contains(&v.value)) {
        out.push(
            error(
                format!("temperature {} is outside 0..=2", v.value),
                at(path, v),
                path,
            )
            .with_help("providers accept temperatures from 0 (deterministic) to 2"),
        );
    }
}

fn unit(path: &Path, name: &str, value: Option<&Spanned<f64>>, out: &mut Diagnostics) {
    if let Some(v) = value.filter(|v| !(0.0..=1.0).contains(&v.value)) {
        out.push(error(
            format!("{name} {} is outside 0..=1", v.value),
            at(path, v),
            path,
        ));
    }
}

fn positive(path: &Path, name: &str, value: Option<&Spanned<i64>>, out: &mut Diagnostics) {
    if let Some(v) = value.filter(|v| v.value < 1) {
        out.push(error(
            format!("{name} must be at least 1, not {}", v.value),
            at(path, v),
            path,
        ));
    }
}
