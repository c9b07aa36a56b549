//! The reference's (PromptArena's) JSON results layout: one `<RunID>.json` per case
//! (its `engine.RunResult`: `RunID`, `ScenarioID`, `ProviderID`, `Messages` with turn
//! assertions under `meta.assertions`, `Cost`, `Duration` in nanoseconds, `Error`,
//! `conversation_assertions`) and an `index.json` listing the `run_ids`. Written beside
//! our `results.json` so the reference's tools read our runs, and read back so a
//! baseline may be one of its runs.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::file_name_part;
use crate::arena::results::{
    AssertionRecord, CaseMedia, CaseResult, RunResult, Status, ToolCallRecord, TurnRecord,
};
use crate::files::write_atomically;
use crate::message::{Message, Role, ToolCall, Usage};

/// The reference's summary file.
pub const INDEX_FILE: &str = "index.json";

/// The reference's ids of one run's cases: its `<RunID>.json` names and the session ids
/// of its recordings.
#[derive(Debug, Clone, PartialEq)]
pub struct RunIds {
    stamp: String,
    batch: String,
    ids: Vec<String>,
}

impl RunIds {
    /// The ids of `run`'s cases, in a batch stamped now.
    pub fn new(run: &RunResult) -> Self {
        let stamp = utc_stamp(SystemTime::now());
        let batch = batch_id(&stamp);
        let ids = run
            .cases
            .iter()
            .enumerate()
            .map(|(n, case)| run_id(&batch, case, n))
            .collect();
        Self { stamp, batch, ids }
    }

    /// The id of case `n`.
    pub fn case(&self, n: usize) -> &str {
        &self.ids[n]
    }

    /// When the batch started, RFC 3339 (UTC).
    pub fn timestamp(&self) -> &str {
        &self.stamp
    }
}

/// Writes `index.json` and one `<RunID>.json` per case into `dir`; returns the files.
pub fn write_arena_output(
    run: &RunResult,
    ids: &RunIds,
    dir: &Path,
) -> std::io::Result<Vec<PathBuf>> {
    let batch = &ids.batch;
    let mut written = Vec::new();
    let mut run_ids = Vec::new();
    for (n, case) in run.cases.iter().enumerate() {
        let id = ids.case(n).to_owned();
        let path = dir.join(format!("{id}.json"));
        write_atomically(&path, pretty(&case_json(&id, case)).as_bytes())?;
        written.push(path);
        run_ids.push(id);
    }
    let index = json!({
        "total_runs": run.totals.cases,
        "successful": run.totals.passed,
        "errors": run.totals.failed + run.totals.errors,
        "timestamp": batch.split('-').take(3).collect::<Vec<_>>().join("-"),
        "config_file": run.name,
        "run_ids": run_ids,
        "total_cost": run.cost_usd.unwrap_or(0.0),
        "total_tokens": run.usage.input_tokens + run.usage.output_tokens,
        "scenarios": unique(run.cases.iter().map(|c| c.scenario.as_str())),
        "providers": unique(run.cases.iter().map(|c| c.provider.as_str())),
    });
    let path = dir.join(INDEX_FILE);
    write_atomically(&path, pretty(&index).as_bytes())?;
    written.push(path);
    Ok(written)
}

/// Why a results folder in the reference's layout could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArenaOutputError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not the JSON the reference writes.
    #[error("`{path}` is not a PromptArena results file: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Reads the run listed by the reference's `index.json` at `index`.
pub fn read_arena_output(index: &Path) -> Result<RunResult, ArenaOutputError> {
    run_from_index(index, &read_json(index)?)
}

/// The run listed by `summary`, the parsed `index.json` at `index`.
pub(super) fn run_from_index(index: &Path, summary: &Value) -> Result<RunResult, ArenaOutputError> {
    let dir = index.parent().unwrap_or(Path::new("."));
    let ids = summary
        .get("run_ids")
        .and_then(Value::as_array)
        .ok_or_else(|| ArenaOutputError::Format {
            path: index.to_owned(),
            reason: "no `run_ids` list".into(),
        })?;
    let mut cases = Vec::new();
    for id in ids.iter().filter_map(Value::as_str) {
        let path = dir.join(format!("{id}.json"));
        cases.push(case_from_json(&read_json(&path)?));
    }
    let name = summary
        .get("config_file")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let duration_ms = cases.iter().map(|c| c.duration_ms).sum();
    Ok(RunResult::new(name, cases, duration_ms))
}

fn read_json(path: &Path) -> Result<Value, ArenaOutputError> {
    let text = std::fs::read_to_string(path).map_err(|source| ArenaOutputError::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ArenaOutputError::Format {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into())
}

fn unique<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The reference's `<batch>_<provider>_<region>_<scenario>_<hash>_<nonce>` shape; the
/// hash is FNV-1a (the reference's is SHA-256; only uniqueness matters to its readers).
/// Longest provider or scenario part of a run id, in characters.
const RUN_ID_PART_MAX: usize = 64;

fn run_id(batch: &str, case: &CaseResult, n: usize) -> String {
    let key = format!("_{}_{}", case.scenario, case.provider);
    let hash = key.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    // Each part is capped so the file name stays within the file system's 255 bytes
    // whatever the ids' length; the hash keeps the names of long ids apart.
    let safe = |s: &str| file_name_part(s, RUN_ID_PART_MAX);
    format!(
        "{batch}_{}__{}_{hash:08x}_{:04x}",
        safe(&case.provider),
        safe(&case.scenario),
        n + 1
    )
}

/// `now` as RFC 3339 (UTC, seconds).
fn utc_stamp(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    promptkit_build::pack::rfc3339(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// `2006-01-02T15-04-05Z-0001`, as the reference's batch ids, from an RFC 3339 stamp.
fn batch_id(stamp: &str) -> String {
    format!("{}-0001", stamp.replace(':', "-"))
}

/// For each message of `case`, the turn it is the final answer of: the last assistant
/// message before the next user message closes the turn that user message opened.
pub(super) fn turn_answers(case: &CaseResult) -> Vec<Option<&TurnRecord>> {
    let mut users = 0usize;
    let mut out = Vec::with_capacity(case.messages.len());
    for (i, m) in case.messages.iter().enumerate() {
        if m.role == Role::User {
            users += 1;
        }
        let ends_turn = m.role == Role::Assistant
            && case.messages[i + 1..]
                .iter()
                .take_while(|n| n.role != Role::User)
                .all(|n| n.role != Role::Assistant);
        let turn = users.saturating_sub(1);
        out.push(
            ends_turn
                .then(|| case.turns.iter().find(|t| t.index == turn))
                .flatten(),
        );
    }
    out
}

fn case_json(id: &str, case: &CaseResult) -> Value {
    let mut messages = Vec::new();
    for (m, record) in case.messages.iter().zip(turn_answers(case)) {
        let mut out = json!({"role": m.role.as_str(), "content": m.content});
        if !m.tool_calls.is_empty() {
            out["tool_calls"] = m
                .tool_calls
                .iter()
                .map(|c| json!({"id": c.id, "name": c.name, "args": c.arguments}))
                .collect();
        }
        if let Some(record) = record {
            out["meta"] = json!({"assertions": summary(&record.assertions)});
            out["latency_ms"] = json!(record.latency_ms.round() as i64);
        }
        messages.push(out);
    }
    let cost = case.cost_usd.unwrap_or(0.0);
    json!({
        "RunID": id,
        "PromptPack": "",
        "Region": "",
        "ScenarioID": case.scenario,
        "ProviderID": case.provider,
        "Params": {},
        "Messages": messages,
        "Commit": {},
        "Cost": {
            "input_tokens": case.usage.input_tokens,
            "output_tokens": case.usage.output_tokens,
            "cached_tokens": case.usage.cached_tokens,
            "input_cost_usd": 0.0,
            "output_cost_usd": 0.0,
            "total_cost_usd": cost,
        },
        "ToolStats": null,
        "Violations": [],
        "StartTime": "0001-01-01T00:00:00Z",
        "EndTime": "0001-01-01T00:00:00Z",
        "Duration": (case.duration_ms * 1e6).round() as i64,
        "Error": case.error.clone().unwrap_or_default(),
        "SelfPlay": case.turns.iter().any(|t| t.role != "user"),
        "PersonaID": "",
        "UserFeedback": null,
        "SessionTags": [],
        "AssistantRole": null,
        "UserRole": null,
        "conversation_assertions": summary(&case.conversation_assertions),
    })
}

/// The reference's assertion summary: `{passed, failed, total, results}`.
fn summary(assertions: &[AssertionRecord]) -> Value {
    let failed = assertions.iter().filter(|a| !a.passed).count();
    json!({
        "passed": failed == 0,
        "failed": failed,
        "total": assertions.len(),
        "results": assertions.iter().map(|a| json!({
            "type": a.assertion_type,
            "passed": a.passed,
            "skipped": a.skipped,
            "message": a.message,
            "details": a.details,
        })).collect::<Vec<_>>(),
    })
}

fn records(summary: Option<&Value>) -> Vec<AssertionRecord> {
    let results = summary
        .and_then(|s| s.get("results"))
        .and_then(Value::as_array);
    results
        .into_iter()
        .flatten()
        .map(|r| AssertionRecord {
            assertion_type: text(r, "type"),
            passed: r.get("passed").and_then(Value::as_bool).unwrap_or(false),
            skipped: r.get("skipped").and_then(Value::as_bool).unwrap_or(false),
            message: text(r, "message"),
            details: r.get("details").cloned().unwrap_or(Value::Null),
            pass_threshold: None,
        })
        .collect()
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

fn case_from_json(value: &Value) -> CaseResult {
    let empty = Map::new();
    let raw: &[Value] = value
        .get("Messages")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let mut messages = Vec::new();
    let mut turns: Vec<TurnRecord> = Vec::new();
    for m in raw {
        let role = match m.get("role").and_then(Value::as_str) {
            Some("system") => Role::System,
            Some("user") => Role::User,
            Some("tool") => Role::Tool,
            _ => Role::Assistant,
        };
        let mut message = Message::text(role, text(m, "content"));
        for call in m
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            message.tool_calls.push(ToolCall::new(
                text(call, "id"),
                text(call, "name"),
                call.get("args").cloned().unwrap_or(Value::Null),
            ));
        }
        if role == Role::User {
            turns.push(TurnRecord {
                index: turns.len(),
                role: "user".into(),
                user: message.content.clone(),
                reply: String::new(),
                tool_calls: Vec::new(),
                assertions: Vec::new(),
                validations: Vec::new(),
                usage: Usage::default(),
                cost_usd: None,
                latency_ms: 0.0,
                streamed: false,
                time_to_first_token_ms: None,
                finish_reason: None,
            });
        } else if role == Role::Assistant
            && let Some(turn) = turns.last_mut()
        {
            turn.reply.clone_from(&message.content);
            turn.latency_ms += number(m, "latency_ms");
            turn.tool_calls
                .extend(message.tool_calls.iter().map(|c| ToolCallRecord {
                    name: c.name.clone(),
                    arguments: c.arguments.clone(),
                    result: None,
                    error: None,
                    latency_ms: 0.0,
                }));
            let meta = m.get("meta").and_then(Value::as_object).unwrap_or(&empty);
            turn.assertions.extend(records(meta.get("assertions")));
        }
        messages.push(message);
    }
    let cost = value.get("Cost").cloned().unwrap_or(Value::Null);
    let error = text(value, "Error");
    let conversation_assertions = records(value.get("conversation_assertions"));
    let mut case = CaseResult {
        scenario: text(value, "ScenarioID"),
        provider: text(value, "ProviderID"),
        trial: 0,
        trials: 1,
        status: Status::Passed,
        error: (!error.is_empty()).then_some(error),
        turns,
        conversation_assertions,
        evals: Vec::new(),
        system_prompt: String::new(),
        usage: Usage {
            input_tokens: number(&cost, "input_tokens") as u64,
            output_tokens: number(&cost, "output_tokens") as u64,
            cached_tokens: number(&cost, "cached_tokens") as u64,
            ..Usage::default()
        },
        cost_usd: cost.get("total_cost_usd").and_then(Value::as_f64),
        duration_ms: number(value, "Duration") / 1e6,
        media: CaseMedia::of(&messages),
        workflow: None,
        messages,
    };
    case.status = if case.error.is_some() {
        Status::Error
    } else if case.failures().next().is_some() {
        Status::Failed
    } else {
        Status::Passed
    };
    case
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_ids_are_utc_timestamps() {
        let at = UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        assert_eq!(utc_stamp(at), "2023-11-14T22:13:20Z");
        assert_eq!(batch_id(&utc_stamp(at)), "2023-11-14T22-13-20Z-0001");
    }

    #[test]
    fn run_ids_of_giant_ids_fit_a_file_name_and_stay_apart() {
        let giant = "s".repeat(70_000);
        let case = |scenario: &str| {
            case_from_json(&json!({"ScenarioID": scenario, "ProviderID": "p".repeat(300)}))
        };
        let a = run_id("2023-11-14T22-13-20Z-0001", &case(&giant), 0);
        let b = run_id("2023-11-14T22-13-20Z-0001", &case(&format!("{giant}x")), 0);
        assert!(format!("{a}.json").len() <= 255, "{}", a.len());
        assert_ne!(a, b);
    }
}
