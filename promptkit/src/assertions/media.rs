//! Media checks on the output's images, audio and video.

use super::context::{AssertionContext, MediaItem};
use super::params::Params;
use super::result::EvalResult;
use serde_json::json;

fn items<'a>(ctx: &'a AssertionContext, kind: &str) -> Vec<&'a MediaItem> {
    ctx.media.iter().filter(|m| m.kind == kind).collect()
}

fn none_found(kind: &str) -> EvalResult {
    EvalResult::fail(match kind {
        "image" => "no images found in messages",
        "audio" => "no audio found in messages",
        _ => "no video found in messages",
    })
}

/// The format named by a MIME type (`audio/mpeg` is `mp3`).
fn format_of(mime: &str) -> String {
    match mime.split('/').collect::<Vec<_>>().as_slice() {
        [top, sub] if *sub == "mpeg" && *top == "audio" => "mp3".to_owned(),
        [_, sub] => (*sub).to_owned(),
        _ => mime.to_owned(),
    }
}

/// `image_format` / `audio_format`: every item has an allowed format.
pub(crate) fn media_format(kind: &str, p: Params, ctx: &AssertionContext) -> EvalResult {
    let formats = p.strings("formats");
    if formats.is_empty() {
        return EvalResult::fail("at least one format must be specified");
    }
    let found = items(ctx, kind);
    if found.is_empty() {
        return none_found(kind);
    }
    let found_formats: Vec<String> = found.iter().map(|m| format_of(&m.mime_type)).collect();
    let invalid: Vec<&String> = found_formats
        .iter()
        .filter(|f| !formats.iter().any(|a| a.eq_ignore_ascii_case(f)))
        .collect();
    let noun = if kind == "image" { "images" } else { "audio" };
    let explanation = if invalid.is_empty() {
        format!("all {noun} have allowed formats")
    } else {
        format!("some {noun} have disallowed formats")
    };
    EvalResult::pass(invalid.is_empty(), explanation)
        .with_value(json!({"formats": found_formats, "expected": formats}))
        .with_details(json!({"found_formats": found_formats, "invalid_formats": invalid, "allowed_formats": formats}))
}

/// `audio_duration` / `video_duration`: every item's duration is in range.
pub(crate) fn media_duration(kind: &str, p: Params, ctx: &AssertionContext) -> EvalResult {
    let (min, max) = (p.num("min_seconds"), p.num("max_seconds"));
    let found = items(ctx, kind);
    if found.is_empty() {
        return none_found(kind);
    }
    let mut violations = Vec::new();
    let mut durations = Vec::new();
    for m in &found {
        let Some(d) = m.duration_secs else {
            violations.push("missing duration metadata".to_owned());
            continue;
        };
        durations.push(d);
        if let Some(lo) = min.filter(|lo| d < *lo) {
            violations.push(format!("duration {d:.1}s below minimum {lo:.1}s"));
        }
        if let Some(hi) = max.filter(|hi| d > *hi) {
            violations.push(format!("duration {d:.1}s exceeds maximum {hi:.1}s"));
        }
    }
    let ok = violations.is_empty();
    let explanation = if ok {
        format!("all {kind} duration within range")
    } else {
        format!("some {kind} duration violations")
    };
    EvalResult::pass(ok, explanation)
        .with_value(json!({"durations_ms": durations}))
        .with_details(json!({format!("{kind}_count"): found.len(), "found_durations": durations, "violations": violations}))
}

fn range_violations(what: &str, v: u64, min: Option<i64>, max: Option<i64>) -> Vec<String> {
    let v = v as i64;
    let mut out = Vec::new();
    if let Some(m) = min.filter(|m| v < *m) {
        out.push(format!("{what} {v} below minimum {m}"));
    }
    if let Some(m) = max.filter(|m| v > *m) {
        out.push(format!("{what} {v} exceeds maximum {m}"));
    }
    out
}

fn preset_height(preset: &str) -> Option<u64> {
    Some(match preset.to_lowercase().as_str() {
        "480p" | "sd" => 480,
        "720p" | "hd" => 720,
        "1080p" | "fhd" | "full_hd" => 1080,
        "1440p" | "2k" | "qhd" => 1440,
        "2160p" | "4k" | "uhd" => 2160,
        "4320p" | "8k" => 4320,
        _ => return None,
    })
}

/// `image_dimensions` / `video_resolution`: every item meets the size constraints.
pub(crate) fn media_dimensions(kind: &str, p: Params, ctx: &AssertionContext) -> EvalResult {
    let found = items(ctx, kind);
    if found.is_empty() {
        return none_found(kind);
    }
    let presets = p.strings("presets");
    let mut violations = Vec::new();
    let mut sizes = Vec::new();
    for m in &found {
        let (Some(w), Some(h)) = (m.width, m.height) else {
            violations.push(if kind == "image" {
                "missing width/height metadata".to_owned()
            } else {
                "video missing width/height metadata".to_owned()
            });
            continue;
        };
        sizes.push(json!({"width": w, "height": h}));
        if kind == "image" {
            if let Some(x) = p.int("width").filter(|x| *x != w as i64) {
                violations.push(format!("width {w} does not match required {x}"));
            }
            if let Some(x) = p.int("height").filter(|x| *x != h as i64) {
                violations.push(format!("height {h} does not match required {x}"));
            }
        } else if !presets.is_empty() && !presets.iter().any(|pr| preset_height(pr) == Some(h)) {
            violations.push(format!(
                "resolution {w}x{h} does not match any preset: [{}]",
                presets.join(" ")
            ));
        }
        violations.extend(range_violations(
            "width",
            w,
            p.int("min_width"),
            p.int("max_width"),
        ));
        violations.extend(range_violations(
            "height",
            h,
            p.int("min_height"),
            p.int("max_height"),
        ));
    }
    let ok = violations.is_empty();
    let noun = if kind == "image" {
        "images meet dimension"
    } else {
        "videos meet resolution"
    };
    let explanation = if ok {
        format!("all {noun} requirements")
    } else {
        format!("some {noun} requirements violated")
    };
    EvalResult::pass(ok, explanation)
        .with_value(json!({"dimensions": sizes}))
        .with_details(json!({format!("{kind}_count"): found.len(), "violations": violations}))
}
