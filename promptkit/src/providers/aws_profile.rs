//! The AWS shared files as the SDKs read them: the config file (`AWS_CONFIG_FILE`, else
//! `~/.aws/config`; `[default]`, `[profile name]` and `[sso-session name]` sections) and
//! the credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`;
//! `[name]` sections), merged per profile with the credentials file winning. Keys are
//! lower-cased; indented lines (nested `services`-style settings) and comment lines are
//! skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The `key = value` settings of one section.
pub type Section = BTreeMap<String, String>;

/// The profiles and SSO sessions of the shared files.
#[derive(Debug, Default, Clone)]
pub struct SharedFiles {
    /// The config file's path (shown in errors).
    pub config_file: String,
    /// The credentials file's path (shown in errors).
    pub credentials_file: String,
    profiles: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
}

impl SharedFiles {
    /// Reads both files (a missing file is empty), their paths from `vars`.
    pub fn load(vars: &dyn Fn(&str) -> Option<String>) -> Self {
        let home = || {
            vars("HOME")
                .or_else(|| vars("USERPROFILE"))
                .map(PathBuf::from)
        };
        let path = |var: &str, name: &str| {
            vars(var)
                .map(PathBuf::from)
                .or_else(|| home().map(|h| h.join(".aws").join(name)))
        };
        let config = path("AWS_CONFIG_FILE", "config");
        let credentials = path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let read = |p: &Option<PathBuf>| {
            p.as_ref()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        };
        let shown = |p: &Option<PathBuf>, default: &str| {
            p.as_ref()
                .map_or_else(|| default.to_owned(), |p| p.display().to_string())
        };
        let mut files = Self::parse(&read(&config), &read(&credentials));
        files.config_file = shown(&config, "~/.aws/config");
        files.credentials_file = shown(&credentials, "~/.aws/credentials");
        files
    }

    /// The profiles of a config file's and a credentials file's text.
    pub fn parse(config: &str, credentials: &str) -> Self {
        let mut files = Self::default();
        for (header, section) in sections(config) {
            let header = header.split_whitespace().collect::<Vec<_>>();
            match header.as_slice() {
                ["default"] | ["profile", "default"] => {
                    merge(&mut files.profiles, "default", section)
                }
                ["profile", name] => merge(&mut files.profiles, name, section),
                ["sso-session", name] => merge(&mut files.sso_sessions, name, section),
                _ => {}
            }
        }
        for (header, section) in sections(credentials) {
            merge(&mut files.profiles, header.trim(), section);
        }
        files
    }

    /// The merged settings of `profile`, if either file has it.
    pub fn profile(&self, profile: &str) -> Option<&Section> {
        self.profiles.get(profile)
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// Both files, for error messages.
    pub fn shown(&self) -> String {
        format!("{} or {}", self.config_file, self.credentials_file)
    }
}

fn merge(into: &mut BTreeMap<String, Section>, name: &str, section: Section) {
    into.entry(name.to_owned()).or_default().extend(section);
}

/// The sections of an INI text, in order, with their header text.
fn sections(text: &str) -> Vec<(String, Section)> {
    let mut out: Vec<(String, Section)> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((header.trim().to_owned(), Section::new()));
            continue;
        }
        // Indented lines are nested settings of the key above (e.g. `s3 =` blocks).
        if raw.starts_with([' ', '\t']) {
            continue;
        }
        if let (Some((_, section)), Some((k, v))) = (out.last_mut(), line.split_once('=')) {
            section.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_and_credentials_merge_per_profile() {
        let config = "[default]\nregion = us-east-1\n[profile work]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\ns3 =\n  max_concurrent_requests = 4\n[sso-session corp]\nsso_region = eu-west-1\n[services x]\nsts =\n  endpoint_url = http://x\n";
        let credentials = "[base]\naws_access_key_id = A\n# note\naws_secret_access_key = B\n[work]\nrole_arn = arn:aws:iam::2:role/other\n";
        let files = SharedFiles::parse(config, credentials);
        let work = files.profile("work").expect("work");
        assert_eq!(
            work["role_arn"], "arn:aws:iam::2:role/other",
            "credentials file wins"
        );
        assert_eq!(work["source_profile"], "base");
        assert!(!work.contains_key("max_concurrent_requests"));
        assert_eq!(
            files.profile("base").expect("base")["aws_access_key_id"],
            "A"
        );
        assert_eq!(
            files.sso_session("corp").expect("sso")["sso_region"],
            "eu-west-1"
        );
        assert!(files.profile("x").is_none());
    }
}
