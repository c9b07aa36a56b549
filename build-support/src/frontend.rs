//! The front-end: the one way every entry point — the build.rs [`Builder`](crate::Builder),
//! each CLI command, the macros and the runtime's `Suite` — turns PromptArena files
//! into input it may use.
//!
//! ```text
//! sources --load--> Loaded --check--> Outcome { Checked<T>?, diagnostics, files, sources }
//!                                          └─ Checked<Project> --> pack (compile) / codegen / run plan
//! ```
//!
//! A [`Checked`] value exists only when loading and checking found no error, and it is
//! the only input [`pack::compile`], the code generators and the
//! engine accept: nothing unchecked reaches a pack or a run, and every entry point
//! refuses exactly what `cargo promptkit validate` refuses, with the same diagnostics.
//!
//! ```
//! use promptkit_build::frontend::Frontend;
//! use promptkit_build::pack::CompileOptions;
//!
//! let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/arena-quickstart/config.arena.yaml");
//! let outcome = Frontend::new().project(config);
//! assert!(outcome.is_ok(), "{}", outcome.render(Default::default()));
//! let compiled = outcome.compile(&CompileOptions::default());
//! assert!(compiled.pack.is_some());
//! ```

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, CheckOptions};
use crate::diagnostic::{Diagnostic, Diagnostics, RenderStyle, SourceCache};
use crate::load::{self, Embedded, Item, LoadOptions, Loaded, Project};
use crate::model::{API_VERSION, ArenaSpec, Location, Manifest, PromptSpec, Spanned};
use crate::pack::{self, CompileOptions, Compiled};

/// How projects are read and checked; build one, then ask for a project or prompts.
#[derive(Debug, Clone, Default)]
pub struct Frontend {
    load: LoadOptions,
    check: CheckOptions,
}

/// A value that loaded and checked without error; only the front-end makes one.
#[derive(Debug)]
pub struct Checked<T>(Arc<T>);

impl<T> Clone for Checked<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Deref for Checked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Checked<T> {
    /// The checked value, shared.
    pub fn shared(&self) -> Arc<T> {
        Arc::clone(&self.0)
    }
}

/// Why the front-end refused a project or prompt: at least one error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{rendered}")]
pub struct Rejected {
    /// Every diagnostic rendered like rustc, with the summary line.
    pub rendered: String,
    /// The diagnostics themselves.
    pub diagnostics: Diagnostics,
}

/// What the front-end found: the checked value when there was no error, every
/// diagnostic of loading and checking, and every file read.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    /// The value; `None` when any error was reported.
    pub checked: Option<Checked<T>>,
    /// Every error and warning, loading's first.
    pub diagnostics: Diagnostics,
    /// Every file read, in order (what a build script prints as `rerun-if-changed`).
    pub files: Vec<PathBuf>,
    /// The text of every file read, for rendering snippets.
    pub sources: SourceCache,
}

impl<T> Outcome<T> {
    /// True when the value checked without error.
    pub fn is_ok(&self) -> bool {
        self.checked.is_some()
    }

    /// Renders every diagnostic like rustc.
    pub fn render(&self, style: RenderStyle) -> String {
        self.diagnostics.render(&self.sources, style)
    }

    /// The checked value with its warnings, or the refusal with every diagnostic.
    pub fn into_result(self, style: RenderStyle) -> Result<(Checked<T>, Diagnostics), Rejected> {
        match self.checked {
            Some(checked) => Ok((checked, self.diagnostics)),
            None => {
                let mut rendered = self.diagnostics.render(&self.sources, style);
                if let Some(summary) = self.diagnostics.summary() {
                    rendered.push_str("\n\n");
                    rendered.push_str(&summary);
                }
                Err(Rejected {
                    rendered,
                    diagnostics: self.diagnostics,
                })
            }
        }
    }

    fn from_loaded(loaded: Loaded<T>, check: impl FnOnce(&Loaded<T>) -> Diagnostics) -> Self {
        let mut diagnostics = loaded.diagnostics.clone();
        diagnostics.extend(check(&loaded));
        let checked = loaded
            .value
            .filter(|_| !diagnostics.has_errors())
            .map(|v| Checked(Arc::new(v)));
        Self {
            checked,
            diagnostics,
            files: loaded.files,
            sources: loaded.sources,
        }
    }
}

impl Outcome<Project> {
    /// Compiles the checked project into a PromptPack; with errors (here or from
    /// compiling) the pack is `None` and every diagnostic is kept.
    pub fn compile(&self, options: &CompileOptions) -> Compiled {
        let mut diagnostics = self.diagnostics.clone();
        let pack =
            self.checked
                .as_ref()
                .and_then(|project| match pack::compile(project, options) {
                    Ok((pack, warnings)) => {
                        diagnostics.extend(warnings);
                        Some(pack)
                    }
                    Err(errors) => {
                        diagnostics.extend(errors);
                        None
                    }
                });
        Compiled {
            pack,
            diagnostics,
            files: self.files.clone(),
            sources: self.sources.clone(),
        }
    }
}

impl Frontend {
    /// The default front-end: files confined to the project root, no custom assertion types.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept project files outside the config's folder.
    pub fn allow_outside_root(mut self, allow: bool) -> Self {
        self.load.allow_outside_root = allow;
        self
    }

    /// Read files from memory (what `#[arena_test]` compiled into the test binary).
    pub fn embedded(mut self, files: Arc<Embedded>) -> Self {
        self.load.embedded = Some(files);
        self
    }

    /// Read only these scenario files of the config (see [`LoadOptions::scenario_files`]).
    ///
    /// [`LoadOptions::scenario_files`]: crate::load::LoadOptions::scenario_files
    pub fn only_scenario_files(mut self, paths: impl IntoIterator<Item = PathBuf>) -> Self {
        self.load.scenario_files = Some(paths.into_iter().collect());
        self
    }

    /// Assertion types registered in Rust that scenarios and evals may use.
    pub fn custom_assertions(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.check.custom_assertions.extend(names);
        self
    }

    /// MCP servers registered in Rust (`Setup::mcp_server`) whose tools
    /// (`mcp__<server>__<tool>`) prompts and mock responses may name.
    pub fn mcp_servers(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.check.mcp_servers.extend(names);
        self
    }

    /// Loads and checks the arena config at `config` and every file it references.
    pub fn project(&self, config: impl AsRef<Path>) -> Outcome<Project> {
        let loaded = load::load_project(config, &self.load);
        Outcome::from_loaded(loaded, |loaded| {
            check::check_project_with(loaded, &self.check)
        })
    }

    /// Loads and checks one prompt file on its own (`include_prompt!`, `#[derive(Prompt)]`).
    pub fn prompt(&self, path: impl AsRef<Path>) -> Outcome<Item<PromptSpec>> {
        let loaded = load::load_prompt_file(path, &self.load);
        Outcome::from_loaded(loaded, |loaded| match &loaded.value {
            Some(item) => check::check_prompts(std::slice::from_ref(item), &loaded.sources),
            None => Diagnostics::new(),
        })
    }

    /// Loads and checks prompt files without an arena config (packc `compile-prompt`):
    /// a project holding the prompts alone, rooted at the first file's folder.
    pub fn prompt_files(&self, paths: &[PathBuf]) -> Outcome<Project> {
        let mut loaded = Loaded {
            value: None,
            diagnostics: Diagnostics::new(),
            files: Vec::new(),
            sources: SourceCache::new(),
        };
        let mut prompts = Vec::new();
        for path in paths {
            let one = load::load_prompt_file(path, &self.load);
            loaded.diagnostics.extend(one.diagnostics);
            loaded.files.extend(one.files);
            loaded.sources.merge(one.sources);
            prompts.extend(one.value);
        }
        match paths.first() {
            Some(first) => loaded.value = Some(prompts_project(first, prompts)),
            None => loaded.diagnostics.push(
                Diagnostic::error("no prompt files given")
                    .with_help("name at least one prompt config file (`-p prompts/support.yaml`)"),
            ),
        }
        Outcome::from_loaded(loaded, |loaded| match &loaded.value {
            Some(project) => check::check_prompts(&project.prompts, &loaded.sources),
            None => Diagnostics::new(),
        })
    }
}

/// A project made of prompts alone: no arena config, so nothing else.
fn prompts_project(first: &Path, prompts: Vec<Item<PromptSpec>>) -> Project {
    let unknown = Location::UNKNOWN;
    Project {
        root: first.parent().map(Path::to_path_buf).unwrap_or_default(),
        config_path: first.to_path_buf(),
        arena: Manifest {
            api_version: Spanned::new(API_VERSION.to_owned(), unknown, unknown),
            kind: Spanned::new("Arena".to_owned(), unknown, unknown),
            metadata: None,
            spec: Spanned::new(ArenaSpec::default(), unknown, unknown),
            schema: None,
        },
        prompts,
        providers: Vec::new(),
        scenarios: Vec::new(),
        tools: Vec::new(),
        personas: Vec::new(),
        evals: Vec::new(),
        mock_configs: Vec::new(),
        partial: false,
        recordings: Vec::new(),
    }
}
