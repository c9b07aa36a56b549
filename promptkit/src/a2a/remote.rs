//! Remote A2A agents (`a2a_agents[].url`) as tools, as the reference's client and
//! tool bridge call them: the agent card is read once per run from
//! `<url>/.well-known/agent.json` (then `agent-card.json`), each skill passing
//! `skill_filter` becomes a tool `a2a__<card name>__<skill id>` taking a `query`, and a
//! call is a JSON-RPC `message/send` to `<url>/a2a` whose task (status message first,
//! else the text of its artifacts) answers `{"response": "<text>"}`.
//!
//! Credentials come only from the environment: `auth.token_env` (sent as
//! `Authorization: <scheme> <token>`) and `headers_from_env` (`Header=ENV_VAR`); a
//! literal `auth.token` is not sent (the checker warns). No error quotes a header.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use promptkit_build::model::{A2aAgentConfig, a2a_tool_name};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::mcp::ToolFilter;
use crate::provider::ToolSpec;
use crate::tools::{Handler, ToolError};

/// Why a remote agent cannot be used.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum A2aError {
    /// The HTTP client could not be built.
    #[error("A2A agent `{agent}`: {reason}")]
    Client {
        /// The agent's configured name.
        agent: String,
        /// What went wrong.
        reason: String,
    },
    /// A header name or value (static or from the environment) is not valid HTTP.
    #[error("A2A agent `{agent}`: header `{header}` is not a valid HTTP header")]
    Header {
        /// The agent's configured name.
        agent: String,
        /// The header's name.
        header: String,
    },
    /// The agent card could not be read.
    #[error("A2A agent `{agent}`: cannot read its agent card at {url}: {reason}")]
    Discovery {
        /// The agent's configured name.
        agent: String,
        /// The card URL tried last.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// `message/send` failed.
    #[error("A2A agent `{agent}`: message/send to {url} failed: {reason}")]
    Send {
        /// The agent's configured name.
        agent: String,
        /// The JSON-RPC endpoint.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

/// A remote agent's connection settings.
struct Agent {
    name: String,
    base: String,
    headers: HeaderMap,
    timeout: Option<Duration>,
    filter: ToolFilter,
}

/// The remote agents of a run; their cards are read on first use, once.
#[derive(Default)]
pub struct RemoteAgents {
    agents: Vec<Result<Arc<Agent>, A2aError>>,
    tools: OnceCell<Result<Vec<RemoteTool>, A2aError>>,
}

/// One skill of a remote agent, offered as a tool.
#[derive(Clone)]
pub struct RemoteTool {
    /// The tool's name, description and `query` schema.
    pub spec: ToolSpec,
    /// Sends the query to the agent.
    pub handler: Handler,
    /// The call's timeout (`timeout_ms`, else the tool default).
    pub timeout: Duration,
}

impl RemoteAgents {
    /// The agents of `configs` that have a `url` (mock agents are not remote).
    pub fn new(configs: &[A2aAgentConfig]) -> Self {
        let agents = configs
            .iter()
            .filter_map(|c| c.url.as_ref().map(|url| Agent::from_config(c, url)))
            .collect();
        Self {
            agents,
            tools: OnceCell::new(),
        }
    }

    /// True when no agent is remote.
    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
    }

    /// Every filtered skill of every agent as a tool, reading the cards the first
    /// time; the first agent that cannot be reached fails the lot (for the run).
    pub async fn tools(&self) -> Result<Vec<RemoteTool>, A2aError> {
        self.tools
            .get_or_init(|| async {
                let mut tools = Vec::new();
                for agent in &self.agents {
                    let agent = agent.as_ref().map_err(Clone::clone)?;
                    tools.extend(agent.discover().await?);
                }
                Ok(tools)
            })
            .await
            .clone()
    }
}

impl Agent {
    fn from_config(config: &A2aAgentConfig, url: &str) -> Result<Arc<Self>, A2aError> {
        let name = config.name.value.clone();
        let mut headers = HeaderMap::new();
        let mut insert = |key: &str, value: &str| {
            let bad = || A2aError::Header {
                agent: name.clone(),
                header: key.to_owned(),
            };
            let key = HeaderName::try_from(key).map_err(|_| bad())?;
            let mut value = HeaderValue::try_from(value).map_err(|_| bad())?;
            value.set_sensitive(true);
            headers.insert(key, value);
            Ok::<_, A2aError>(())
        };
        for (key, value) in config.headers.iter().flat_map(|m| m.iter()) {
            insert(&key.value, value)?;
        }
        for entry in &config.headers_from_env {
            if let Some((key, var)) = entry.split_once('=')
                && let Ok(value) = std::env::var(var)
                && !value.is_empty()
            {
                insert(key, &value)?;
            }
        }
        let token = config
            .auth
            .as_ref()
            .and_then(|a| a.token_env.as_ref().map(|var| (&a.scheme, var)))
            .and_then(|(scheme, var)| std::env::var(var).ok().map(|t| (scheme, t)))
            .filter(|(_, token)| !token.is_empty());
        if let Some((scheme, token)) = token {
            insert(AUTHORIZATION.as_str(), &format!("{scheme} {token}"))?;
        }
        Ok(Arc::new(Self {
            base: url.trim_end_matches('/').to_owned(),
            timeout: config
                .timeout_ms
                .and_then(|ms| u64::try_from(ms).ok())
                .filter(|ms| *ms > 0)
                .map(Duration::from_millis),
            filter: config
                .skill_filter
                .as_ref()
                .map(ToolFilter::from_config)
                .unwrap_or_default(),
            headers,
            name,
        }))
    }

    fn client(&self) -> Result<reqwest::Client, A2aError> {
        crate::providers::http::client().map_err(|e| A2aError::Client {
            agent: self.name.clone(),
            reason: e.to_string(),
        })
    }

    /// Reads the card and makes a tool of each skill that passes the filter.
    async fn discover(self: &Arc<Self>) -> Result<Vec<RemoteTool>, A2aError> {
        let card = self.card().await?;
        let card_name = card
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&self.name);
        let skills = card.get("skills").and_then(Value::as_array);
        let text = |skill: &Value, key: &str| {
            skill
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let mut tools = Vec::new();
        for skill in skills.into_iter().flatten() {
            let id = text(skill, "id");
            if id.is_empty() || !self.filter.includes(&id) {
                continue;
            }
            let description = Some(text(skill, "description"))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| text(skill, "name"));
            let spec = ToolSpec {
                name: a2a_tool_name(card_name, &id),
                description,
                input_schema: super::query_schema(),
            };
            let (agent, skill) = (self.clone(), id);
            let handler: Handler = Arc::new(move |args: Value| {
                let (agent, skill) = (agent.clone(), skill.clone());
                Box::pin(async move {
                    let query = args
                        .get("query")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let text = agent
                        .send(&skill, query)
                        .await
                        .map_err(|e| ToolError::Failed(e.to_string()))?;
                    Ok(json!({"response": text}))
                })
            });
            tools.push(RemoteTool {
                spec,
                handler,
                timeout: self.timeout.unwrap_or(crate::tools::DEFAULT_TIMEOUT),
            });
        }
        Ok(tools)
    }

    /// The agent card: `agent.json`, or `agent-card.json` when that is not found.
    async fn card(&self) -> Result<Value, A2aError> {
        let client = self.client()?;
        let mut last = String::new();
        for file in ["agent.json", "agent-card.json"] {
            let url = format!("{}/.well-known/{file}", self.base);
            let failed = |reason: String| A2aError::Discovery {
                agent: self.name.clone(),
                url: url.clone(),
                reason,
            };
            let mut request = client.get(&url).headers(self.headers.clone());
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            let response = request.send().await.map_err(|e| failed(e.to_string()))?;
            let status = response.status();
            if status == reqwest::StatusCode::NOT_FOUND {
                last = url;
                continue;
            }
            if !status.is_success() {
                return Err(failed(format!("HTTP {status}")));
            }
            return response
                .json()
                .await
                .map_err(|e| failed(format!("not an agent card: {e}")));
        }
        Err(A2aError::Discovery {
            agent: self.name.clone(),
            url: last,
            reason: "not found (HTTP 404 for agent.json and agent-card.json)".to_owned(),
        })
    }

    /// Sends `query` to skill `skill` and returns the task's response text.
    async fn send(&self, skill: &str, query: &str) -> Result<String, A2aError> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}/a2a", self.base);
        let failed = |reason: String| A2aError::Send {
            agent: self.name.clone(),
            url: url.clone(),
            reason,
        };
        let body = json!({
            "jsonrpc": "2.0",
            "id": id,
            "method": "message/send",
            "params": {"message": {
                "kind": "message",
                "messageId": format!("promptkit-{id}"),
                "role": "user",
                "parts": [{"kind": "text", "text": query}],
                "metadata": {"skillId": skill},
            }},
        });
        let mut request = self
            .client()?
            .post(&url)
            .headers(self.headers.clone())
            .json(&body);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("HTTP {status}")));
        }
        let reply: Value = response
            .json()
            .await
            .map_err(|e| failed(format!("not a JSON-RPC response: {e}")))?;
        if let Some(error) = reply.get("error") {
            let message = error.get("message").and_then(Value::as_str).unwrap_or("");
            let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
            return Err(failed(format!("JSON-RPC error {code}: {message}")));
        }
        let result = reply
            .get("result")
            .ok_or_else(|| failed("the response has neither `result` nor `error`".to_owned()))?;
        Ok(response_text(result))
    }
}

/// The text of a `message/send` result as the reference reads a task: the first text
/// part of the status message, else every artifact text part, one per line. A
/// result that is a message (not a task) answers with its text parts.
pub fn response_text(result: &Value) -> String {
    let texts = |parts: Option<&Value>| -> Vec<String> {
        parts
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("text").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    if result.get("status").is_none() && result.get("parts").is_some() {
        return texts(result.get("parts")).join("\n");
    }
    let status = result.pointer("/status/message/parts");
    if let Some(first) = texts(status).into_iter().next() {
        return first;
    }
    result
        .get("artifacts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|a| texts(a.get("parts")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_message_first_then_artifacts_then_a_bare_message() {
        let task = json!({"id": "t", "status": {"state": "completed", "message": {"parts": [{"text": "from status"}, {"text": "second"}]}}, "artifacts": [{"parts": [{"text": "ignored"}]}]});
        assert_eq!(response_text(&task), "from status");
        let task = json!({"id": "t", "status": {"state": "completed"}, "artifacts": [{"parts": [{"text": "a"}, {"data": {}}]}, {"parts": [{"text": "b"}]}]});
        assert_eq!(response_text(&task), "a\nb");
        let message =
            json!({"kind": "message", "role": "agent", "parts": [{"kind": "text", "text": "hi"}]});
        assert_eq!(response_text(&message), "hi");
        assert_eq!(response_text(&json!({"status": {"state": "failed"}})), "");
    }
}
