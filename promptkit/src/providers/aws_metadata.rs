//! Credentials from the hosts a workload runs on: the ECS/EKS container endpoint
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on the ECS agent at 169.254.170.2, or
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` — https, or http to a loopback or the ECS/EKS
//! agent addresses —, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` else
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header), and EC2 instance
//! metadata (IMDSv2: a session token by PUT, then the role name, then its credentials;
//! `AWS_EC2_METADATA_DISABLED=true` turns it off, `AWS_EC2_METADATA_SERVICE_ENDPOINT`
//! or `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` moves it). Requests to these local
//! hosts are single attempts with a short timeout, as the SDKs make them.

use std::path::PathBuf;
use std::time::Duration;

use super::aws_credentials::{AwsCredentialError, AwsCredentials, Fetch, credentials_from_json};
use super::http::Secret;
use crate::provider::{ErrorKind, ProviderError};

/// The instance metadata service's default address.
pub const IMDS_ENDPOINT: &str = "http://169.254.169.254";
const IMDS_ENDPOINT_IPV6: &str = "http://[fd00:ec2::254]";
/// How long an instance-metadata or container request may take.
const LOCAL_TIMEOUT: Duration = Duration::from_secs(2);
/// The IMDSv2 session token's lifetime the SDKs ask for.
const IMDS_TOKEN_TTL: &str = "21600";

/// The container credentials endpoint.
#[derive(Debug, Clone)]
pub struct Container {
    target: Target,
    auth: Option<ContainerAuth>,
}

#[derive(Debug, Clone)]
enum Target {
    /// A path on the ECS agent.
    Relative(String),
    /// A whole URL.
    Full(String),
}

#[derive(Debug, Clone)]
enum ContainerAuth {
    /// Read at every refresh (EKS rotates it).
    File(PathBuf),
    Token(Secret),
}

impl Container {
    /// The endpoint the variables name, if any (`Err` when `_FULL_URI` names a host
    /// the SDKs refuse).
    pub(crate) fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Result<Self, AwsCredentialError>> {
        let auth = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            .map(|f| ContainerAuth::File(PathBuf::from(f)))
            .or_else(|| {
                env("AWS_CONTAINER_AUTHORIZATION_TOKEN")
                    .map(|t| ContainerAuth::Token(Secret::new(t)))
            });
        if let Some(path) = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return Some(Ok(Self {
                target: Target::Relative(path),
                auth,
            }));
        }
        let url = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")?;
        Some(match allowed_full_uri(&url) {
            true => Ok(Self {
                target: Target::Full(url),
                auth,
            }),
            false => Err(AwsCredentialError::Env {
                var: "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
                why: format!(
                    "`{url}` must be https, or http to a loopback address or the ECS/EKS agent (169.254.170.2, 169.254.170.23, fd00:ec2::23)"
                ),
            }),
        })
    }

    /// The container's current credentials.
    pub(crate) async fn fetch(&self, ctx: &Fetch<'_>) -> Result<AwsCredentials, ProviderError> {
        let (url, var) = match &self.target {
            Target::Relative(path) => (
                format!("{}{path}", ctx.container_host),
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            ),
            Target::Full(url) => (url.clone(), "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        };
        let source = format!("the container endpoint {url} ({var})");
        let auth = match &self.auth {
            None => None,
            Some(ContainerAuth::Token(token)) => Some(token.clone()),
            Some(ContainerAuth::File(path)) => {
                let text = tokio::fs::read_to_string(path).await.map_err(|e| {
                    ctx.error(
                        &source,
                        ErrorKind::Config,
                        format!(
                            "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}: {}",
                            path.display(),
                            e.kind()
                        ),
                    )
                })?;
                Some(Secret::new(text.trim()))
            }
        };
        let mut request = ctx.transport.client().get(&url);
        if let Some(token) = &auth {
            request = request.header("authorization", token.expose());
        }
        let text = local_call(ctx, &source, request, auth.as_ref()).await?;
        parse_json_credentials(ctx, &source, &text, "Token")
    }
}

/// Whether the SDKs accept `url` as `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
fn allowed_full_uri(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    if parsed.scheme() == "https" {
        return true;
    }
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback()
                || ip.octets() == [169, 254, 170, 2]
                || ip.octets() == [169, 254, 170, 23]
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23]
        }
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// EC2 instance metadata.
#[derive(Debug, Clone)]
pub struct Imds {
    endpoint: String,
}

impl Imds {
    /// The instance metadata service the variables point at; `None` when disabled.
    pub(crate) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return None;
        }
        let endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").unwrap_or_else(|| {
            match env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
                .is_some_and(|m| m.eq_ignore_ascii_case("ipv6"))
            {
                true => IMDS_ENDPOINT_IPV6.to_owned(),
                false => IMDS_ENDPOINT.to_owned(),
            }
        });
        Some(Self {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
        })
    }

    /// The instance role's current credentials (IMDSv2).
    pub(crate) async fn fetch(&self, ctx: &Fetch<'_>) -> Result<AwsCredentials, ProviderError> {
        let source = format!("EC2 instance metadata at {}", self.endpoint);
        let hint = |mut e: ProviderError| {
            if matches!(e.kind, ErrorKind::Connect | ErrorKind::Timeout) {
                e.detail = format!(
                    "{} — no credentials were found in the environment or the shared files, and this is not an EC2 instance (or its metadata service is off); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile, or set AWS_EC2_METADATA_DISABLED=true to skip instance metadata",
                    e.detail
                );
            }
            e
        };
        let client = ctx.transport.client();
        let token = local_call(
            ctx,
            &source,
            client
                .put(format!("{}/latest/api/token", self.endpoint))
                .header("x-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL),
            None,
        )
        .await
        .map_err(hint)?;
        let token = Secret::new(token.trim());
        let base = format!(
            "{}/latest/meta-data/iam/security-credentials/",
            self.endpoint
        );
        let roles = local_call(
            ctx,
            &source,
            client
                .get(&base)
                .header("x-aws-ec2-metadata-token", token.expose()),
            Some(&token),
        )
        .await?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| {
                ctx.error(
                    &source,
                    ErrorKind::Config,
                    "the instance has no IAM role: attach an instance profile to it",
                )
            })?;
        let text = local_call(
            ctx,
            &source,
            client
                .get(format!("{base}{role}"))
                .header("x-aws-ec2-metadata-token", token.expose()),
            Some(&token),
        )
        .await?;
        parse_json_credentials(ctx, &source, &text, "Token")
    }
}

/// Parses a JSON credentials answer; a `Code` other than `Success` is an error.
pub(crate) fn parse_json_credentials(
    ctx: &Fetch<'_>,
    source: &str,
    text: &str,
    token_key: &str,
) -> Result<AwsCredentials, ProviderError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| ctx.error(source, ErrorKind::Decode, "the answer is not JSON"))?;
    if let Some(code) = value.get("Code").and_then(serde_json::Value::as_str)
        && code != "Success"
    {
        return Err(ctx.error(
            source,
            ErrorKind::Config,
            format!("the endpoint answered `Code: {code}`"),
        ));
    }
    let credentials = credentials_from_json(&value, token_key)
        .map_err(|why| ctx.error(source, ErrorKind::Decode, why))?;
    Ok(credentials)
}

/// One attempt at a local credentials endpoint: the body of a 2xx answer.
async fn local_call(
    ctx: &Fetch<'_>,
    source: &str,
    request: reqwest::RequestBuilder,
    secret: Option<&Secret>,
) -> Result<String, ProviderError> {
    let mask = |text: String| secret.map_or(text.clone(), |s| s.redact(&text));
    let response = request.timeout(LOCAL_TIMEOUT).send().await.map_err(|e| {
        let kind = match e.is_timeout() {
            true => ErrorKind::Timeout,
            false => ErrorKind::Connect,
        };
        ctx.error(source, kind, mask(format!("no answer: {e}")))
    })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        // Masked before it is cut, so no part of a secret survives at the cut.
        let excerpt: String = mask(body).chars().take(300).collect();
        return Err(ctx.error(
            source,
            ErrorKind::Status {
                code: status.as_u16(),
            },
            format!("HTTP {}: {excerpt}", status.as_u16()),
        ));
    }
    Ok(body)
}
