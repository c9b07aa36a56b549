//! Workflows: a state machine over prompts (`spec.workflow` of the arena config).
//!
//! As the reference: the conversation starts in `entry` with that state's
//! `prompt_task`; the model moves it by calling the `workflow__transition` tool with an
//! `event`; the call is recorded as pending and committed when the turn ends, so the
//! next turn runs with the new state's prompt. Assertions see the current state, every
//! transition, completion (a `terminal` state) and the state each message was made in.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use promptkit_build::model::{Node, Value as YamlValue};
use serde_json::{Value, json};

use crate::assertions::{Transition, WorkflowInfo};
use crate::message::Message;
use crate::provider::ToolSpec;
use crate::tools::{Handler, ToolError, Toolbox};

/// The tool the model calls to move the workflow.
pub(crate) use promptkit_build::model::WORKFLOW_TRANSITION_TOOL as TRANSITION_TOOL;

/// One state of the machine.
#[derive(Debug, Clone, Default)]
struct State {
    prompt_task: Option<String>,
    on_event: BTreeMap<String, String>,
    terminal: bool,
    /// The skills activatable in this state (a glob of skill folders, or `none`).
    skills: Option<String>,
}

/// The state machine of an arena config.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    entry: String,
    states: BTreeMap<String, State>,
}

impl Workflow {
    /// Reads `spec.workflow`; `None` when absent or without an `entry`.
    pub fn from_node(node: &Node) -> Option<Self> {
        let map = node.value.as_map()?;
        let text = |n: &Node| n.value.as_str().map(str::to_owned);
        let entry = map.get("entry").and_then(text)?;
        let mut states = BTreeMap::new();
        if let Some(defs) = map.get("states").and_then(|s| s.value.as_map()) {
            for (name, def) in defs.iter() {
                let Some(def) = def.value.as_map() else {
                    continue;
                };
                let on_event = def
                    .get("on_event")
                    .and_then(|e| e.value.as_map())
                    .map(|events| {
                        events
                            .iter()
                            .filter_map(|(k, v)| Some((k.value.clone(), text(v)?)))
                            .collect()
                    })
                    .unwrap_or_default();
                states.insert(
                    name.value.clone(),
                    State {
                        prompt_task: def.get("prompt_task").and_then(text),
                        on_event,
                        terminal: def
                            .get("terminal")
                            .is_some_and(|t| matches!(t.value, YamlValue::Bool(true))),
                        skills: def.get("skills").and_then(text),
                    },
                );
            }
        }
        Some(Self { entry, states })
    }

    /// The prompt task of `state`.
    pub fn prompt_task(&self, state: &str) -> Option<&str> {
        self.states.get(state)?.prompt_task.as_deref()
    }
}

/// A workflow being played in one case.
#[derive(Debug)]
pub(crate) struct WorkflowRun {
    workflow: Workflow,
    state: String,
    pending: Option<String>,
    transitions: Vec<Transition>,
    message_states: Vec<Option<String>>,
}

/// Shared handle: the transition tool writes, the case runner commits.
pub(crate) type SharedRun = Arc<Mutex<WorkflowRun>>;

impl WorkflowRun {
    /// A run at the workflow's entry state.
    pub fn start(workflow: Workflow) -> SharedRun {
        let state = workflow.entry.clone();
        Arc::new(Mutex::new(Self {
            workflow,
            state,
            pending: None,
            transitions: Vec::new(),
            message_states: Vec::new(),
        }))
    }

    /// The current state's prompt task.
    pub fn prompt_task(&self) -> Option<&str> {
        self.workflow.prompt_task(&self.state)
    }

    /// The current state's skill filter (`skills`).
    pub fn skill_filter(&self) -> Option<String> {
        self.workflow.states.get(&self.state)?.skills.clone()
    }

    /// Stamps messages `from..` of `messages` with the state they were made in, then
    /// commits a pending transition; returns whether the state changed.
    pub(crate) fn end_turn(&mut self, messages: &[Message], turn: usize) -> Result<bool, String> {
        let stamp = Some(self.state.clone());
        self.message_states.resize(messages.len(), stamp);
        let Some(event) = self.pending.take() else {
            return Ok(false);
        };
        let to = self
            .workflow
            .states
            .get(&self.state)
            .and_then(|s| s.on_event.get(&event))
            .cloned()
            .ok_or_else(|| format!("event `{event}` is not valid in state `{}`", self.state))?;
        self.transitions.push(Transition {
            from: std::mem::replace(&mut self.state, to.clone()),
            to,
            turn_index: Some(turn),
        });
        Ok(true)
    }

    /// What assertions see.
    pub fn info(&self, messages: usize) -> WorkflowInfo {
        let mut message_states = self.message_states.clone();
        message_states.resize(messages, Some(self.state.clone()));
        WorkflowInfo {
            current_state: Some(self.state.clone()),
            state: Some(self.state.clone()),
            complete: Some(
                self.workflow
                    .states
                    .get(&self.state)
                    .is_some_and(|s| s.terminal),
            ),
            transitions: Some(self.transitions.clone()),
            message_states,
            transitions_invalid: false,
        }
    }

    /// The events valid in the current state.
    fn events(&self) -> Vec<String> {
        self.workflow
            .states
            .get(&self.state)
            .map(|s| s.on_event.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// Adds the transition tool to `tools`, bound to `run`.
pub(crate) fn add_transition_tool(tools: &mut Toolbox, run: &SharedRun) {
    let run_for_spec = run;
    let run = run.clone();
    let handler: Handler = Arc::new(move |args: Value| {
        let run = run.clone();
        Box::pin(async move {
            let event = args
                .get("event")
                .and_then(Value::as_str)
                .ok_or(ToolError::Failed(
                    "workflow__transition needs an `event` string".to_owned(),
                ))?
                .to_owned();
            let mut run = run.lock().unwrap_or_else(PoisonError::into_inner);
            let events = run.events();
            if !events.contains(&event) {
                return Err(ToolError::Failed(format!(
                    "event `{event}` is not valid in state `{}`; valid events: {}",
                    run.state,
                    events.join(", ")
                )));
            }
            run.pending = Some(event.clone());
            Ok(json!({"status": "transition scheduled", "event": event}))
        })
    });
    let events: Vec<String> = {
        let run = run_for_spec.lock().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<String> = run
            .workflow
            .states
            .values()
            .flat_map(|s| s.on_event.keys().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    tools.define(
        ToolSpec {
            name: TRANSITION_TOOL.to_owned(),
            description: "Move the conversation to the next workflow state by firing an event."
                .to_owned(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "event": {"type": "string", "enum": events},
                    "context": {"type": "string", "description": "What the next state needs to know."}
                },
                "required": ["event"]
            }),
        },
        handler,
    );
}
