//! Running one case: the scenario's scripted and self-play turns against one provider,
//! each turn's assertions, then the conversation assertions.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, PoisonError};

use promptkit_build::load::Item;
use promptkit_build::model::{ProviderType, ScenarioSpec, Turn};
use serde_json::{Value, json};

use super::judge::ProviderJudge;
use super::memory::{MEMORY_TOOLS, add_memory_tools};
use super::results::{
    AssertionRecord, CaseResult, Status, ToolCallRecord, TurnRecord, ValidationRecord,
};
use super::scoring::evaluate;
use super::selfplay;
use super::suite::Suite;
use super::workflow::{
    ARTIFACT_TOOL, SharedRun, TRANSITION_TOOL, Workflow, WorkflowRun, add_artifact_tool,
    add_transition_tool,
};
use crate::assertions::{AssertionContext, Evaluator, PriorResult};
use crate::conversation::{
    ContextPolicy, Conversation, PreparedPrompt, RoundHook, ToolPolicy, TurnOutcome, prepare_prompt,
};
use crate::mcp::{McpLease, SourceContext};
use crate::media::{MediaLimits, MediaRoot, turn_message};
use crate::message::{Message, Usage};
use crate::provider::{Provider, RequestContext, Sampling};
use crate::providers::cassette::{Cassette, CassetteMode};
use crate::skills::tools::{FilterSource, SKILL_TOOLS, add_skill_tools};
use crate::tools::chaos::{Chaos, ChaosRule};
use crate::tools::{Consent, Tool};
use promptkit_build::plan::{self, Case};

/// The in-turn handoff, as the reference's state resolver: after each tool round a
/// pending transition commits and the destination state's prompt (prepared up front
/// for every state, the run's artifacts filled in at the handoff) answers the next
/// round.
fn handoff(
    run: &SharedRun,
    prepare: &dyn Fn(&str) -> Result<PreparedPrompt, String>,
) -> Result<RoundHook, String> {
    let prompts: BTreeMap<String, PreparedPrompt> = {
        let run = run.lock().unwrap_or_else(PoisonError::into_inner);
        run.prompt_tasks()
            .into_iter()
            .map(|task| {
                let prompt = prepare(&task)?;
                Ok((task, prompt))
            })
            .collect::<Result<_, String>>()?
    };
    let run = run.clone();
    Ok(Arc::new(move |messages: &[Message]| {
        let mut run = run.lock().unwrap_or_else(PoisonError::into_inner);
        if !run.end_turn(messages) {
            return None;
        }
        let prompt = prompts.get(run.prompt_task()?).cloned()?;
        Some(run.fill(prompt))
    }))
}

/// `prompt` with the workflow run's artifacts and context in place (see
/// [`Workflow::marker_vars`]); as it is without a workflow.
fn fill_workflow(run: Option<&SharedRun>, prompt: PreparedPrompt) -> PreparedPrompt {
    match run {
        Some(run) => run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .fill(prompt),
        None => prompt,
    }
}

/// Plays a scenario case; an `Err` is the case's error. A live provider answers
/// through the case's cassette when the suite has cassettes (see
/// [`crate::providers::cassette`]), written back after the case.
pub(crate) async fn run(suite: &Suite, case: &Case) -> Result<CaseResult, String> {
    let lease = suite.mcp.lease(&case.scenario, source_context(suite, case));
    let result = run_leased(suite, case, &lease).await;
    suite.mcp.release(lease).await;
    result
}

/// What the case's MCP sources get: the scenario's variables and the arena's named
/// skill directories (absolute).
fn source_context(suite: &Suite, case: &Case) -> SourceContext {
    let project = &suite.project;
    let config_dir = project.config_dir();
    let config_dir = std::path::absolute(&config_dir).unwrap_or(config_dir);
    let vars = project
        .scenario(&case.scenario)
        .and_then(|s| s.spec.variables.as_ref())
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let skills = project
        .arena
        .spec
        .value
        .skills
        .iter()
        .filter_map(|s| {
            let dir = s.dir.as_ref().or(s.path.as_ref())?;
            Some((s.name.clone()?, config_dir.join(&dir.value)))
        })
        .collect();
    SourceContext { vars, skills }
}

async fn run_leased(suite: &Suite, case: &Case, lease: &McpLease) -> Result<CaseResult, String> {
    let live = match suite.providers.get(&case.provider) {
        Some(p) => Ok(p.clone()),
        None => Err(suite.provider_errors.get(&case.provider).map_or_else(
            || format!("unknown provider `{}`", case.provider),
            |e| format!("provider `{}` could not be created: {e}", case.provider),
        )),
    };
    let Some(cassette) = cassette(suite, case, live.as_ref().ok())? else {
        return play(suite, case, live?, lease).await;
    };
    let cassette = Arc::new(cassette);
    let played = play(suite, case, cassette.clone(), lease).await;
    cassette.save().map_err(|e| e.to_string())?;
    played
}

/// The cassette of a case on a live provider, when the suite has cassettes and the
/// mode needs one: recording, or replaying a file that exists (without one the
/// provider is called as before).
fn cassette(
    suite: &Suite,
    case: &Case,
    live: Option<&Arc<dyn Provider>>,
) -> Result<Option<Cassette>, String> {
    let Some(cassettes) = &suite.options.cassettes else {
        return Ok(None);
    };
    let Some(entry) = suite.project.provider(&case.provider) else {
        return Ok(None);
    };
    let kind = &entry.item.spec.r#type.value;
    if suite.options.mock_provider || matches!(kind, ProviderType::Mock | ProviderType::Replay) {
        return Ok(None);
    }
    let path = cassettes.path(&case.scenario, &case.provider, case.trial);
    if cassettes.mode == CassetteMode::Replay && !path.exists() {
        return Ok(None);
    }
    let model = live.map_or_else(
        || {
            entry
                .item
                .spec
                .model
                .as_ref()
                .map(|m| m.value.clone())
                .unwrap_or_default()
        },
        |p| p.model().to_owned(),
    );
    Cassette::open(
        &case.provider,
        model,
        path,
        cassettes.mode,
        live.cloned(),
        &cassettes.rerecord,
    )
    .map(Some)
    .map_err(|e| e.to_string())
}

/// Plays a scenario case on `provider`.
async fn play(
    suite: &Suite,
    case: &Case,
    provider: Arc<dyn Provider>,
    lease: &McpLease,
) -> Result<CaseResult, String> {
    let project = &suite.project;
    let scenario = project
        .scenario(&case.scenario)
        .ok_or_else(|| format!("unknown scenario `{}`", case.scenario))?;
    let spec = &scenario.spec;
    let workflow = project
        .arena
        .spec
        .value
        .workflow
        .as_ref()
        .and_then(Workflow::from_node)
        .map(WorkflowRun::start);
    let entry_task = workflow.as_ref().and_then(|w| {
        w.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .prompt_task()
            .map(str::to_owned)
    });
    let task_type = entry_task
        .or_else(|| spec.task_type.as_ref().map(|t| t.value.clone()))
        .ok_or_else(|| format!("scenario `{}` has no task_type", case.scenario))?;
    let skills = suite.skills.clone().map_err(|e| e.to_string())?;
    let variants = plan::perturbation_variants(spec);
    let scripted_text = |turn: &Turn| {
        let text = turn
            .content
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default();
        match variants.get(case.trial % variants.len().max(1)) {
            Some(variant) => plan::perturb(&text, variant),
            None => text,
        }
    };
    let first_user = spec
        .turns
        .first()
        .filter(|t| is_scripted_user(t))
        .map(scripted_text);
    let remote_agents = suite.agents.tools().await.map_err(|e| e.to_string())?;
    let workflow_markers = workflow
        .as_ref()
        .map(|run| {
            let run = run.lock().unwrap_or_else(PoisonError::into_inner);
            run.marker_vars()
        })
        .unwrap_or_default();
    let prepare = |task_type: &str| {
        let prompt = project
            .prompt_for_task(task_type)
            .ok_or_else(|| format!("no prompt config has task_type `{task_type}`"))?;
        let mut vars = variables(suite, prompt, spec, first_user.as_deref());
        vars.extend(workflow_markers.clone());
        let mut prepared =
            prepare_prompt(prompt, &vars, Some(provider.model())).map_err(|e| e.to_string())?;
        prepared.sampling = arena_sampling(suite, &prepared.sampling);
        if workflow.is_some() {
            prepared.allowed_tools.push(TRANSITION_TOOL.to_owned());
            prepared.allowed_tools.push(ARTIFACT_TOOL.to_owned());
        }
        if memory_enabled(suite) {
            prepared
                .allowed_tools
                .extend(MEMORY_TOOLS.iter().map(|t| (*t).to_owned()));
        }
        // Skill and agent tools are offered without being listed, as the reference's
        // implicit capability tools.
        let mut offer = |name: String| {
            if !prepared.allowed_tools.contains(&name) {
                prepared.allowed_tools.push(name);
            }
        };
        let cards = project
            .arena
            .spec
            .value
            .a2a_agents
            .iter()
            .filter(|a| a.url.is_none())
            .filter_map(|a| a.card.as_ref());
        for card in cards {
            card.skills
                .iter()
                .for_each(|s| offer(card.tool_name(&s.id.value)));
        }
        remote_agents
            .iter()
            .for_each(|t| offer(t.spec.name.clone()));
        if !skills.is_empty() {
            SKILL_TOOLS.iter().for_each(|t| offer((*t).to_owned()));
            prepared.system.push_str(&skills.preloaded_instructions());
        }
        Ok::<_, String>(prepared)
    };
    let prepared = fill_workflow(workflow.as_ref(), prepare(&task_type)?);
    let system_prompt = prepared.system.clone();
    let memory = memory_enabled(suite);
    let tools = if workflow.is_some()
        || memory
        || !suite.mcp.is_empty()
        || !skills.is_empty()
        || !remote_agents.is_empty()
    {
        let mut tools = (*suite.tools).clone();
        let listed = suite
            .mcp
            .case_tools(lease)
            .await
            .map_err(|e| e.to_string())?;
        tools.bind_mcp(&listed);
        for tool in listed {
            tools.insert(Tool::mcp(tool));
        }
        for agent in remote_agents.iter().cloned() {
            tools.define_timed(agent.spec, agent.handler, agent.timeout);
        }
        if let Some(run) = &workflow {
            add_transition_tool(&mut tools, run);
            add_artifact_tool(&mut tools, run);
        }
        if !skills.is_empty() {
            let run = workflow.clone();
            let filter: FilterSource = Arc::new(move || {
                run.as_ref().and_then(|r| {
                    r.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .skill_filter()
                })
            });
            add_skill_tools(&mut tools, &skills, filter);
        }
        if memory {
            add_memory_tools(&mut tools, &spec.seed_memories)?;
        }
        Arc::new(tools)
    } else {
        suite.tools.clone()
    };

    let calls = Arc::new(AtomicUsize::new(0));
    let context = RequestContext {
        scenario: Some(case.scenario.clone()),
        repetition: case.trial,
        ..RequestContext::default()
    };
    let mut conversation = Conversation::new(provider.clone())
        .prompt(prepared)
        .tools(tools.clone())
        .tool_policy(ToolPolicy::arena(spec.tool_policy.as_deref()))
        .context_policy(spec.context_policy.as_ref().and_then(|policy| {
            let embedder = policy
                .relevance
                .as_ref()
                .and_then(|r| suite.embedders.get(&r.provider.value).cloned());
            ContextPolicy::from_model(policy, embedder)
        }))
        .context(context.clone())
        .call_counter(calls.clone());
    if let Some(run) = &workflow {
        conversation = conversation.between_rounds(handoff(run, &prepare)?);
    }
    // `tool_exec` runs the case's tools: MCP servers and sources, agents, skills too.
    let evaluator = suite
        .evaluator
        .clone()
        .with_tool_executor(tools.clone())
        .with_judge(Arc::new(ProviderJudge::new(
            suite,
            &case.scenario,
            calls.clone(),
        )));

    // The `media:` limits of the scenario's prompt govern its scripted media parts.
    let media_limits = project.prompt_for_task(&task_type).and_then(|prompt| {
        prompt.spec.media.as_ref().map(|config| MediaLimits {
            config: &config.value,
            prompt: &prompt.id,
            file: &prompt.path,
        })
    });
    let mut turns = Vec::new();
    // A turn that cannot complete ends the case as an error, keeping what ran before.
    let mut failure = None;
    'turns: for (turn_index, turn) in spec.turns.iter().enumerate() {
        let setting = TurnSetting::of(suite, spec, turn, turn_index, case.trial);
        if is_scripted_user(turn) {
            // A turn with `parts` sends them (its `content` is not used, as the
            // reference); media that cannot be loaded (or downloaded, when on) ends the
            // case before any call.
            let message = if turn.parts.is_empty() {
                Message::user(scripted_text(turn))
            } else {
                let mut root = MediaRoot::new(&project.root, &project.config_dir(), &scenario.path);
                if let Some(fetch) = &suite.options.fetch_media {
                    match fetch.turn_media(&turn.parts, &root).await {
                        Ok(fetched) => root.fetched = fetched,
                        Err(e) => {
                            failure = Some(e.to_string());
                            break 'turns;
                        }
                    }
                }
                let checked = turn_message(&turn.parts, &root)
                    .map_err(|e| e.to_string())
                    .and_then(|message| {
                        media_limits
                            .map_or(Ok(()), |limits| {
                                limits.check(&turn.parts, &scenario.path, &message)
                            })
                            .map_err(|e| e.to_string())
                            .map(|()| message)
                    });
                match checked {
                    Ok(message) => message,
                    Err(e) => {
                        failure = Some(e);
                        break 'turns;
                    }
                }
            };
            let record = play_turn(
                &mut conversation,
                &evaluator,
                turn,
                "user",
                message,
                turns.len(),
                workflow.as_ref(),
                &prepare,
                setting,
            )
            .await;
            match record {
                Ok(record) => turns.push(record),
                Err(e) => {
                    failure = Some(e);
                    break 'turns;
                }
            }
        } else {
            let rounds = turn
                .turns
                .or(turn.max_turns)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(1);
            for k in 0..rounds {
                let next = selfplay::next_user_message(suite, case, turn, &conversation, k + 1);
                let record = match next.await {
                    Ok(text) => {
                        play_turn(
                            &mut conversation,
                            &evaluator,
                            turn,
                            &turn.role.value,
                            Message::user(text),
                            turns.len(),
                            workflow.as_ref(),
                            &prepare,
                            TurnSetting {
                                seed: setting.seed ^ ((k as u64) << 16),
                                ..setting
                            },
                        )
                        .await
                    }
                    Err(e) => Err(e),
                };
                match record {
                    Ok(record) => turns.push(record),
                    Err(e) => {
                        failure = Some(e);
                        break 'turns;
                    }
                }
            }
        }
    }

    if fails_on_validation(suite) {
        for t in &mut turns {
            let triggered: Vec<AssertionRecord> = t
                .validations
                .iter()
                .filter(|v| v.triggered)
                .map(|v| AssertionRecord {
                    assertion_type: "validation_error".into(),
                    passed: false,
                    skipped: false,
                    message: format!(
                        "validator `{}` triggered (defaults.fail_on: validation_error): {}",
                        v.validator_type, v.message
                    ),
                    details: json!({"validator": v.validator_type}),
                    pass_threshold: None,
                })
                .collect();
            t.assertions.extend(triggered);
        }
    }

    let messages = conversation.messages().to_vec();
    let mut usage = Usage::default();
    let mut cost_usd = Some(0.0);
    let mut latency = 0.0;
    for t in &turns {
        usage += t.usage;
        cost_usd = cost_usd.zip(t.cost_usd).map(|(a, b): (f64, f64)| a + b);
        latency += t.latency_ms;
    }
    let mut ctx = AssertionContext::from_messages(messages.clone());
    // The conversation's tool calls carry the errors their turns recorded (so failed
    // calls, such as refused skill activations, do not count as successes).
    let recorded: Vec<&ToolCallRecord> = turns.iter().flat_map(|t| &t.tool_calls).collect();
    if recorded.len() == ctx.tool_calls.len() {
        for (call, record) in ctx.tool_calls.iter_mut().zip(recorded) {
            call.error = record.error.clone();
            call.latency_ms = Some(record.latency_ms);
        }
    }
    ctx.usage = usage;
    ctx.cost = crate::message::Cost { usd: cost_usd };
    ctx.latency_ms = Some(latency);
    ctx.turn_index = turns.len().saturating_sub(1);
    ctx.metadata
        .insert("system_prompt".into(), Value::String(system_prompt.clone()));
    if let Some(run) = &workflow {
        let run = run.lock().unwrap_or_else(PoisonError::into_inner);
        ctx.workflow = run.info(messages.len());
        // What the limits refused and the artifacts recorded, for custom assertions
        // and judges (the reference emits them as workflow events).
        ctx.metadata
            .insert("workflow_limits".into(), json!(run.limits()));
        ctx.metadata
            .insert("workflow_artifacts".into(), json!(run.artifacts()));
    }
    let globals = project
        .arena
        .spec
        .value
        .globals
        .as_ref()
        .map(|g| g.conversation_assertions.as_slice())
        .unwrap_or_default();
    let mut conversation_assertions = Vec::new();
    // Conversation assertions judge a whole conversation; an interrupted one has none.
    let conversation_level = if failure.is_some() {
        &[][..]
    } else {
        spec.conversation_assertions.as_slice()
    };
    let globals = if failure.is_some() { &[][..] } else { globals };
    for assertion in conversation_level.iter().chain(globals) {
        conversation_assertions.push(evaluate(&evaluator, assertion, &ctx, &ctx.tool_calls).await);
    }

    let evals = super::pack_evals::run_session_evals(
        &evaluator,
        &super::pack_evals::definitions(suite),
        &ctx,
        &super::results::case_name(&case.scenario, &case.provider, case.trial, case.trials),
    )
    .await;

    let failed = turns
        .iter()
        .flat_map(|t| &t.assertions)
        .chain(&conversation_assertions)
        .any(|a| !a.passed);
    Ok(CaseResult {
        scenario: case.scenario.clone(),
        provider: case.provider.clone(),
        trial: case.trial,
        trials: case.trials,
        status: match (&failure, failed) {
            (Some(_), _) => Status::Error,
            (None, true) => Status::Failed,
            (None, false) => Status::Passed,
        },
        error: failure,
        turns,
        conversation_assertions,
        evals,
        system_prompt,
        usage,
        cost_usd,
        duration_ms: 0.0,
        media: super::results::CaseMedia::of(&messages),
        workflow: workflow
            .as_ref()
            .map(|run| run.lock().unwrap_or_else(PoisonError::into_inner).report()),
        messages,
    })
}

/// Whether `turn` is a scripted user message (not a self-play turn).
fn is_scripted_user(turn: &Turn) -> bool {
    turn.role.value == "user" && turn.persona.is_none()
}

/// Template values: the arena's `prompt_configs[].vars`, then the scenario's
/// `variables`, then — for names neither sets nor the prompt declares — the scenario
/// context the reference extracts (`domain`, `user_role`, `user_context`,
/// `context_slot`), with `first_user` the conversation's first scripted message.
fn variables(
    suite: &Suite,
    prompt: &Item<promptkit_build::model::PromptSpec>,
    spec: &ScenarioSpec,
    first_user: Option<&str>,
) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    let arena = &suite.project.arena.spec.value;
    if let Some(config_vars) = arena
        .prompt_configs
        .iter()
        .find(|c| c.id.value == prompt.id)
        .and_then(|c| c.vars.as_ref())
    {
        for (k, v) in config_vars.iter() {
            vars.insert(k.value.clone(), v.value.clone());
        }
    }
    if let Some(scenario_vars) = &spec.variables {
        for (k, v) in scenario_vars.iter() {
            vars.insert(k.value.clone(), v.value.clone());
        }
    }
    for (name, value) in scenario_context(spec, first_user) {
        let declared = prompt.spec.variables.iter().any(|d| d.name.value == name);
        if !declared {
            vars.entry(name.to_owned()).or_insert(value);
        }
    }
    vars
}

/// The scenario context variables, as the reference extracts them: `domain` and
/// `user_role` (also `user_context`) from `context_metadata`, and `context_slot` from
/// the description and the first user message (150 bytes at most), else
/// "<task_type> conversation".
fn scenario_context(spec: &ScenarioSpec, first_user: Option<&str>) -> [(&'static str, String); 4] {
    const MAX_CONTEXT: usize = 150;
    let meta = spec.context_metadata.as_ref();
    let domain = meta.and_then(|m| m.domain.clone()).unwrap_or_default();
    let role = meta.and_then(|m| m.user_role.clone()).unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(d) = spec.description.as_ref().filter(|d| !d.value.is_empty()) {
        parts.push(d.value.clone());
    }
    if let Some(text) = first_user.filter(|t| !t.is_empty()) {
        let shown = if text.len() > MAX_CONTEXT {
            let mut end = MAX_CONTEXT;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}...", &text[..end])
        } else {
            text.to_owned()
        };
        parts.push(format!("User wants to: {shown}"));
    }
    let slot = if parts.is_empty() {
        format!(
            "{} conversation",
            spec.task_type
                .as_ref()
                .map(|t| t.value.as_str())
                .unwrap_or_default()
        )
    } else {
        parts.join(". ")
    };
    [
        ("domain", domain),
        ("user_context", role.clone()),
        ("user_role", role),
        ("context_slot", slot),
    ]
}

/// Sends one user message and evaluates the turn's assertions.
#[allow(clippy::too_many_arguments)]
async fn play_turn(
    conversation: &mut Conversation,
    evaluator: &Evaluator,
    turn: &Turn,
    role: &str,
    message: Message,
    index: usize,
    workflow: Option<&SharedRun>,
    prepare: &dyn Fn(&str) -> Result<PreparedPrompt, String>,
    setting: TurnSetting,
) -> Result<TurnRecord, String> {
    let consent: Consent = turn
        .consent_overrides
        .as_ref()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let before = conversation.messages().len();
    let sampling = conversation.current_sampling().clone();
    if let Some(t) = &turn.assistant_temp {
        conversation.set_sampling(Sampling {
            temperature: Some(t.value),
            ..sampling.clone()
        });
    }
    conversation.set_chaos(turn.chaos.as_ref().map(|c| chaos_of(c, setting.seed)));
    let text = message.content.clone();
    if let Some(run) = workflow {
        run.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .begin_turn(index);
    }
    let outcome = if setting.streaming {
        conversation.send_streaming(message, &consent, |_| {}).await
    } else {
        conversation.send_message(message, &consent).await
    };
    conversation.set_sampling(sampling);
    conversation.set_chaos(None);
    let outcome = outcome.map_err(|e| e.to_string())?;
    // As the reference: turn assertions see the whole conversation so far (tool calls
    // of earlier turns included), while `when:` conditions look at this turn only.
    // The history is shared, not copied; only turns that assert on it pay for reading
    // its tool calls.
    let history = if turn.assertions.is_empty() {
        Arc::default()
    } else {
        Arc::clone(conversation.shared_messages())
    };
    let mut ctx = turn_context(history, &outcome, index, conversation);
    if let Some(run) = workflow {
        // The transition the model asked for is committed when its turn ends; the
        // next turn runs with the new state's prompt.
        let next_task = {
            let mut run = run.lock().unwrap_or_else(PoisonError::into_inner);
            let changed = run.end_turn(conversation.messages());
            ctx.workflow = run.info(conversation.messages().len());
            changed
                .then(|| run.prompt_task().map(str::to_owned))
                .flatten()
        };
        if let Some(task) = next_task {
            conversation.set_prompt(fill_workflow(Some(run), prepare(&task)?));
        }
    }
    let this_turn = AssertionContext::from_messages(conversation.messages()[before..].to_vec());
    let mut assertions = Vec::new();
    for assertion in &turn.assertions {
        assertions.push(evaluate(evaluator, assertion, &ctx, &this_turn.tool_calls).await);
    }
    Ok(TurnRecord {
        index,
        role: role.to_owned(),
        user: text,
        reply: outcome.reply.content.clone(),
        tool_calls: outcome
            .tool_outputs
            .iter()
            .map(|o| ToolCallRecord {
                name: o.call.name.clone(),
                arguments: o.call.arguments.clone(),
                result: o.result.clone(),
                error: o.error.clone(),
                latency_ms: o.latency.as_secs_f64() * 1000.0,
            })
            .collect(),
        assertions,
        validations: outcome
            .validations
            .iter()
            .map(|v| ValidationRecord {
                validator_type: v.validator_type.clone(),
                triggered: v.triggered,
                message: v.message.clone(),
            })
            .collect(),
        usage: outcome.usage,
        cost_usd: outcome.cost.usd,
        latency_ms: outcome.latency.as_secs_f64() * 1000.0,
        streamed: outcome.streamed,
        time_to_first_token_ms: outcome
            .time_to_first_token
            .map(|d| d.as_secs_f64() * 1000.0),
        finish_reason: outcome.finish_reason.clone(),
    })
}

/// How one turn runs: streamed or not, and the seed its chaos draws come from.
#[derive(Debug, Clone, Copy)]
struct TurnSetting {
    streaming: bool,
    seed: u64,
}

impl TurnSetting {
    /// The setting of `turn` (the `index`-th of `spec`), as the reference: the turn's
    /// `streaming` else the scenario's; the turn's `seed` else the arena's
    /// `defaults.seed`, mixed with the trial and the turn's position so every turn of
    /// every trial draws differently and every run with that seed draws the same.
    fn of(suite: &Suite, spec: &ScenarioSpec, turn: &Turn, index: usize, trial: usize) -> Self {
        let base = turn
            .seed
            .or_else(|| arena_defaults(suite).and_then(|d| d.seed));
        let seed = (base.unwrap_or(0) as u64)
            ^ ((trial as u64) << 32)
            ^ (index as u64).wrapping_mul(0x0100_0000_01b3);
        Self {
            streaming: turn.streaming.or(spec.streaming).unwrap_or(false),
            seed,
        }
    }
}

/// The runtime form of a turn's `chaos` block.
fn chaos_of(config: &promptkit_build::model::ChaosConfig, seed: u64) -> Chaos {
    Chaos::new(
        config
            .tool_failures
            .iter()
            .map(|f| ChaosRule {
                tool: f.tool.value.clone(),
                mode: f.mode.value.clone(),
                probability: f.probability,
                message: f.message.clone(),
            })
            .collect(),
        seed,
    )
}

/// The sampling of an arena conversation, as the reference: the arena's
/// `defaults.temperature` and `max_tokens` when set (non-zero) and `defaults.seed`,
/// else the prompt's `parameters` (a documented addition: the reference's Arena
/// ignores them, its SDK applies them), else the provider's own defaults.
fn arena_sampling(suite: &Suite, prompt: &Sampling) -> Sampling {
    let defaults = arena_defaults(suite);
    Sampling {
        temperature: defaults
            .and_then(|d| d.temperature.as_ref())
            .map(|t| t.value)
            .filter(|t| *t != 0.0)
            .or(prompt.temperature),
        top_p: prompt.top_p,
        max_tokens: defaults
            .and_then(|d| d.max_tokens.as_ref())
            .and_then(|t| u64::try_from(t.value).ok())
            .filter(|t| *t > 0)
            .or(prompt.max_tokens),
        seed: defaults.and_then(|d| d.seed).or(prompt.seed),
    }
}

/// The assertion context of a turn: its messages, tool calls with results or errors,
/// validator outcomes, usage, cost and latency.
fn turn_context(
    messages: Arc<Vec<Message>>,
    outcome: &TurnOutcome,
    index: usize,
    conversation: &Conversation,
) -> AssertionContext {
    let mut ctx = AssertionContext::from_messages(messages);
    let earlier = ctx
        .tool_calls
        .len()
        .saturating_sub(outcome.tool_outputs.len());
    for (record, output) in ctx.tool_calls[earlier..]
        .iter_mut()
        .zip(&outcome.tool_outputs)
    {
        record.result = output.result_with_media();
        record.error = output.error.clone();
        record.latency_ms = Some(output.latency.as_secs_f64() * 1000.0);
    }
    ctx.response = outcome.reply.content.clone();
    ctx.turn_index = index;
    ctx.usage = outcome.usage;
    ctx.cost = outcome.cost;
    ctx.latency_ms = Some(outcome.latency.as_secs_f64() * 1000.0);
    ctx.prior_results = outcome
        .validations
        .iter()
        .map(|v| v.to_prior_result())
        .collect::<Vec<PriorResult>>();
    if let Some(system) = conversation.system_prompt() {
        ctx.metadata
            .insert("system_prompt".into(), Value::String(system.to_owned()));
    }
    ctx
}

/// Whether `defaults.fail_on` lists `validation_error`: a triggered validator then fails
/// its turn (assertion failures and provider errors always count).
fn fails_on_validation(suite: &Suite) -> bool {
    arena_defaults(suite).is_some_and(|d| d.fail_on.iter().any(|f| f.value == "validation_error"))
}

/// The arena config's `defaults`.
fn arena_defaults(suite: &Suite) -> Option<&promptkit_build::model::Defaults> {
    suite.project.arena.spec.value.defaults.as_ref()
}

/// Whether the arena config enables agent memory (`memory: {enabled: true}`).
fn memory_enabled(suite: &Suite) -> bool {
    suite
        .project
        .arena
        .spec
        .value
        .memory
        .as_ref()
        .is_some_and(|m| {
            m.value
                .as_map()
                .and_then(|m| m.get("enabled"))
                .is_some_and(|e| e.value.as_bool() == Some(true))
        })
}
