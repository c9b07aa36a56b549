//! Types that need something this runtime does not provide on its own: a classifier,
//! a REST or A2A evaluator, or the tool registry. Their configuration errors are reported
//! as the reference does; otherwise they report what is missing (classifiers skip, as the
//! reference does without a classifier registry).

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
        "a2a_eval" | "a2a_eval_session" => match p.non_empty("agent_url") {
            None => EvalResult::fail("a2a_eval requires an 'agent_url' param"),
            Some(_) => EvalResult::fail(format!("{kind}: no A2A client is wired in this runtime")),
        },
        other => EvalResult::error(format!("assertion type `{other}` has no handler")),
    }
}
