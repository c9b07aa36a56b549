//! Length and budget checks: min_length, max_length, sentence_count, latency_budget,
//! cost_budget.

use super::context::AssertionContext;
use super::params::Params;
use super::result::EvalResult;
use serde_json::json;

const CHARS_PER_TOKEN: i64 = 4;

fn first_positive(p: Params, keys: &[&str]) -> i64 {
    keys.iter()
        .map(|k| p.int_or(k, 0))
        .find(|v| *v != 0)
        .unwrap_or(0)
}

/// `min_length`: the response has at least `min` bytes.
pub(crate) fn min_length(p: Params, ctx: &AssertionContext) -> EvalResult {
    let min = first_positive(p, &["min", "min_characters", "min_chars"]);
    let actual = ctx.response.len() as i64;
    let score = if min > 0 {
        (actual as f64 / min as f64).min(1.0)
    } else {
        1.0
    };
    EvalResult::scored(score, format!("length {actual}, min {min}"))
        .with_value(json!({"length": actual, "min": min}))
        .with_details(json!({"expected": format!(">= {min}"), "actual": actual}))
}

/// `max_length` on any text (the response, or a partial stream).
pub(crate) fn max_length_of(p: Params, text: &str, partial: bool) -> EvalResult {
    let max = first_positive(p, &["max", "max_characters", "max_chars"]);
    if max == 0 {
        return if partial {
            EvalResult::pass(true, "")
        } else {
            EvalResult::fail("missing or zero 'max'/'max_characters' param")
        };
    }
    let actual = text.len() as i64;
    let mut score = if actual > 0 {
        (max as f64 / actual as f64).min(1.0)
    } else {
        1.0
    };
    let mut value = json!({"length": actual, "max": max});
    let mut explanation = format!("length {actual}, max {max}");
    let max_tokens = p.int_or("max_tokens", 0);
    if max_tokens > 0 {
        let tokens = actual / CHARS_PER_TOKEN;
        value["tokens"] = json!(tokens);
        value["max_tokens"] = json!(max_tokens);
        if tokens > max_tokens {
            score = score.min(max_tokens as f64 / tokens as f64);
            explanation =
                format!("length {actual}, max {max}; tokens ~{tokens}, max_tokens {max_tokens}");
        }
    }
    if partial {
        explanation = format!("stream length {actual}, max {max}");
    }
    EvalResult::scored(score, explanation)
        .with_value(value)
        .with_details(json!({"expected": format!("<= {max}"), "actual": actual}))
}

/// `max_length`: the response has at most `max` bytes (and `max_tokens` estimated tokens).
pub(crate) fn max_length(p: Params, ctx: &AssertionContext) -> EvalResult {
    max_length_of(p, &ctx.response, false)
}

/// Counts sentences: non-blank pieces between runs of `.`, `!` or `?`.
pub fn count_sentences(text: &str) -> usize {
    let text = text.trim();
    if text.is_empty() {
        return 0;
    }
    let n = text
        .split(['.', '!', '?'])
        .filter(|s| !s.trim().is_empty())
        .count();
    n.max(1)
}

/// `sentence_count`: measures sentences; with `max`, fails above it.
///
/// The reference only measures (score always 1.0), which makes its `max_sentences`
/// validator inert; here an explicit `max` is enforced.
pub(crate) fn sentence_count(p: Params, ctx: &AssertionContext) -> EvalResult {
    let count = count_sentences(&ctx.response);
    match p.int("max") {
        Some(max) if (count as i64) > max => EvalResult::fail(format!(
            "{count} sentences, max {max}"
        ))
        .with_details(json!({"count": count, "expected": format!("<= {max}"), "actual": count})),
        Some(max) => EvalResult::pass(true, format!("{count} sentences, max {max}"))
            .with_details(json!({"count": count})),
        None => EvalResult::scored(1.0, format!("{count} sentences"))
            .with_details(json!({"count": count})),
    }
}

/// `latency_budget`: the turn's latency is within `max_ms`.
pub(crate) fn latency_budget(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(max_ms) = p.num("max_ms") else {
        return EvalResult::fail("no max_ms specified");
    };
    let Some(latency) = ctx.latency_ms else {
        return EvalResult::fail("latency_ms not found in metadata");
    };
    let score = if latency > 0.0 {
        (max_ms / latency).min(1.0)
    } else {
        1.0
    };
    EvalResult::scored(
        score,
        format!("latency {latency:.1}ms vs budget {max_ms:.1}ms"),
    )
    .with_value(json!({"latency_ms": latency, "budget_ms": max_ms}))
    .with_details(json!({"expected": format!("<= {max_ms}ms"), "actual": latency}))
}

/// `cost_budget`: cost and tokens are within every given budget.
pub(crate) fn cost_budget(p: Params, ctx: &AssertionContext) -> EvalResult {
    let max_cost = p.num("max_cost_usd");
    let max_in = p.int("max_input_tokens");
    let max_out = p.int("max_output_tokens");
    let max_total = p.int("max_total_tokens");
    if max_cost.is_none() && max_in.is_none() && max_out.is_none() && max_total.is_none() {
        return EvalResult::fail("no budget thresholds specified");
    }
    let cost = ctx.cost.usd.unwrap_or(0.0);
    let input = ctx.usage.input_tokens as i64;
    let output = ctx.usage.output_tokens as i64;
    let total = input + output;
    let mut failures = Vec::new();
    if let Some(m) = max_cost.filter(|m| cost > *m) {
        failures.push(format!("cost ${cost:.4} exceeds budget ${m:.4}"));
    }
    for (label, actual, max) in [
        ("input", input, max_in),
        ("output", output, max_out),
        ("total", total, max_total),
    ] {
        if let Some(m) = max.filter(|m| actual > *m) {
            failures.push(format!("{label} tokens {actual} exceeds max {m}"));
        }
    }
    let value = json!({"total_cost_usd": cost, "input_tokens": input, "output_tokens": output, "total_tokens": total});
    if !failures.is_empty() {
        return EvalResult::fail(format!("budget exceeded: {}", failures.join("; ")))
            .with_value(value.clone())
            .with_details(value);
    }
    let score = match max_cost {
        Some(m) if m > 0.0 => (1.0 - cost / m).max(0.0),
        _ => 1.0,
    };
    EvalResult::scored(score, format!("within budget: ${cost:.4}, {total} tokens"))
        .with_value(value.clone())
        .with_details(value)
}
