//! IAM Identity Center (SSO) role credentials: the access token `aws sso login` cached in
//! `~/.aws/sso/cache/<sha1>.json` (SHA-1 of the `sso_session` name, or of the legacy
//! profile's `sso_start_url`), exchanged at the SSO portal
//! (`https://portal.sso.{sso_region}.amazonaws.com`, or `AWS_ENDPOINT_URL_SSO`) by
//! GetRoleCredentials for `sso_account_id` and `sso_role_name`. An expired or missing
//! token is an error that says to run `aws sso login`: this build does not refresh it
//! through SSO OIDC as the SDKs do for `sso_session` profiles.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::aws_credentials::{
    AwsCredentialError, AwsCredentials, Fetch, ProfileContext, service_endpoint,
};
use super::aws_profile::Section;
use super::http::Secret;
use super::timestamp::parse_rfc3339;
use crate::provider::{ErrorKind, ProviderError};

/// A role of an SSO account.
#[derive(Debug, Clone)]
pub struct SsoRole {
    account_id: String,
    role_name: String,
    portal: String,
    cache_file: PathBuf,
    login: String,
}

impl SsoRole {
    /// The SSO settings of profile `name` (`p`), with its `[sso-session]` if it names one.
    pub(crate) fn from_profile(
        ctx: &ProfileContext<'_>,
        name: &str,
        p: &Section,
    ) -> Result<Self, AwsCredentialError> {
        let get = |s: &Section, key: &str| s.get(key).filter(|v| !v.is_empty()).cloned();
        let need = |s: &Section, key: &str, place: &str| {
            get(s, key).ok_or_else(|| ctx.invalid(name, format!("{place} lacks `{key}`")))
        };
        let (region, cache_key, login) = match get(p, "sso_session") {
            Some(session) => {
                let section = ctx.sso_session(&session).ok_or_else(|| {
                    ctx.invalid(
                        name,
                        format!(
                            "its `sso_session = {session}` has no `[sso-session {session}]` section"
                        ),
                    )
                })?;
                let place = format!("`[sso-session {session}]`");
                need(section, "sso_start_url", &place)?;
                (
                    need(section, "sso_region", &place)?,
                    session.clone(),
                    format!("aws sso login --sso-session {session}"),
                )
            }
            None => {
                let start_url = need(p, "sso_start_url", "the profile")?;
                (
                    need(p, "sso_region", "the profile")?,
                    start_url,
                    format!("aws sso login --profile {name}"),
                )
            }
        };
        let home = ctx
            .var("HOME")
            .or_else(|| ctx.var("USERPROFILE"))
            .map(PathBuf::from)
            .ok_or_else(|| {
                ctx.invalid(
                    name,
                    "HOME is not set, so the SSO token cache cannot be found",
                )
            })?;
        let portal = service_endpoint(&|v| ctx.var(v), "SSO", p.get("endpoint_url"))
            .unwrap_or_else(|| {
                format!(
                    "https://portal.sso.{region}.{}",
                    super::aws_credentials::dns_suffix(&region)
                )
            });
        Ok(Self {
            account_id: need(p, "sso_account_id", "the profile")?,
            role_name: need(p, "sso_role_name", "the profile")?,
            portal,
            cache_file: cache_file(&home, &cache_key),
            login,
        })
    }

    /// The role's credentials for the cached token.
    pub(crate) async fn fetch(&self, ctx: &Fetch<'_>) -> Result<AwsCredentials, ProviderError> {
        let url = format!("{}/federation/credentials", self.portal);
        let source = format!(
            "SSO GetRoleCredentials of role `{}` in account {} at {url}",
            self.role_name, self.account_id
        );
        let token = self.cached_token(ctx, &source).await?;
        let answer = ctx
            .transport
            .send_json(ctx.provider, &source, Some(&token), || {
                ctx.transport
                    .client()
                    .get(&url)
                    .query(&[
                        ("account_id", self.account_id.as_str()),
                        ("role_name", self.role_name.as_str()),
                    ])
                    .header("x-amz-sso_bearer_token", token.expose())
            })
            .await
            .map_err(|mut e| {
                e.request = format!("AWS credentials from {source}");
                if matches!(e.kind, ErrorKind::Status { code: 401 | 403 }) {
                    e.detail = format!("{}; run `{}` to sign in again", e.detail, self.login);
                }
                e
            })?;
        let role = answer.get("roleCredentials").unwrap_or(&Value::Null);
        let field = |name: &str| {
            role.get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let (Some(id), Some(secret)) = (field("accessKeyId"), field("secretAccessKey")) else {
            return Err(ctx.error(
                &source,
                ErrorKind::Decode,
                "the answer has no `roleCredentials` with `accessKeyId` and `secretAccessKey`",
            ));
        };
        Ok(AwsCredentials {
            session_token: field("sessionToken").map(Secret::new),
            expires: role
                .get("expiration")
                .and_then(Value::as_u64)
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
            ..AwsCredentials::new(id, secret)
        })
    }

    /// The unexpired access token of the cache file.
    async fn cached_token(&self, ctx: &Fetch<'_>, source: &str) -> Result<Secret, ProviderError> {
        let path = self.cache_file.display();
        let text = tokio::fs::read_to_string(&self.cache_file)
            .await
            .map_err(|e| {
                ctx.error(
                    source,
                    ErrorKind::Config,
                    format!(
                        "no SSO token cached at {path} ({}): run `{}`",
                        e.kind(),
                        self.login
                    ),
                )
            })?;
        let cache: Value = serde_json::from_str(&text).map_err(|_| {
            ctx.error(
                source,
                ErrorKind::Config,
                format!(
                    "the SSO token cache {path} is not JSON: run `{}`",
                    self.login
                ),
            )
        })?;
        let field = |name: &str| {
            cache
                .get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let (Some(token), Some(expires_at)) = (field("accessToken"), field("expiresAt")) else {
            return Err(ctx.error(
                source,
                ErrorKind::Config,
                format!(
                    "the SSO token cache {path} has no `accessToken` and `expiresAt`: run `{}`",
                    self.login
                ),
            ));
        };
        match parse_rfc3339(expires_at) {
            Some(until) if SystemTime::now() < until => Ok(Secret::new(token)),
            _ => Err(ctx.error(
                source,
                ErrorKind::Config,
                format!(
                    "the SSO token cached at {path} expired at {expires_at}: run `{}` to sign in again",
                    self.login
                ),
            )),
        }
    }
}

/// `~/.aws/sso/cache/<sha1 of key>.json`.
pub fn cache_file(home: &std::path::Path, key: &str) -> PathBuf {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    home.join(".aws")
        .join("sso")
        .join("cache")
        .join(format!("{hex}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file names are the SHA-1 of the key, in hex (as `sha1sum` prints them).
    #[test]
    fn cache_files_are_named_by_sha1() {
        let home = std::path::Path::new("/h");
        assert_eq!(
            cache_file(home, "https://d-92671207e4.awsapps.com/start"),
            home.join(".aws/sso/cache/13f9d35043871d073ab260e020f0ffde092cb14b.json")
        );
        assert_eq!(
            cache_file(home, "admin"),
            home.join(".aws/sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json")
        );
    }
}
