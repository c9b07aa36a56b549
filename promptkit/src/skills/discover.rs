//! Finding the skills of a project: `SKILL.md` files under directory sources, and
//! inline sources.

use std::path::{Path, PathBuf};

use promptkit_build::load::Project;
use serde::Deserialize;

use super::{Skill, Skills};

/// The largest `SKILL.md` read (as the loader's limit on project files).
const MAX_SKILL_FILE: u64 = 1024 * 1024;

/// Why the skills could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkillError {
    /// A file or folder could not be read.
    #[error("skills: cannot read `{path}`: {reason}")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A `SKILL.md` has no usable front matter.
    #[error(
        "skills: `{path}`: {reason}; a SKILL.md starts with `---`, YAML with `name` and `description`, then `---`"
    )]
    FrontMatter {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An inline source without `name` or a directory.
    #[error("skills: entry {index} of `spec.skills` has neither `dir`/`path` nor `name`")]
    Empty {
        /// Its position (1-based).
        index: usize,
    },
}

/// The front matter of a `SKILL.md`.
#[derive(Deserialize)]
struct FrontMatter {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "allowed-tools", default)]
    allowed_tools: Vec<String>,
}

impl Skills {
    /// The skills of `project`'s `spec.skills`, folders relative to its config folder.
    pub fn discover(project: &Project) -> Result<Self, SkillError> {
        let config_dir = project.config_dir();
        let mut skills = Skills::default();
        for (i, source) in project.arena.spec.value.skills.iter().enumerate() {
            let preload = source.preload.unwrap_or(false);
            let dir = source.dir.as_ref().or(source.path.as_ref());
            let found = match (dir, &source.name) {
                (Some(dir), _) => read_dir(&config_dir, &config_dir.join(&dir.value), preload)?,
                (None, Some(name)) => vec![Skill {
                    name: name.clone(),
                    description: source.description.clone().unwrap_or_default(),
                    instructions: source.instructions.clone().unwrap_or_default(),
                    allowed_tools: Vec::new(),
                    path: String::new(),
                    dir: None,
                    preload,
                }],
                (None, None) => return Err(SkillError::Empty { index: i + 1 }),
            };
            for skill in found {
                skills.add(skill);
            }
        }
        Ok(skills)
    }

    /// Adds `skill` unless one of its name exists (then only `preload` may upgrade).
    fn add(&mut self, skill: Skill) {
        match self.skills.iter_mut().find(|s| s.name == skill.name) {
            Some(existing) => existing.preload |= skill.preload,
            None => self.skills.push(skill),
        }
    }
}

/// Every `SKILL.md` under `dir` (itself included), in path order.
fn read_dir(config_dir: &Path, dir: &Path, preload: bool) -> Result<Vec<Skill>, SkillError> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    files
        .iter()
        .map(|file| read_skill(config_dir, file, preload))
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), SkillError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SkillError::Read {
        path: dir.to_owned(),
        reason: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() && entry.file_name() == "SKILL.md" {
            files.push(path);
        }
    }
    Ok(())
}

fn read_skill(config_dir: &Path, file: &Path, preload: bool) -> Result<Skill, SkillError> {
    let read_error = |reason: String| SkillError::Read {
        path: file.to_owned(),
        reason,
    };
    let size = std::fs::metadata(file)
        .map_err(|e| read_error(e.to_string()))?
        .len();
    if size > MAX_SKILL_FILE {
        return Err(read_error(format!(
            "{size} bytes is over the {MAX_SKILL_FILE}-byte limit"
        )));
    }
    let bytes = promptkit_build::load::bounded_read(file, MAX_SKILL_FILE)
        .map_err(|e| read_error(e.to_string()))?;
    if bytes.len() as u64 > MAX_SKILL_FILE {
        return Err(read_error(format!(
            "it grew over the {MAX_SKILL_FILE}-byte limit"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| read_error(e.to_string()))?;
    let bad = |reason: &str| SkillError::FrontMatter {
        path: file.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(|| bad("no front matter"))?;
    let end = rest
        .find("\n---")
        .ok_or_else(|| bad("the front matter does not end"))?;
    let front: FrontMatter =
        serde_saphyr::from_str(&rest[..end]).map_err(|e| bad(&format!("invalid YAML: {e}")))?;
    let body = rest[end + 4..].trim_start_matches(['-', '\r', '\n']).trim();
    let folder = file.parent().unwrap_or(config_dir);
    let name = front
        .name
        .or_else(|| folder.file_name().map(|n| n.to_string_lossy().into_owned()))
        .ok_or_else(|| bad("no `name`"))?;
    Ok(Skill {
        name,
        description: front.description.unwrap_or_default(),
        instructions: body.to_owned(),
        allowed_tools: front.allowed_tools,
        path: folder
            .strip_prefix(config_dir)
            .unwrap_or(folder)
            .to_string_lossy()
            .into_owned(),
        dir: Some(folder.to_owned()),
        preload,
    })
}
