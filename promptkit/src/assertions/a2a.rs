//! `a2a_eval` / `a2a_eval_session`: an A2A agent scores the output.
//!
//! Sends a JSON-RPC `message/send` (blocking) to `{agent_url}/a2a` whose text asks for a
//! `{passed, score, reasoning}` verdict on the same body `rest_eval` posts, then reads the
//! task's status message (or its artifacts) as the verdict.

use super::context::AssertionContext;
use super::params::Params;
use super::rest::{assistant_texts, expand_env, outbound, parse_reply, request_body};
use super::result::EvalResult;
use serde_json::{Value, json};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The text of an A2A message asking the agent for a verdict.
fn message_text(criteria: Option<&str>, request_json: &str) -> String {
    let mut text = String::from(
        "You are an evaluation judge. Evaluate the following content and respond with a JSON object \
         containing: \"passed\" (boolean), \"score\" (float 0-1), and \"reasoning\" (string).\n\n",
    );
    if let Some(c) = criteria {
        text.push_str(&format!("Criteria: {c}\n\n"));
    }
    text.push_str("Context:\n");
    text.push_str(request_json);
    text
}

/// The texts of a list of A2A parts, one per line.
fn parts_text(parts: Option<&Value>) -> String {
    let texts: Vec<&str> = parts
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("text")?.as_str())
        .collect();
    texts.join("\n")
}

/// The reply text of an A2A task: its status message, else its first artifact with text.
fn task_text(task: &Value) -> String {
    let status = parts_text(task.pointer("/status/message/parts"));
    if !status.is_empty() {
        return status;
    }
    task.get("artifacts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| parts_text(a.get("parts")))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// `a2a_eval` (`session`: every assistant message instead of the response).
pub(crate) async fn a2a_eval(p: Params<'_>, ctx: &AssertionContext, session: bool) -> EvalResult {
    let Some(agent_url) = p.non_empty("agent_url") else {
        return EvalResult::fail("a2a_eval requires an 'agent_url' param");
    };
    let content = if session {
        assistant_texts(ctx)
    } else {
        ctx.response.clone()
    };
    let body = request_body(p, ctx, &content);
    let text = message_text(p.non_empty("criteria"), &body.to_string());
    let rpc = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "message/send",
        "params": {
            "message": {"messageId": "promptkit-eval", "role": "user", "parts": [{"text": text}]},
            "configuration": {"blocking": true},
        },
    });
    let url = format!("{}/a2a", agent_url.trim_end_matches('/'));
    let mut req = match outbound(
        p,
        DEFAULT_TIMEOUT,
        reqwest::Method::POST,
        &url,
        "a2a agent error",
    ) {
        Ok(req) => req.json(&rpc),
        Err(why) => return EvalResult::fail(why),
    };
    if let Some(token) = p
        .non_empty("auth_token")
        .map(expand_env)
        .filter(|t| !t.is_empty())
    {
        req = req.bearer_auth(token);
    }
    let reply: Value = match req.send().await {
        Err(e) => return EvalResult::fail(format!("a2a agent error: {}", e.without_url())),
        Ok(r) if !r.status().is_success() => {
            return EvalResult::fail(format!(
                "a2a agent error: message/send returned HTTP {}",
                r.status().as_u16()
            ));
        }
        Ok(r) => match r.json().await {
            Ok(v) => v,
            Err(e) => {
                return EvalResult::fail(format!(
                    "a2a agent error: decode response: {}",
                    e.without_url()
                ));
            }
        },
    };
    if let Some(err) = reply.get("error").filter(|e| !e.is_null()) {
        let msg = err
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("error");
        return EvalResult::fail(format!("a2a agent error: {msg}"));
    }
    let answer = task_text(reply.get("result").unwrap_or(&Value::Null));
    if answer.is_empty() {
        return EvalResult::fail("a2a agent returned no text response");
    }
    parse_reply(&answer)
}
