//! AWS Signature Version 4 for Bedrock requests, with the official `aws-sigv4`
//! signer: the headers (`authorization`, `x-amz-date`, `x-amz-security-token`) to add
//! to a request whose method, URL, signed headers and body are given.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;

use super::aws_credentials::AwsCredentials;

/// Signs requests for one service in one region.
#[derive(Debug, Clone)]
pub struct SigV4Signer {
    region: String,
    service: String,
}

/// Why a request could not be signed (never includes a key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot sign the request with SigV4: {0}")]
pub struct SigningError(String);

impl SigV4Signer {
    /// A signer for `service` (`bedrock`, `sts`) in `region`.
    pub fn new(region: &str, service: &str) -> Self {
        Self {
            region: region.to_owned(),
            service: service.to_owned(),
        }
    }

    /// The headers that sign `method url` with `headers` and `body` at `time` with
    /// `credentials`.
    pub fn sign(
        &self,
        credentials: &AwsCredentials,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<Vec<(String, String)>, SigningError> {
        let c = credentials;
        let identity: Identity = Credentials::new(
            c.access_key_id.expose(),
            c.secret_access_key.expose(),
            c.session_token.as_ref().map(|t| t.expose().to_owned()),
            None,
            "promptkit",
        )
        .into();
        let params = SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| SigningError(e.to_string()))?
            .into();
        let request = SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| SigningError(e.to_string()))?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| SigningError(e.to_string()))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }
}
