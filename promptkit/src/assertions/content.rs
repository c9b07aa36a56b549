//! Text content checks: contains, contains_any, content_excludes, regex, field_presence,
//! cosine_similarity.

use super::context::AssertionContext;
use super::params::Params;
use super::result::{EvalResult, ratio};
use crate::providers::embeddings::{cosine_similarity as cosine, floats};
use serde_json::json;

/// Case-insensitive substring test.
pub(crate) fn contains_ci(text: &str, pattern: &str) -> bool {
    text.to_lowercase().contains(&pattern.to_lowercase())
}

/// `contains`: every pattern appears in the response.
pub(crate) fn contains(p: Params, ctx: &AssertionContext) -> EvalResult {
    let patterns = p.strings("patterns");
    if patterns.is_empty() {
        return EvalResult::fail("no patterns specified");
    }
    let missing: Vec<&String> = patterns
        .iter()
        .filter(|pat| !contains_ci(&ctx.response, pat))
        .collect();
    let found = patterns.len() - missing.len();
    let explanation = if missing.is_empty() {
        "all patterns found in output".to_owned()
    } else {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        format!("missing patterns: {}", names.join(", "))
    };
    EvalResult::scored(ratio(found, patterns.len()), explanation)
        .with_value(json!({"found": found, "total": patterns.len(), "missing": missing}))
        .with_details(json!({"expected": patterns, "actual": ctx.response}))
}

/// `contains_any`: some assistant message contains some pattern.
pub(crate) fn contains_any(p: Params, ctx: &AssertionContext) -> EvalResult {
    let patterns = p.strings("patterns");
    if patterns.is_empty() {
        return EvalResult::fail("no patterns specified");
    }
    let mut matched = Vec::new();
    for (_, text) in ctx.content_under_test() {
        for pat in &patterns {
            if contains_ci(text, pat) {
                matched.push(pat.clone());
            }
        }
    }
    if matched.is_empty() {
        EvalResult::fail(format!(
            "no assistant message contained any of: {}",
            patterns.join(", ")
        ))
        .with_value(json!({"matched": matched}))
    } else {
        EvalResult::pass(true, format!("matched patterns: {}", matched.join(", ")))
            .with_value(json!({"matched": matched}))
    }
}

/// Builds the matcher of `content_excludes` for `mode`.
fn excludes_matcher(mode: &str, pattern: &str) -> Box<dyn Fn(&str) -> bool> {
    if mode == "word_boundary" {
        let re = super::regex_cache::compile(&format!(r"(?i)\b{}\b", regex::escape(pattern)));
        match re {
            Ok(re) => Box::new(move |t: &str| re.is_match(t)),
            Err(_) => Box::new(|_: &str| false),
        }
    } else {
        let pat = pattern.to_lowercase();
        Box::new(move |t: &str| t.to_lowercase().contains(&pat))
    }
}

/// `content_excludes`: no assistant message contains a forbidden pattern.
pub(crate) fn content_excludes(p: Params, ctx: &AssertionContext) -> EvalResult {
    let patterns = p.strings("patterns");
    if patterns.is_empty() {
        return EvalResult::pass(true, "no patterns to check");
    }
    let mode = p.non_empty("match_mode").unwrap_or("substring");
    let matchers: Vec<_> = patterns
        .iter()
        .map(|pat| (pat, excludes_matcher(mode, pat)))
        .collect();
    let mut found = Vec::new();
    for (turn, text) in ctx.content_under_test() {
        for (pat, m) in &matchers {
            if m(text) {
                found.push(format!("turn {turn} contains {pat:?}"));
            }
        }
    }
    if found.is_empty() {
        EvalResult::pass(true, "no forbidden content detected")
    } else {
        EvalResult::fail(format!("forbidden content found: {}", found.join("; ")))
            .with_value(json!({"violations": found}))
    }
}

/// `content_excludes` on a partial stream: substring matching only, as the reference.
pub(crate) fn content_excludes_partial(p: Params, content: &str) -> EvalResult {
    for pat in p.strings("patterns") {
        if contains_ci(content, &pat) {
            return EvalResult::fail(format!("forbidden content found in stream: {pat:?}"))
                .with_value(json!({"violations": [format!("contains {pat:?}")]}));
        }
    }
    EvalResult::pass(true, "")
}

/// `regex`: the response matches (or not) the pattern.
pub(crate) fn regex(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(pattern) = p.non_empty("pattern") else {
        return EvalResult::fail("no pattern specified");
    };
    let re = match super::regex_cache::compile(pattern) {
        Ok(re) => re,
        Err(e) => return EvalResult::error(format!("invalid regex: {e}")),
    };
    let matched = re.is_match(&ctx.response);
    let expect = p.bool_or("expect_match", true);
    EvalResult::pass(
        matched == expect,
        format!("pattern {pattern:?} matched: {matched} (expect_match: {expect})"),
    )
    .with_value(json!({"matched": matched}))
    .with_details(json!({"expected": pattern, "actual": ctx.response}))
}

/// `field_presence`: every field name appears in the response.
pub(crate) fn field_presence(p: Params, ctx: &AssertionContext) -> EvalResult {
    let fields = p.strings("fields");
    if fields.is_empty() {
        return EvalResult::pass(true, "no fields to check");
    }
    let (found, missing): (Vec<&String>, Vec<&String>) =
        fields.iter().partition(|f| contains_ci(&ctx.response, f));
    let mut explanation = format!("found {}/{} fields", found.len(), fields.len());
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        explanation.push_str(&format!(": missing {}", names.join(", ")));
    }
    EvalResult::scored(found.len() as f64 / fields.len() as f64, explanation)
        .with_details(json!({"found": found, "missing": missing, "total": fields.len()}))
}

/// `cosine_similarity`: similarity of the output embedding to a reference.
pub(crate) fn cosine_similarity(p: Params, ctx: &AssertionContext) -> EvalResult {
    let Some(reference) = floats(p.get("reference")).filter(|r| !r.is_empty()) else {
        return EvalResult::fail("no reference embedding specified");
    };
    let Some(min) = p.num("min_similarity") else {
        return EvalResult::fail("no min_similarity specified");
    };
    let Some(target) = floats(ctx.metadata.get("embedding")).filter(|t| !t.is_empty()) else {
        return EvalResult::fail("no embedding found in metadata");
    };
    if reference.len() != target.len() {
        return EvalResult::fail(format!(
            "dimension mismatch: reference={}, target={}",
            reference.len(),
            target.len()
        ));
    }
    let sim = cosine(&reference, &target);
    EvalResult::scored(
        sim,
        format!("cosine similarity {sim:.4} vs threshold {min:.4}"),
    )
    .with_value(json!({"similarity": sim, "threshold": min}))
}
