//! Pack evals in the arena (`evals:` of prompt configs, the arena's `pack_evals`), as
//! the reference's eval orchestrator runs them: definitions merged by id (a prompt's
//! override the pack's, the arena's `pack_evals` override both), run once at the end
//! of each conversation for the session triggers (`on_session_complete`, and
//! `sample_sessions` when the conversation falls in its `sample_percentage`), skipped
//! when disabled or when their `when:` condition does not hold. They score, they never
//! gate: a case passes or fails on its assertions alone.

use std::hash::Hasher;

use promptkit_build::model::EvalDef;
use serde_json::{Map, Value};

use super::results::EvalRecord;
use super::scoring::when_of;
use super::suite::Suite;
use crate::assertions::{AssertionContext, Evaluator, skip_reason};

/// The eval definitions of a run, merged as the reference merges them.
pub(crate) fn definitions(suite: &Suite) -> Vec<&EvalDef> {
    let mut defs: Vec<&EvalDef> = Vec::new();
    let prompt_evals = suite.project.prompts.iter().flat_map(|p| &p.spec.evals);
    let arena_evals = suite.project.arena.spec.value.pack_evals.iter();
    for def in prompt_evals.chain(arena_evals) {
        match defs.iter_mut().find(|d| d.id.value == def.id.value) {
            Some(slot) => *slot = def,
            None => defs.push(def),
        }
    }
    defs
}

/// Runs the session evals of `defs` over the finished conversation in `ctx`;
/// `session` keys the `sample_sessions` draw.
pub(crate) async fn run_session_evals(
    evaluator: &Evaluator,
    defs: &[&EvalDef],
    ctx: &AssertionContext,
    session: &str,
) -> Vec<EvalRecord> {
    let mut records = Vec::new();
    for def in defs {
        if def.enabled == Some(false) {
            continue;
        }
        let trigger = def.trigger.value.as_str();
        let runs = match trigger {
            "on_session_complete" => true,
            "sample_sessions" => sampled(session, 0, def.sample_percentage.unwrap_or(5.0)),
            _ => false,
        };
        if !runs {
            continue;
        }
        let mut record = EvalRecord {
            id: def.id.value.clone(),
            eval_type: def.r#type.value.clone(),
            ..EvalRecord::default()
        };
        if let Some(when) = &def.when
            && let Some(why) = skip_reason(Some(&when_of(&when.value)), &ctx.tool_calls)
        {
            record.skipped = Some(why);
            records.push(record);
            continue;
        }
        let params: Map<String, Value> = def
            .params
            .as_ref()
            .map(|p| p.value.to_json_map())
            .unwrap_or_default();
        match evaluator.eval(&def.r#type.value, &params, ctx).await {
            Ok(result) => {
                record.score = result.score;
                record.explanation = result.explanation;
                record.value = result.value;
                record.error = result.error;
                record.skipped = result.skipped;
            }
            Err(error) => record.error = Some(error.to_string()),
        }
        records.push(record);
    }
    records
}

/// The reference's sampling draw: FNV-1a of the session id and turn index, modulo
/// 10000, below the percentage × 100.
fn sampled(session: &str, turn: usize, percentage: f64) -> bool {
    let mut hash = Fnv1a::default();
    hash.write(session.as_bytes());
    hash.write(turn.to_string().as_bytes());
    (hash.finish() % 10_000) < (percentage * 100.0) as u64
}

/// 64-bit FNV-1a.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        let mut h = Fnv1a::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn sampling_is_stable_and_bounded() {
        assert!(sampled("s", 0, 100.0));
        assert!(!sampled("s", 0, 0.0));
        let hits = (0..1000)
            .filter(|i| sampled(&format!("s{i}"), 0, 30.0))
            .count();
        assert!((200..400).contains(&hits), "{hits}");
        assert_eq!(sampled("x", 0, 50.0), sampled("x", 0, 50.0));
    }
}
