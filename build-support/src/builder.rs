//! The build-script API: compile an arena project into a PromptPack in `OUT_DIR`, with
//! cargo rerunning the script exactly when a file the compiler read changes.
//!
//! ```no_run
//! // build.rs, in `fn main`:
//! if let Err(err) = promptkit_build::Builder::new("config.arena.yaml")
//!     .pack("app.pack.json")
//!     .run()
//! {
//!     err.exit();
//! }
//! // src/main.rs: include_str!(concat!(env!("OUT_DIR"), "/app.pack.json"))
//! ```
//!
//! Each build step is a method on [`Builder`]; further outputs (such as generated
//! bindings) are added as further methods that consume the same compiled pack in
//! [`Builder::run`].

use crate::diagnostic::relative::{ALLOW_WARNINGS_VAR, relative, warnings_allowed};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, RenderStyle, SourceCache};
use crate::frontend::Frontend;
use crate::pack::{CompileOptions, PromptPack};

/// Compiles an arena project from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    config: PathBuf,
    pack_name: Option<String>,
    dist: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    options: CompileOptions,
    frontend: Frontend,
}

/// What a successful [`Builder::run`] produced.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// The compiled pack.
    pub pack: PromptPack,
    /// Where the pack JSON was written (in `OUT_DIR`).
    pub pack_path: PathBuf,
    /// The copy written by [`Builder::dist`], if any.
    pub dist_path: Option<PathBuf>,
    /// Every file the compiler read: each was printed as `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
    /// Warnings (already printed as `cargo:warning`).
    pub warnings: Diagnostics,
}

/// Why a build failed: compiler diagnostics, or an I/O problem writing the pack.
#[derive(Debug)]
pub enum BuildError {
    /// The project has errors; every diagnostic is kept with the sources to render them.
    Compile {
        /// Every error and warning.
        diagnostics: Diagnostics,
        /// The text of the files read.
        sources: SourceCache,
    },
    /// The environment or the file system got in the way.
    Io(String),
}

impl BuildError {
    /// The diagnostics rendered like rustc (file:line:col, snippet, help).
    pub fn render(&self, style: RenderStyle) -> String {
        match self {
            BuildError::Compile {
                diagnostics,
                sources,
            } => {
                let mut text = diagnostics.render(sources, style);
                if let Some(summary) = diagnostics.summary() {
                    text.push_str("\n\n");
                    text.push_str(&summary);
                }
                text
            }
            BuildError::Io(message) => format!("error: {message}"),
        }
    }

    /// Prints the rendered diagnostics to stderr (cargo shows them when the build
    /// script fails) and exits the build script with status 1.
    pub fn exit(self) -> ! {
        eprintln!("{}", self.render(RenderStyle::Plain));
        std::process::exit(1)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(RenderStyle::Plain))
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder for the arena config at `config`; a relative path is resolved against
    /// `CARGO_MANIFEST_DIR` (the crate being built).
    pub fn new(config: impl Into<PathBuf>) -> Self {
        Self {
            config: config.into(),
            pack_name: None,
            dist: None,
            out_dir: None,
            options: CompileOptions::default(),
            frontend: Frontend::new(),
        }
    }

    /// File name of the pack in `OUT_DIR` (default `<pack id>.pack.json`).
    pub fn pack(mut self, file_name: impl Into<String>) -> Self {
        self.pack_name = Some(file_name.into());
        self
    }

    /// Also copy the pack to `path` (relative paths resolve against `CARGO_MANIFEST_DIR`).
    pub fn dist(mut self, path: impl Into<PathBuf>) -> Self {
        self.dist = Some(path.into());
        self
    }

    /// The pack id (default: the config folder's name, sanitised as packc does).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.options.pack_id = Some(id.into());
        self
    }

    /// Write the pack here instead of `OUT_DIR` (for use outside build scripts).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Accept project files outside the config's folder.
    pub fn allow_outside_root(mut self, allow: bool) -> Self {
        self.frontend = self.frontend.allow_outside_root(allow);
        self
    }

    /// Loads, checks and compiles (a project `cargo promptkit validate` refuses is
    /// refused here with the same diagnostics, and no pack is written), writes the pack
    /// and prints cargo directives to stdout.
    pub fn run(self) -> Result<BuildOutput, BuildError> {
        let stdout = std::io::stdout();
        self.run_with(&mut stdout.lock())
    }

    /// [`Builder::run`], writing the cargo directives to `directives` instead of stdout.
    pub fn run_with(self, directives: &mut dyn Write) -> Result<BuildOutput, BuildError> {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let resolve = |p: &Path| match &manifest_dir {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        };
        let config = resolve(&self.config);
        let compiled = self.frontend.project(&config).compile(&self.options);
        let io = |e: std::io::Error| BuildError::Io(format!("cannot write cargo directives: {e}"));
        for file in &compiled.files {
            writeln!(directives, "cargo:rerun-if-changed={}", file.display()).map_err(io)?;
        }
        writeln!(directives, "cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH").map_err(io)?;
        writeln!(
            directives,
            "cargo:rerun-if-env-changed={ALLOW_WARNINGS_VAR}"
        )
        .map_err(io)?;
        let warnings: Diagnostics = compiled
            .diagnostics
            .warnings()
            .cloned()
            .collect::<Vec<_>>()
            .into();
        if !warnings_allowed() {
            // Paths relative to the crate, as the macros show them.
            let base = manifest_dir.clone().unwrap_or_default();
            let (shown, sources) = relative(warnings.iter(), &compiled.sources, &base);
            for warning in &shown {
                let text = warning.render_styled(&sources, RenderStyle::Plain);
                for line in text.lines() {
                    writeln!(directives, "cargo:warning={line}").map_err(io)?;
                }
            }
        }
        let Some(pack) = compiled.pack else {
            return Err(BuildError::Compile {
                diagnostics: compiled.diagnostics,
                sources: compiled.sources,
            });
        };
        let json = pack
            .to_json()
            .map_err(|e| BuildError::Io(format!("cannot serialise the pack: {e}")))?;
        let out_dir = match self
            .out_dir
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(dir) => dir,
            None => {
                return Err(BuildError::Io(
                    "OUT_DIR is not set: run the Builder from build.rs, or give it `.out_dir(path)`"
                        .to_owned(),
                ));
            }
        };
        let name = self
            .pack_name
            .unwrap_or_else(|| format!("{}.pack.json", pack.id));
        let pack_path = out_dir.join(name);
        write_if_changed(&pack_path, &json)?;
        let dist_path = match &self.dist {
            Some(dist) => {
                let path = resolve(dist);
                write_if_changed(&path, &json)?;
                Some(path)
            }
            None => None,
        };
        Ok(BuildOutput {
            pack,
            pack_path,
            dist_path,
            files: compiled.files,
            warnings,
        })
    }
}

/// Writes `text` to `path` (creating folders) unless it already holds exactly that,
/// so unchanged packs keep their timestamps.
fn write_if_changed(path: &Path, text: &str) -> Result<(), BuildError> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| BuildError::Io(format!("cannot create `{}`: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| BuildError::Io(format!("cannot write `{}`: {e}", path.display())))
}
