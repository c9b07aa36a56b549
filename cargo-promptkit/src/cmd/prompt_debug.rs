//! `cargo promptkit prompt-debug`: the requests a scenario's turns send, per provider,
//! without calling any API. Every provider of the plan is replaced by a recorder that
//! keeps each request the conversation builds (system prompt, messages, tools, tool
//! choice, sampling) and answers with a placeholder, so later turns are built too
//! (their history holds the placeholder, not a model's reply). Above each provider's
//! requests: its type, model, endpoint and where its credential comes from — header
//! values that carry credentials and inline keys are masked, never printed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use promptkit::arena::{RunOptions, Setup, Suite};
use promptkit::message::{Cost, Message, Role, Usage};
use promptkit::provider::{BoxFuture, ChatRequest, ChatResponse, Provider, ProviderError};
use promptkit_build::model::ProviderSpec;
use serde_json::{Value, json};

/// Flags of `prompt-debug`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The arena config.
    #[arg(short, long, default_value = "config.arena.yaml")]
    config: PathBuf,
    /// The scenario.
    #[arg(long)]
    scenario: String,
    /// Only these providers (repeat or comma-separate; default: the plan's).
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// Only the request of this turn (1-based).
    #[arg(long)]
    turn: Option<usize>,
}

/// The placeholder every recorded request is answered with.
const PLACEHOLDER: &str = "(prompt-debug: no model was called)";

/// Requests one provider received, in order.
type Recorded = Arc<Mutex<Vec<ChatRequest>>>;

struct Recorder {
    id: String,
    model: String,
    requests: Recorded,
}

impl Provider for Recorder {
    fn id(&self) -> &str {
        &self.id
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn chat<'a>(
        &'a self,
        request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(request);
        }
        Box::pin(async {
            Ok(ChatResponse {
                message: Message::text(Role::Assistant, PLACEHOLDER),
                usage: Usage::default(),
                cost: Cost::default(),
                latency: Duration::ZERO,
                finish_reason: Some("stop".into()),
            })
        })
    }
}

/// Runs `prompt-debug`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = RunOptions {
        scenarios: vec![args.scenario.clone()],
        providers: args.provider.clone(),
        ..RunOptions::default()
    };
    // First the plan (which providers run the scenario), then the same suite with each
    // of them recorded instead of called.
    let plan = match Suite::load(&args.config, options.clone(), &Setup::new()) {
        Ok(suite) => suite,
        Err(error) => {
            eprint!("{error}");
            return Ok(ExitCode::from(2));
        }
    };
    let cases = plan.cases();
    if cases.is_empty() {
        anyhow::bail!(
            "no provider runs scenario `{}` (check --scenario and --provider)",
            args.scenario
        );
    }
    let mut setup = Setup::new();
    let mut recorded: Vec<(String, Recorded, Option<ProviderSpec>)> = Vec::new();
    for case in &cases {
        if recorded.iter().any(|(id, _, _)| *id == case.provider) {
            continue;
        }
        let spec = plan
            .project()
            .providers
            .iter()
            .find(|p| p.item.id == case.provider)
            .map(|p| p.item.spec.clone());
        let model = spec
            .as_ref()
            .and_then(|s| s.model.as_ref())
            .map(|m| m.value.clone())
            .unwrap_or_default();
        let requests = Recorded::default();
        setup.provider(
            &case.provider,
            Arc::new(Recorder {
                id: case.provider.clone(),
                model,
                requests: requests.clone(),
            }),
        );
        recorded.push((case.provider.clone(), requests, spec));
    }
    let suite = match Suite::load(&args.config, options, &setup) {
        Ok(suite) => suite,
        Err(error) => {
            eprint!("{error}");
            return Ok(ExitCode::from(2));
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(suite.run(|_| {}));
    for (id, requests, spec) in &recorded {
        println!("== {} × {id} ==", args.scenario);
        if let Some(spec) = spec {
            println!("{}", serde_json::to_string_pretty(&provider_setup(spec))?);
        }
        let requests = requests.lock().map(|r| r.clone()).unwrap_or_default();
        for (n, request) in requests.iter().enumerate() {
            if args.turn.is_some_and(|t| t != n + 1) {
                continue;
            }
            println!("-- request {} --", n + 1);
            println!("{}", serde_json::to_string_pretty(&request_json(request))?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What is sent to the API (the caller context stays local).
fn request_json(request: &ChatRequest) -> Value {
    json!({
        "system": request.system,
        "messages": request.messages,
        "tools": request.tools,
        "tool_choice": request.tool_choice,
        "sampling": request.sampling,
    })
}

/// The provider's type, model and endpoint; credentials by source, values masked.
fn provider_setup(spec: &ProviderSpec) -> Value {
    let headers: serde_json::Map<String, Value> = spec
        .headers
        .iter()
        .flat_map(|h| h.iter())
        .map(|(name, value)| {
            let shown = if carries_credentials(&name.value) {
                "***".to_owned()
            } else {
                value.clone()
            };
            (name.value.clone(), Value::String(shown))
        })
        .collect();
    let credential = spec.credential.as_ref().map(|c| {
        json!({
            "api_key": c.api_key.as_ref().map(|_| "***"),
            "credential_file": c.credential_file.as_ref().map(|f| f.value.clone()),
            "credential_env": c.credential_env.as_ref().map(|e| {
                let set = std::env::var_os(&e.value).is_some();
                format!("{} ({})", e.value, if set { "set" } else { "not set" })
            }),
        })
    });
    json!({
        "type": spec.r#type.value,
        "model": spec.model.as_ref().map(|m| m.value.clone()),
        "base_url": spec.base_url.as_ref().map(|u| u.value.clone()),
        "headers": headers,
        "credential": credential,
        // Applied by the provider where the request leaves sampling unset.
        "defaults": spec.defaults,
    })
}

fn carries_credentials(header: &str) -> bool {
    let lower = header.to_ascii_lowercase();
    ["auth", "key", "token", "secret", "cookie", "signature"]
        .iter()
        .any(|word| lower.contains(word))
}
