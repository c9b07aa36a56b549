//! Runs every case carried over from the reference's handler tests
//! (AltairaLabs/PromptKit `runtime/evals/handlers/*_test.go`, one JSON file per test file
//! under `tests/data/eval_handlers/`) and checks each verdict.

use promptkit::assertions::{
    AssertionContext, EvalResult, Evaluator, ExecEval, Judge, JudgeError, JudgeRequest, Thresholds,
    ToolExecError, ToolExecutor, ToolFuture, ToolRun, eval_partial,
};
use promptkit::classify::{Classifiers, HuggingFace};
use promptkit::providers::http::Secret;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex};

#[derive(Deserialize)]
struct CaseFile {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(rename = "type")]
    assertion_type: String,
    #[serde(default)]
    params: Map<String, Value>,
    #[serde(default)]
    context: AssertionContext,
    /// For the streaming (partial) evals: the text streamed so far.
    partial: Option<String>,
    judge: Option<JudgeReply>,
    /// A loopback HTTP evaluator for the REST cases (`{{server}}` in `params.url`).
    server: Option<Server>,
    /// Tools a stub executor knows for `tool_exec`: raw JSON result, an execution
    /// error, or `echo_args` (the result is the arguments received).
    tools: Option<Map<String, Value>>,
    /// A loopback Hugging Face Inference API answering every request with this reply,
    /// registered as the default classifier (`classify` in the reference's tests).
    classifier: Option<Server>,
    /// Files written to a temporary folder, whose path replaces `{{files}}` in the
    /// context.
    files: Option<Map<String, Value>>,
    /// An exec eval of the case's type: a shell script run as a subprocess.
    exec: Option<ExecCase>,
    #[serde(default)]
    expect: Expect,
    /// How the case differs in form from the Go test (documentation only).
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecCase {
    script: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: Vec<String>,
    timeout_ms: Option<u64>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Server {
    #[serde(default = "ok_status")]
    status: u16,
    #[serde(default)]
    body: String,
    #[serde(default)]
    delay_ms: u64,
    expect_request: Option<Map<String, Value>>,
    /// How many requests the server must receive (retries included).
    expect_requests: Option<usize>,
}

fn ok_status() -> u16 {
    200
}

/// One request the evaluator endpoint received.
type Received = crate::support::Request;

/// Serves every request on 127.0.0.1 with the configured reply (one per connection);
/// returns the base URL and a receiver of what was received.
fn serve(server: &Server) -> (String, std::sync::mpsc::Receiver<Received>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = std::sync::mpsc::channel();
    let server = server.clone();
    std::thread::spawn(move || {
        while let Ok((stream, _)) = listener.accept() {
            answer(stream, &server, &tx);
        }
    });
    (url, rx)
}

fn answer(stream: std::net::TcpStream, server: &Server, tx: &std::sync::mpsc::Sender<Received>) {
    use std::io::{BufReader, Write};
    {
        let mut reader = BufReader::new(stream);
        let Some(got) = Received::read_blocking(&mut reader) else {
            return;
        };
        let _ = tx.send(got);
        std::thread::sleep(std::time::Duration::from_millis(server.delay_ms));
        let reply = format!(
            "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            server.status,
            server.body.len(),
            server.body
        );
        let _ = reader.get_mut().write_all(reply.as_bytes());
    }
}

/// Every way the received request differs from the expectation.
fn request_mismatches(want: &Map<String, Value>, got: Option<Received>) -> Vec<String> {
    let Some(got) = got else {
        return vec!["the evaluator endpoint received no request".into()];
    };
    let body = got.json_or_null();
    let mut out = Vec::new();
    if let Some(m) = want.get("method").and_then(Value::as_str)
        && m != got.method
    {
        out.push(format!("method: want {m}, got {}", got.method));
    }
    if let Some(p) = want.get("path").and_then(Value::as_str)
        && p != got.path
    {
        out.push(format!("path: want {p}, got {}", got.path));
    }
    if let Some(b) = want.get("raw_body").and_then(Value::as_str)
        && b != got.body
    {
        out.push(format!("raw body: want {b:?}, got {:?}", got.body));
    }
    for (k, v) in want
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let actual = got
            .headers
            .iter()
            .find(|(h, _)| h == k)
            .map(|(_, v)| v.as_str());
        if actual != v.as_str() {
            out.push(format!("header {k}: want {v}, got {actual:?}"));
        }
    }
    for (k, v) in want
        .get("body")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if body.get(k) != Some(v) {
            out.push(format!("body.{k}: want {v}, got {:?}", body.get(k)));
        }
    }
    if let Some(n) = want.get("tool_calls").and_then(Value::as_u64) {
        let count = body
            .get("tool_calls")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if count as u64 != n {
            out.push(format!("tool_calls: want {n}, got {count}"));
        }
    }
    out
}

#[derive(Deserialize)]
struct JudgeReply {
    reply: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    passed: Option<bool>,
    score: Option<f64>,
    score_min: Option<f64>,
    score_max: Option<f64>,
    error: Option<bool>,
    skipped: Option<bool>,
    has_score: Option<bool>,
    /// One text or several, all of which the explanation must contain.
    explanation_contains: Option<Value>,
    judge_request: Option<Map<String, Value>>,
    details: Option<Map<String, Value>>,
    value: Option<Map<String, Value>>,
    value_absent: Option<Vec<String>>,
}

impl Expect {
    fn is_empty(&self) -> bool {
        self.passed.is_none()
            && self.score.is_none()
            && self.score_min.is_none()
            && self.error.is_none()
            && self.skipped.is_none()
            && self.has_score.is_none()
            && self.explanation_contains.is_none()
            && self.judge_request.is_none()
            && self.details.is_none()
            && self.value.is_none()
            && self.value_absent.is_none()
    }

    /// Every way `r` differs from the expectation.
    fn mismatches(&self, r: &EvalResult) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.passed {
            let got = r.score.is_some_and(|s| s >= 1.0);
            if got != p {
                out.push(format!(
                    "passed: want {p}, got score {:?} ({})",
                    r.score, r.explanation
                ));
            }
        }
        if let Some(s) = self.score
            && !r.score.is_some_and(|g| (g - s).abs() < 1e-6)
        {
            out.push(format!(
                "score: want {s}, got {:?} ({})",
                r.score, r.explanation
            ));
        }
        if let (Some(lo), Some(hi)) = (self.score_min, self.score_max)
            && !r.score.is_some_and(|g| g >= lo && g <= hi)
        {
            out.push(format!("score: want in [{lo}, {hi}], got {:?}", r.score));
        }
        if let Some(e) = self.error
            && r.error.is_some() != e
        {
            out.push(format!("error: want {e}, got {:?}", r.error));
        }
        if let Some(s) = self.skipped
            && r.skipped.is_some() != s
        {
            out.push(format!("skipped: want {s}, got {:?}", r.skipped));
        }
        if let Some(h) = self.has_score
            && r.score.is_some() != h
        {
            out.push(format!("has score: want {h}, got {:?}", r.score));
        }
        for (k, want) in self.details.iter().flatten() {
            if r.details.get(k) != Some(want) {
                out.push(format!(
                    "details.{k}: want {want}, got {:?}",
                    r.details.get(k)
                ));
            }
        }
        for (k, want) in self.value.iter().flatten() {
            if r.value.get(k) != Some(want) {
                out.push(format!("value.{k}: want {want}, got {:?}", r.value.get(k)));
            }
        }
        for k in self.value_absent.iter().flatten() {
            if r.value.get(k).is_some() {
                out.push(format!("value.{k}: want absent, got {:?}", r.value.get(k)));
            }
        }
        // The reference's Explanation, Error or SkipReason.
        let all = format!(
            "{} {} {}",
            r.explanation,
            r.error.as_deref().unwrap_or_default(),
            r.skipped.as_deref().unwrap_or_default()
        );
        let wanted = match &self.explanation_contains {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(v) => v.as_str().into_iter().collect(),
            None => Vec::new(),
        };
        for text in wanted {
            if !all.contains(text) {
                out.push(format!(
                    "explanation: want it to contain {text:?}, got {:?}",
                    r.explanation
                ));
            }
        }
        out
    }
}

/// A judge answering with a canned reply (or error), recording the request.
struct Canned(Result<String, String>, Mutex<Option<JudgeRequest>>);

impl Judge for Canned {
    fn judge<'a>(&'a self, req: &'a JudgeRequest) -> promptkit::assertions::JudgeFuture<'a> {
        if let Ok(mut last) = self.1.lock() {
            *last = Some(req.clone());
        }
        let reply = self.0.clone().map_err(JudgeError::Failed);
        Box::pin(async move { reply })
    }
}

/// A tool executor answering from the case's `tools` table.
struct StubTools(Map<String, Value>);

impl ToolExecutor for StubTools {
    fn execute<'a>(
        &'a self,
        name: &'a str,
        args: &'a Value,
        _: std::time::Duration,
    ) -> ToolFuture<'a> {
        let spec = self.0.get(name).cloned();
        Box::pin(async move {
            let spec = spec.ok_or_else(|| ToolExecError::Unknown(name.to_owned()))?;
            if let Some(e) = spec.get("exec_error").and_then(Value::as_str) {
                return Err(ToolExecError::Failed(e.to_owned()));
            }
            if spec.get("echo_args") == Some(&Value::Bool(true)) {
                return Ok(ToolRun {
                    result: args.clone(),
                    error: None,
                    latency_ms: 0.0,
                });
            }
            let raw = spec.get("raw").and_then(Value::as_str).unwrap_or("{}");
            let result =
                serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
            Ok(ToolRun {
                result,
                error: None,
                latency_ms: 0.0,
            })
        })
    }
}

/// Every way the request sent to the judge differs from the expectation.
fn judge_mismatches(want: &Map<String, Value>, got: Option<&JudgeRequest>) -> Vec<String> {
    let empty = JudgeRequest {
        system_prompt: String::new(),
        user_content: String::new(),
        content: String::new(),
        criteria: String::new(),
        rubric: String::new(),
        model: None,
        judge: None,
    };
    let req = got.unwrap_or(&empty);
    let mut out = Vec::new();
    for (key, value) in want {
        let (field, op) = key.rsplit_once('_').unwrap_or((key.as_str(), ""));
        let field = field.trim_end_matches("_not");
        let op = if key.ends_with("_not_contains") {
            "not_contains"
        } else {
            op
        };
        let actual = match field {
            "content" => req.content.clone(),
            "system" | "systemprompt" => req.system_prompt.clone(),
            "criteria" => req.criteria.clone(),
            "rubric" => req.rubric.clone(),
            "model" => req.model.clone().unwrap_or_default(),
            _ => {
                out.push(format!("unknown judge expectation {key}"));
                continue;
            }
        };
        let ok = match (op, value) {
            ("equals", Value::String(s)) => &actual == s,
            ("contains", Value::Array(items)) => items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| actual.contains(s))),
            ("not_contains", Value::Array(items)) => items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| !actual.contains(s))),
            _ => false,
        };
        if !ok {
            out.push(format!("judge request {key} {value}: got {actual:?}"));
        }
    }
    out
}

fn run_with_request(case: &Case) -> (EvalResult, Option<JudgeRequest>) {
    if let Some(streamed) = &case.partial {
        let r = eval_partial(&case.assertion_type, &case.params, streamed)
            .unwrap_or_else(|| EvalResult::error("type is not streamable"));
        return (r, None);
    }
    let mut evaluator = Evaluator::new();
    let mut canned = None;
    if let Some(j) = &case.judge {
        let reply = match (&j.reply, &j.error) {
            (_, Some(e)) => Err(e.clone()),
            (Some(r), None) => Ok(r.clone()),
            (None, None) => Err("judge_provider has wrong type".to_owned()),
        };
        if j.reply.is_some() || j.error.is_some() {
            let judge = Arc::new(Canned(reply, Mutex::new(None)));
            canned = Some(judge.clone());
            evaluator = evaluator.with_judge(judge);
        }
    }
    if let Some(tools) = &case.tools {
        evaluator = evaluator.with_tool_executor(Arc::new(StubTools(tools.clone())));
    }
    let mut params = case.params.clone();
    let mut received = None;
    if let Some(server) = &case.server {
        let (url, rx) = serve(server);
        for v in params.values_mut() {
            if v.as_str() == Some("{{server}}") {
                *v = Value::String(format!("{url}/eval"));
            }
        }
        received = Some((server, rx));
    }
    if let Some(server) = &case.classifier {
        let (url, rx) = serve(server);
        let hf = HuggingFace::new(Some(&url), Secret::new("test-token"), false).expect("client");
        let mut classifiers = Classifiers::new();
        classifiers.register("hf", Arc::new(hf));
        evaluator = evaluator.with_classifiers(Arc::new(classifiers));
        received = Some((server, rx));
    }
    let _files_dir;
    let _exec_dir;
    if let Some(exec) = &case.exec {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("eval.sh");
        std::fs::write(&script, &exec.script).expect("write script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("make the script executable");
        evaluator.register_exec(ExecEval {
            type_name: case.assertion_type.clone(),
            process: promptkit::process::Subprocess {
                command: script,
                args: exec.args.clone(),
                env: exec.env.clone(),
                timeout: std::time::Duration::from_millis(exec.timeout_ms.unwrap_or(30_000)),
            },
        });
        _exec_dir = dir;
    }
    let mut context = case.context.clone();
    if let Some(files) = &case.files {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content.as_str().unwrap_or_default())
                .expect("write file");
        }
        let text = serde_json::to_string(&context)
            .expect("context")
            .replace("{{files}}", &dir.path().display().to_string());
        context = serde_json::from_str(&text).expect("context");
        _files_dir = dir;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let r = match runtime.block_on(evaluator.eval(&case.assertion_type, &params, &context)) {
        Ok(r) => r,
        Err(e) => EvalResult::error(e.to_string()),
    };
    if let Some((server, rx)) = received {
        let mut problems = Vec::new();
        if let Some(want) = &server.expect_request {
            let got = rx.recv_timeout(std::time::Duration::from_secs(5)).ok();
            problems.extend(request_mismatches(want, got));
        }
        if let Some(n) = server.expect_requests {
            let seen = rx.try_iter().count() + usize::from(server.expect_request.is_some());
            if seen != n {
                problems.push(format!("requests: want {n}, got {seen}"));
            }
        }
        if !problems.is_empty() {
            return (
                EvalResult::error(format!("request mismatch: {}", problems.join("; "))),
                None,
            );
        }
    }
    let req = canned.and_then(|c| c.1.lock().ok().and_then(|g| g.clone()));
    (r, req)
}

#[test]
fn every_reference_handler_case_gives_its_verdict() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eval_handlers");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("data dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let (mut total, mut checked, mut no_verdict) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(path).expect("readable");
        let file: CaseFile =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in &file.cases {
            total += 1;
            // Every case must at least run without panicking.
            let (result, request) = run_with_request(case);
            if case.expect.is_empty() {
                no_verdict += 1;
                continue;
            }
            checked += 1;
            let mut problems = case.expect.mismatches(&result);
            if let Some(want) = &case.expect.judge_request {
                problems.extend(judge_mismatches(want, request.as_ref()));
            }
            for m in problems {
                failures.push(format!(
                    "{} :: {} [{}]: {m}",
                    file.source, case.name, case.assertion_type
                ));
            }
            // The assertion wrapper agrees with the raw verdict on pass/fail.
            if case.expect.passed.is_some() && result.skipped.is_none() && result.error.is_none() {
                let wrapped = Thresholds::default().passes(&result);
                assert_eq!(
                    wrapped,
                    result.score.is_some_and(|s| s >= 1.0) || result.score.is_none(),
                    "{}",
                    case.name
                );
            }
        }
    }
    eprintln!(
        "reference handler cases: {total} total, {checked} with a verdict checked, {} matched, \
         {no_verdict} without a verdict in the Go test",
        checked - failures.len().min(checked)
    );
    assert!(
        failures.is_empty(),
        "{} verdict mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked > 300,
        "expected the bulk of the reference cases to carry a verdict, got {checked}"
    );
}

#[derive(Deserialize)]
struct VerdictFile {
    source: String,
    cases: Vec<VerdictCase>,
}

#[derive(Deserialize)]
struct VerdictCase {
    name: String,
    raw: String,
    passed: bool,
    score: Option<f64>,
    reasoning: Option<String>,
}

#[test]
fn judge_replies_parse_as_the_reference() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/eval_handlers/verdict_parsing/judge_provider.json"
    );
    let file: VerdictFile =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("parses");
    assert!(file.cases.len() >= 5, "{}", file.source);
    for case in &file.cases {
        let v = promptkit::assertions::parse_verdict(&case.raw);
        assert_eq!(v.passed, case.passed, "{}", case.name);
        if let Some(s) = case.score {
            assert!(
                (v.score - s).abs() < 1e-9,
                "{}: score {}",
                case.name,
                v.score
            );
        }
        if let Some(r) = &case.reasoning {
            assert_eq!(&v.reasoning, r, "{}", case.name);
        }
    }
}

/// A load-time param check carried over from the reference (`ValidateParams`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamCase {
    name: String,
    #[serde(rename = "type")]
    assertion_type: String,
    params: Option<Map<String, Value>>,
    expect: ParamExpect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamExpect {
    valid: bool,
    message_contains: Option<String>,
}

#[derive(Deserialize)]
struct ParamCaseFile {
    source: String,
    cases: Vec<ParamCase>,
}

#[test]
fn every_reference_param_check_gives_its_verdict() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/param_validator.json"
    );
    let file: ParamCaseFile =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
    let mut failures = Vec::new();
    for case in &file.cases {
        let ty = promptkit_build::registry::assertion_type(&case.assertion_type)
            .unwrap_or_else(|| panic!("{}: unknown type", case.name));
        let params = case.params.clone().unwrap_or_default();
        let problems: Vec<String> = promptkit::assertions::check_params(ty, &params)
            .into_iter()
            .filter(|p| p.is_hard())
            .map(|p| p.to_string())
            .collect();
        let text = problems.join("; ");
        if problems.is_empty() != case.expect.valid {
            failures.push(format!(
                "{} :: {}: want valid={}, got problems [{text}]",
                file.source, case.name, case.expect.valid
            ));
        }
        if let Some(want) = &case.expect.message_contains
            && !text.contains(want.as_str())
        {
            failures.push(format!(
                "{} :: {}: want a problem mentioning {want:?}, got [{text}]",
                file.source, case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
