//! `credential_process`: the profile's command is run through the shell (as the SDKs
//! do), within a minute, and its standard output read as the credential process JSON
//! (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and
//! `Expiration`). Its standard error and output are never shown: they may hold keys.

use std::process::Stdio;
use std::time::Duration;

use super::aws_credentials::{AwsCredentials, Fetch};
use super::aws_metadata::parse_json_credentials;
use crate::provider::{ErrorKind, ProviderError};

/// How long the command may run (the Go SDK's default).
const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `command` (from `origin`, a profile) and reads its credentials.
pub(crate) async fn run(
    ctx: &Fetch<'_>,
    command: &str,
    origin: &str,
) -> Result<AwsCredentials, ProviderError> {
    let source = format!("credential_process of {origin}");
    let mut shell = match cfg!(windows) {
        true => {
            let mut c = tokio::process::Command::new("cmd.exe");
            c.arg("/C");
            c
        }
        false => {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c");
            c
        }
    };
    shell
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(PROCESS_TIMEOUT, shell.output())
        .await
        .map_err(|_| {
            ctx.error(
                &source,
                ErrorKind::Timeout,
                format!("the command did not finish within {PROCESS_TIMEOUT:?}"),
            )
        })?
        .map_err(|e| {
            ctx.error(
                &source,
                ErrorKind::Config,
                format!("cannot start the command: {}", e.kind()),
            )
        })?;
    if !output.status.success() {
        return Err(ctx.error(
            &source,
            ErrorKind::Config,
            format!(
                "the command failed ({}); run it by hand to see why",
                output.status
            ),
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("Version").and_then(serde_json::Value::as_u64));
    if version != Some(1) {
        return Err(ctx.error(
            &source,
            ErrorKind::Decode,
            "the command's output must be a JSON object with `\"Version\": 1`",
        ));
    }
    parse_json_credentials(ctx, &source, &text, "SessionToken")
}
