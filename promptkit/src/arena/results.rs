//! What a run produced: one [`CaseResult`] per scenario × provider × trial, with every
//! turn, assertion and cost, and the [`RunResult`] that totals them. Reports are views
//! of these types; nothing here carries credentials.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::media::MediaCount;
use crate::message::{Message, Role, Usage};

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every assertion passed.
    Passed,
    /// The conversation ran and at least one assertion failed.
    Failed,
    /// The case could not run (configuration or provider error).
    Error,
}

impl Status {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Error => "error",
        }
    }
}

/// One evaluated assertion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertionRecord {
    /// The type as written.
    #[serde(rename = "type")]
    pub assertion_type: String,
    /// Whether it passed (skipped assertions pass).
    pub passed: bool,
    /// Skipped because its `when` condition did not hold.
    #[serde(default)]
    pub skipped: bool,
    /// The author's message, else the handler's explanation.
    pub message: String,
    /// Expected vs actual and the handler's details.
    #[serde(default)]
    pub details: Value,
    /// Pass rate required over trials (`pass_threshold`), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_threshold: Option<f64>,
}

/// A validator (guardrail) decision on a turn's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationRecord {
    /// Validator type.
    #[serde(rename = "type")]
    pub validator_type: String,
    /// Whether it fired.
    pub triggered: bool,
    /// Why.
    pub message: String,
}

/// One tool call and what it returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    /// Tool name.
    pub name: String,
    /// Arguments.
    pub arguments: Value,
    /// Result, when it succeeded.
    #[serde(default)]
    pub result: Option<Value>,
    /// Error, when it did not.
    #[serde(default)]
    pub error: Option<String>,
    /// Wall time in milliseconds.
    pub latency_ms: f64,
}

/// One user turn (scripted or self-play) and the assistant's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnRecord {
    /// 0-based turn index.
    pub index: usize,
    /// `user` for scripted turns, the self-play role id otherwise.
    pub role: String,
    /// What the user said.
    pub user: String,
    /// The assistant's final answer.
    pub reply: String,
    /// Tool calls made during the turn.
    #[serde(default)]
    pub tool_calls: Vec<ToolCallRecord>,
    /// Assertions on this turn.
    #[serde(default)]
    pub assertions: Vec<AssertionRecord>,
    /// Validator outcomes on the answer.
    #[serde(default)]
    pub validations: Vec<ValidationRecord>,
    /// Tokens.
    pub usage: Usage,
    /// Cost in dollars; `None` when not priced.
    pub cost_usd: Option<f64>,
    /// Provider time in milliseconds.
    pub latency_ms: f64,
    /// Whether the turn used the streaming path (`streaming: true`).
    #[serde(default)]
    pub streamed: bool,
    /// Time to the first streamed text in milliseconds, when streamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_first_token_ms: Option<f64>,
    /// Why the answer ended, as the provider said (`stop`, `length`, `tool_calls`...);
    /// `safety` when a guardrail blocked, truncated or replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
}

/// A pack eval's outcome on a conversation (non-gating, as the reference's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalRecord {
    /// The eval's id.
    pub id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub eval_type: String,
    /// The score, when the handler gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The handler's explanation.
    #[serde(default)]
    pub explanation: String,
    /// The handler's structured value.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub value: Value,
    /// Why it was skipped (its `when:` did not hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why it could not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One scenario × provider × trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Scenario id.
    pub scenario: String,
    /// Provider id.
    pub provider: String,
    /// Trial index (0-based) and count.
    pub trial: usize,
    /// Number of trials of this scenario × provider.
    pub trials: usize,
    /// Outcome.
    pub status: Status,
    /// Why the case could not run, for [`Status::Error`].
    #[serde(default)]
    pub error: Option<String>,
    /// The turns.
    pub turns: Vec<TurnRecord>,
    /// Conversation-level assertions.
    #[serde(default)]
    pub conversation_assertions: Vec<AssertionRecord>,
    /// Pack evals run on the finished conversation (scores; they never fail a case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evals: Vec<EvalRecord>,
    /// The whole transcript.
    pub messages: Vec<Message>,
    /// The rendered system prompt.
    #[serde(default)]
    pub system_prompt: String,
    /// Tokens over the case.
    pub usage: Usage,
    /// Cost over the case; `None` when any call was unpriced.
    pub cost_usd: Option<f64>,
    /// Wall time in milliseconds.
    pub duration_ms: f64,
    /// The media the transcript carries (absent from JSON when there is none).
    #[serde(default, skip_serializing_if = "CaseMedia::is_empty")]
    pub media: CaseMedia,
    /// Where the case's workflow ended, when the project runs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowReport>,
}

/// Where a case's workflow ended: the state, whether it is terminal, the transitions
/// taken, the artifacts recorded and the transitions its limits refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowReport {
    /// The state the case ended in.
    pub state: String,
    /// Whether that state is terminal.
    pub complete: bool,
    /// Transitions in order.
    pub transitions: Vec<crate::assertions::Transition>,
    /// Artifacts by name, as last set.
    pub artifacts: BTreeMap<String, String>,
    /// Transitions refused by `max_visits` or the engine budget, with the reason.
    pub limits: Vec<String>,
}

impl WorkflowReport {
    /// One line: `state (complete) · a → b → c · 2 artifacts · 1 refused`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "{}{}",
            self.state,
            if self.complete { " (complete)" } else { "" }
        )];
        if let Some(first) = self.transitions.first() {
            let path: Vec<&str> = std::iter::once(first.from.as_str())
                .chain(self.transitions.iter().map(|t| t.to.as_str()))
                .collect();
            parts.push(path.join(" → "));
        }
        if !self.artifacts.is_empty() {
            let names: Vec<&str> = self.artifacts.keys().map(String::as_str).collect();
            parts.push(format!("artifacts: {}", names.join(", ")));
        }
        if !self.limits.is_empty() {
            parts.push(format!("{} refused by limits", self.limits.len()));
        }
        parts.join(" · ")
    }
}

/// The media of a case: totals and, per message that carries any, its counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseMedia {
    /// Over the whole transcript.
    #[serde(flatten)]
    pub total: MediaCount,
    /// Each message with media, in transcript order.
    #[serde(default)]
    pub messages: Vec<MessageMedia>,
}

/// The media of one message of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageMedia {
    /// The message's 0-based index in the transcript.
    pub index: usize,
    /// Who wrote it.
    pub role: Role,
    /// Its media.
    #[serde(flatten)]
    pub count: MediaCount,
}

impl CaseMedia {
    /// The media of `messages`.
    pub fn of(messages: &[Message]) -> Self {
        let mut media = Self::default();
        for (index, message) in messages.iter().enumerate() {
            let count = MediaCount::of(&message.parts);
            if !count.is_empty() {
                media.total += count;
                media.messages.push(MessageMedia {
                    index,
                    role: message.role,
                    count,
                });
            }
        }
        media
    }

    /// Whether the transcript carries no media.
    pub fn is_empty(&self) -> bool {
        self.total.is_empty()
    }

    /// One line for a report's table: the totals' summary, `—` without media.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            "—".to_owned()
        } else {
            self.total.summary()
        }
    }
}

impl CaseResult {
    /// A case that could not run.
    pub fn error(
        scenario: &str,
        provider: &str,
        trial: usize,
        trials: usize,
        error: String,
    ) -> Self {
        Self {
            scenario: scenario.to_owned(),
            provider: provider.to_owned(),
            trial,
            trials,
            status: Status::Error,
            error: Some(error),
            turns: Vec::new(),
            conversation_assertions: Vec::new(),
            evals: Vec::new(),
            messages: Vec::new(),
            system_prompt: String::new(),
            usage: Usage::default(),
            cost_usd: None,
            duration_ms: 0.0,
            media: CaseMedia::default(),
            workflow: None,
        }
    }

    /// A stable name: `scenario/provider` (with `#trial` when there are several).
    pub fn name(&self) -> String {
        case_name(&self.scenario, &self.provider, self.trial, self.trials)
    }

    /// Every assertion with the turn it belongs to (`None` for conversation-level).
    pub fn assertions(&self) -> impl Iterator<Item = (Option<usize>, &AssertionRecord)> {
        self.turns
            .iter()
            .flat_map(|t| t.assertions.iter().map(move |a| (Some(t.index), a)))
            .chain(self.conversation_assertions.iter().map(|a| (None, a)))
    }

    /// The failed assertions.
    pub fn failures(&self) -> impl Iterator<Item = (Option<usize>, &AssertionRecord)> {
        self.assertions().filter(|(_, a)| !a.passed)
    }

    /// The share of assertions that passed (0 for a case that could not run, 1 for a
    /// case without assertions that ran).
    pub fn score(&self) -> f64 {
        if self.status == Status::Error {
            return 0.0;
        }
        let total = self.assertions().count();
        if total == 0 {
            return 1.0;
        }
        self.assertions().filter(|(_, a)| a.passed).count() as f64 / total as f64
    }
}

/// The stable name of a case: `scenario/provider`, with `#trial` (1-based) when the
/// scenario × provider has several trials.
pub(crate) fn case_name(scenario: &str, provider: &str, trial: usize, trials: usize) -> String {
    if trials > 1 {
        format!("{scenario}/{provider}#{}", trial + 1)
    } else {
        format!("{scenario}/{provider}")
    }
}

/// Shows the transcript and each failed assertion with expected vs actual — the text
/// a failing `#[arena_test]` prints.
impl fmt::Display for CaseResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} — {}", self.name(), self.status.as_str())?;
        if let Some(error) = &self.error {
            writeln!(f, "error: {error}")?;
        }
        writeln!(f, "transcript:")?;
        for m in &self.messages {
            let who = m.role.as_str();
            if !m.content.is_empty() {
                writeln!(f, "  {who}: {}", m.content.replace('\n', "\n    "))?;
            }
            for call in &m.tool_calls {
                writeln!(f, "  {who} calls {}({})", call.name, call.arguments)?;
            }
        }
        let failures: Vec<_> = self.failures().collect();
        if !failures.is_empty() {
            writeln!(f, "failed assertions:")?;
        }
        for (turn, a) in failures {
            let place =
                turn.map_or_else(|| "conversation".to_owned(), |t| format!("turn {}", t + 1));
            writeln!(f, "  [{place}] {}: {}", a.assertion_type, a.message)?;
            if let Some(expected) = a.details.get("expected") {
                writeln!(f, "      expected: {expected}")?;
            }
            if let Some(actual) = a.details.get("actual") {
                writeln!(f, "      actual:   {actual}")?;
            }
        }
        Ok(())
    }
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Cases run.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Failed assertions.
    pub failed: usize,
    /// Could not run.
    pub errors: usize,
    /// Assertions evaluated.
    pub assertions: usize,
    /// Assertions failed.
    pub assertions_failed: usize,
}

/// Every case of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The arena config's name.
    pub name: String,
    /// Cases in plan order.
    pub cases: Vec<CaseResult>,
    /// Counts.
    pub totals: Totals,
    /// Tokens over the run.
    pub usage: Usage,
    /// Cost over the run; `None` when any call was unpriced.
    pub cost_usd: Option<f64>,
    /// Wall time in milliseconds.
    pub duration_ms: f64,
    /// The comparison with an earlier run, when one was given (`run --baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The run-wide budget (`run --max-cost`), when one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<RunBudget>,
    /// The media of every transcript (absent from JSON when there is none).
    #[serde(default, skip_serializing_if = "MediaCount::is_empty")]
    pub media: MediaCount,
    /// The run was stopped (Ctrl-C) before every case finished: `cases` holds the
    /// finished ones.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

/// A run-wide cost budget and what it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunBudget {
    /// The budget in dollars.
    pub max_cost_usd: f64,
    /// What the finished cases spent (unpriced calls count as $0).
    pub spent_usd: f64,
    /// Cases never started because the budget was spent, by name.
    pub not_started: Vec<String>,
}

impl RunBudget {
    /// Whether the budget stopped cases from starting.
    pub fn stopped(&self) -> bool {
        !self.not_started.is_empty()
    }

    /// One line for reports: the budget, the spend and what did not run.
    pub fn summary(&self) -> String {
        if self.stopped() {
            format!(
                "run budget ${:.4} spent (${:.4}): {} case(s) not started: {}",
                self.max_cost_usd,
                self.spent_usd,
                self.not_started.len(),
                self.not_started.join(", ")
            )
        } else {
            format!(
                "run budget ${:.4}: ${:.4} spent, every case ran",
                self.max_cost_usd, self.spent_usd
            )
        }
    }
}

impl RunResult {
    /// Totals `cases`.
    pub fn new(name: String, cases: Vec<CaseResult>, duration_ms: f64) -> Self {
        let mut totals = Totals {
            cases: cases.len(),
            ..Totals::default()
        };
        let mut usage = Usage::default();
        let mut cost_usd = Some(0.0);
        let mut media = MediaCount::default();
        for case in &cases {
            media += case.media.total;
            match case.status {
                Status::Passed => totals.passed += 1,
                Status::Failed => totals.failed += 1,
                Status::Error => totals.errors += 1,
            }
            for (_, a) in case.assertions() {
                totals.assertions += 1;
                totals.assertions_failed += usize::from(!a.passed);
            }
            usage += case.usage;
            cost_usd = cost_usd.zip(case.cost_usd).map(|(a, b)| a + b);
        }
        Self {
            name,
            cases,
            totals,
            usage,
            cost_usd,
            duration_ms,
            comparison: None,
            budget: None,
            media,
            interrupted: false,
        }
    }

    /// This run compared with `baseline` (read from `source`).
    pub fn compared_with(mut self, source: impl Into<String>, baseline: &RunResult) -> Self {
        self.comparison = Some(Comparison::new(source, baseline, &self));
        self
    }

    /// The process exit code the reference uses: 0 all passed, 1 assertions failed,
    /// 2 configuration or provider errors.
    pub fn exit_code(&self) -> u8 {
        if self.totals.errors > 0 {
            2
        } else if self.totals.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// One case present in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDelta {
    /// The case name.
    pub name: String,
    /// Status in the baseline.
    pub before: Status,
    /// Status now.
    pub after: Status,
    /// Share of assertions passed in the baseline.
    pub score_before: f64,
    /// Share of assertions passed now.
    pub score_after: f64,
    /// Cost in the baseline (`None` when not priced).
    pub cost_before: Option<f64>,
    /// Cost now.
    pub cost_after: Option<f64>,
    /// Wall time in the baseline, in milliseconds.
    pub latency_before_ms: f64,
    /// Wall time now.
    pub latency_after_ms: f64,
}

impl CaseDelta {
    /// Passed in the baseline and not now.
    pub fn regressed(&self) -> bool {
        self.before == Status::Passed && self.after != Status::Passed
    }

    /// Did not pass in the baseline and passes now.
    pub fn fixed(&self) -> bool {
        self.before != Status::Passed && self.after == Status::Passed
    }

    /// Score now minus score then.
    pub fn score_delta(&self) -> f64 {
        self.score_after - self.score_before
    }

    /// Cost now minus cost then, when both were priced.
    pub fn cost_delta(&self) -> Option<f64> {
        self.cost_after.zip(self.cost_before).map(|(a, b)| a - b)
    }

    /// Latency now minus latency then, in milliseconds.
    pub fn latency_delta_ms(&self) -> f64 {
        self.latency_after_ms - self.latency_before_ms
    }
}

/// The comparison of a run with its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Where the baseline came from (a path, as given).
    pub baseline: String,
    /// Cases that passed in the baseline and do not now, and new cases that fail.
    pub new_failures: Vec<String>,
    /// Cases that did not pass in the baseline and do now.
    pub fixed: Vec<String>,
    /// Cases only in this run.
    pub added: Vec<String>,
    /// Cases only in the baseline.
    pub removed: Vec<String>,
    /// Every case in both runs, in this run's order.
    pub cases: Vec<CaseDelta>,
}

impl Comparison {
    /// Compares `run` with `baseline` (labelled `source`).
    pub fn new(source: impl Into<String>, baseline: &RunResult, run: &RunResult) -> Self {
        let before: BTreeMap<String, &CaseResult> =
            baseline.cases.iter().map(|c| (c.name(), c)).collect();
        let mut comparison = Self {
            baseline: source.into(),
            new_failures: Vec::new(),
            fixed: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            cases: Vec::new(),
        };
        for case in &run.cases {
            let name = case.name();
            let Some(old) = before.get(&name) else {
                if case.status != Status::Passed {
                    comparison.new_failures.push(name.clone());
                }
                comparison.added.push(name);
                continue;
            };
            let delta = CaseDelta {
                name: name.clone(),
                before: old.status,
                after: case.status,
                score_before: old.score(),
                score_after: case.score(),
                cost_before: old.cost_usd,
                cost_after: case.cost_usd,
                latency_before_ms: old.duration_ms,
                latency_after_ms: case.duration_ms,
            };
            if delta.regressed() {
                comparison.new_failures.push(name);
            } else if delta.fixed() {
                comparison.fixed.push(name);
            }
            comparison.cases.push(delta);
        }
        let now: BTreeSet<String> = run.cases.iter().map(|c| c.name()).collect();
        comparison.removed = baseline
            .cases
            .iter()
            .map(CaseResult::name)
            .filter(|n| !now.contains(n))
            .collect();
        comparison
    }

    /// Whether any case passed in the baseline and does not now, or is new and fails.
    pub fn has_regressions(&self) -> bool {
        !self.new_failures.is_empty()
    }

    /// The delta of the case named `name`.
    pub fn case(&self, name: &str) -> Option<&CaseDelta> {
        self.cases.iter().find(|d| d.name == name)
    }
}
