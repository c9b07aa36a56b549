//! Value ranges the model types cannot express: sampling parameters, concurrency,
//! trials, token limits and provider timeouts.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{at, error, suggestion, warning};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Item, Project};
use crate::model::{ContextPolicy, PromptSpec, parse_go_duration};

pub(super) fn check_project(project: &Project, out: &mut Diagnostics) {
    let arena_path = project.config_path.as_path();
    if let Some(d) = &project.arena.spec.value.defaults {
        temperature(arena_path, d.temperature.as_ref(), out);
        positive(arena_path, "max_tokens", d.max_tokens.as_ref(), out);
        positive(arena_path, "concurrency", d.concurrency.as_ref(), out);
        const FAIL_ON: &[&str] = &[
            "assertion_failure",
            "provider_error",
            "timeout",
            "validation_error",
        ];
        for f in &d.fail_on {
            out.extend(unknown(arena_path, f, FAIL_ON, "fail_on condition", false));
        }
        // `run` refuses a format it cannot write (names as `--formats` takes them).
        const FORMATS: &[&str] = &["json", "junit", "xml", "markdown", "md", "html"];
        for f in d.output.iter().flat_map(|o| &o.formats) {
            if !FORMATS.contains(&f.value.trim().to_ascii_lowercase().as_str()) {
                out.extend(unknown(arena_path, f, FORMATS, "report format", true));
            }
        }
    }
    for provider in &project.providers {
        let spec = &provider.item.spec;
        let path = provider.item.path.as_path();
        if let Some(d) = &spec.defaults {
            temperature(path, d.temperature.as_ref(), out);
            unit(path, "top_p", d.top_p.as_ref(), out);
            positive(path, "max_tokens", d.max_tokens.as_ref(), out);
        }
        duration(path, "request_timeout", spec.request_timeout.as_ref(), out);
        duration(
            path,
            "stream_idle_timeout",
            spec.stream_idle_timeout.as_ref(),
            out,
        );
    }
    for scenario in &project.scenarios {
        let path = scenario.path.as_path();
        positive(path, "trials", scenario.spec.trials.as_ref(), out);
        for turn in &scenario.spec.turns {
            temperature(path, turn.user_temp.as_ref(), out);
            temperature(path, turn.assistant_temp.as_ref(), out);
        }
        if let Some(policy) = &scenario.spec.context_policy {
            context_policy(path, policy, out);
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
    if let Some(spanned) = prompt.spec.media.as_ref().filter(|m| m.value.enabled) {
        let media = &spanned.value;
        // The runtime refuses scenario media of a type not listed here.
        const TYPES: &[&str] = &["image", "audio", "video"];
        for kind in &media.supported_types {
            out.extend(unknown(path, kind, TYPES, "media type", true));
        }
        if media.supported_types.is_empty() {
            out.push(
                warning(
                    "media is enabled but lists no `supported_types`: every image, audio and video part sent with this prompt is refused",
                    at(path, spanned),
                    path,
                )
                .with_help("add `supported_types: [image]` (or audio, video) under `media`"),
            );
        }
    }
}

/// The strategy and the relevance settings, as the reference validates them.
fn context_policy(path: &Path, policy: &ContextPolicy, out: &mut Diagnostics) {
    const STRATEGIES: &[&str] = &["oldest", "fail", "summarize", "relevance"];
    let strategy = policy.strategy.as_ref();
    if let Some(s) = strategy {
        out.extend(unknown(path, s, STRATEGIES, "context strategy", false));
    }
    let Some(r) = &policy.relevance else {
        if let Some(s) = strategy.filter(|s| s.value == "relevance") {
            out.push(
                warning(
                    "strategy `relevance` without `relevance.provider`: calls over the budget fail",
                    at(path, s),
                    path,
                )
                .with_help("add `relevance: {provider: openai}` (or gemini, voyageai)"),
            );
        }
        return;
    };
    const APIS: &[&str] = &["openai", "gemini", "voyageai"];
    out.extend(unknown(path, &r.provider, APIS, "relevance provider", true));
    unit(
        path,
        "similarity_threshold",
        r.similarity_threshold.as_ref(),
        out,
    );
    if let Some(m) = r.min_recent_messages.as_ref().filter(|m| m.value < 0) {
        out.push(error(
            format!("min_recent_messages must not be negative, not {}", m.value),
            at(path, m),
            path,
        ));
    }
    const SOURCES: &[&str] = &["last_user", "last_n", "custom"];
    match r.query_source.as_ref() {
        Some(q) if !SOURCES.contains(&q.value.as_str()) => {
            out.extend(unknown(path, q, SOURCES, "query_source", true));
        }
        Some(q) if q.value == "last_n" && r.last_n_count.as_ref().is_none_or(|n| n.value < 1) => {
            out.push(error(
                "query_source `last_n` needs a positive `last_n_count`",
                at(path, q),
                path,
            ));
        }
        Some(q) if q.value == "custom" && r.custom_query.as_deref().is_none_or(str::is_empty) => {
            out.push(error(
                "query_source `custom` needs `custom_query`",
                at(path, q),
                path,
            ));
        }
        _ => {}
    }
}

/// An error (a warning when the reference ignores it) for a value outside `known`.
fn unknown(
    path: &Path,
    value: &Spanned<String>,
    known: &[&str],
    what: &str,
    refused: bool,
) -> Option<Diagnostic> {
    if known.contains(&value.value.as_str()) {
        return None;
    }
    let message = format!("unknown {what} `{}`", value.value);
    let diagnostic = if refused {
        error(message, at(path, value), path)
    } else {
        warning(format!("{message} (ignored)"), at(path, value), path)
    };
    Some(diagnostic.with_help(suggestion(&value.value, known, "values")))
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

/// A Go duration string (`90s`, `2m`, `1h30m`), as the reference parses timeouts.
fn duration(path: &Path, name: &str, value: Option<&Spanned<String>>, out: &mut Diagnostics) {
    if let Some(v) = value.filter(|v| parse_go_duration(&v.value).is_none()) {
        out.push(
            error(
                format!("{name} `{}` is not a duration", v.value),
                at(path, v),
                path,
            )
            .with_help("write a Go duration such as `30s`, `2m` or `1m30s`"),
        );
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
