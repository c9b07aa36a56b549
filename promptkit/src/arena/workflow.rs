//! Workflows: a state machine over prompts (`spec.workflow` of the arena config).
//!
//! As the reference: the conversation starts in `entry` with that state's
//! `prompt_task`; the model moves it by calling the `workflow__transition` tool with an
//! `event`; the call is recorded as pending and committed when the turn ends, so the
//! next turn runs with the new state's prompt. Assertions see the current state, every
//! transition, completion (a `terminal` state) and the state each message was made in.
//!
//! The limits of the reference's RFC 0009 apply at commit time, as its state machine
//! does: the engine `budget` (`max_total_visits`, `max_tool_calls` counted over the
//! run, `max_wall_time_sec`) first, then a terminal state refuses events, then a
//! target state entered `max_visits` times redirects to its `on_max_visits` (or the
//! transition is refused). A refused commit keeps the state, as the reference's arena
//! logs it and goes on; the refusal is recorded in `limits`. `workflow__set_artifact`
//! stores artifacts (`mode: append` appends); the states' prompts read them as
//! `{{artifacts.<name>}}`, and the last transition's `context` as
//! `{{workflow_context}}`, rendered at every handoff.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use promptkit_build::model::{Node, Value as YamlValue};
use serde_json::{Value, json};

use super::results::WorkflowReport;
use crate::assertions::{Transition, WorkflowInfo};
use crate::conversation::PreparedPrompt;
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
    /// How often the state may be entered (0: no cap).
    max_visits: usize,
    /// Where a transition goes once `max_visits` is reached.
    on_max_visits: Option<String>,
    /// Artifact name → mode (`append` or replace).
    artifacts: BTreeMap<String, String>,
}

impl State {
    /// Terminal as the reference: marked, or without outgoing events.
    fn is_terminal(&self) -> bool {
        self.terminal || self.on_event.is_empty()
    }
}

/// `engine.budget`: limits over the whole run (0: no limit).
#[derive(Debug, Clone, Copy, Default)]
struct Budget {
    max_total_visits: usize,
    max_tool_calls: usize,
    max_wall_time_sec: u64,
}

/// A whole number at `key` of `map`, 0 when absent or not a number.
fn count(map: &promptkit_build::model::Map, key: &str) -> usize {
    map.get(key)
        .and_then(|n| match &n.value {
            YamlValue::Int(i) => usize::try_from(*i).ok(),
            _ => None,
        })
        .unwrap_or(0)
}

/// The state machine of an arena config.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    entry: String,
    states: BTreeMap<String, State>,
    budget: Budget,
}

impl Workflow {
    /// The template variables a workflow supplies to its states' prompts, each bound
    /// to a marker: `artifacts.<name>` for every declared artifact and
    /// `workflow_context`. Prompts are prepared once with the markers in place, and
    /// [`WorkflowRun::fill`] puts the run's current values in whenever a prompt is used
    /// (the reference renders them at each handoff).
    pub fn marker_vars(&self) -> BTreeMap<String, String> {
        self.states
            .values()
            .flat_map(|s| s.artifacts.keys())
            .map(|name| format!("artifacts.{name}"))
            .chain([CONTEXT_VAR.to_owned()])
            .map(|var| {
                let marker = marker(&var);
                (var, marker)
            })
            .collect()
    }

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
                        max_visits: count(def, "max_visits"),
                        on_max_visits: def.get("on_max_visits").and_then(text),
                        artifacts: def
                            .get("artifacts")
                            .and_then(|a| a.value.as_map())
                            .map(|defs| {
                                defs.iter()
                                    .map(|(name, d)| {
                                        let mode = d
                                            .value
                                            .as_map()
                                            .and_then(|d| d.get("mode"))
                                            .and_then(text)
                                            .unwrap_or_default();
                                        (name.value.clone(), mode)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    },
                );
            }
        }
        let budget = map
            .get("engine")
            .and_then(|e| e.value.as_map())
            .and_then(|e| e.get("budget"))
            .and_then(|b| b.value.as_map())
            .map(|b| Budget {
                max_total_visits: count(b, "max_total_visits"),
                max_tool_calls: count(b, "max_tool_calls"),
                max_wall_time_sec: count(b, "max_wall_time_sec") as u64,
            })
            .unwrap_or_default();
        Some(Self {
            entry,
            states,
            budget,
        })
    }

    /// Every state's prompt task.
    pub fn prompt_tasks(&self) -> impl Iterator<Item = &str> {
        self.states
            .values()
            .filter_map(|s| s.prompt_task.as_deref())
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
    pending_context: Option<String>,
    context: String,
    transitions: Vec<Transition>,
    message_states: Vec<Option<String>>,
    visits: BTreeMap<String, usize>,
    tool_calls: usize,
    counted_messages: usize,
    started: Instant,
    artifacts: BTreeMap<String, String>,
    limits: Vec<String>,
    turn: usize,
}

/// The variable holding the `context` of the transition that led to the current state.
const CONTEXT_VAR: &str = "workflow_context";

/// The marker standing for `var` in a prepared prompt (private-use characters, so
/// neither a template nor a value can write it by accident).
fn marker(var: &str) -> String {
    format!("\u{E000}{var}\u{E001}")
}

/// Shared handle: the transition tool writes, the case runner commits.
pub(crate) type SharedRun = Arc<Mutex<WorkflowRun>>;

impl WorkflowRun {
    /// A run at the workflow's entry state.
    pub fn start(workflow: Workflow) -> SharedRun {
        let state = workflow.entry.clone();
        Arc::new(Mutex::new(Self {
            workflow,
            visits: BTreeMap::from([(state.clone(), 1)]),
            state,
            pending: None,
            pending_context: None,
            context: String::new(),
            transitions: Vec::new(),
            message_states: Vec::new(),
            tool_calls: 0,
            counted_messages: 0,
            started: Instant::now(),
            artifacts: BTreeMap::new(),
            limits: Vec::new(),
            turn: 0,
        }))
    }

    /// Every state's prompt task.
    pub fn prompt_tasks(&self) -> Vec<String> {
        self.workflow.prompt_tasks().map(str::to_owned).collect()
    }

    /// The template variables of the workflow (see [`Workflow::marker_vars`]).
    pub fn marker_vars(&self) -> BTreeMap<String, String> {
        self.workflow.marker_vars()
    }

    /// The current state's prompt task.
    pub fn prompt_task(&self) -> Option<&str> {
        self.workflow.prompt_task(&self.state)
    }

    /// The current state's skill filter (`skills`).
    pub fn skill_filter(&self) -> Option<String> {
        self.workflow.states.get(&self.state)?.skills.clone()
    }

    /// Stamps the messages not yet stamped with the state they were made in, counts
    /// their tool calls toward the budget, then commits a pending transition under
    /// the limits; returns whether the state changed. Called after every tool round
    /// (the destination state answers within the turn, as the reference) and at the
    /// end of a turn.
    pub fn end_turn(&mut self, messages: &[Message]) -> bool {
        let stamp = Some(self.state.clone());
        self.message_states.resize(messages.len(), stamp);
        self.tool_calls += messages
            .get(self.counted_messages..)
            .unwrap_or_default()
            .iter()
            .map(|m| m.tool_calls.len())
            .sum::<usize>();
        self.counted_messages = self.counted_messages.max(messages.len());
        let Some(event) = self.pending.take() else {
            return false;
        };
        let to = match self.target(&event) {
            Ok(to) => to,
            Err(refusal) => {
                self.limits.push(refusal);
                return false;
            }
        };
        self.context = self.pending_context.take().unwrap_or_default();
        *self.visits.entry(to.clone()).or_default() += 1;
        self.transitions.push(Transition {
            from: std::mem::replace(&mut self.state, to.clone()),
            to,
            turn_index: Some(self.turn),
        });
        true
    }

    /// Marks the start of scripted turn `index` (transitions record it).
    pub fn begin_turn(&mut self, index: usize) {
        self.turn = index;
    }

    /// Where `event` leads under the limits, or why it does not.
    fn target(&self, event: &str) -> Result<String, String> {
        let budget = self.workflow.budget;
        let total: usize = self.visits.values().sum();
        let elapsed = self.started.elapsed().as_secs();
        let exhausted = [
            ("max_total_visits", budget.max_total_visits, total),
            ("max_tool_calls", budget.max_tool_calls, self.tool_calls),
            (
                "max_wall_time_sec",
                usize::try_from(budget.max_wall_time_sec).unwrap_or(usize::MAX),
                usize::try_from(elapsed).unwrap_or(usize::MAX),
            ),
        ]
        .into_iter()
        .find(|(_, max, current)| *max > 0 && current >= max);
        if let Some((limit, max, current)) = exhausted {
            return Err(format!(
                "workflow budget exhausted: {limit} is {max} and the run is at {current} (state `{}`, event `{event}` not applied)",
                self.state
            ));
        }
        let Some(state) = self.workflow.states.get(&self.state) else {
            return Err(format!("state `{}` is not defined", self.state));
        };
        if state.is_terminal() {
            return Err(format!(
                "state `{}` is terminal: event `{event}` not applied",
                self.state
            ));
        }
        let target = state
            .on_event
            .get(event)
            .cloned()
            .ok_or_else(|| format!("event `{event}` is not valid in state `{}`", self.state))?;
        let Some(target_state) = self.workflow.states.get(&target) else {
            return Ok(target);
        };
        let visits = self.visits.get(&target).copied().unwrap_or(0);
        if target_state.max_visits == 0 || visits < target_state.max_visits {
            return Ok(target);
        }
        match &target_state.on_max_visits {
            Some(redirect) => Ok(redirect.clone()),
            None => Err(format!(
                "max visits exceeded: state `{target}` was entered {visits} times (max_visits {}); event `{event}` from `{}` not applied",
                target_state.max_visits, self.state
            )),
        }
    }

    /// The transitions a limit refused, with why (the reference's
    /// `workflow.max_visits_exceeded` / `workflow.budget_exhausted`).
    pub fn limits(&self) -> &[String] {
        &self.limits
    }

    /// Sets artifact `name` as its declared mode says (`append` appends).
    fn set_artifact(&mut self, name: &str, value: &str) {
        let mode = self
            .workflow
            .states
            .get(&self.state)
            .and_then(|s| s.artifacts.get(name))
            .or_else(|| {
                self.workflow
                    .states
                    .values()
                    .find_map(|s| s.artifacts.get(name))
            });
        let slot = self.artifacts.entry(name.to_owned()).or_default();
        if mode.is_some_and(|m| m == "append") {
            slot.push_str(value);
        } else {
            value.clone_into(slot);
        }
    }

    /// `prompt` with the markers of [`Workflow::marker_vars`] replaced by the run's
    /// artifacts (empty until set) and the last transition's `context`.
    pub fn fill(&self, mut prompt: PreparedPrompt) -> PreparedPrompt {
        if !prompt.system.contains('\u{E000}') {
            return prompt;
        }
        for var in self.workflow.marker_vars().into_keys() {
            let value = match var.strip_prefix("artifacts.") {
                Some(name) => self.artifacts.get(name).map_or("", String::as_str),
                None => self.context.as_str(),
            };
            prompt.system = prompt.system.replace(&marker(&var), value);
        }
        prompt
    }

    /// The artifacts set so far.
    pub fn artifacts(&self) -> &BTreeMap<String, String> {
        &self.artifacts
    }

    /// Where the run stands, for reports.
    pub fn report(&self) -> WorkflowReport {
        WorkflowReport {
            state: self.state.clone(),
            complete: self.is_complete(),
            transitions: self.transitions.clone(),
            artifacts: self.artifacts.clone(),
            limits: self.limits.clone(),
        }
    }

    fn is_complete(&self) -> bool {
        self.workflow
            .states
            .get(&self.state)
            .is_none_or(State::is_terminal)
    }

    /// What assertions see.
    pub fn info(&self, messages: usize) -> WorkflowInfo {
        let mut message_states = self.message_states.clone();
        message_states.resize(messages, Some(self.state.clone()));
        WorkflowInfo {
            current_state: Some(self.state.clone()),
            state: Some(self.state.clone()),
            complete: Some(self.is_complete()),
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
            run.pending_context = args
                .get("context")
                .and_then(Value::as_str)
                .map(str::to_owned);
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

/// The tool the model calls to record an artifact.
pub(crate) use promptkit_build::model::WORKFLOW_ARTIFACT_TOOL as ARTIFACT_TOOL;

/// Adds `workflow__set_artifact` to `tools`, bound to `run`.
pub(crate) fn add_artifact_tool(tools: &mut Toolbox, run: &SharedRun) {
    let run = run.clone();
    let handler: Handler = Arc::new(move |args: Value| {
        let run = run.clone();
        Box::pin(async move {
            let field = |key: &str| args.get(key).and_then(Value::as_str).map(str::to_owned);
            let name = field("name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| "artifact name is required".to_owned())?;
            let value = field("value").unwrap_or_default();
            run.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .set_artifact(&name, &value);
            Ok(json!({"status": "artifact_set", "name": name}))
        })
    });
    tools.define(
        ToolSpec {
            name: ARTIFACT_TOOL.to_owned(),
            description: "Record a workflow artifact (a named value kept across states)."
                .to_owned(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The artifact's name."},
                    "value": {"type": "string", "description": "The value to store or append."}
                },
                "required": ["name", "value"]
            }),
        },
        handler,
    );
}
