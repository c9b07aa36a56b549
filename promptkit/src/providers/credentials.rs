//! Where a live provider's API key comes from, in the reference's order: the
//! `credential.credential_file` (relative to the provider config's folder, never
//! outside it), the `credential.credential_env` variable, then the type's default
//! variables. A literal `credential.api_key` in YAML is refused: secrets never live in
//! project files. Errors name the source, never the secret.

use std::path::{Path, PathBuf};

use promptkit_build::model::ProviderSpec;

use super::http::Secret;

/// Why no key could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// `credential.api_key` is set.
    #[error(
        "`credential.api_key` holds a literal key, which is never used (secrets stay out of project files); put the key in a file named by `credential.credential_file` or in the variable named by `credential.credential_env`"
    )]
    LiteralKey,
    /// The credential file cannot be read or is empty.
    #[error("cannot read the key from `credential.credential_file` ({path}): {why}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        why: String,
    },
    /// No variable of the list is set.
    #[error("set {vars} in the environment (or name a key file with `credential.credential_file`)")]
    Unset {
        /// The variables tried, joined with `or`.
        vars: String,
    },
}

/// The key of `spec`; `config_dir` is the folder of the provider's config file.
/// `Ok(None)` when the type has no default variable and nothing is configured.
pub fn resolve(
    spec: &ProviderSpec,
    config_dir: Option<&Path>,
) -> Result<Option<Secret>, CredentialError> {
    let credential = spec.credential.as_ref();
    if credential.is_some_and(|c| c.api_key.as_deref().is_some_and(|k| !k.is_empty())) {
        return Err(CredentialError::LiteralKey);
    }
    if let Some(file) = credential.and_then(|c| c.credential_file.as_ref()) {
        return read_key_file(&file.value, config_dir).map(Some);
    }
    let vars = spec.credential_env();
    match Secret::from_env(&vars) {
        Some(secret) => Ok(Some(secret)),
        None if vars.is_empty() => Ok(None),
        None => Err(CredentialError::Unset {
            vars: vars.join(" or "),
        }),
    }
}

/// The text of `credential.credential_file` with its path (GCP Vertex reads a
/// service-account key from it); `Ok(None)` when no file is configured.
pub fn configured_file(
    spec: &ProviderSpec,
    config_dir: Option<&Path>,
) -> Result<Option<(PathBuf, Secret)>, CredentialError> {
    let Some(file) = spec
        .credential
        .as_ref()
        .and_then(|c| c.credential_file.as_ref())
    else {
        return Ok(None);
    };
    let text = read_key_file(&file.value, config_dir)?;
    Ok(Some((PathBuf::from(&file.value), text)))
}

/// Largest key file read, in bytes.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The trimmed text of a key file, which must lie inside `config_dir`.
fn read_key_file(path: &str, config_dir: Option<&Path>) -> Result<Secret, CredentialError> {
    let given = Path::new(path);
    let full = match config_dir {
        Some(dir) if given.is_relative() => dir.join(given),
        _ => given.to_path_buf(),
    };
    let fail = |why: String| CredentialError::File {
        path: full.clone(),
        why,
    };
    let real = full.canonicalize().map_err(|e| fail(e.to_string()))?;
    if let Some(dir) = config_dir.and_then(|d| d.canonicalize().ok())
        && !real.starts_with(&dir)
    {
        return Err(fail(format!(
            "it is outside the config folder {}",
            dir.display()
        )));
    }
    let bytes = promptkit_build::load::bounded_read(&real, MAX_KEY_FILE_BYTES)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(fail(format!(
            "it is over {MAX_KEY_FILE_BYTES} bytes; a key file holds one key"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| fail(e.to_string()))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(fail("the file is empty".into()));
    }
    Ok(Secret::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_key_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("key.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let err = read_key_file("key.txt", Some(dir.path())).expect_err("a FIFO is not a key file");
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_giant_key_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("key.txt"), "k".repeat(100_000)).expect("write");
        let err = read_key_file("key.txt", Some(dir.path())).expect_err("too large");
        assert!(
            err.to_string().contains("a key file holds one key"),
            "{err}"
        );
        assert!(!err.to_string().contains("kkkk"), "{err}");
    }
}
