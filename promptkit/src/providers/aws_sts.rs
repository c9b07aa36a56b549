//! AWS STS for the credential chain: `AssumeRole` (signed with SigV4 by the source
//! profile's credentials) and `AssumeRoleWithWebIdentity` (unsigned; the token read from
//! its file at every refresh), at the chain's STS endpoint, with the Query protocol's
//! form body and XML answer.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use super::aws_credentials::{AwsCredentials, Fetch};
use super::http::Secret;
use super::sigv4::SigV4Signer;
use super::timestamp::parse_rfc3339;
use crate::provider::{ErrorKind, ProviderError};

/// The STS API version of the Query protocol.
const STS_VERSION: &str = "2011-06-15";
/// The SDK's default role session length.
const DEFAULT_DURATION_SECONDS: u64 = 900;

/// A role to assume with another source's credentials (`role_arn` of a profile).
#[derive(Debug, Clone)]
pub struct AssumeRole {
    /// The role.
    pub role_arn: String,
    /// `role_session_name`, else a generated one.
    pub session_name: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `duration_seconds` (the SDK's 15 minutes otherwise).
    pub duration_seconds: Option<u64>,
    /// Which profile asks (for errors).
    pub origin: String,
}

/// A role to assume with a web identity token (OIDC, e.g. EKS service accounts).
#[derive(Debug, Clone)]
pub struct WebIdentity {
    /// The file holding the token.
    pub token_file: PathBuf,
    /// The role.
    pub role_arn: String,
    /// `role_session_name` / `AWS_ROLE_SESSION_NAME`, else a generated one.
    pub session_name: Option<String>,
    /// Which variable or profile names it (for errors).
    pub origin: String,
}

/// The start of an STS Query form: action, version, role and session name.
fn sts_form(
    action: &str,
    role_arn: &str,
    session_name: Option<&str>,
) -> form_urlencoded::Serializer<'static, String> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action)
        .append_pair("Version", STS_VERSION)
        .append_pair("RoleArn", role_arn)
        .append_pair(
            "RoleSessionName",
            &session_name.map_or_else(generated_session_name, str::to_owned),
        );
    form
}

/// A session name as the SDK makes one when none is set.
fn generated_session_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("promptkit-{nanos}")
}

impl AssumeRole {
    /// Temporary credentials of the role, asked for with `base`.
    pub(crate) async fn fetch(
        &self,
        ctx: &Fetch<'_>,
        base: &AwsCredentials,
    ) -> Result<AwsCredentials, ProviderError> {
        let body = {
            let mut form = sts_form("AssumeRole", &self.role_arn, self.session_name.as_deref());
            form.append_pair(
                "DurationSeconds",
                &self
                    .duration_seconds
                    .filter(|d| *d > DEFAULT_DURATION_SECONDS)
                    .unwrap_or(DEFAULT_DURATION_SECONDS)
                    .to_string(),
            );
            if let Some(id) = &self.external_id {
                form.append_pair("ExternalId", id);
            }
            form.finish()
        };
        let url = format!("{}/", ctx.sts_endpoint);
        let source = format!(
            "STS AssumeRole of {} at {url} ({})",
            self.role_arn, self.origin
        );
        const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
        let headers = SigV4Signer::new(ctx.region, "sts")
            .sign(
                base,
                "POST",
                &url,
                &[("content-type", CONTENT_TYPE)],
                body.as_bytes(),
                SystemTime::now(),
            )
            .map_err(|e| ctx.error(&source, ErrorKind::Config, e.to_string()))?;
        let answer = post_form(ctx, &source, &url, body, &headers, &base.secrets()).await?;
        credentials_from_xml(&answer).map_err(|why| ctx.error(&source, ErrorKind::Decode, why))
    }
}

impl WebIdentity {
    /// Temporary credentials of the role, asked for with the token in the file.
    pub(crate) async fn fetch(&self, ctx: &Fetch<'_>) -> Result<AwsCredentials, ProviderError> {
        let url = format!("{}/", ctx.sts_endpoint);
        let source = format!(
            "STS AssumeRoleWithWebIdentity of {} at {url} ({})",
            self.role_arn, self.origin
        );
        let token = tokio::fs::read_to_string(&self.token_file)
            .await
            .map_err(|e| {
                ctx.error(
                    &source,
                    ErrorKind::Config,
                    format!(
                        "cannot read the web identity token file {}: {}; check that the path exists and is readable",
                        self.token_file.display(),
                        e.kind()
                    ),
                )
            })?;
        let token = Secret::new(token.trim());
        let body = sts_form(
            "AssumeRoleWithWebIdentity",
            &self.role_arn,
            self.session_name.as_deref(),
        )
        .append_pair("WebIdentityToken", token.expose())
        .finish();
        let answer = post_form(ctx, &source, &url, body, &[], &[token]).await?;
        credentials_from_xml(&answer).map_err(|why| ctx.error(&source, ErrorKind::Decode, why))
    }
}

/// POSTs a Query-protocol form to STS and returns the XML text; `secrets` are masked
/// in any error.
async fn post_form(
    ctx: &Fetch<'_>,
    source: &str,
    url: &str,
    body: String,
    headers: &[(String, String)],
    secrets: &[Secret],
) -> Result<String, ProviderError> {
    let masked = |mut e: ProviderError| {
        e.request = format!("AWS credentials from {source}");
        for secret in secrets {
            e.detail = secret.redact(&e.detail);
        }
        e
    };
    let (response, _permit) = ctx
        .transport
        .send(ctx.provider, source, secrets.first(), || {
            let mut request = ctx
                .transport
                .client()
                .post(url)
                .header(
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                )
                .body(body.clone());
            for (k, v) in headers {
                request = request.header(k, v);
            }
            request
        })
        .await
        .map_err(masked)?;
    response.text().await.map_err(|e| {
        masked(ctx.error(
            source,
            ErrorKind::Decode,
            format!("reading the answer: {e}"),
        ))
    })
}

/// The `<Credentials>` of an AssumeRole / AssumeRoleWithWebIdentity answer.
pub fn credentials_from_xml(xml: &str) -> Result<AwsCredentials, String> {
    let credentials =
        xml_element(xml, "Credentials").ok_or("the STS answer has no <Credentials> element")?;
    let field = |tag: &str| {
        xml_element(credentials, tag)
            .map(xml_unescape)
            .filter(|v| !v.is_empty())
            .ok_or(format!("the STS answer's <Credentials> has no <{tag}>"))
    };
    let expiration = field("Expiration")?;
    Ok(AwsCredentials {
        session_token: Some(Secret::new(field("SessionToken")?)),
        expires: Some(
            parse_rfc3339(&expiration).ok_or("the STS <Expiration> is not an RFC 3339 time")?,
        ),
        ..AwsCredentials::new(&field("AccessKeyId")?, &field("SecretAccessKey")?)
    })
}

/// The text between `<tag>` (or `<tag attr…>`) and `</tag>`, the first such element.
fn xml_element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let mut from = 0;
    let start = loop {
        let at = from + xml[from..].find(&open)?;
        let rest = &xml[at + open.len()..];
        match rest.chars().next() {
            Some('>') => break at + open.len() + 1,
            Some(c) if c.is_whitespace() => break at + open.len() + rest.find('>')? + 1,
            _ => from = at + open.len(),
        }
    };
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].trim())
}

/// XML text with its five predefined entities decoded.
fn xml_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_match_whole_tag_names() {
        let xml = "<R><CredentialsX>no</CredentialsX><Credentials><AccessKeyId>A&amp;B</AccessKeyId></Credentials></R>";
        let inner = xml_element(xml, "Credentials").expect("found");
        assert_eq!(
            xml_unescape(xml_element(inner, "AccessKeyId").expect("id")),
            "A&B"
        );
    }
}
