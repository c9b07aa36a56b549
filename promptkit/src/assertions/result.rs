//! The raw result of an eval and the pass/fail outcome of an assertion.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// What a handler measured: a score in [0, 1] plus explanation and structured detail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    /// The score; `None` means "no score" (passes).
    pub score: Option<f64>,
    /// Human-readable explanation.
    pub explanation: String,
    /// Structured value (found/missing lists, counts, ...).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub value: Value,
    /// Extra detail for reports (expected vs actual, violations, ...).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
    /// A configuration or evaluation error (fails the assertion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the eval was skipped (passes for free).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl EvalResult {
    /// A result with `score` and `explanation`.
    pub fn scored(score: f64, explanation: impl Into<String>) -> Self {
        Self {
            score: Some(score),
            explanation: explanation.into(),
            ..Self::default()
        }
    }

    /// Score 1.0 when `pass`, else 0.0.
    pub fn pass(pass: bool, explanation: impl Into<String>) -> Self {
        Self::scored(if pass { 1.0 } else { 0.0 }, explanation)
    }

    /// A failing result (score 0.0).
    pub fn fail(explanation: impl Into<String>) -> Self {
        Self::pass(false, explanation)
    }

    /// A configuration error: score 0.0 with `error` set.
    pub fn error(msg: impl Into<String>) -> Self {
        let msg = msg.into();
        Self {
            error: Some(msg.clone()),
            ..Self::scored(0.0, msg)
        }
    }

    /// A skipped eval (score 1.0).
    pub fn skip(reason: impl Into<String>) -> Self {
        Self {
            skipped: Some(reason.into()),
            ..Self::scored(1.0, "")
        }
    }

    /// The same result with `value`.
    pub fn with_value(mut self, value: Value) -> Self {
        self.value = value;
        self
    }

    /// The same result with `details` (an object; other values are ignored).
    pub fn with_details(mut self, details: Value) -> Self {
        if let Value::Object(m) = details {
            self.details = m;
        }
        self
    }
}

/// Score in [0, 1] as `found / total` (1.0 when total is 0).
pub(crate) fn ratio(found: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        (found as f64 / total as f64).min(1.0)
    }
}

/// Score thresholds of the assertion wrapper.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    /// Pass when score >= min (default 1.0 when neither bound is given).
    pub min: Option<f64>,
    /// Pass when score <= max.
    pub max: Option<f64>,
}

impl Thresholds {
    /// Reads `min_score` / `max_score` from params.
    pub fn from_params(params: &Map<String, Value>) -> Self {
        Self {
            min: params.get("min_score").and_then(Value::as_f64),
            max: params.get("max_score").and_then(Value::as_f64),
        }
    }

    /// Whether `result` passes these thresholds.
    pub fn passes(&self, result: &EvalResult) -> bool {
        if result.skipped.is_some() {
            return true;
        }
        let Some(score) = result.score else {
            return result.error.is_none();
        };
        let min = match (self.min, self.max) {
            (None, None) => Some(1.0),
            (m, _) => m,
        };
        min.is_none_or(|m| score >= m) && self.max.is_none_or(|m| score <= m)
    }
}

/// The verdict of one assertion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertionOutcome {
    /// The type as written (alias or canonical).
    pub assertion_type: String,
    /// Whether it passed.
    pub passed: bool,
    /// The score, when the handler gave one.
    pub score: Option<f64>,
    /// What happened, in a sentence.
    pub message: String,
    /// Structured detail: expected vs actual and the handler's value/details.
    pub details: Value,
    /// Whether it was skipped (and so passed).
    pub skipped: bool,
}

impl AssertionOutcome {
    /// The outcome of `result` for an assertion of `assertion_type` under `thresholds`.
    pub fn from_result(assertion_type: &str, result: EvalResult, thresholds: Thresholds) -> Self {
        let passed = thresholds.passes(&result);
        let message = match (&result.error, &result.skipped, passed) {
            (Some(e), _, false) => e.clone(),
            (_, Some(why), _) if result.explanation.is_empty() => format!("skipped: {why}"),
            _ => result.explanation.clone(),
        };
        let mut details = Map::new();
        if !result.value.is_null() {
            details.insert("value".into(), result.value.clone());
        }
        for (k, v) in &result.details {
            details.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if let Some(e) = &result.error {
            details.insert("error".into(), json!(e));
        }
        if thresholds.min.is_some() || thresholds.max.is_some() {
            details.insert("min_score".into(), json!(thresholds.min));
            details.insert("max_score".into(), json!(thresholds.max));
        }
        Self {
            assertion_type: assertion_type.to_owned(),
            passed,
            score: result.score,
            message,
            details: Value::Object(details),
            skipped: result.skipped.is_some(),
        }
    }
}
