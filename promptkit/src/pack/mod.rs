//! Loading PromptPacks at run time: ours (from `Builder` or `cargo promptkit compile`)
//! and any other PromptPack-conformant pack.
//!
//! [`Pack`] keeps every field of the file, including ones from newer versions of the
//! format, so [`Pack::to_json`] writes back everything it read. Prompts render with
//! checked variables (required, defaults, types, `pattern`/`enum`/length/range rules).
//!
//! ```
//! use std::collections::BTreeMap;
//! use promptkit::Pack;
//!
//! let pack = Pack::from_json(r#"{
//!     "id": "demo", "name": "Demo", "version": "1.0.0",
//!     "template_engine": {"version": "v1", "syntax": "{{variable}}"},
//!     "prompts": {"support": {
//!         "id": "support", "name": "Support", "version": "1.0.0",
//!         "system_template": "You help {{customer}} in {{lang}}.",
//!         "variables": [
//!             {"name": "customer", "type": "string", "required": true},
//!             {"name": "lang", "type": "string", "required": false, "default": "English"}
//!         ]
//!     }}
//! }"#).expect("valid pack");
//! let vars = BTreeMap::from([("customer".to_owned(), "Ada".to_owned())]);
//! assert_eq!(pack.render("support", &vars).expect("renders"), "You help Ada in English.");
//! assert!(pack.render("support", &BTreeMap::new()).is_err());
//! ```

mod check;
mod conversation;
mod render;

use std::path::{Path, PathBuf};

pub use crate::conversation::RenderError;
pub use promptkit_build::pack::{Finding, Level, Section};
pub use promptkit_build::pack::{
    PackEval, PackParameters, PackPrompt, PackTool, PackValidator, PackVariable, PromptPack,
};
pub use promptkit_build::pack::{SchemaError, schema_version, validate_schema};

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The file could not be read.
    #[error("cannot read pack `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not a PromptPack.
    #[error("{origin}:{line}:{column}: not a valid PromptPack: {message}")]
    Parse {
        /// The file, or `<json>` for text.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// A loaded PromptPack.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    pack: PromptPack,
    path: Option<PathBuf>,
}

impl Pack {
    /// Parses a pack from JSON text.
    pub fn from_json(text: &str) -> Result<Self, PackError> {
        Self::parse(text, "<json>").map(|pack| Self { pack, path: None })
    }

    /// Reads and parses the pack file at `path`.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, PackError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| PackError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string()).map(|pack| Self {
            pack,
            path: Some(path.to_path_buf()),
        })
    }

    fn parse(text: &str, origin: &str) -> Result<PromptPack, PackError> {
        serde_json::from_str(text).map_err(|e| PackError::Parse {
            origin: origin.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Wraps an already built pack (e.g. one just compiled).
    pub fn from_model(pack: PromptPack) -> Self {
        Self { pack, path: None }
    }

    /// The file the pack was read from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The whole pack.
    pub fn model(&self) -> &PromptPack {
        &self.pack
    }

    /// The pack as indented JSON, with every field it was read with.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        self.pack.to_json()
    }

    /// Pack id.
    pub fn id(&self) -> &str {
        &self.pack.id
    }

    /// Human-readable name.
    pub fn name(&self) -> &str {
        &self.pack.name
    }

    /// Pack version.
    pub fn version(&self) -> &str {
        &self.pack.version
    }

    /// Task types of the prompts, sorted.
    pub fn prompt_names(&self) -> Vec<&str> {
        self.pack.prompts.keys().map(String::as_str).collect()
    }

    /// The prompt for `task_type`.
    pub fn prompt(&self, task_type: &str) -> Option<&PackPrompt> {
        self.pack.prompts.get(task_type)
    }

    /// Every tool of the pack, sorted by name.
    pub fn tools(&self) -> impl Iterator<Item = &PackTool> {
        self.pack.tools.values()
    }

    /// The tool called `name`.
    pub fn tool(&self, name: &str) -> Option<&PackTool> {
        self.pack.tools.get(name)
    }

    /// The tools a prompt may call (those the pack defines, in the prompt's order).
    pub fn tools_of(&self, task_type: &str) -> Vec<&PackTool> {
        self.prompt(task_type)
            .map(|p| p.tools.iter().filter_map(|t| self.tool(t)).collect())
            .unwrap_or_default()
    }

    /// The validators of a prompt (empty for an unknown prompt).
    pub fn validators(&self, task_type: &str) -> &[PackValidator] {
        self.prompt(task_type)
            .map(|p| p.validators.as_slice())
            .unwrap_or_default()
    }
}
