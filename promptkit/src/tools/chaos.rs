//! Chaos: injected tool failures for resilience tests (a turn's `chaos.tool_failures`).
//!
//! As the reference, a rule names a tool and a mode: `error` and `timeout` (and any
//! other mode) refuse the call with a failure result the model sees, `slow` delays it
//! by two seconds and lets it run. A rule fires with its `probability` (unset or 0
//! means always). Unlike the reference, which draws from an unseeded generator, the
//! draws here come from a seed, so a run with the same seed fails the same calls.

use std::time::Duration;

use crate::message::ToolCall;

/// The delay of a `slow` failure (the reference's).
pub const SLOW_DELAY: Duration = Duration::from_secs(2);

/// One injected failure.
#[derive(Debug, Clone, PartialEq)]
pub struct ChaosRule {
    /// The tool it applies to.
    pub tool: String,
    /// `error`, `timeout`, `slow` (other names fail like `error`).
    pub mode: String,
    /// Chance of firing per call, 0 to 1; `None` or 0 means always.
    pub probability: Option<f64>,
    /// The failure text, instead of the mode's default.
    pub message: Option<String>,
}

/// What chaos does to one call.
#[derive(Debug, Clone, PartialEq)]
pub enum ChaosEffect {
    /// Runs normally.
    None,
    /// Does not run; the model gets this failure text.
    Fail(String),
    /// Runs after [`SLOW_DELAY`].
    Slow,
}

/// The chaos rules of a turn with the seed its draws come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Chaos {
    rules: Vec<ChaosRule>,
    seed: u64,
}

impl Chaos {
    /// Rules drawing from `seed`.
    pub fn new(rules: Vec<ChaosRule>, seed: u64) -> Self {
        Self { rules, seed }
    }

    /// The effect on `call`, the `ordinal`-th call this chaos has judged (each call
    /// gets its own draw; the same seed and ordinal give the same draw).
    pub fn effect(&self, call: &ToolCall, ordinal: u64) -> ChaosEffect {
        for (index, rule) in self.rules.iter().enumerate() {
            if rule.tool != call.name {
                continue;
            }
            if !self.fires(rule.probability, ordinal, index as u64) {
                continue;
            }
            return match rule.mode.as_str() {
                "slow" => ChaosEffect::Slow,
                mode => {
                    let text = rule.message.clone().unwrap_or_else(|| match mode {
                        "error" => format!("Chaos: tool {} failed with injected error", call.name),
                        "timeout" => format!("Chaos: tool {} timed out (injected)", call.name),
                        other => format!("Chaos: tool {} failed (mode={other})", call.name),
                    });
                    ChaosEffect::Fail(format!("Tool {} blocked by hook: {text}", call.name))
                }
            };
        }
        ChaosEffect::None
    }

    fn fires(&self, probability: Option<f64>, ordinal: u64, rule: u64) -> bool {
        match probability {
            None => true,
            Some(p) if p <= 0.0 || p >= 1.0 => true,
            Some(p) => unit_draw(self.seed, ordinal, rule) < p,
        }
    }
}

/// A uniform number in `[0, 1)` from the seed, call ordinal and rule index
/// (SplitMix64 finalizer over their mix).
fn unit_draw(seed: u64, ordinal: u64, rule: u64) -> f64 {
    let mut z = seed
        .wrapping_add(ordinal.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(rule.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str) -> ToolCall {
        ToolCall::new("1", name, json!({}))
    }

    fn rule(probability: Option<f64>) -> ChaosRule {
        ChaosRule {
            tool: "lookup".into(),
            mode: "error".into(),
            probability,
            message: None,
        }
    }

    #[test]
    fn unset_probability_always_fails_with_the_references_text() {
        let chaos = Chaos::new(vec![rule(None)], 1);
        assert_eq!(
            chaos.effect(&call("lookup"), 0),
            ChaosEffect::Fail(
                "Tool lookup blocked by hook: Chaos: tool lookup failed with injected error".into()
            )
        );
        assert_eq!(chaos.effect(&call("other"), 0), ChaosEffect::None);
    }

    #[test]
    fn draws_repeat_under_a_seed_and_follow_the_probability() {
        let pattern = |seed| {
            let chaos = Chaos::new(vec![rule(Some(0.5))], seed);
            (0..200)
                .map(|i| chaos.effect(&call("lookup"), i) != ChaosEffect::None)
                .collect::<Vec<_>>()
        };
        assert_eq!(pattern(7), pattern(7));
        assert_ne!(pattern(7), pattern(8));
        let fired = pattern(7).iter().filter(|f| **f).count();
        assert!((70..130).contains(&fired), "{fired} of 200");
    }
}
