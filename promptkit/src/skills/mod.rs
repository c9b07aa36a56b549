//! Skills (`spec.skills`): instructions the model loads on demand, as the reference.
//! Directory sources are walked for `SKILL.md` files (YAML front matter with `name`,
//! `description`, `allowed-tools`; the Markdown body is the instructions); inline
//! sources give `name`, `description` and `instructions`. The first source to name a
//! skill wins, `preload` is OR-combined. Preloaded skills are active from the start,
//! their instructions appended to the system prompt; the others are activated through
//! the `skill__activate` tool, whose description lists them.

mod discover;
mod glob;
pub(crate) mod tools;

use std::path::PathBuf;

pub use discover::SkillError;

/// One skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    /// Its name (what `skill__activate` takes).
    pub name: String,
    /// One line on when to use it.
    pub description: String,
    /// The instructions the model receives on activation.
    pub instructions: String,
    /// Tools the skill works with (`allowed-tools`).
    pub allowed_tools: Vec<String>,
    /// Its folder relative to the config folder (empty for inline skills); workflow
    /// states' `skills` globs match it.
    pub path: String,
    /// Its folder on disk, for `skill__read_resource` (none for inline skills).
    pub dir: Option<PathBuf>,
    /// Active from the start.
    pub preload: bool,
}

/// The skills of a project, in discovery order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skills {
    skills: Vec<Skill>,
}

impl Skills {
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }

    /// The skill named `name`.
    pub fn get(&self, name: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.name == name)
    }

    /// Every skill.
    pub fn iter(&self) -> impl Iterator<Item = &Skill> {
        self.skills.iter()
    }

    /// The reference's index, embedded in the `skill__activate` description.
    pub fn index(&self) -> String {
        if self.skills.is_empty() {
            return "No skills available.".to_owned();
        }
        let mut index = "Available skills:".to_owned();
        for skill in &self.skills {
            index.push_str(&format!("\n- {}: {}", skill.name, skill.description));
        }
        index
    }

    /// The block appended to the system prompt for the preloaded skills (empty when
    /// there are none), in the reference's words.
    pub fn preloaded_instructions(&self) -> String {
        let preloaded: Vec<&Skill> = self.skills.iter().filter(|s| s.preload).collect();
        if preloaded.is_empty() {
            return String::new();
        }
        let mut block = "\n\n# Active Skills\n\nThe following skills are active for this conversation. Follow their instructions.\n".to_owned();
        for skill in preloaded {
            block.push_str(&format!("\n## {}\n\n{}\n", skill.name, skill.instructions));
        }
        block
    }
}
