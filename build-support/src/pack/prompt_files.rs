//! Compiling prompt files on their own, without an arena config (packc `compile-prompt`).

use std::path::{Path, PathBuf};

use super::compile::{CompileOptions, Compiled, compile};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceCache};
use crate::load::{LoadOptions, Project, load_prompt_file};
use crate::model::{API_VERSION, ArenaSpec, Location, Manifest, Spanned};

/// Compiles prompt files without an arena config (packc `compile-prompt`, for one or
/// more files): the prompts alone, no tools, evals or workflow. The pack id defaults to
/// the task type for a single prompt (as packc), else to the first file's folder name.
pub fn compile_prompt_files(
    paths: &[PathBuf],
    load: &LoadOptions,
    options: &CompileOptions,
) -> Compiled {
    let mut diagnostics = Diagnostics::new();
    let mut files = Vec::new();
    let mut sources = SourceCache::new();
    let mut prompts = Vec::new();
    for path in paths {
        let loaded = load_prompt_file(path, load);
        diagnostics.extend(loaded.diagnostics);
        files.extend(loaded.files);
        sources.merge(loaded.sources);
        prompts.extend(loaded.value);
    }
    let Some(first) = paths.first() else {
        diagnostics.push(
            Diagnostic::error("no prompt files given")
                .with_help("name at least one prompt config file (`-p prompts/support.yaml`)"),
        );
        return Compiled {
            pack: None,
            diagnostics,
            files,
            sources,
        };
    };
    let mut options = options.clone();
    if let ([only], None) = (prompts.as_slice(), &options.pack_id) {
        options.pack_id = Some(only.spec.task_type.value.clone());
    }
    let unknown = Location::UNKNOWN;
    let project = Project {
        root: first.parent().map(Path::to_path_buf).unwrap_or_default(),
        config_path: first.clone(),
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
    };
    let pack = if diagnostics.has_errors() {
        None
    } else {
        match compile(&project, &options) {
            Ok((pack, warnings)) => {
                diagnostics.extend(warnings);
                Some(pack)
            }
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        }
    };
    Compiled {
        pack,
        diagnostics,
        files,
        sources,
    }
}
