//! Loading PromptArena projects and single files from disk into the [`model`](crate::model),
//! with a location on every diagnostic.
//!
//! [`load_project`] reads an arena config and every file it references — and nothing
//! else — resolving `file:` references relative to the file naming them and
//! `mock_config` relative to the arena config's folder (or `defaults.config_dir`), as the
//! reference does. It rejects references that leave the project root (the arena
//! config's folder) unless [`LoadOptions::allow_outside_root`] is set, detects reference
//! cycles, and keeps going after errors so one run reports every broken file.
//! Cross-reference checks (dangling ids, unknown tools) belong to `check`.
//!
//! ```
//! use promptkit_build::diagnostic::RenderStyle;
//! use promptkit_build::load::{LoadOptions, load_project};
//!
//! let config = concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../shared/conformance/client-tools/config.arena.yaml"
//! );
//! let loaded = load_project(config, &LoadOptions::default());
//! assert!(loaded.is_ok(), "{}", loaded.render(RenderStyle::Plain));
//! let project = loaded.value.expect("loaded");
//! assert_eq!(project.scenarios.len(), 2);
//! let mock = project.provider("mock-client-tools").expect("declared");
//! assert!(project.mock_config_of(mock).is_some());
//! // `files` is what a build script prints as `cargo::rerun-if-changed`.
//! assert!(loaded.files.len() >= 6);
//! ```

mod fragment;
mod items;
mod partial;
mod paths;
mod project;
mod reader;
mod recover;
mod required;
mod scalar;
mod single;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostics, RenderStyle, SourceCache, SourceLocation};
use crate::model::{
    ArenaSpec, EvalSpec, Location, Manifest, MockConfig, ObjectMeta, PersonaSpec, PromptSpec,
    ProviderSpec, ScenarioSpec, ToolSpec,
};

pub use fragment::{Fragment, add_fragment_vars, fragment_path, fragment_vars};
pub use paths::resolves_inside;
pub use project::load_project;
pub use reader::bounded_read;
pub use required::Required;
pub use scalar::locate_in_scalar;
pub use single::{
    load_manifest, load_mock_config, load_prompt_file, locate, parse_manifest, parse_mock_config,
};
pub use yaml::{did_you_mean, worth_suggesting};

/// Options of a load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Accept references that resolve outside the project root (default: rejected).
    pub allow_outside_root: bool,
    /// Largest file read, in bytes (default 8 MiB).
    pub max_file_bytes: u64,
    /// Largest total of all files read by one load, in bytes (default 64 MiB).
    pub max_project_bytes: u64,
    /// Files served from memory instead of the disk, keyed by the path the loader
    /// reads (as listed in [`Loaded::files`]). `#[arena_test]` compiles a checked
    /// project into the test binary this way, so a test never re-reads YAML.
    pub embedded: Option<Arc<Embedded>>,
    /// Read only these files of the config's `scenarios` list (resolved paths, as in
    /// [`Item::path`]); the others are skipped unread and the project is
    /// [`Project::partial`]. For a process that runs a few cases of a project already
    /// checked whole: `#[arena_test]` running one test. `None` reads every scenario.
    pub scenario_files: Option<std::collections::BTreeSet<PathBuf>>,
}

/// File contents captured at compile time, keyed by path.
pub type Embedded = std::collections::BTreeMap<PathBuf, Arc<str>>;

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            allow_outside_root: false,
            max_file_bytes: 8 * 1024 * 1024,
            max_project_bytes: 64 * 1024 * 1024,
            embedded: None,
            scenario_files: None,
        }
    }
}

/// The result of a load: the value when it could be built, every diagnostic, every file read.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The loaded value; `None` when the top-level file itself could not be read or parsed.
    pub value: Option<T>,
    /// Every error and warning, in the order found.
    pub diagnostics: Diagnostics,
    /// Every file read or checked, in order, without duplicates (for `rerun-if-changed`).
    pub files: Vec<PathBuf>,
    /// The text of every file read, for rendering snippets.
    pub sources: SourceCache,
}

impl<T> Loaded<T> {
    /// True when a value was built and no error was reported.
    pub fn is_ok(&self) -> bool {
        self.value.is_some() && !self.diagnostics.has_errors()
    }

    /// Renders every diagnostic like rustc.
    pub fn render(&self, style: RenderStyle) -> String {
        self.diagnostics.render(&self.sources, style)
    }
}

/// One loaded item (prompt, provider, scenario, tool, persona, eval) with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<S> {
    /// The id the reference uses: `metadata.name` (prompts: the arena's `prompt_configs[].id`;
    /// inline specs: the map key).
    pub id: String,
    /// Where the id is written, when known.
    pub id_at: Option<SourceLocation>,
    /// The file the item was read from (the arena config for inline specs).
    pub path: PathBuf,
    /// Where the arena config references the file (`file:` value), when it does.
    pub referenced_at: Option<SourceLocation>,
    /// The document's metadata (`None` for inline specs).
    pub metadata: Option<ObjectMeta>,
    /// The document's `spec`.
    pub spec: S,
    /// Where the `spec` mapping starts (the map key for inline specs), to blame the item
    /// as a whole.
    pub spec_at: Option<SourceLocation>,
    /// True for items defined inline in the arena config (`provider_specs` etc.).
    pub inline: bool,
    /// The fragments the loader read for a prompt (empty for other kinds).
    pub fragments: Vec<Fragment>,
}

impl<S> Item<S> {
    /// The location of a spanned value of this item in its file.
    pub fn at(&self, location: &Location) -> Option<SourceLocation> {
        SourceLocation::from_yaml(&self.path, location)
    }
}

/// Which provider list of the arena config named a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderSlot {
    /// `providers:` (all roles).
    Providers,
    /// `tts_providers:`.
    Tts,
    /// `stt_providers:`.
    Stt,
    /// `embedding_providers:`.
    Embedding,
    /// `image_providers:`.
    Image,
    /// `provider_specs:` (inline).
    Inline,
}

/// A loaded provider with its group and mock response file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderEntry {
    /// The provider document.
    pub item: Item<ProviderSpec>,
    /// The provider group (`default` unless the reference names one).
    pub group: String,
    /// The list that named it.
    pub slot: ProviderSlot,
    /// The resolved `additional_config.mock_config` path of a `type: mock` provider.
    pub mock_config: Option<PathBuf>,
    /// The resolved recording path of a `type: replay` provider
    /// (`additional_config.recording`, else `arena_output`).
    pub recording: Option<PathBuf>,
}

/// A recording read by the loader (a replay provider's or an eval's): confined to the
/// project root, a regular file within the size limits, read once.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingFile {
    /// The file.
    pub path: PathBuf,
    /// Its text.
    pub text: Arc<str>,
}

/// A loaded mock response file.
#[derive(Debug, Clone, PartialEq)]
pub struct MockFile {
    /// The file.
    pub path: PathBuf,
    /// Where it was referenced (first reference).
    pub referenced_at: Option<SourceLocation>,
    /// Its content.
    pub config: MockConfig,
}

impl MockFile {
    /// The location of a spanned value of this file.
    pub fn at(&self, location: &Location) -> Option<SourceLocation> {
        SourceLocation::from_yaml(&self.path, location)
    }
}

/// A loaded PromptArena project: the arena config and every file it references.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The project root: the arena config's folder.
    pub root: PathBuf,
    /// The arena config file.
    pub config_path: PathBuf,
    /// The arena config document.
    pub arena: Manifest<ArenaSpec>,
    /// Prompt configs (file refs, then `prompt_specs`).
    pub prompts: Vec<Item<PromptSpec>>,
    /// Providers of every list (file refs, then `provider_specs`).
    pub providers: Vec<ProviderEntry>,
    /// Scenarios (file refs, then `scenario_specs`).
    pub scenarios: Vec<Item<ScenarioSpec>>,
    /// Tools (file refs, then `tool_specs`).
    pub tools: Vec<Item<ToolSpec>>,
    /// Self-play personas (file refs, then `persona_specs`).
    pub personas: Vec<Item<PersonaSpec>>,
    /// Evals (file refs, then `eval_specs`).
    pub evals: Vec<Item<EvalSpec>>,
    /// Mock response files named by mock providers (each once).
    pub mock_configs: Vec<MockFile>,
    /// Recordings of replay providers and evals that could be read (each once).
    pub recordings: Vec<RecordingFile>,
    /// Some scenario files were skipped ([`LoadOptions::scenario_files`]): checks that
    /// need every scenario (unused mock responses) are not made.
    pub partial: bool,
}

impl Project {
    /// The folder relative paths such as `mock_config` resolve from (`defaults.config_dir` or the root).
    pub fn config_dir(&self) -> PathBuf {
        project::config_dir(&self.root, &self.arena.spec.value)
    }

    /// The prompt with this id.
    pub fn prompt(&self, id: &str) -> Option<&Item<PromptSpec>> {
        self.prompts.iter().find(|p| p.id == id)
    }

    /// The prompt whose `spec.task_type` is `task_type` (how the reference resolves a
    /// scenario's `task_type`).
    pub fn prompt_for_task(&self, task_type: &str) -> Option<&Item<PromptSpec>> {
        self.prompts
            .iter()
            .find(|p| p.spec.task_type.value == task_type)
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&ProviderEntry> {
        self.providers.iter().find(|p| p.item.id == id)
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Item<ScenarioSpec>> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The tool with this name.
    pub fn tool(&self, name: &str) -> Option<&Item<ToolSpec>> {
        self.tools.iter().find(|t| t.id == name)
    }

    /// The persona with this id.
    pub fn persona(&self, id: &str) -> Option<&Item<PersonaSpec>> {
        self.personas.iter().find(|p| p.id == id)
    }

    /// The mock response file of a provider, when it has one.
    pub fn mock_config_of(&self, provider: &ProviderEntry) -> Option<&MockFile> {
        let path = provider.mock_config.as_ref()?;
        self.mock_configs.iter().find(|m| &m.path == path)
    }

    /// The recording of a `type: replay` provider, when the loader could read it (its
    /// problems are warnings of the check).
    pub fn recording_of(&self, provider: &ProviderEntry) -> Option<&RecordingFile> {
        let path = provider.recording.as_ref()?;
        self.recordings.iter().find(|r| &r.path == path)
    }

    /// The recording of an eval, when the loader could read it (else the check failed).
    pub fn eval_recording(&self, eval: &Item<EvalSpec>) -> Option<&RecordingFile> {
        let path = self.recording_path(eval);
        self.recordings.iter().find(|r| r.path == path)
    }

    /// The exec-bound eval types of `spec.runtime.evals`: name and binding.
    pub fn exec_evals(
        &self,
    ) -> impl Iterator<Item = (&serde_saphyr::Spanned<String>, &crate::model::ExecBinding)> {
        self.arena
            .spec
            .value
            .runtime
            .iter()
            .flat_map(|r| r.evals.iter().flat_map(|e| e.iter()))
    }

    /// The program an exec binding runs: a relative path (one with a `/`) resolved from
    /// [`Project::config_dir`]; a bare program name is looked up on `PATH`.
    pub fn exec_command(&self, binding: &crate::model::ExecBinding) -> PathBuf {
        let command = &binding.command.value;
        let path = PathBuf::from(command);
        if path.is_relative() && command.contains('/') {
            self.config_dir().join(path)
        } else {
            path
        }
    }

    /// The recording file of an eval (resolved relative to the eval file).
    pub fn recording_path(&self, eval: &Item<EvalSpec>) -> PathBuf {
        paths::resolve(
            &paths::parent_dir(&eval.path),
            &eval.spec.recording.path.value,
        )
    }
}

/// Helper for callers outside this module: resolve `reference` against the folder of `file`.
pub fn resolve_reference(file: &Path, reference: &str) -> PathBuf {
    paths::resolve(&paths::parent_dir(file), reference)
}
