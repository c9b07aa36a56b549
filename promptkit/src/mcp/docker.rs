//! The built-in `docker` MCP source, as the reference's: `docker run -d --rm` of
//! `source_args.image` with the container's port 8080 published on a free loopback
//! port, `env` as `-e` and `mounts` as `-v` (`:ro` when `readonly`); an optional `repo`
//! (and `branch`) cloned into `/workspace` with `docker exec … git clone`; then
//! `GET /sse` polled until it answers 2xx (20 s), and the server reached over the
//! legacy SSE transport at `http://localhost:<port>`. The scope's end runs
//! `docker stop --time=3` (the container is `--rm`); a container whose endpoint is
//! dropped without it (a panic, an interrupted run) is stopped by a `docker stop` started
//! from the drop.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::source::{McpEndpoint, McpSource};
use crate::provider::BoxFuture;

/// The port the sandbox image serves MCP on inside the container.
const CONTAINER_PORT: u16 = 8080;
/// How long the container has to answer `GET /sse`.
const HEALTH_WAIT: Duration = Duration::from_secs(20);
/// The pause between two health probes.
const HEALTH_POLL: Duration = Duration::from_millis(200);

/// Starts MCP servers in Docker containers through the `docker` command line.
#[derive(Debug, Clone)]
pub struct DockerSource {
    program: String,
}

impl Default for DockerSource {
    fn default() -> Self {
        Self::new()
    }
}

impl DockerSource {
    /// The source running `docker` from `PATH`.
    pub fn new() -> Self {
        Self::with_program("docker")
    }

    /// The source running `program` as its Docker command line.
    pub fn with_program(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
        }
    }

    async fn docker(&self, args: &[String]) -> Result<String, String> {
        let output = tokio::process::Command::new(&self.program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .map_err(|e| {
                format!(
                    "cannot run `{}`: {e}; the docker source needs the Docker command line on PATH",
                    self.program
                )
            })?;
        if !output.status.success() {
            return Err(format!(
                "`docker {}` failed ({}): {}",
                args.first().map_or("", String::as_str),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }
}

impl McpSource for DockerSource {
    fn open<'a>(
        &'a self,
        args: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<McpEndpoint, String>> {
        Box::pin(async move {
            let image = args
                .get("image")
                .and_then(Value::as_str)
                .filter(|i| !i.is_empty())
                .ok_or("docker source: `source_args.image` is required")?;
            let port = free_port().map_err(|e| format!("docker source: no free port: {e}"))?;
            let id = self.docker(&run_args(image, port, args)).await?;
            let container = std::sync::Arc::new(Container {
                program: self.program.clone(),
                id: id.clone(),
                stopped: std::sync::atomic::AtomicBool::new(false),
            });
            let url = format!("http://localhost:{port}");
            let stop = move || async move { container.stop().await };
            let ready = async {
                if let Some(repo) = args
                    .get("repo")
                    .and_then(Value::as_str)
                    .filter(|r| !r.is_empty())
                {
                    let mut clone = vec!["exec".into(), id.clone(), "git".into(), "clone".into()];
                    if let Some(branch) = args
                        .get("branch")
                        .and_then(Value::as_str)
                        .filter(|b| !b.is_empty())
                    {
                        clone.extend(["--branch".into(), branch.to_owned()]);
                    }
                    clone.extend([repo.to_owned(), "/workspace".into()]);
                    self.docker(&clone)
                        .await
                        .map_err(|e| format!("docker source: clone {repo}: {e}"))?;
                }
                wait_until_healthy(&url).await
            };
            if let Err(error) = ready.await {
                let _ = stop().await;
                return Err(error);
            }
            Ok(McpEndpoint::sse(url).on_close(stop))
        })
    }
}

/// `docker run` of `image`, its port 8080 published on `port`, with `env` and `mounts`.
fn run_args(image: &str, port: u16, args: &Map<String, Value>) -> Vec<String> {
    let mut run: Vec<String> = ["run", "-d", "--rm", "-p"].map(String::from).into();
    run.push(format!("{port}:{CONTAINER_PORT}"));
    if let Some(env) = args.get("env").and_then(Value::as_object) {
        for (key, value) in env {
            if let Some(value) = value.as_str() {
                run.extend(["-e".into(), format!("{key}={value}")]);
            }
        }
    }
    for mount in args
        .get("mounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let field = |k: &str| {
            mount
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        if let (Some(source), Some(target)) = (field("source"), field("target")) {
            let readonly = mount.get("readonly").and_then(Value::as_bool) == Some(true);
            let suffix = if readonly { ":ro" } else { "" };
            run.extend(["-v".into(), format!("{source}:{target}{suffix}")]);
        }
    }
    run.push(image.to_owned());
    run
}

/// A started container, stopped once: by [`Container::stop`], else when dropped.
struct Container {
    program: String,
    id: String,
    stopped: std::sync::atomic::AtomicBool,
}

impl Container {
    /// `docker stop --time=3 <id>`, silent.
    fn stop_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(&self.program);
        command
            .args(["stop", "--time=3", &self.id])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    }

    /// Stops (and so removes) the container.
    async fn stop(&self) -> Result<(), String> {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let status = tokio::process::Command::from(self.stop_command())
            .status()
            .await
            .map_err(|e| format!("cannot run `{}`: {e}", self.program))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`docker stop {}` failed ({status})", self.id))
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if !self.stopped.load(std::sync::atomic::Ordering::SeqCst) {
            // No runtime may be left to wait on: start the stop and let it finish.
            let _ = self.stop_command().spawn();
        }
    }
}

/// A loopback port free now.
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Polls `<url>/sse` until it answers 2xx (the SSE servers of sandbox images have no
/// other readiness probe); only the status line is read.
async fn wait_until_healthy(url: &str) -> Result<(), String> {
    let client = crate::providers::http::client().map_err(|e| e.to_string())?;
    let deadline = Instant::now() + HEALTH_WAIT;
    let probe = format!("{url}/sse");
    loop {
        let answer = tokio::time::timeout(HEALTH_POLL * 5, client.get(&probe).send()).await;
        if let Ok(Ok(response)) = answer
            && response.status().is_success()
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "docker source: the container did not answer `GET {probe}` within {} s",
                HEALTH_WAIT.as_secs()
            ));
        }
        tokio::time::sleep(HEALTH_POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_arguments_follow_the_reference() {
        let args = serde_json::json!({
            "image": "ghcr.io/acme/sandbox:1",
            "env": {"DEV_MODE": "1", "IGNORED": 3},
            "mounts": [
                {"source": "/p/skills/codegen", "target": "/skills/codegen", "readonly": true},
                {"source": "/p/data", "target": "/data"},
                {"source": "", "target": "/nothing"},
            ],
        });
        let args = args.as_object().cloned().unwrap_or_default();
        assert_eq!(
            run_args("ghcr.io/acme/sandbox:1", 40123, &args).join(" "),
            "run -d --rm -p 40123:8080 -e DEV_MODE=1 -v /p/skills/codegen:/skills/codegen:ro -v /p/data:/data ghcr.io/acme/sandbox:1"
        );
    }
}
