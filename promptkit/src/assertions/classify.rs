//! The classifier-backed evals (`text_toxicity`, `text_sentiment`, `image_moderation`,
//! `audio_emotion`), as the reference: pure measurements that emit the score of
//! `expected_label` (0 when the model does not return it); thresholds belong on a
//! `type: assertion` wrapper.
//!
//! Missing infrastructure skips (no classifier configured, nothing of the kind in the
//! chosen role's messages, model loading or not served); misconfiguration and backend
//! failures are errors.

use base64::Engine;
use serde_json::{Value, json};

use super::context::AssertionContext;
use super::judge::reject_thresholds;
use super::params::Params;
use super::result::EvalResult;
use crate::classify::{Classifiers, ClassifyError, Input, LabelScore, Task};
use crate::message::{ContentPart, Role};

/// What the params ask for.
struct Config<'a> {
    model: &'a str,
    expected_label: &'a str,
    role: &'a str,
    index: i64,
    classifier_id: Option<&'a str>,
}

fn config<'a>(kind: &str, p: Params<'a>) -> Result<Config<'a>, Box<EvalResult>> {
    let model = p
        .non_empty("model")
        .ok_or_else(|| Box::new(EvalResult::error("model is required")))?;
    let expected_label = p
        .non_empty("expected_label")
        .ok_or_else(|| Box::new(EvalResult::error("expected_label is required")))?;
    if let Some(r) = reject_thresholds(p) {
        return Err(Box::new(r));
    }
    let default_role = if kind == "audio_emotion" {
        "user"
    } else {
        "assistant"
    };
    Ok(Config {
        model,
        expected_label,
        role: p.non_empty("message_role").unwrap_or(default_role),
        index: p
            .int("message_index")
            .or_else(|| p.num("message_index").map(|n| n as i64))
            .unwrap_or(-1),
        classifier_id: p.non_empty("classifier_id"),
    })
}

/// Runs classifier-backed eval `kind`.
pub(crate) async fn classify(
    kind: &str,
    p: Params<'_>,
    ctx: &AssertionContext,
    classifiers: Option<&Classifiers>,
) -> EvalResult {
    let cfg = match config(kind, p) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let task = match kind {
        "image_moderation" => Task::Image,
        "audio_emotion" => Task::Audio,
        _ => Task::Text,
    };
    let empty = Classifiers::new();
    let classifier = match classifiers
        .unwrap_or(&empty)
        .resolve(task, cfg.classifier_id)
    {
        Ok(c) => c,
        Err(why) => return EvalResult::skip(why.to_string()),
    };
    let scores = match task {
        Task::Text => {
            let texts: Vec<&str> = messages_of(ctx, cfg.role)
                .map(|m| m.content.as_str())
                .filter(|t| !t.trim().is_empty())
                .collect();
            if texts.is_empty() {
                return EvalResult::skip(format!("no text message found with role {:?}", cfg.role));
            }
            let text = match pick(&texts, cfg.index, "text messages") {
                Ok(t) => *t,
                Err(e) => return EvalResult::error(e),
            };
            classifier.classify(cfg.model, Input::Text(text)).await
        }
        Task::Image | Task::Audio => {
            let parts = media_parts(ctx, task, cfg.role);
            if parts.is_empty() {
                return EvalResult::skip(format!(
                    "no {} part found with role {:?}",
                    task.name(),
                    cfg.role
                ));
            }
            let what = format!("{} parts", task.name());
            let (url, mime) = match pick(&parts, cfg.index, &what) {
                Ok(part) => *part,
                Err(e) => return EvalResult::error(e),
            };
            let bytes = match read_media(task, url) {
                Ok(b) => b,
                Err(e) => return EvalResult::error(e),
            };
            let input = match task {
                Task::Image => Input::Image(&bytes, mime),
                _ => Input::Audio(&bytes, mime),
            };
            classifier.classify(cfg.model, input).await
        }
    };
    match scores {
        Ok(scores) => grade(&cfg, &scores),
        Err(ClassifyError::ModelLoading(_)) => {
            EvalResult::skip("model still loading after retries")
        }
        Err(ClassifyError::ModelNotSupported(_)) => EvalResult::skip(
            "model not supported by the configured inference path \
             (deploy an HF Inference Endpoint or pick a supported model)",
        ),
        Err(e) => EvalResult::error(format!("classify failed: {e}")),
    }
}

/// The messages written by `role`.
fn messages_of<'a>(
    ctx: &'a AssertionContext,
    role: &'a str,
) -> impl Iterator<Item = &'a crate::message::Message> {
    ctx.messages.iter().filter(move |m| m.role.as_str() == role)
}

/// The media of `task`'s kind in `role`'s messages, as (url, MIME type); for the
/// assistant, media tools returned during its turns count too.
fn media_parts<'a>(
    ctx: &'a AssertionContext,
    task: Task,
    role: &str,
) -> Vec<(&'a str, Option<&'a str>)> {
    let tool_results_count = role == Role::Assistant.as_str();
    ctx.messages
        .iter()
        .filter(|m| m.role.as_str() == role || (tool_results_count && m.role == Role::Tool))
        .flat_map(|m| &m.parts)
        .filter_map(|part| match (task, part) {
            (Task::Image, ContentPart::Image { url, mime_type, .. })
            | (Task::Audio, ContentPart::Audio { url, mime_type, .. }) => {
                Some((url.as_str(), mime_type.as_deref()))
            }
            _ => None,
        })
        .collect()
}

/// The item at `index` (negative: the last).
fn pick<'a, T>(items: &'a [T], index: i64, what: &str) -> Result<&'a T, String> {
    let found = if index < 0 {
        items.last()
    } else {
        usize::try_from(index).ok().and_then(|i| items.get(i))
    };
    found.ok_or_else(|| {
        format!(
            "message_index {index} out of range (found {} {what})",
            items.len()
        )
    })
}

/// Largest local media file a classifier reads, in bytes.
const MAX_MEDIA_BYTES: u64 = 20 * 1024 * 1024;

/// The bytes behind a media URL: inline `data:` base64 or a local regular file (bounded);
/// remote URLs are not fetched.
fn read_media(task: Task, url: &str) -> Result<Vec<u8>, String> {
    let kind = task.name();
    let bytes = if let Some(rest) = url.strip_prefix("data:") {
        let (meta, data) = rest
            .split_once(',')
            .ok_or_else(|| format!("read {kind}: malformed data URL (no comma)"))?;
        if !meta.ends_with(";base64") {
            return Err(format!("read {kind}: only base64 data URLs are supported"));
        }
        base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| format!("read {kind}: invalid base64 data: {e}"))?
    } else if url.starts_with("http://") || url.starts_with("https://") {
        return Err(format!(
            "{kind} from a URL source cannot be classified yet; use inline data or a local file"
        ));
    } else {
        let path = url.strip_prefix("file://").unwrap_or(url);
        let bytes =
            promptkit_build::load::bounded_read(std::path::Path::new(path), MAX_MEDIA_BYTES)
                .map_err(|e| format!("read {kind} from {path:?}: {e}"))?;
        if bytes.len() as u64 > MAX_MEDIA_BYTES {
            return Err(format!(
                "read {kind} from {path:?}: over the {MAX_MEDIA_BYTES}-byte limit"
            ));
        }
        bytes
    };
    if bytes.is_empty() {
        return Err(format!("{kind} payload is empty"));
    }
    Ok(bytes)
}

/// The score of the expected label (case-insensitive), 0 when the model omits it.
fn grade(cfg: &Config, scores: &[LabelScore]) -> EvalResult {
    let found = scores
        .iter()
        .find(|s| s.label.eq_ignore_ascii_case(cfg.expected_label));
    let all = serde_json::to_value(scores).unwrap_or(Value::Null);
    match found {
        Some(s) => EvalResult::scored(s.score, format!("{} score {:.3}", s.label, s.score))
            .with_details(json!({
                "expected_label": cfg.expected_label,
                "actual_score": s.score,
                "scores": all,
            })),
        None => {
            let labels: Vec<&str> = scores.iter().map(|s| s.label.as_str()).collect();
            EvalResult::scored(
                0.0,
                format!(
                    "label {:?} not returned by model; got: {}",
                    cfg.expected_label,
                    labels.join(", ")
                ),
            )
            .with_details(json!({
                "expected_label": cfg.expected_label,
                "actual_score": 0.0,
                "scores": all,
                "found": false,
            }))
        }
    }
}
