//! `rest_eval` / `rest_eval_session`: an external HTTP evaluator scores the output.
//!
//! The request is a JSON body (`current_output`, `messages`, `tool_calls`, `criteria`,
//! `variables`, `extra`); the reply's first `{`..last `}` is read as
//! `{passed, score, reasoning}`, as the reference does.

use super::context::AssertionContext;
use super::params::Params;
use super::result::EvalResult;
use crate::message::Role;
use serde_json::{Map, Value, json};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_BODY: usize = 10 * 1024 * 1024;

pub(crate) use promptkit_build::model::parse_go_duration as parse_duration;

/// Replaces `${VAR}` with the environment variable's value (empty when unset).
pub(crate) fn expand_env(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find('}') {
            Some(j) => {
                out.push_str(&std::env::var(&rest[i + 2..i + 2 + j]).unwrap_or_default());
                rest = &rest[i + 3 + j..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The transcript as external evaluators see it: `[{role, content}]`.
pub(crate) fn message_views(ctx: &AssertionContext) -> Value {
    ctx.messages
        .iter()
        .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
        .collect()
}

/// The tool calls as external evaluators see them (the reference's field names).
pub(crate) fn tool_call_views(ctx: &AssertionContext) -> Value {
    ctx.tool_calls
        .iter()
        .map(|t| {
            json!({"Name": t.name, "Args": t.arguments, "Result": t.result_text(),
                "Error": t.error.clone().unwrap_or_default(), "Index": t.turn_index})
        })
        .collect()
}

/// The JSON body sent to an external evaluator.
pub(crate) fn request_body(p: Params, ctx: &AssertionContext, content: &str) -> Value {
    let mut body = Map::new();
    body.insert("current_output".into(), json!(content));
    if p.bool_or("include_messages", true) && !ctx.messages.is_empty() {
        body.insert("messages".into(), message_views(ctx));
    }
    if p.flag("include_tool_calls") && !ctx.tool_calls.is_empty() {
        body.insert("tool_calls".into(), tool_call_views(ctx));
    }
    if let Some(c) = p.non_empty("criteria") {
        body.insert("criteria".into(), json!(c));
    }
    if let Some(v) = ctx
        .metadata
        .get("variables")
        .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
    {
        body.insert("variables".into(), v.clone());
    }
    if let Some(extra) = p.object("extra").filter(|m| !m.is_empty()) {
        body.insert("extra".into(), Value::Object(extra.clone()));
    }
    Value::Object(body)
}

/// Reads an evaluator's reply: the JSON object between the first `{` and the last `}`.
pub(crate) fn parse_reply(body: &str) -> EvalResult {
    let json_text = match (body.find('{'), body.rfind('}')) {
        (Some(i), Some(j)) if j >= i => &body[i..=j],
        _ => body,
    };
    match serde_json::from_str::<Value>(json_text) {
        Ok(Value::Object(m)) => {
            let score = m.get("score").and_then(Value::as_f64).unwrap_or(0.0);
            let reasoning = m
                .get("reasoning")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            EvalResult::scored(score, reasoning.clone())
                .with_value(json!({"score": score, "reasoning": reasoning}))
        }
        Ok(_) => EvalResult::fail("failed to parse response: not a JSON object"),
        Err(e) => EvalResult::fail(format!("failed to parse response: {e}")),
    }
}

/// All assistant texts, one per line (what the session variants evaluate).
pub(crate) fn assistant_texts(ctx: &AssertionContext) -> String {
    let parts: Vec<&str> = ctx
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .map(|m| m.content.as_str())
        .collect();
    parts.join("\n")
}

/// `rest_eval` (`session`: every assistant message instead of the response).
pub(crate) async fn rest_eval(p: Params<'_>, ctx: &AssertionContext, session: bool) -> EvalResult {
    let Some(url) = p.non_empty("url") else {
        return EvalResult::fail("rest_eval requires a 'url' param");
    };
    let content = if session {
        assistant_texts(ctx)
    } else {
        ctx.response.clone()
    };
    let method = p.non_empty("method").unwrap_or("POST");
    let Ok(method) = reqwest::Method::from_bytes(method.as_bytes()) else {
        return EvalResult::fail(format!(
            "failed to create request: invalid method {method:?}"
        ));
    };
    let mut req = match outbound(p, DEFAULT_TIMEOUT, method, url, "failed to create request") {
        Ok(req) => req.json(&request_body(p, ctx, &content)),
        Err(why) => return EvalResult::fail(why),
    };
    for (k, v) in p.string_map("headers") {
        req = req.header(k, expand_env(&v));
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return EvalResult::fail(format!("request failed: {}", e.without_url())),
    };
    let status = resp.status();
    let body = match resp.bytes().await {
        Ok(b) => String::from_utf8_lossy(&b[..b.len().min(MAX_BODY)]).into_owned(),
        Err(e) => return EvalResult::fail(format!("failed to read response: {}", e.without_url())),
    };
    if !status.is_success() {
        return EvalResult::fail(format!(
            "endpoint returned status {}: {body}",
            status.as_u16()
        ));
    }
    parse_reply(&body)
}

/// A request on the shared client with the `timeout` param (else `default`); `Err` is
/// the failure message, after `context`.
pub(super) fn outbound(
    p: Params<'_>,
    default: Duration,
    method: reqwest::Method,
    url: &str,
    context: &str,
) -> Result<reqwest::RequestBuilder, String> {
    let timeout = p.str("timeout").and_then(parse_duration).unwrap_or(default);
    let client = crate::providers::http::client().map_err(|e| format!("{context}: {e}"))?;
    Ok(client.request(method, url).timeout(timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's `TestParseExternalResponse` table.
    #[test]
    fn replies_parse_as_the_reference() {
        for (body, score) in [
            (
                r#"{"passed": true, "score": 0.9, "reasoning": "good"}"#,
                0.9,
            ),
            (
                r#"{"passed": false, "score": 0.3, "reasoning": "bad"}"#,
                0.3,
            ),
            (r#"{"score": 0.7, "reasoning": "ok"}"#, 0.7),
            (r#"{"score": 0.3, "reasoning": "bad"}"#, 0.3),
            (r#"{"score": 0.8, "reasoning": "ok"}"#, 0.8),
            (r#"{"score": 0.6, "reasoning": "ok"}"#, 0.6),
            (
                "```json\n{\"passed\": true, \"score\": 0.95, \"reasoning\": \"great\"}\n```",
                0.95,
            ),
        ] {
            assert_eq!(parse_reply(body).score, Some(score), "{body}");
        }
        let broken = parse_reply("not json at all");
        assert!(!broken.explanation.is_empty());
        assert_eq!(broken.score, Some(0.0));
    }
}
