//! The classifier-backed types (audio_emotion, image_moderation, text_toxicity,
//! text_sentiment): no classifier backend is wired in this runtime, so after the
//! reference's parameter checks they skip, as the reference does without a classifier
//! registry.

use super::context::AssertionContext;
use super::judge::reject_thresholds;
use super::params::Params;
use super::result::EvalResult;

/// The result of a type whose backing service is not wired.
pub(crate) fn unavailable(kind: &str, p: Params, _ctx: &AssertionContext) -> EvalResult {
    match kind {
        "audio_emotion" | "image_moderation" | "text_toxicity" | "text_sentiment" => {
            if p.non_empty("model").is_none() {
                return EvalResult::error("model is required");
            }
            if p.non_empty("expected_label").is_none() {
                return EvalResult::error("expected_label is required");
            }
            if let Some(r) = reject_thresholds(p) {
                return r;
            }
            EvalResult::skip(
                "no classify registry configured; add a providers: entry with role: inference and a classifier",
            )
        }
        other => EvalResult::error(format!("assertion type `{other}` has no handler")),
    }
}
