//! AWS credentials for Bedrock, in the order of the AWS default chain the reference
//! uses: the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`), then the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`,
//! else `~/.aws/credentials`) for the profile (`platform.additional_config.profile`,
//! else `AWS_PROFILE`, else `default`). Errors name the source, never a key.

use std::path::PathBuf;

use super::http::Secret;

/// One set of AWS credentials.
#[derive(Debug, Clone)]
pub struct AwsCredentials {
    /// The access key id (not secret, but never printed either).
    pub access_key_id: Secret,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary credentials.
    pub session_token: Option<Secret>,
}

/// Why no AWS credentials were found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsCredentialError {
    /// Nothing in the environment nor in the shared file.
    #[error(
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or add profile `{profile}` to {file}"
    )]
    Missing {
        /// The profile looked up.
        profile: String,
        /// The shared credentials file looked in.
        file: String,
    },
    /// The profile exists but lacks a key.
    #[error("profile `{profile}` in {file} lacks `aws_access_key_id` or `aws_secret_access_key`")]
    Incomplete {
        /// The profile.
        profile: String,
        /// The file.
        file: String,
    },
}

impl AwsCredentials {
    /// The credentials of the chain; `profile` is the configured profile, if any.
    pub fn resolve(profile: Option<&str>) -> Result<Self, AwsCredentialError> {
        Self::resolve_with(profile, &|name| std::env::var(name).ok())
    }

    /// [`AwsCredentials::resolve`] reading variables through `vars`.
    pub fn resolve_with(
        profile: Option<&str>,
        vars: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, AwsCredentialError> {
        let env = |name: &str| vars(name).filter(|v| !v.is_empty());
        if let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            return Ok(Self {
                access_key_id: Secret::new(id),
                secret_access_key: Secret::new(secret),
                session_token: env("AWS_SESSION_TOKEN").map(Secret::new),
            });
        }
        let profile = profile
            .map(str::to_owned)
            .or_else(|| env("AWS_PROFILE"))
            .unwrap_or_else(|| "default".to_owned());
        let file = env("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".aws").join("credentials")));
        let shown = file.as_ref().map_or_else(
            || "~/.aws/credentials".to_owned(),
            |f| f.display().to_string(),
        );
        let missing = || AwsCredentialError::Missing {
            profile: profile.clone(),
            file: shown.clone(),
        };
        let text = file
            .and_then(|f| std::fs::read_to_string(f).ok())
            .ok_or_else(missing)?;
        let section = profile_section(&text, &profile).ok_or_else(missing)?;
        let get = |key: &str| {
            section
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => Ok(Self {
                access_key_id: Secret::new(id),
                secret_access_key: Secret::new(secret),
                session_token: get("aws_session_token").map(Secret::new),
            }),
            _ => Err(AwsCredentialError::Incomplete {
                profile,
                file: shown,
            }),
        }
    }

    /// `text` with every key of these credentials masked.
    pub fn redact(&self, text: &str) -> String {
        let text = self.secret_access_key.redact(text);
        match &self.session_token {
            Some(token) => token.redact(&text),
            None => text,
        }
    }
}

/// The `key = value` lines of `[profile]` in an INI-style credentials file.
fn profile_section(text: &str, profile: &str) -> Option<Vec<(String, String)>> {
    let mut inside = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if inside.is_some() {
                break;
            }
            let name = name.trim();
            let name = name.strip_prefix("profile ").unwrap_or(name).trim();
            if name == profile {
                inside = Some(Vec::new());
            }
            continue;
        }
        if let (Some(pairs), Some((k, v))) = (inside.as_mut(), line.split_once('=')) {
            pairs.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_profile_only() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[profile work]\n# note\naws_access_key_id=C\naws_secret_access_key = D\naws_session_token = E\n[other]\naws_access_key_id = F\n";
        let work = profile_section(text, "work").expect("profile");
        assert_eq!(
            work,
            vec![
                ("aws_access_key_id".into(), "C".into()),
                ("aws_secret_access_key".into(), "D".into()),
                ("aws_session_token".into(), "E".into()),
            ]
        );
        assert!(profile_section(text, "missing").is_none());
    }
}
