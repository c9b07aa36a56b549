//! OAuth access tokens for GCP Vertex, from the credential sources the reference
//! (Google's Application Default Credentials, `golang.org/x/oauth2/google`) reads: a
//! service-account key file (signed JWT assertion, RS256, exchanged at the file's
//! `token_uri` by the JWT-bearer grant) or an ADC `authorized_user` file (refresh-token
//! grant). The file is `credential.credential_file`, else `GOOGLE_APPLICATION_CREDENTIALS`,
//! else gcloud's ADC file; without a file, the GCE/GKE metadata server's default service
//! account (`GCE_METADATA_HOST`, else 169.254.169.254; `Metadata-Flavor: Google`).
//! ADC files of type `impersonated_service_account` and `external_account` (workload
//! identity federation) go through `gcp_federation`. Tokens are cached until a
//! minute before they expire. Errors name the file or the server, never a key or token.
//!
//! Hand-written on the project's client and `ring` rather than Google's `google-cloud-auth`
//! crate, by measurement (same set-up as the AWS chain's, see
//! [`super::aws_credentials`]): `google-cloud-auth` 1.19 without default features adds
//! 28 crates (`google-cloud-gax`/`-rpc`/`-wkt`, two major versions of `jiff`, `serde_with`,
//! two of `schemars`, `darling`) and 632 s of wall time over the 1799 s clean build, about
//! 520 s without promptkit's own rebuild.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::gcp_federation::{External, Impersonation};
use super::http::{Secret, Transport};
use crate::provider::ProviderError;

/// The scope Vertex calls need.
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// Tokens are renewed this long before they expire.
const EARLY: Duration = Duration::from_secs(60);

/// Why no token source could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GcpAuthError {
    /// The file cannot be read or is not a credential file.
    #[error("GCP credential file {path}: {why}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong (never its content).
        why: String,
    },
}

/// How a token is obtained.
enum Grant {
    ServiceAccount {
        email: String,
        key: ring::signature::RsaKeyPair,
    },
    AuthorizedUser {
        client_id: String,
        client_secret: Secret,
        refresh_token: Secret,
    },
    /// The metadata server's default service account.
    Metadata,
    /// Another credential's token exchanged for a service account's.
    Impersonated {
        source: Box<TokenSource>,
        impersonation: Impersonation,
    },
    /// Workload identity federation.
    External(Box<External>),
}

/// The metadata server's default address.
pub const METADATA_HOST: &str = "169.254.169.254";
/// How long a metadata-server token request may take.
const METADATA_TIMEOUT: Duration = Duration::from_secs(5);

/// A cached source of access tokens.
pub struct TokenSource {
    grant: Grant,
    token_uri: String,
    cached: Mutex<Option<(Secret, Instant)>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// The source of the credential file `configured` (already resolved), else of the
    /// default chain.
    pub fn resolve(configured: Option<(PathBuf, Secret)>) -> Result<Self, GcpAuthError> {
        let (path, text) = match configured {
            Some(found) => found,
            None => {
                let Some(path) = default_file() else {
                    return Ok(Self::metadata(
                        std::env::var("GCE_METADATA_HOST")
                            .ok()
                            .filter(|h| !h.is_empty())
                            .as_deref()
                            .unwrap_or(METADATA_HOST),
                    ));
                };
                let text = std::fs::read_to_string(&path).map_err(|e| GcpAuthError::Invalid {
                    path: path.display().to_string(),
                    why: e.to_string(),
                })?;
                (path, Secret::new(text))
            }
        };
        Self::from_json(&path.display().to_string(), text.expose())
    }

    /// The source of a credential file's JSON text (`shown` names it in errors).
    pub fn from_json(shown: &str, text: &str) -> Result<Self, GcpAuthError> {
        let invalid = |why: &str| GcpAuthError::Invalid {
            path: shown.to_owned(),
            why: why.to_owned(),
        };
        let file: Value =
            serde_json::from_str(text).map_err(|_| invalid("it is not valid JSON"))?;
        let field = |name: &str| file.get(name).and_then(Value::as_str);
        let token_uri = field("token_uri").unwrap_or(DEFAULT_TOKEN_URI).to_owned();
        let grant = match field("type") {
            Some("service_account") => {
                let email = field("client_email")
                    .ok_or_else(|| invalid("`client_email` is missing"))?
                    .to_owned();
                let pem =
                    field("private_key").ok_or_else(|| invalid("`private_key` is missing"))?;
                let key = rsa_key(pem)
                    .ok_or_else(|| invalid("`private_key` is not an RSA PKCS#8 PEM key"))?;
                Grant::ServiceAccount { email, key }
            }
            Some("authorized_user") => {
                let get = |name: &str| {
                    field(name).ok_or_else(|| invalid(&format!("`{name}` is missing")))
                };
                Grant::AuthorizedUser {
                    client_id: get("client_id")?.to_owned(),
                    client_secret: Secret::new(get("client_secret")?),
                    refresh_token: Secret::new(get("refresh_token")?),
                }
            }
            Some("impersonated_service_account") => {
                let url = field("service_account_impersonation_url")
                    .ok_or_else(|| invalid("`service_account_impersonation_url` is missing"))?;
                let source = file
                    .get("source_credentials")
                    .ok_or_else(|| invalid("`source_credentials` is missing"))?;
                let source = Self::from_json(
                    &format!("{shown} (source_credentials)"),
                    &source.to_string(),
                )?;
                let delegates = file
                    .get("delegates")
                    .and_then(Value::as_array)
                    .map(|d| {
                        d.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                let impersonation = Impersonation::new(url, delegates, None);
                return Ok(Self {
                    token_uri: impersonation.url().to_owned(),
                    grant: Grant::Impersonated {
                        source: Box::new(source),
                        impersonation,
                    },
                    cached: Mutex::new(None),
                });
            }
            Some("external_account") => {
                let external = External::from_json(&file).map_err(|why| invalid(&why))?;
                return Ok(Self {
                    token_uri: external.token_url().to_owned(),
                    grant: Grant::External(Box::new(external)),
                    cached: Mutex::new(None),
                });
            }
            Some("external_account_authorized_user") => {
                return Err(invalid(
                    "ADC files of type `external_account_authorized_user` are not supported by this build; use a service-account key, `gcloud auth application-default login`, or run on GCP (metadata server)",
                ));
            }
            _ => {
                return Err(invalid(
                    "`type` must be `service_account`, `authorized_user`, `impersonated_service_account` or `external_account`",
                ));
            }
        };
        Ok(Self {
            grant,
            token_uri,
            cached: Mutex::new(None),
        })
    }

    /// The source of the metadata server at `host` (`GCE_METADATA_HOST`'s form:
    /// `host[:port]`, no scheme).
    pub fn metadata(host: &str) -> Self {
        let host = host.trim_end_matches('/');
        Self {
            token_uri: format!(
                "http://{host}/computeMetadata/v1/instance/service-accounts/default/token"
            ),
            grant: Grant::Metadata,
            cached: Mutex::new(None),
        }
    }

    /// A valid access token: the cached one, else a new one from the token endpoint.
    pub async fn token(
        &self,
        provider: &str,
        transport: &Transport,
    ) -> Result<Secret, ProviderError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = match &self.grant {
            Grant::Metadata => {
                let (answer, what) = self.metadata_token(provider, transport).await?;
                access_token(provider, &what, &answer)?
            }
            Grant::Impersonated {
                source,
                impersonation,
            } => {
                let source = Box::pin(source.token(provider, transport)).await?;
                impersonation.token(provider, transport, &source).await?
            }
            Grant::External(external) => external.token(provider, transport).await?,
            Grant::ServiceAccount { .. } | Grant::AuthorizedUser { .. } => {
                let (form, secret) = self.form();
                let what = format!("POST {} (OAuth token)", self.token_uri);
                let answer = transport
                    .send_json(provider, &what, secret.as_ref(), || {
                        transport
                            .client()
                            .post(&self.token_uri)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(form.expose().to_owned())
                    })
                    .await?;
                access_token(provider, &what, &answer)?
            }
        };
        *cached = Some((
            token.clone(),
            Instant::now() + lifetime.saturating_sub(EARLY),
        ));
        Ok(token)
    }

    /// The metadata server's token answer: one attempt with a short timeout, so that a
    /// machine off GCP fails fast with what to do.
    async fn metadata_token(
        &self,
        provider: &str,
        transport: &Transport,
    ) -> Result<(Value, String), ProviderError> {
        let what = format!("GET {} (GCE metadata server token)", self.token_uri);
        let error = |kind, detail: String| ProviderError::new(provider, &what, kind, detail);
        let response = transport
            .client()
            .get(&self.token_uri)
            .query(&[("scopes", CLOUD_PLATFORM_SCOPE)])
            .header("metadata-flavor", "Google")
            .timeout(METADATA_TIMEOUT)
            .send()
            .await
            .map_err(|e| {
                error(
                    crate::provider::ErrorKind::Connect,
                    format!(
                        "no GCP credentials: GOOGLE_APPLICATION_CREDENTIALS is not set, there is no gcloud ADC file, and the metadata server did not answer ({e}); set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, name one with `credential.credential_file`, or run `gcloud auth application-default login`"
                    ),
                )
            })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if !status.is_success() {
            let excerpt: String = body.chars().take(300).collect();
            return Err(error(
                crate::provider::ErrorKind::Status {
                    code: status.as_u16(),
                },
                format!("HTTP {}: {excerpt}", status.as_u16()),
            ));
        }
        let answer = serde_json::from_str(&body).map_err(|_| {
            error(
                crate::provider::ErrorKind::Decode,
                "the metadata server's answer is not JSON".into(),
            )
        })?;
        Ok((answer, what))
    }

    /// The token request's form body, and the secret it carries (for redaction).
    fn form(&self) -> (Secret, Option<Secret>) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        match &self.grant {
            Grant::ServiceAccount { email, key } => {
                let assertion = jwt_assertion(email, &self.token_uri, key, SystemTime::now());
                form.append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                    .append_pair("assertion", &assertion);
                (Secret::new(form.finish()), Some(Secret::new(assertion)))
            }
            Grant::AuthorizedUser {
                client_id,
                client_secret,
                refresh_token,
            } => {
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", client_id)
                    .append_pair("client_secret", client_secret.expose())
                    .append_pair("refresh_token", refresh_token.expose());
                (Secret::new(form.finish()), Some(refresh_token.clone()))
            }
            Grant::Metadata | Grant::Impersonated { .. } | Grant::External(_) => {
                (Secret::new(String::new()), None)
            }
        }
    }
}

/// The access token and its lifetime (`expires_in`, else an hour) of an OAuth token
/// answer to `what`.
pub(crate) fn access_token(
    provider: &str,
    what: &str,
    answer: &Value,
) -> Result<(Secret, Duration), ProviderError> {
    let token = answer
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ProviderError::new(
                provider,
                what,
                crate::provider::ErrorKind::Decode,
                "the token endpoint answered without `access_token`",
            )
        })?;
    let lifetime = answer
        .get("expires_in")
        .and_then(Value::as_u64)
        .map_or(Duration::from_secs(3600), Duration::from_secs);
    Ok((Secret::new(token), lifetime))
}

/// gcloud's application-default credentials file, if it exists.
fn default_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty())
    {
        return Some(PathBuf::from(path));
    }
    let config = std::env::var_os("CLOUDSDK_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/gcloud")))?;
    let file = config.join("application_default_credentials.json");
    file.is_file().then_some(file)
}

/// The RSA key of a PKCS#8 PEM text.
fn rsa_key(pem: &str) -> Option<ring::signature::RsaKeyPair> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    let der = STANDARD.decode(body).ok()?;
    ring::signature::RsaKeyPair::from_pkcs8(&der).ok()
}

/// A signed JWT asserting `email` for the cloud-platform scope at `audience`, valid one
/// hour from `now`.
pub fn jwt_assertion(
    email: &str,
    audience: &str,
    key: &ring::signature::RsaKeyPair,
    now: SystemTime,
) -> String {
    let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
    let claims = URL_SAFE_NO_PAD.encode(
        json!({
            "iss": email,
            "scope": CLOUD_PLATFORM_SCOPE,
            "aud": audience,
            "iat": iat,
            "exp": iat + 3600,
        })
        .to_string(),
    );
    let signing_input = format!("{header}.{claims}");
    let mut signature = vec![0; key.public().modulus_len()];
    // Signing only fails for a buffer of the wrong size, which `modulus_len` rules out.
    let signed = key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    );
    match signed {
        Ok(()) => format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)),
        Err(_) => signing_input,
    }
}
