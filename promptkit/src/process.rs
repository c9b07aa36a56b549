//! A subprocess bound in the config (`exec:` of a tool, `spec.runtime.evals` of an
//! eval): one process per request, the request as JSON on stdin, its stdout back.
//!
//! Unlike the reference, the process does not inherit the environment: it gets
//! `PATH`, `HOME`, `LANG`, `TMPDIR` and the variables its `env` names, so API keys reach
//! a script only when listed. It is killed when its time is up.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// The time a process gets without `timeout_ms` (the reference's).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Variables every process gets from this one, when set.
const BASE_ENV: &[&str] = &["PATH", "HOME", "LANG", "TMPDIR"];

/// A program to run per request.
#[derive(Debug, Clone, PartialEq)]
pub struct Subprocess {
    /// The program.
    pub command: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Environment variables passed through from this process.
    pub env: Vec<String>,
    /// How long it may run.
    pub timeout: Duration,
}

/// Why a run gave no output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubprocessError {
    /// The program could not be started.
    #[error("cannot start {program}: {reason}")]
    Start {
        /// The program.
        program: String,
        /// The operating system's reason.
        reason: String,
    },
    /// It ran out of time and was killed.
    #[error("no answer within {} ms (timeout_ms)", .0.as_millis())]
    Timeout(Duration),
    /// It exited unsuccessfully.
    #[error("{status}{}", if .stderr.is_empty() { String::new() } else { format!(" (stderr: {stderr})") })]
    Failed {
        /// The exit status.
        status: String,
        /// What it wrote on stderr, trimmed.
        stderr: String,
    },
}

impl Subprocess {
    /// The process of an `exec` binding whose command is resolved to `command`
    /// ([`promptkit_build::load::Project::exec_command`]).
    pub fn from_binding(binding: &promptkit_build::model::ExecBinding, command: PathBuf) -> Self {
        Self {
            command,
            args: binding.args.clone(),
            env: binding.env.clone(),
            timeout: timeout_of(binding.timeout_ms),
        }
    }

    /// Runs the program on `input`; its stdout when it exits successfully in time.
    pub async fn call(&self, input: &[u8]) -> Result<Vec<u8>, SubprocessError> {
        match tokio::time::timeout(self.timeout, self.run(input)).await {
            Ok(Ok(output)) if output.status.success() => Ok(output.stdout),
            Ok(Ok(output)) => Err(SubprocessError::Failed {
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            }),
            Ok(Err(e)) => Err(SubprocessError::Start {
                program: self.command.display().to_string(),
                reason: e.to_string(),
            }),
            Err(_) => Err(SubprocessError::Timeout(self.timeout)),
        }
    }

    async fn run(&self, input: &[u8]) -> std::io::Result<std::process::Output> {
        let mut command = tokio::process::Command::new(&self.command);
        command
            .args(&self.args)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for name in BASE_ENV
            .iter()
            .copied()
            .chain(self.env.iter().map(String::as_str))
        {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let mut child = command.spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            // A process that does not read its input is not an error.
            let _ = stdin.write_all(input).await;
        }
        child.wait_with_output().await
    }
}

/// `timeout_ms` when positive, else the default.
fn timeout_of(timeout_ms: Option<i64>) -> Duration {
    timeout_ms
        .and_then(|ms| u64::try_from(ms).ok())
        .filter(|ms| *ms > 0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_default_to_30_seconds() {
        assert_eq!(timeout_of(None), DEFAULT_TIMEOUT);
        assert_eq!(timeout_of(Some(0)), DEFAULT_TIMEOUT);
        assert_eq!(timeout_of(Some(5000)), Duration::from_secs(5));
    }
}
