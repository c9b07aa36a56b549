//! The ADC file types that obtain a token from another credential, as Google's
//! `golang.org/x/oauth2/google` (the reference's library) reads them:
//! `impersonated_service_account` (the source credentials' token exchanged at the IAM
//! Credentials `generateAccessToken` URL for the target account's token) and
//! `external_account` (workload identity federation: a subject token read from a file or
//! a URL — text, or a field of a JSON answer — exchanged at the file's `token_url`, the
//! Google STS, by the OAuth token-exchange grant; then, when the file names a
//! `service_account_impersonation_url`, impersonation of that account). Subject tokens
//! from AWS (`environment_id`) or an executable are refused by name.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::gcp_auth::{CLOUD_PLATFORM_SCOPE, access_token};
use super::http::{Secret, Transport};
use super::timestamp::parse_rfc3339;
use crate::provider::{ErrorKind, ProviderError};

/// The default lifetime of an impersonated token, as the library asks.
const DEFAULT_LIFETIME_SECONDS: u64 = 3600;

/// Impersonation of a service account through IAM Credentials.
#[derive(Debug, Clone)]
pub(crate) struct Impersonation {
    url: String,
    delegates: Vec<String>,
    lifetime_seconds: u64,
}

impl Impersonation {
    /// An impersonation at `url` (`…/serviceAccounts/{email}:generateAccessToken`).
    pub(crate) fn new(url: &str, delegates: Vec<String>, lifetime_seconds: Option<u64>) -> Self {
        Self {
            url: url.to_owned(),
            delegates,
            lifetime_seconds: lifetime_seconds.unwrap_or(DEFAULT_LIFETIME_SECONDS),
        }
    }

    /// The URL (for `Debug` and errors).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The target account's token, asked for with `source` (a bearer token).
    pub(crate) async fn token(
        &self,
        provider: &str,
        transport: &Transport,
        source: &Secret,
    ) -> Result<(Secret, Duration), ProviderError> {
        let what = format!("POST {} (impersonate a service account)", self.url);
        let body = json!({
            "delegates": self.delegates,
            "scope": [CLOUD_PLATFORM_SCOPE],
            "lifetime": format!("{}s", self.lifetime_seconds),
        });
        let answer = transport
            .send_json(provider, &what, Some(source), || {
                transport
                    .client()
                    .post(&self.url)
                    .bearer_auth(source.expose())
                    .json(&body)
            })
            .await?;
        let token = answer
            .get("accessToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ProviderError::new(
                    provider,
                    &what,
                    ErrorKind::Decode,
                    "the answer has no `accessToken`",
                )
            })?;
        let lifetime = answer
            .get("expireTime")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339)
            .and_then(|until| until.duration_since(SystemTime::now()).ok())
            .unwrap_or(Duration::from_secs(self.lifetime_seconds));
        Ok((Secret::new(token), lifetime))
    }
}

/// Where an external account's subject token comes from.
#[derive(Debug, Clone)]
enum Subject {
    File(PathBuf),
    Url {
        url: String,
        headers: Vec<(String, String)>,
    },
}

/// An `external_account` file (workload identity federation).
#[derive(Debug, Clone)]
pub(crate) struct External {
    audience: String,
    subject_token_type: String,
    token_url: String,
    subject: Subject,
    /// `None`: the token is the whole text; else the JSON field holding it.
    json_field: Option<String>,
    impersonation: Option<Impersonation>,
    client: Option<(String, Secret)>,
    user_project: Option<String>,
}

impl External {
    /// The settings of an `external_account` file; `Err` says what is wrong.
    pub(crate) fn from_json(file: &Value) -> Result<Self, String> {
        let field = |name: &str| {
            file.get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let need = |name: &str| field(name).ok_or(format!("`{name}` is missing"));
        let source = file
            .get("credential_source")
            .ok_or("`credential_source` is missing")?;
        let text = |name: &str| {
            source
                .get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        if source.get("environment_id").is_some() || source.get("executable").is_some() {
            return Err("subject tokens from AWS (`credential_source.environment_id`) or an executable are not supported by this build; use a `file` or `url` credential source".into());
        }
        let subject = match (text("file"), text("url")) {
            (Some(path), _) => Subject::File(PathBuf::from(path)),
            (None, Some(url)) => Subject::Url {
                url: url.to_owned(),
                headers: source
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(|h| {
                        h.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            (None, None) => return Err("`credential_source` needs `file` or `url`".into()),
        };
        let format = source.get("format");
        let json_field = match format.and_then(|f| f.get("type")).and_then(Value::as_str) {
            None | Some("text") => None,
            Some("json") => Some(
                format
                    .and_then(|f| f.get("subject_token_field_name"))
                    .and_then(Value::as_str)
                    .ok_or("`credential_source.format` of type `json` needs `subject_token_field_name`")?
                    .to_owned(),
            ),
            Some(other) => return Err(format!("`credential_source.format.type` `{other}` is not `text` or `json`")),
        };
        let lifetime = file
            .pointer("/service_account_impersonation/token_lifetime_seconds")
            .and_then(Value::as_u64);
        Ok(Self {
            audience: need("audience")?.to_owned(),
            subject_token_type: need("subject_token_type")?.to_owned(),
            token_url: need("token_url")?.to_owned(),
            subject,
            json_field,
            impersonation: field("service_account_impersonation_url")
                .map(|url| Impersonation::new(url, Vec::new(), lifetime)),
            client: field("client_id")
                .zip(field("client_secret"))
                .map(|(id, secret)| (id.to_owned(), Secret::new(secret))),
            user_project: field("workforce_pool_user_project").map(str::to_owned),
        })
    }

    /// The token endpoint (for `Debug` and errors).
    pub(crate) fn token_url(&self) -> &str {
        &self.token_url
    }

    /// A federated token: the subject token exchanged at the STS, then impersonated
    /// when the file asks.
    pub(crate) async fn token(
        &self,
        provider: &str,
        transport: &Transport,
    ) -> Result<(Secret, Duration), ProviderError> {
        let subject = self.subject_token(provider, transport).await?;
        let what = format!("POST {} (token exchange)", self.token_url);
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair(
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            )
            .append_pair("audience", &self.audience)
            .append_pair("scope", CLOUD_PLATFORM_SCOPE)
            .append_pair(
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
            )
            .append_pair("subject_token", subject.expose())
            .append_pair("subject_token_type", &self.subject_token_type);
            if let (Some(project), None) = (&self.user_project, &self.client) {
                form.append_pair("options", &json!({"userProject": project}).to_string());
            }
            form.finish()
        };
        let basic = self
            .client
            .as_ref()
            .map(|(id, secret)| Secret::new(STANDARD.encode(format!("{id}:{}", secret.expose()))));
        let answer = transport
            .send_json(provider, &what, Some(&subject), || {
                let request = transport
                    .client()
                    .post(&self.token_url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone());
                match &basic {
                    Some(basic) => {
                        request.header("authorization", format!("Basic {}", basic.expose()))
                    }
                    None => request,
                }
            })
            .await?;
        let (token, lifetime) = access_token(provider, &what, &answer)?;
        match &self.impersonation {
            None => Ok((token, lifetime)),
            Some(impersonation) => impersonation.token(provider, transport, &token).await,
        }
    }

    /// The subject token from the file or the URL.
    async fn subject_token(
        &self,
        provider: &str,
        transport: &Transport,
    ) -> Result<Secret, ProviderError> {
        let (what, text) = match &self.subject {
            Subject::File(path) => {
                let what = format!("read the subject token file {}", path.display());
                let text = tokio::fs::read_to_string(path).await.map_err(|e| {
                    ProviderError::new(
                        provider,
                        &what,
                        ErrorKind::Config,
                        format!(
                            "{} (credential_source.file of the external_account file)",
                            e.kind()
                        ),
                    )
                })?;
                (what, text)
            }
            Subject::Url { url, headers } => {
                let what = format!("GET {url} (subject token)");
                let (response, _permit) = transport
                    .send(provider, &what, None, || {
                        headers
                            .iter()
                            .fold(transport.client().get(url), |r, (k, v)| r.header(k, v))
                    })
                    .await?;
                let text = response.text().await.map_err(|e| {
                    ProviderError::new(provider, &what, ErrorKind::Decode, e.to_string())
                })?;
                (what, text)
            }
        };
        let token = match &self.json_field {
            None => Some(text.trim().to_owned()),
            Some(name) => serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get(name).and_then(Value::as_str).map(str::to_owned)),
        };
        token
            .filter(|t| !t.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                ProviderError::new(
                    provider,
                    &what,
                    ErrorKind::Decode,
                    match &self.json_field {
                        None => "the subject token is empty".to_owned(),
                        Some(name) => format!(
                            "the answer is not a JSON object with the string field `{name}`"
                        ),
                    },
                )
            })
    }
}
