//! Loading a whole project from its arena config.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::fragment::read_fragments;
use super::items::{FileRef, IdRule, derive_id, inline_items, is_yaml, load_bare_item, load_item};
use super::reader::{Reader, Reference};
use super::required::Required;
use super::{
    Item, LoadOptions, Loaded, MockFile, Project, ProviderEntry, ProviderSlot, RecordingFile,
    partial, paths,
};
use crate::diagnostic::{Diagnostic, SourceLocation};
use crate::model::{
    ArenaSpec, EvalSpec, Kind, Manifest, MockConfig, PersonaSpec, PromptSpec, ProviderRef,
    ProviderSpec, ProviderType, ScenarioSpec, ToolSpec,
};

const DEFAULT_GROUP: &str = "default";

/// Loads the arena config at `config_path` and every file it references.
///
/// Always returns every diagnostic found; `value` is `None` only when the arena config
/// itself cannot be read or parsed. Items whose file is broken are left out (with errors).
pub fn load_project(config_path: impl AsRef<Path>, options: &LoadOptions) -> Loaded<Project> {
    let config_path = paths::normalize(config_path.as_ref());
    let root = paths::parent_dir(&config_path);
    let mut r = Reader::new(&root, options);
    let project = r.read(&config_path, None).and_then(|text| {
        let (text, blanked) = blank_unselected_scenarios(&mut r, &config_path, &root, text);
        r.enter(&config_path);
        let arena = r.manifest::<ArenaSpec>(&config_path, &text, Kind::Arena)?;
        let project = ProjectLoader {
            r: &mut r,
            root: &root,
            config_path: &config_path,
            blanked,
        }
        .load(arena);
        r.leave();
        Some(project)
    });
    Loaded {
        value: project,
        diagnostics: r.diags,
        files: r.files,
        sources: r.sources,
    }
}

/// In a partial load, the arena config with the `spec.scenarios` entries of files
/// not selected blanked (see [`partial`](super::partial)); the text the rest of the
/// load, the checks and the diagnostics see; true when something was blanked.
fn blank_unselected_scenarios(
    r: &mut Reader<'_>,
    config_path: &Path,
    root: &Path,
    text: Arc<str>,
) -> (Arc<str>, bool) {
    let Some(only) = r.options().scenario_files.as_ref() else {
        return (text, false);
    };
    match partial::blank_unselected(&text, &["spec", "scenarios"], |file| {
        only.contains(&paths::resolve(root, file))
    }) {
        Some(blanked) => (r.sources.insert(config_path, blanked), true),
        None => (text, false),
    }
}

/// The folder `mock_config` and other runtime paths resolve from.
pub(crate) fn config_dir(root: &Path, arena: &ArenaSpec) -> PathBuf {
    match arena.defaults.as_ref().and_then(|d| d.config_dir.as_ref()) {
        Some(dir) if !dir.value.is_empty() => paths::resolve(root, &dir.value),
        _ => root.to_path_buf(),
    }
}

struct ProjectLoader<'a, 'o> {
    r: &'a mut Reader<'o>,
    root: &'a Path,
    config_path: &'a Path,
    /// Parts of the config or of a mock-responses file were blanked (a partial load).
    blanked: bool,
}

/// A mock-responses file read for a provider, not parsed yet.
struct MockText {
    path: PathBuf,
    referenced_at: Option<SourceLocation>,
    text: Arc<str>,
}

impl ProjectLoader<'_, '_> {
    fn file<'s>(&self, value: &'s crate::model::Spanned<String>) -> FileRef<'s> {
        FileRef::new(self.config_path, self.root, value)
    }

    fn load(mut self, arena: Manifest<ArenaSpec>) -> Project {
        let spec = &arena.spec.value;
        let prompts = self.prompts(spec);
        let mut mock_texts = Vec::new();
        let mut recordings = Vec::new();
        let providers = self.providers(spec, &mut mock_texts, &mut recordings);
        let only = self.r.options().scenario_files.as_ref();
        // A partial load parses mock responses once it knows which scenarios it read.
        let (mut mock_configs, mock_texts) = if only.is_some() {
            (Vec::new(), mock_texts)
        } else {
            (self.mock_files(mock_texts, None), Vec::new())
        };
        let root = self.root;
        let config_path = self.config_path;
        let (read, skipped): (Vec<_>, Vec<_>) = spec.scenarios.iter().partition(|f| {
            only.is_none_or(|only| only.contains(&FileRef::new(config_path, root, &f.file).path))
        });
        let mut scenarios = self.simple::<ScenarioSpec>(
            read.into_iter().map(|f| &f.file),
            IdRule {
                kind: Kind::Scenario,
                name_required: false,
            },
            |s| s.id.as_ref(),
            spec.scenario_specs.as_ref(),
        );
        scenarios.iter_mut().for_each(copy_metadata_labels);
        let tools = self.simple::<ToolSpec>(
            spec.tools.iter().map(|f| &f.file),
            IdRule {
                kind: Kind::Tool,
                name_required: true,
            },
            |t| t.name.as_ref(),
            spec.tool_specs.as_ref(),
        );
        let evals = self.simple::<EvalSpec>(
            spec.evals.iter().map(|f| &f.file),
            IdRule {
                kind: Kind::Eval,
                name_required: false,
            },
            |e| e.id.as_ref(),
            spec.eval_specs.as_ref(),
        );
        if only.is_some() {
            let ids: BTreeSet<&str> = scenarios
                .iter()
                .map(|s| (&s.id, s.spec.id.as_ref()))
                .chain(evals.iter().map(|e| (&e.id, e.spec.id.as_ref())))
                .flat_map(|(id, spec_id)| [Some(id.as_str()), spec_id.map(|i| i.value.as_str())])
                .flatten()
                .collect();
            mock_configs = self.mock_files(mock_texts, Some(&ids));
        }
        let personas = self.personas(spec);
        self.side_files(spec, &evals, &mut recordings);
        Project {
            root: self.root.to_path_buf(),
            config_path: self.config_path.to_path_buf(),
            prompts,
            providers,
            scenarios,
            tools,
            personas,
            evals,
            mock_configs,
            recordings,
            partial: !skipped.is_empty() || self.blanked,
            arena,
        }
    }

    fn prompts(&mut self, spec: &ArenaSpec) -> Vec<Item<PromptSpec>> {
        let mut out = Vec::new();
        for prompt_ref in &spec.prompt_configs {
            let file = self.file(&prompt_ref.file);
            let rule = IdRule {
                kind: Kind::PromptConfig,
                name_required: true,
            };
            let Some(text) = self.r.read(&file.path, Some(file.reference())) else {
                continue;
            };
            let Some(manifest) = self.r.manifest::<PromptSpec>(&file.path, &text, rule.kind) else {
                continue;
            };
            // The reference refuses prompts without metadata.name but keys them by the arena's id.
            let _ = derive_id(self.r, &file.path, &manifest, None, rule);
            out.push(Item {
                id: prompt_ref.id.value.clone(),
                id_at: SourceLocation::from_yaml(self.config_path, &prompt_ref.id.referenced),
                path: file.path.clone(),
                referenced_at: file.at.clone(),
                spec_at: SourceLocation::from_yaml(&file.path, &manifest.spec.referenced),
                metadata: manifest.metadata,
                spec: manifest.spec.value,
                inline: false,
                fragments: Vec::new(),
            });
        }
        out.extend(inline_items(
            self.r,
            Kind::PromptConfig,
            self.config_path,
            spec.prompt_specs.as_ref(),
        ));
        for item in &mut out {
            item.fragments = read_fragments(self.r, &item.path, &item.spec);
        }
        out
    }

    fn providers(
        &mut self,
        spec: &ArenaSpec,
        mocks: &mut Vec<MockText>,
        recordings: &mut Vec<RecordingFile>,
    ) -> Vec<ProviderEntry> {
        let lists: [(&[ProviderRef], ProviderSlot); 5] = [
            (&spec.providers, ProviderSlot::Providers),
            (&spec.tts_providers, ProviderSlot::Tts),
            (&spec.stt_providers, ProviderSlot::Stt),
            (&spec.embedding_providers, ProviderSlot::Embedding),
            (&spec.image_providers, ProviderSlot::Image),
        ];
        let config_dir = config_dir(self.root, spec);
        let rule = IdRule {
            kind: Kind::Provider,
            name_required: false,
        };
        let mut out = Vec::new();
        for (refs, slot) in lists {
            for provider_ref in refs {
                let file = self.file(&provider_ref.file);
                let Some(item) = load_item::<ProviderSpec>(self.r, &file, rule, |p| p.id.as_ref())
                else {
                    continue;
                };
                let group = provider_ref
                    .group
                    .as_ref()
                    .map_or(DEFAULT_GROUP.to_owned(), |g| g.value.clone());
                let recording = self.replay_recording(&item, &config_dir, recordings);
                let mock_config = self.mock_config(&item, &config_dir, mocks);
                out.push(ProviderEntry {
                    item,
                    group,
                    slot,
                    mock_config,
                    recording,
                });
            }
        }
        for item in inline_items(
            self.r,
            Kind::Provider,
            self.config_path,
            spec.provider_specs.as_ref(),
        ) {
            let recording = self.replay_recording(&item, &config_dir, recordings);
            let mock_config = self.mock_config(&item, &config_dir, mocks);
            let group = DEFAULT_GROUP.to_owned();
            out.push(ProviderEntry {
                item,
                group,
                slot: ProviderSlot::Inline,
                mock_config,
                recording,
            });
        }
        out
    }

    /// Reads the recording of a `type: replay` provider (`additional_config.recording`,
    /// else `arena_output`, resolved from `config_dir`) through the reader: inside the
    /// root, a regular file within the limits, read once. Problems are warnings, not
    /// errors: projects whose replay provider only serves evals (the reference's
    /// `eval-test` points at a sibling example) still validate; the provider is refused
    /// when a run builds it without its recording.
    fn replay_recording(
        &mut self,
        provider: &Item<ProviderSpec>,
        config_dir: &Path,
        recordings: &mut Vec<RecordingFile>,
    ) -> Option<PathBuf> {
        if provider.spec.r#type.value != crate::model::ProviderType::Replay {
            return None;
        }
        let config = provider.spec.additional_config.as_ref()?;
        let (written, value) = ["recording", "arena_output"].iter().find_map(|key| {
            let value = config.value.get(*key)?;
            let written = value.value.as_str().filter(|w| !w.is_empty())?;
            Some((written, value))
        })?;
        let path = paths::resolve(config_dir, written);
        if !recordings.iter().any(|r| r.path == path) {
            let at = provider.at(&value.referenced);
            let reference = Reference {
                text: written,
                at: at.as_ref(),
            };
            let consequence =
                "a run refuses this provider (validation and mock runs do not need it)";
            if let Some(text) = self.r.read_warning(&path, reference, consequence) {
                recordings.push(RecordingFile {
                    path: path.clone(),
                    text,
                });
            }
        }
        Some(path)
    }

    /// Reads the mock response file of a `type: mock` provider (resolved from `config_dir`).
    fn mock_config(
        &mut self,
        provider: &Item<ProviderSpec>,
        config_dir: &Path,
        mocks: &mut Vec<MockText>,
    ) -> Option<PathBuf> {
        if provider.spec.r#type.value != ProviderType::Mock {
            return None;
        }
        let (key, written) = provider.spec.mock_config()?;
        if written.is_empty() {
            return None;
        }
        let path = paths::resolve(config_dir, written);
        let at = provider
            .spec
            .additional_config
            .as_ref()
            .and_then(|c| c.value.get("mock_config"))
            .and_then(|v| provider.at(&v.referenced))
            .or_else(|| provider.at(&key.referenced));
        let reference = Reference {
            text: written,
            at: at.as_ref(),
        };
        self.r.enter(&provider.path);
        let text = self.r.read(&path, Some(reference));
        self.r.leave();
        let text = text?;
        if !mocks.iter().any(|m| m.path == path) {
            mocks.push(MockText {
                path: path.clone(),
                referenced_at: at,
                text,
            });
        }
        Some(path)
    }

    /// Parses the mock response files read; in a partial load, with the `scenarios`
    /// entries of scenarios other than `kept` blanked.
    fn mock_files(&mut self, texts: Vec<MockText>, kept: Option<&BTreeSet<&str>>) -> Vec<MockFile> {
        let mut out = Vec::new();
        for MockText {
            path,
            referenced_at,
            mut text,
        } in texts
        {
            if let Some(kept) = kept
                && let Some(blanked) =
                    partial::blank_unselected(&text, &["scenarios"], |id| kept.contains(id))
            {
                text = self.r.sources.insert(&path, blanked);
                self.blanked = true;
            }
            let Some(config) = self.r.plain::<MockConfig>(&path, &text) else {
                continue;
            };
            warn_snake_case(self.r, &path, &config);
            out.push(MockFile {
                path,
                referenced_at,
                config,
            });
        }
        out
    }

    fn simple<'f, S: serde::de::DeserializeOwned + Clone + Required>(
        &mut self,
        files: impl Iterator<Item = &'f crate::model::Spanned<String>>,
        rule: IdRule,
        spec_id: impl Fn(&S) -> Option<&crate::model::Spanned<String>> + Copy,
        inline: Option<&crate::model::SpannedMap<String, S>>,
    ) -> Vec<Item<S>> {
        let mut out = Vec::new();
        for value in files {
            let file = self.file(value);
            // The reference reads non-YAML tool files as bare JSON descriptors.
            let item = if rule.kind == Kind::Tool && !is_yaml(&file.path) {
                load_bare_item::<S>(self.r, &file, rule, spec_id)
            } else {
                load_item::<S>(self.r, &file, rule, spec_id)
            };
            out.extend(item);
        }
        out.extend(inline_items(self.r, rule.kind, self.config_path, inline));
        out
    }

    fn personas(&mut self, spec: &ArenaSpec) -> Vec<Item<PersonaSpec>> {
        // Like the reference, personas are read only when self-play is on.
        let Some(self_play) = spec.self_play.as_ref().filter(|s| s.is_enabled()) else {
            return Vec::new();
        };
        let rule = IdRule {
            kind: Kind::Persona,
            name_required: true,
        };
        let mut out = Vec::new();
        for persona_ref in &self_play.personas {
            let file = self.file(&persona_ref.file);
            let item = if is_yaml(&file.path) {
                load_item::<PersonaSpec>(self.r, &file, rule, |p| p.id.as_ref())
            } else {
                load_bare_item::<PersonaSpec>(self.r, &file, rule, |p| p.id.as_ref())
            };
            if let Some(item) = item {
                warn_persona(self.r, &item);
                out.push(item);
            }
        }
        out.extend(inline_items(
            self.r,
            Kind::Persona,
            self.config_path,
            self_play.persona_specs.as_ref(),
        ));
        out
    }

    /// Files that are referenced but not parsed here: eval recordings (read once through
    /// the reader, parsed by the runtime), the pack file, skill folders.
    fn side_files(
        &mut self,
        spec: &ArenaSpec,
        evals: &[Item<EvalSpec>],
        recordings: &mut Vec<RecordingFile>,
    ) {
        for eval in evals {
            let recording = &eval.spec.recording.path;
            let base = paths::parent_dir(&eval.path);
            let file = FileRef::new(&eval.path, &base, recording);
            if recordings.iter().any(|r| r.path == file.path) {
                continue;
            }
            if let Some(text) = self.r.read(&file.path, Some(file.reference())) {
                recordings.push(RecordingFile {
                    path: file.path.clone(),
                    text,
                });
            }
        }
        if let Some(pack) = &spec.pack_file {
            let file = self.file(pack);
            self.r.touch(&file.path, file.reference(), false);
        }
        for skill in &spec.skills {
            if let Some(dir) = skill.dir.as_ref().or(skill.path.as_ref()) {
                let file = self.file(dir);
                self.r.touch(&file.path, file.reference(), true);
            }
        }
    }
}

/// The reference copies a scenario's `metadata.labels` over `spec.labels`.
fn copy_metadata_labels(scenario: &mut Item<ScenarioSpec>) {
    if let Some(labels) = scenario.metadata.as_ref().and_then(|m| m.labels.as_ref())
        && !labels.is_empty()
    {
        scenario.spec.labels = Some(labels.clone());
    }
}

fn warn_persona(r: &mut Reader<'_>, persona: &Item<PersonaSpec>) {
    if persona.spec.description.is_none() {
        r.diags.push(
            Diagnostic::warning(format!("persona `{}` has no `description`", persona.id))
                .at_opt(persona.id_at.clone())
                .or_in(&persona.path)
                .with_note(
                    "the Persona schema requires it; the reference loader accepts its absence",
                ),
        );
    }
}

fn warn_snake_case(r: &mut Reader<'_>, path: &Path, config: &MockConfig) {
    let mut spots = Vec::new();
    if let Some(d) = &config.default_response_snake {
        spots.push(d);
    }
    for map in [&config.scenarios, &config.selfplay].into_iter().flatten() {
        spots.extend(
            map.values()
                .filter_map(|s| s.default_response_snake.as_ref()),
        );
    }
    for spot in spots {
        r.diags.push(
            Diagnostic::warning("`default_response` is not read by the reference mock provider")
                .at_opt(SourceLocation::from_yaml(path, &spot.referenced))
                .with_help("did you mean `defaultResponse`?"),
        );
    }
}
