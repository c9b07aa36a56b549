//! A2A agents as tools (`spec.a2a_agents`): each skill of an agent's card is a tool
//! named `a2a__<agent>__<skill>` taking a `query`, as the reference's bridge offers
//! them. Mock agents answer from their response rules (in order: same skill, then a
//! case-insensitive `contains` or a `regex` on the query; the first match answers) with
//! the reference's result, `{"response": "<text parts, one per line>"}`; a rule's
//! `error` is a failed task, whose message the reference also returns as the
//! response. The calls are the trace the `agent_*` assertions read. Remote agents
//! (`url`) are called over HTTP by [`RemoteAgents`].

mod remote;

pub use remote::{A2aError, RemoteAgents, RemoteTool, response_text};

use std::sync::Arc;

use promptkit_build::model::{A2aAgentConfig, A2aResponseRule};
use regex::Regex;
use serde_json::{Value, json};

use crate::mcp::ToolFilter;
use crate::provider::ToolSpec;
use crate::tools::{Handler, ToolError, Toolbox};

/// A mock agent's rules, compiled.
struct Rule {
    skill: String,
    contains: Option<String>,
    regex: Option<Regex>,
    answer: Answer,
}

enum Answer {
    Parts(Vec<String>),
    Failed(String),
    Nothing,
}

impl Rule {
    fn from_config(rule: &A2aResponseRule) -> Result<Self, String> {
        let matcher = rule.r#match.as_ref();
        let regex = matcher
            .and_then(|m| m.regex.as_ref())
            .map(|r| Regex::new(&r.value).map_err(|e| format!("invalid regex `{}`: {e}", r.value)))
            .transpose()?;
        let answer = match (&rule.error, &rule.response) {
            (Some(error), _) => Answer::Failed(error.clone()),
            (None, Some(response)) => {
                Answer::Parts(response.parts.iter().map(|p| p.text.clone()).collect())
            }
            (None, None) => Answer::Nothing,
        };
        Ok(Self {
            skill: rule.skill.value.clone(),
            contains: matcher
                .and_then(|m| m.contains.as_ref())
                .map(|c| c.to_lowercase()),
            regex,
            answer,
        })
    }

    fn matches(&self, skill: &str, query: &str) -> bool {
        (self.skill.is_empty() || self.skill == skill)
            && self
                .contains
                .as_ref()
                .is_none_or(|c| query.to_lowercase().contains(c))
            && self.regex.as_ref().is_none_or(|r| r.is_match(query))
    }
}

/// Adds the tools of every mock agent of `agents` to `tools` (an agent with a `url` is
/// remote: its `card` and `responses` are ignored, as in the reference).
pub fn add_agent_tools(tools: &mut Toolbox, agents: &[A2aAgentConfig]) {
    for agent in agents.iter().filter(|a| a.url.is_none()) {
        let Some(card) = &agent.card else { continue };
        let rules: Result<Vec<Rule>, String> =
            agent.responses.iter().map(Rule::from_config).collect();
        let rules = Arc::new(rules.map_err(|e| format!("A2A agent `{}`: {e}", agent.name.value)));
        let filter = agent
            .skill_filter
            .as_ref()
            .map(ToolFilter::from_config)
            .unwrap_or_default();
        for skill in card.skills.iter().filter(|s| filter.includes(&s.id.value)) {
            let spec = ToolSpec {
                name: card.tool_name(&skill.id.value),
                description: skill
                    .description
                    .clone()
                    .unwrap_or_else(|| skill.name.clone()),
                input_schema: query_schema(),
            };
            tools.define(spec, handler(&rules, &agent.name.value, &skill.id.value));
        }
    }
}

/// The arguments of every agent tool: a `query` string.
fn query_schema() -> Value {
    json!({"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]})
}

fn handler(rules: &Arc<Result<Vec<Rule>, String>>, agent: &str, skill: &str) -> Handler {
    let (rules, agent, skill) = (rules.clone(), agent.to_owned(), skill.to_owned());
    Arc::new(move |args: Value| {
        let result = answer(&rules, &agent, &skill, &args);
        Box::pin(async move { result.map_err(ToolError::Failed) })
    })
}

/// What the mock agent answers `args`.
fn answer(
    rules: &Result<Vec<Rule>, String>,
    agent: &str,
    skill: &str,
    args: &Value,
) -> Result<Value, String> {
    let rules = rules.as_ref().map_err(Clone::clone)?;
    let query = args
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let answered = rules
        .iter()
        .filter(|r| r.matches(skill, query))
        .find_map(|r| match &r.answer {
            Answer::Parts(parts) => Some(parts.join("\n")),
            Answer::Failed(message) => Some(message.clone()),
            Answer::Nothing => None,
        });
    match answered {
        Some(text) => Ok(json!({"response": text})),
        None => Err(format!(
            "A2A agent `{agent}`: no matching rule for skill `{skill}` (add a response rule without `match` as a fallback)"
        )),
    }
}
