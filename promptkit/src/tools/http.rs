//! Live HTTP tools (`mode: live` with an `http` section), as the reference runs them:
//! `{{.field}}` in the URL consumes arguments; `request.query_params` go to the query;
//! the rest become the JSON body (POST/PUT/PATCH, the default method is POST) or query
//! parameters (other methods); `headers_from_env` entries (`Header=ENV_VAR`) read the
//! environment; `response.body_mapping` (JMESPath) selects the result; `redact` fields
//! are masked. Header values never appear in errors. With `multimodal` on, a media
//! response (an `accept_types` entry, else any `image/`, `audio/` or `video/` type) is
//! handed to the model as a media part beside a `{type, content_type, size_bytes}`
//! summary for the records, as the reference does.

use std::time::Duration;

use promptkit_build::model::HttpConfig;
use serde_json::{Map, Value};

use super::mock::render;
use crate::media::data_url;
use crate::message::ContentPart;

/// Largest response body read.
const MAX_BODY: usize = 10 * 1024 * 1024;

/// A configured HTTP tool.
#[derive(Debug, Clone)]
pub(super) struct HttpTool {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    headers_from_env: Vec<(String, String)>,
    timeout: Option<Duration>,
    query_params: Vec<String>,
    exclude: Vec<String>,
    static_query: Vec<(String, String)>,
    static_headers: Vec<(String, String)>,
    body_mapping: Option<String>,
    redact: Vec<String>,
    /// Media types answered as media parts (`multimodal`; empty: any image, audio, video).
    media_types: Option<Vec<String>>,
}

impl HttpTool {
    /// The tool described by `config`.
    pub fn new(config: &HttpConfig) -> Self {
        let pairs = |map: Option<&promptkit_build::model::SpannedMap<String, String>>| {
            map.map(|m| {
                m.iter()
                    .map(|(k, v)| (k.value.clone(), v.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        };
        let request = config.request.as_ref();
        Self {
            url: config.url.value.clone(),
            method: config
                .method
                .as_ref()
                .map_or_else(|| "POST".to_owned(), |m| m.value.to_ascii_uppercase()),
            headers: pairs(config.headers.as_ref()),
            headers_from_env: config
                .headers_from_env
                .iter()
                .filter_map(|h| {
                    let (header, var) = h.value.split_once('=')?;
                    Some((header.trim().to_owned(), var.trim().to_owned()))
                })
                .collect(),
            timeout: config
                .timeout_ms
                .and_then(|ms| u64::try_from(ms).ok())
                .filter(|ms| *ms > 0)
                .map(Duration::from_millis),
            query_params: request
                .map(|r| r.query_params.iter().map(|q| q.value.clone()).collect())
                .unwrap_or_default(),
            exclude: request
                .map(|r| r.exclude.iter().map(|q| q.value.clone()).collect())
                .unwrap_or_default(),
            static_query: pairs(request.and_then(|r| r.static_query.as_ref())),
            static_headers: pairs(request.and_then(|r| r.static_headers.as_ref())),
            body_mapping: config
                .response
                .as_ref()
                .and_then(|r| r.body_mapping.as_ref())
                .map(|m| m.value.clone()),
            redact: config.redact.clone(),
            media_types: config
                .multimodal
                .as_ref()
                .filter(|m| m.enabled)
                .map(|m| m.accept_types.clone()),
        }
    }

    /// The same tool with its URL's `from` prefix replaced by `to`, if it has it.
    pub fn redirected(&self, from: &str, to: &str) -> Option<Self> {
        let rest = self.url.strip_prefix(from)?;
        Some(Self {
            url: format!("{to}{rest}"),
            ..self.clone()
        })
    }

    /// Calls the endpoint with `args`.
    pub(crate) async fn run(&self, args: &Value) -> Result<(Value, Vec<ContentPart>), String> {
        let mut rest: Map<String, Value> = args.as_object().cloned().unwrap_or_default();
        let url = self.url_for(args, &mut rest)?;
        let mut query: Vec<(String, String)> = self.static_query.clone();
        for name in &self.query_params {
            if let Some(v) = rest.remove(name) {
                query.push((name.clone(), query_text(&v)));
            }
        }
        for name in &self.exclude {
            rest.remove(name);
        }
        let body_method = matches!(self.method.as_str(), "POST" | "PUT" | "PATCH");
        if !body_method {
            query.extend(rest.iter().map(|(k, v)| (k.clone(), query_text(v))));
        }
        let method = reqwest::Method::from_bytes(self.method.as_bytes())
            .map_err(|_| format!("invalid HTTP method `{}`", self.method))?;
        let client = crate::providers::http::client().map_err(|e| e.to_string())?;
        let mut request = client.request(method, &url).query(&query);
        for (k, v) in self.headers.iter().chain(&self.static_headers) {
            request = request.header(k, v);
        }
        for (header, var) in &self.headers_from_env {
            if let Ok(value) = std::env::var(var)
                && !value.is_empty()
            {
                request = request.header(header, value);
            }
        }
        if body_method && !rest.is_empty() {
            request = request.json(&Value::Object(rest));
        }
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let what = format!("{} {}", self.method, self.url);
        let response = request
            .send()
            .await
            .map_err(|e| format!("HTTP request to {what} failed: {}", error_kind(&e)))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
            .unwrap_or_default();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("HTTP request to {what} failed: {}", error_kind(&e)))?;
        let body = &bytes[..bytes.len().min(MAX_BODY)];
        let text = String::from_utf8_lossy(body);
        if !status.is_success() {
            let excerpt: String = text.chars().take(200).collect();
            return Err(format!(
                "HTTP request to {what} returned status {}: {excerpt}",
                status.as_u16()
            ));
        }
        if let Some(kind) = self.media_kind(&content_type) {
            let summary = serde_json::json!({
                "type": kind,
                "content_type": content_type,
                "size_bytes": body.len(),
            });
            let part = ContentPart::of_kind(
                kind,
                data_url::encode(&content_type, body),
                Some(content_type.clone()),
            );
            return Ok((summary, part.into_iter().collect()));
        }
        let mut value: Value =
            serde_json::from_slice(body).unwrap_or_else(|_| serde_json::json!({ "result": text }));
        for field in &self.redact {
            redact(&mut value, field);
        }
        let value = match &self.body_mapping {
            Some(expr) => map_body(expr, &value)?,
            None => value,
        };
        Ok((value, Vec::new()))
    }

    /// The part kind of a media response when multimodal is on and `content_type` is
    /// accepted: `image`, `audio`, `video`, else `document` (an accepted other type).
    fn media_kind(&self, content_type: &str) -> Option<&'static str> {
        let accepted = self.media_types.as_ref()?;
        let kind = ["image", "audio", "video"]
            .into_iter()
            .find(|kind| content_type.starts_with(&format!("{kind}/")));
        if accepted.is_empty() {
            return kind;
        }
        accepted
            .iter()
            .any(|t| t.eq_ignore_ascii_case(content_type))
            .then_some(kind.unwrap_or("document"))
    }

    /// The URL with `{{.field}}` placeholders filled; used fields leave `rest`.
    fn url_for(&self, args: &Value, rest: &mut Map<String, Value>) -> Result<String, String> {
        if !self.url.contains("{{") {
            return Ok(self.url.clone());
        }
        for placeholder in self.url.split("{{").skip(1) {
            if let Some((action, _)) = placeholder.split_once("}}")
                && let Some(field) = action.trim().strip_prefix('.')
            {
                rest.remove(field.split('.').next().unwrap_or(field));
            }
        }
        render(&self.url, args)
    }
}

/// What kind of transport failure, without echoing headers.
fn error_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "unreadable response body"
    } else {
        "transport error"
    }
}

fn query_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Masks every field named `field`, at any depth.
fn redact(value: &mut Value, field: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == field {
                    *v = Value::String("[REDACTED]".into());
                } else {
                    redact(v, field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, field)),
        _ => {}
    }
}

fn map_body(expr: &str, value: &Value) -> Result<Value, String> {
    let compiled =
        jmespath::compile(expr).map_err(|e| format!("invalid body_mapping `{expr}`: {e}"))?;
    let data = jmespath::Variable::from_json(&value.to_string())
        .map_err(|e| format!("response is not JSON: {e}"))?;
    let mapped = compiled
        .search(data)
        .map_err(|e| format!("body_mapping `{expr}` failed: {e}"))?;
    serde_json::to_value(&*mapped).map_err(|e| format!("body_mapping result: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_nested_fields() {
        let mut v = json!({"a": {"token": "s3cret", "b": [{"token": 1}]}});
        redact(&mut v, "token");
        assert_eq!(
            v,
            json!({"a": {"token": "[REDACTED]", "b": [{"token": "[REDACTED]"}]}})
        );
    }

    #[test]
    fn maps_bodies_with_jmespath() {
        let v = json!({"data": {"items": [{"id": 1}, {"id": 2}]}});
        assert_eq!(map_body("data.items[].id", &v), Ok(json!([1, 2])));
        assert!(map_body("data.[", &v).is_err());
    }
}
