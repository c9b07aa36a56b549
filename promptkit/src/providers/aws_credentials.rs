//! AWS credentials for Bedrock: the AWS SDK's default credential chain, as the
//! reference (aws-sdk-go-v2 `config.LoadDefaultConfig`) resolves it.
//!
//! Order: a profile named in the config (`platform.additional_config.profile`, like the
//! SDK's `WithSharedConfigProfile`) is used first and alone; otherwise the environment
//! keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then web
//! identity from the environment (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`
//! [+ `AWS_ROLE_SESSION_NAME`]), then the profile (`AWS_PROFILE`, else `default`) of the
//! shared files ([`super::aws_profile`]). In a profile, as the SDK: `role_arn` with
//! `source_profile` (the source resolved first, then STS AssumeRole), static keys,
//! `credential_source`, `web_identity_token_file`, SSO (`sso_session` or legacy
//! `sso_start_url`), `credential_process`, then the container endpoint
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`) and EC2 instance metadata
//! (IMDSv2); a `role_arn` wraps whatever was found in an AssumeRole.
//!
//! Which source applies is decided when the provider is built (files and variables);
//! temporary credentials are fetched on the first request and cached until five minutes
//! before they expire. Service endpoints follow the SDKs' overrides: `AWS_ENDPOINT_URL_STS`,
//! `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`
//! (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns them off), and
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`. Errors name the source (file and profile,
//! variable, endpoint) and how to fix it, never a key or token.
//!
//! Hand-written on the project's HTTP client and the `aws-sigv4` signer rather than the
//! `aws-config` crate, by measurement (2026-11-29, this 2-core machine under the shared
//! load, `cargo build -p promptkit` in a scratch target, `CARGO_INCREMENTAL=0`):
//! `aws-config` 1.8 with no default features and `sso`, `credentials-process`, `rustls`,
//! `behavior-version-latest` adds 22 crates to Cargo.lock (the STS, SSO and SSO-OIDC
//! clients, the smithy runtime and HTTP client, `aws-lc-rs` and `aws-lc-sys` — a C
//! library built from source — which rustls then compiles in as a second crypto
//! provider beside `ring`); building them took 1023 s of wall time over a 1799 s clean
//! build of promptkit, about 910 s once the 111 s rebuild of promptkit itself is taken
//! out: far past the 60 s budget. The sources here follow the SDK's order and semantics;
//! the tests replay the AWS documentation's answers.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;

use super::aws_metadata::{Container, Imds};
use super::aws_profile::{Section, SharedFiles};
use super::aws_sso::SsoRole;
use super::aws_sts::{AssumeRole, WebIdentity};
use super::http::{Secret, Transport};
use crate::provider::{ErrorKind, ProviderError};

/// Temporary credentials are renewed this long before they expire.
pub const REFRESH_BEFORE: Duration = Duration::from_secs(300);
/// The ECS agent's credentials host (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on it).
pub const ECS_CONTAINER_HOST: &str = "http://169.254.170.2";

/// One set of AWS credentials.
#[derive(Debug, Clone)]
pub struct AwsCredentials {
    /// The access key id (not secret, but never printed either).
    pub access_key_id: Secret,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary credentials.
    pub session_token: Option<Secret>,
    /// When temporary credentials expire.
    pub expires: Option<SystemTime>,
}

impl AwsCredentials {
    /// Long-term credentials (no session token, no expiry).
    pub fn new(access_key_id: &str, secret_access_key: &str) -> Self {
        Self {
            access_key_id: Secret::new(access_key_id),
            secret_access_key: Secret::new(secret_access_key),
            session_token: None,
            expires: None,
        }
    }

    /// `text` with every key of these credentials masked.
    pub fn redact(&self, text: &str) -> String {
        self.secrets()
            .iter()
            .fold(text.to_owned(), |t, s| s.redact(&t))
    }

    /// The secrets to mask wherever these credentials travel: the session token first
    /// (it is what a request carries), then the secret key and the key id.
    pub fn secrets(&self) -> Vec<Secret> {
        self.session_token
            .iter()
            .chain([&self.secret_access_key, &self.access_key_id])
            .cloned()
            .collect()
    }

    /// Whether these credentials are still good for [`REFRESH_BEFORE`].
    fn fresh(&self, now: SystemTime) -> bool {
        self.expires
            .is_none_or(|until| now + REFRESH_BEFORE < until)
    }
}

/// Why no AWS credential source could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsCredentialError {
    /// Nothing in the environment, the shared files, a container or instance metadata.
    #[error(
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or configure profile `{profile}` in {files} (keys, role_arn, sso_session, credential_process); EC2 instance metadata is off (AWS_EC2_METADATA_DISABLED)"
    )]
    Missing {
        /// The profile looked up.
        profile: String,
        /// The shared files looked in.
        files: String,
    },
    /// The named profile is in neither shared file.
    #[error(
        "AWS profile `{profile}` is not in {files}: add a `[profile {profile}]` section, or name another profile"
    )]
    NoSuchProfile {
        /// The profile.
        profile: String,
        /// The shared files looked in.
        files: String,
    },
    /// A profile's settings cannot give credentials.
    #[error("AWS profile `{profile}` in {files}: {why}")]
    Profile {
        /// The profile.
        profile: String,
        /// The shared files.
        files: String,
        /// What is wrong and how to fix it (never a value of a secret).
        why: String,
    },
    /// An environment variable of the chain is set wrong.
    #[error("AWS credentials from {var}: {why}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong and how to fix it.
        why: String,
    },
}

/// Where the credentials come from.
#[derive(Debug)]
pub(crate) enum Source {
    /// Keys given as they are (environment, shared file, code).
    Static(AwsCredentials),
    /// STS AssumeRole with the credentials of `base`.
    AssumeRole(Box<Source>, AssumeRole),
    /// STS AssumeRoleWithWebIdentity.
    WebIdentity(WebIdentity),
    /// IAM Identity Center (SSO) role credentials.
    Sso(SsoRole),
    /// An external command's JSON (`credential_process`).
    Process {
        /// The command line (it may carry a password: never printed).
        command: Secret,
        /// Which profile names it (for errors).
        origin: String,
    },
    /// The ECS/EKS container credentials endpoint.
    Container(Container),
    /// EC2 instance metadata (IMDSv2).
    Imds(Imds),
}

/// What fetching needs: who asks, the client, the region and the chain's endpoints.
pub(crate) struct Fetch<'a> {
    pub provider: &'a str,
    pub transport: &'a Transport,
    pub region: &'a str,
    pub sts_endpoint: &'a str,
    pub container_host: &'a str,
}

impl Fetch<'_> {
    /// A [`ProviderError`] about fetching credentials from `source`.
    pub fn error(&self, source: &str, kind: ErrorKind, detail: impl Into<String>) -> ProviderError {
        ProviderError::new(
            self.provider,
            format!("AWS credentials from {source}"),
            kind,
            detail,
        )
    }
}

type Fetched<'a> = Pin<Box<dyn Future<Output = Result<AwsCredentials, ProviderError>> + Send + 'a>>;

impl Source {
    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> Fetched<'a> {
        Box::pin(async move {
            match self {
                Self::Static(credentials) => Ok(credentials.clone()),
                Self::AssumeRole(base, role) => {
                    let base = base.fetch(ctx).await?;
                    role.fetch(ctx, &base).await
                }
                Self::WebIdentity(identity) => identity.fetch(ctx).await,
                Self::Sso(role) => role.fetch(ctx).await,
                Self::Process { command, origin } => {
                    super::aws_process::run(ctx, command.expose(), origin).await
                }
                Self::Container(container) => container.fetch(ctx).await,
                Self::Imds(imds) => imds.fetch(ctx).await,
            }
        })
    }

    /// A short name of the source (no secret), for tests and diagnostics.
    fn kind(&self) -> &'static str {
        match self {
            Self::Static(_) => "static",
            Self::AssumeRole(..) => "assume-role",
            Self::WebIdentity(_) => "web-identity",
            Self::Sso(_) => "sso",
            Self::Process { .. } => "process",
            Self::Container(_) => "container",
            Self::Imds(_) => "imds",
        }
    }
}

/// The resolved chain: one source, the region and endpoints it talks to, and the
/// cached credentials.
#[derive(Debug)]
pub struct AwsCredentialChain {
    source: Box<Source>,
    region: String,
    sts_endpoint: String,
    container_host: String,
    cached: Mutex<Option<AwsCredentials>>,
}

impl AwsCredentialChain {
    /// The chain for the configured `profile` (if any) in `region`, from the process
    /// environment and the shared files.
    pub fn resolve(profile: Option<&str>, region: &str) -> Result<Self, AwsCredentialError> {
        Self::resolve_with(profile, region, &|name| std::env::var(name).ok())
    }

    /// Fixed credentials (no chain).
    pub fn fixed(credentials: AwsCredentials, region: &str) -> Self {
        Self::new(Source::Static(credentials), region, &|_| None, None)
    }

    /// [`AwsCredentialChain::resolve`] reading variables through `vars`.
    pub fn resolve_with(
        profile: Option<&str>,
        region: &str,
        vars: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, AwsCredentialError> {
        let env = |name: &str| vars(name).filter(|v| !v.is_empty());
        let files = SharedFiles::load(&env);
        let chosen = ProfileContext {
            env: &env,
            files: &files,
        };
        let name = profile
            .map(str::to_owned)
            .or_else(|| env("AWS_PROFILE"))
            .unwrap_or_else(|| "default".to_owned());
        let source = match profile {
            Some(_) => None,
            None => chosen.environment_source()?,
        };
        let source = match source {
            Some(source) => source,
            None => match files.profile(&name) {
                Some(section) => chosen.profile_source(&name, section, &mut Vec::new())?,
                None if profile.is_some() || env("AWS_PROFILE").is_some() => {
                    return Err(AwsCredentialError::NoSuchProfile {
                        profile: name,
                        files: files.shown(),
                    });
                }
                None => chosen.host_source(&name)?,
            },
        };
        let endpoint_url = files.profile(&name).and_then(|p| p.get("endpoint_url"));
        Ok(Self::new(source, region, &env, endpoint_url))
    }

    fn new(
        source: Source,
        region: &str,
        env: &dyn Fn(&str) -> Option<String>,
        profile_endpoint: Option<&String>,
    ) -> Self {
        let sts_endpoint = service_endpoint(env, "STS", profile_endpoint)
            .unwrap_or_else(|| format!("https://sts.{region}.{}", dns_suffix(region)));
        Self {
            source: Box::new(source),
            region: region.to_owned(),
            sts_endpoint,
            container_host: ECS_CONTAINER_HOST.to_owned(),
            cached: Mutex::new(None),
        }
    }

    /// The same chain with the ECS agent at `host` instead of [`ECS_CONTAINER_HOST`]
    /// (for tests: the SDKs have no variable for it).
    pub fn with_container_host(mut self, host: &str) -> Self {
        host.trim_end_matches('/')
            .clone_into(&mut self.container_host);
        self
    }

    /// The kind of source the chain chose: `static`, `assume-role`, `web-identity`,
    /// `sso`, `process`, `container` or `imds`.
    pub fn source_kind(&self) -> &'static str {
        self.source.kind()
    }

    /// Credentials good for at least [`REFRESH_BEFORE`]: the cached ones, else fresh
    /// ones from the source.
    pub async fn credentials(
        &self,
        provider: &str,
        transport: &Transport,
    ) -> Result<AwsCredentials, ProviderError> {
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref().filter(|c| c.fresh(SystemTime::now())) {
            return Ok(credentials.clone());
        }
        let ctx = Fetch {
            provider,
            transport,
            region: &self.region,
            sts_endpoint: &self.sts_endpoint,
            container_host: &self.container_host,
        };
        let credentials = self.source.fetch(&ctx).await?;
        *cached = Some(credentials.clone());
        Ok(credentials)
    }
}

/// An endpoint override for `service` (`STS`, `SSO`) as the SDKs read them:
/// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`;
/// none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`.
pub(crate) fn service_endpoint(
    env: &dyn Fn(&str) -> Option<String>,
    service: &str,
    profile_endpoint: Option<&String>,
) -> Option<String> {
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    env(&format!("AWS_ENDPOINT_URL_{service}"))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(|| profile_endpoint.cloned())
        .map(|url| url.trim_end_matches('/').to_owned())
}

/// The DNS suffix of AWS endpoints in `region`.
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    match region.starts_with("cn-") {
        true => "amazonaws.com.cn",
        false => "amazonaws.com",
    }
}

/// Picks the source from the variables and the shared files.
pub(crate) struct ProfileContext<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    files: &'a SharedFiles,
}

impl ProfileContext<'_> {
    /// Environment keys, then environment web identity.
    fn environment_source(&self) -> Result<Option<Source>, AwsCredentialError> {
        let env = self.env;
        let id = env("AWS_ACCESS_KEY_ID").or_else(|| env("AWS_ACCESS_KEY"));
        let secret = env("AWS_SECRET_ACCESS_KEY").or_else(|| env("AWS_SECRET_KEY"));
        if let (Some(id), Some(secret)) = (id, secret) {
            return Ok(Some(Source::Static(AwsCredentials {
                session_token: env("AWS_SESSION_TOKEN").map(Secret::new),
                ..AwsCredentials::new(&id, &secret)
            })));
        }
        let Some(token_file) = env("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Ok(None);
        };
        let role_arn = env("AWS_ROLE_ARN").ok_or_else(|| AwsCredentialError::Env {
            var: "AWS_WEB_IDENTITY_TOKEN_FILE".into(),
            why: "AWS_ROLE_ARN must name the role to assume with the web identity token".into(),
        })?;
        Ok(Some(Source::WebIdentity(WebIdentity {
            token_file: PathBuf::from(token_file),
            role_arn,
            session_name: env("AWS_ROLE_SESSION_NAME"),
            origin: "AWS_WEB_IDENTITY_TOKEN_FILE".into(),
        })))
    }

    fn profile_error(&self, profile: &str, why: impl Into<String>) -> AwsCredentialError {
        AwsCredentialError::Profile {
            profile: profile.to_owned(),
            files: self.files.shown(),
            why: why.into(),
        }
    }

    /// The source of profile `name` (with settings `p`), as the SDK resolves a profile.
    fn profile_source(
        &self,
        name: &str,
        p: &Section,
        visited: &mut Vec<String>,
    ) -> Result<Source, AwsCredentialError> {
        if visited.iter().any(|v| v == name) {
            return Err(self.profile_error(
                name,
                format!(
                    "`source_profile` loops back to it ({} -> {name}); end the chain at a profile with keys or a credential source",
                    visited.join(" -> ")
                ),
            ));
        }
        visited.push(name.to_owned());
        let get = |key: &str| p.get(key).filter(|v| !v.is_empty()).cloned();
        let origin = format!("profile `{name}` in {}", self.files.shown());
        let keys = match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => Some(AwsCredentials {
                session_token: get("aws_session_token").map(Secret::new),
                ..AwsCredentials::new(&id, &secret)
            }),
            (Some(_), None) | (None, Some(_)) => {
                return Err(self.profile_error(
                    name,
                    "it has only one of `aws_access_key_id` and `aws_secret_access_key`; set both",
                ));
            }
            (None, None) => None,
        };
        let role_arn = get("role_arn");
        let base = match (&role_arn, get("source_profile"), keys) {
            (Some(_), Some(source), keys) => match (source == name, keys) {
                (true, Some(keys)) => Source::Static(keys),
                (true, None) => {
                    return Err(self.profile_error(
                        name,
                        "`source_profile` names the profile itself, which has no keys",
                    ));
                }
                (false, _) => {
                    let section = self.files.profile(&source).ok_or_else(|| {
                        self.profile_error(
                            name,
                            format!("its `source_profile` `{source}` is not in the shared files"),
                        )
                    })?;
                    self.profile_source(&source, section, visited)?
                }
            },
            (_, _, Some(keys)) => Source::Static(keys),
            (_, _, None) => {
                if let Some(source) = get("credential_source") {
                    self.credential_source_of(name, &source)?
                } else if let Some(token_file) = get("web_identity_token_file") {
                    let role_arn = role_arn.ok_or_else(|| {
                        self.profile_error(
                            name,
                            "`web_identity_token_file` needs `role_arn`, the role to assume",
                        )
                    })?;
                    return Ok(Source::WebIdentity(WebIdentity {
                        token_file: PathBuf::from(token_file),
                        role_arn,
                        session_name: get("role_session_name"),
                        origin,
                    }));
                } else if get("sso_session").is_some() || get("sso_start_url").is_some() {
                    Source::Sso(SsoRole::from_profile(self, name, p)?)
                } else if let Some(command) = get("credential_process") {
                    Source::Process {
                        command: Secret::new(command),
                        origin: origin.clone(),
                    }
                } else {
                    self.host_source(name)?
                }
            }
        };
        let Some(role_arn) = role_arn else {
            return Ok(base);
        };
        if get("mfa_serial").is_some() {
            return Err(self.profile_error(
                name,
                "`mfa_serial` needs an MFA code, which a test run cannot prompt for; use a profile without MFA, or `credential_process`",
            ));
        }
        let duration = match get("duration_seconds") {
            None => None,
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                self.profile_error(name, "`duration_seconds` must be a whole number of seconds")
            })?),
        };
        Ok(Source::AssumeRole(
            Box::new(base),
            AssumeRole {
                role_arn,
                session_name: get("role_session_name"),
                external_id: get("external_id"),
                duration_seconds: duration,
                origin,
            },
        ))
    }

    /// A profile's `credential_source`.
    fn credential_source_of(&self, name: &str, source: &str) -> Result<Source, AwsCredentialError> {
        let env = self.env;
        match source {
            "Environment" => {
                let id = env("AWS_ACCESS_KEY_ID").or_else(|| env("AWS_ACCESS_KEY"));
                let secret = env("AWS_SECRET_ACCESS_KEY").or_else(|| env("AWS_SECRET_KEY"));
                match (id, secret) {
                    (Some(id), Some(secret)) => Ok(Source::Static(AwsCredentials {
                        session_token: env("AWS_SESSION_TOKEN").map(Secret::new),
                        ..AwsCredentials::new(&id, &secret)
                    })),
                    _ => Err(self.profile_error(
                        name,
                        "`credential_source = Environment` but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                    )),
                }
            }
            "Ec2InstanceMetadata" => Imds::from_env(env)
                .map(Source::Imds)
                .ok_or_else(|| self.profile_error(name, "`credential_source = Ec2InstanceMetadata` but AWS_EC2_METADATA_DISABLED is true")),
            "EcsContainer" => match Container::from_env(env) {
                Some(container) => Ok(Source::Container(container?)),
                None => Err(self.profile_error(
                    name,
                    "`credential_source = EcsContainer` but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not set",
                )),
            },
            other => Err(self.profile_error(
                name,
                format!("`credential_source = {other}` is not one of EcsContainer, Ec2InstanceMetadata, Environment"),
            )),
        }
    }

    /// The container endpoint, else instance metadata, else nothing.
    fn host_source(&self, name: &str) -> Result<Source, AwsCredentialError> {
        if let Some(container) = Container::from_env(self.env) {
            return container.map(Source::Container);
        }
        Imds::from_env(self.env)
            .map(Source::Imds)
            .ok_or_else(|| AwsCredentialError::Missing {
                profile: name.to_owned(),
                files: self.files.shown(),
            })
    }

    /// The `[sso-session name]` section, for SSO profiles.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Section> {
        self.files.sso_session(name)
    }

    /// A variable of the chain's environment.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// An error about profile `name`.
    pub(crate) fn invalid(&self, name: &str, why: impl Into<String>) -> AwsCredentialError {
        self.profile_error(name, why)
    }
}

/// Credentials from a JSON answer in the container / instance-metadata / process shape
/// (`AccessKeyId`, `SecretAccessKey`, the session token under `token_key`, `Expiration`);
/// `Err` names what is missing.
pub(crate) fn credentials_from_json(
    value: &serde_json::Value,
    token_key: &str,
) -> Result<AwsCredentials, String> {
    let field = |name: &str| {
        value
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let (Some(id), Some(secret)) = (field("AccessKeyId"), field("SecretAccessKey")) else {
        return Err("the answer has no `AccessKeyId` and `SecretAccessKey`".into());
    };
    let expires = match field("Expiration") {
        None => None,
        Some(text) => Some(
            super::timestamp::parse_rfc3339(text)
                .ok_or("its `Expiration` is not an RFC 3339 time".to_owned())?,
        ),
    };
    Ok(AwsCredentials {
        session_token: field(token_key).map(Secret::new),
        expires,
        ..AwsCredentials::new(id, secret)
    })
}
