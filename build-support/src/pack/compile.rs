//! Compiling a loaded arena project into a [`PromptPack`], as the reference packc does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use serde_json::{Value, json};

use super::json::{self, Object};
use super::model::{
    Agents, Compilation, ModelOverride, PackEval, PackParameters, PackPrompt, PackTool,
    PackValidator, PackVariable, PromptPack, TemplateEngine, Workflow,
};
use super::stamp;
use crate::diagnostic::{Diagnostic, Diagnostics, RenderStyle, SourceCache, SourceLocation};
use crate::load::{Item, LoadOptions, Project, load_project};
use crate::model::{
    EvalDef, MediaConfig, Node, PromptSpec, SkillSource, ToolPolicyPack, ValidatorConfig,
    VariableMetadata,
};

/// The `$schema` URL the reference writes into every pack.
pub const SCHEMA_URL: &str = "https://promptpack.org/schema/latest/promptpack.schema.json";

/// The pack version the reference gives every compiled pack.
pub const PACK_VERSION: &str = "v1.0.0";

/// The compiler name and version written to `compilation.compiled_with`.
pub const COMPILED_WITH: &str = concat!("promptkit-packc-v", env!("CARGO_PKG_VERSION"));

/// Options of a compilation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompileOptions {
    /// Pack id; default: the arena config's folder name, lowercased and sanitised
    /// (as packc's `--id` default).
    pub pack_id: Option<String>,
    /// `compilation.compiled_with`; default [`COMPILED_WITH`].
    pub compiled_with: Option<String>,
    /// `compilation.created_at` (RFC 3339). Default: `SOURCE_DATE_EPOCH` when set, else
    /// the Unix epoch, so that the same inputs always give the same bytes.
    pub created_at: Option<String>,
}

/// The result of [`compile_config`]: the pack when it could be built, every
/// diagnostic of loading and compiling, and every file read.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The pack; `None` when an error was reported.
    pub pack: Option<PromptPack>,
    /// Every error and warning of loading and compiling.
    pub diagnostics: Diagnostics,
    /// Every file read (what a build script prints as `rerun-if-changed`).
    pub files: Vec<PathBuf>,
    /// The text of every file read, for rendering snippets.
    pub sources: SourceCache,
}

impl Compiled {
    /// Renders every diagnostic like rustc.
    pub fn render(&self, style: RenderStyle) -> String {
        self.diagnostics.render(&self.sources, style)
    }
}

/// Loads the arena config at `config` and compiles it.
pub fn compile_config(
    config: impl AsRef<Path>,
    load: &LoadOptions,
    options: &CompileOptions,
) -> Compiled {
    let loaded = load_project(config.as_ref(), load);
    let mut diagnostics = loaded.diagnostics;
    let pack = match loaded.value {
        Some(project) if !diagnostics.has_errors() => match compile(&project, options) {
            Ok((pack, warnings)) => {
                diagnostics.extend(warnings);
                Some(pack)
            }
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        },
        _ => None,
    };
    Compiled {
        pack,
        diagnostics,
        files: loaded.files,
        sources: loaded.sources,
    }
}

/// Compiles a loaded project: every prompt keyed by task type, every tool, the pack
/// evals, workflow, agents and skills. Returns the pack and its warnings, or every
/// error found. Provider settings (and so credentials) never enter a pack.
pub fn compile(
    project: &Project,
    options: &CompileOptions,
) -> Result<(PromptPack, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let config = &project.config_path;
    let spec = &project.arena.spec.value;

    let id = pack_id(project, options, &mut errors);
    let created_at = match &options.created_at {
        Some(at) => at.clone(),
        None => stamp::created_at().unwrap_or_else(|e| {
            errors.push(Diagnostic::error(e).with_help(
                "set SOURCE_DATE_EPOCH to a whole number of seconds since 1970, or unset it",
            ));
            String::new()
        }),
    };

    let mut prompts: BTreeMap<String, (PackPrompt, &Item<PromptSpec>)> = BTreeMap::new();
    let mut fragments = BTreeMap::new();
    for item in &project.prompts {
        let task = &item.spec.task_type;
        if let Some((_, first)) = prompts.get(&task.value) {
            errors.push(
                Diagnostic::error(format!(
                    "two prompts declare task_type `{}`; a pack keys prompts by task type",
                    task.value
                ))
                .at_opt(item.at(&task.referenced))
                .with_label("second declaration")
                .with_note(format!("first declared in `{}`", first.path.display()))
                .with_help("give each prompt config its own task_type"),
            );
            continue;
        }
        check_prompt(item, &mut errors);
        for fragment in &item.spec.fragments {
            let name = fragment.name.value.clone();
            fragments
                .entry(name.clone())
                .or_insert_with(|| format!("{{{{{name}}}}}"));
        }
        prompts.insert(task.value.clone(), (prompt(item), item));
    }
    if prompts.is_empty() {
        errors.push(
            Diagnostic::error("no prompt configs found in the arena config")
                .in_file(config)
                .with_help(
                    "list prompt files under `spec.prompt_configs` (`- id: ..., file: ...`)",
                ),
        );
    }
    let template_engine = prompts
        .values()
        .next()
        .map(|(_, item)| template_engine(&item.spec));

    let workflow = spec
        .workflow
        .as_ref()
        .and_then(|node| typed::<Workflow>(node, project, "workflow", &mut errors))
        .map(|mut w| {
            w.extra.clear();
            w.states.values_mut().for_each(|s| s.extra.clear());
            w
        });
    let agents = spec
        .agents
        .as_ref()
        .and_then(|node| typed::<Agents>(node, project, "agents", &mut errors))
        .map(|mut a| {
            a.extra.clear();
            a.members.values_mut().for_each(|m| m.extra.clear());
            a
        });

    if !errors.is_empty() {
        return Err(errors);
    }
    let count = prompts.len();
    let pack = PromptPack {
        schema: Some(SCHEMA_URL.to_owned()),
        name: id.clone(),
        id,
        version: PACK_VERSION.to_owned(),
        description: Some(format!("Pack containing {count} prompts")),
        template_engine,
        prompts: prompts.into_iter().map(|(k, (p, _))| (k, p)).collect(),
        tools: tools(project),
        fragments,
        metadata: None,
        compilation: Some(Compilation {
            compiled_with: options
                .compiled_with
                .clone()
                .unwrap_or_else(|| COMPILED_WITH.to_owned()),
            created_at,
            schema: Some("v1".to_owned()),
            extra: Default::default(),
        }),
        evals: spec.pack_evals.iter().map(eval).collect(),
        workflow,
        compositions: spec.compositions.as_ref().map(json::node),
        agents,
        skills: spec.skills.iter().map(skill).collect(),
        extra: Default::default(),
    };
    Ok((pack, Vec::new()))
}

/// The pack id: the option, or the config folder's name sanitised like packc.
fn pack_id(project: &Project, options: &CompileOptions, errors: &mut Vec<Diagnostic>) -> String {
    let id = options.pack_id.clone().unwrap_or_else(|| {
        let dir = std::path::absolute(&project.root).unwrap_or_else(|_| project.root.clone());
        sanitize_pack_id(
            &dir.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
        )
    });
    let valid = id.len() <= 100
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        errors.push(
            Diagnostic::error(format!(
                "pack id `{id}` is not valid: it must match ^[a-z][a-z0-9-]*$ (at most 100 characters)"
            ))
            .in_file(&project.config_path)
            .with_help("pass an explicit id (`--id my-pack` or `Builder::id`)"),
        );
    }
    id
}

/// packc's default id: lowercase, spaces to dashes, only `[a-z0-9-]`, single dashes, trimmed.
pub fn sanitize_pack_id(name: &str) -> String {
    let lowered = name.to_lowercase().replace(' ', "-");
    let kept: String = lowered
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    let mut out = String::with_capacity(kept.len());
    for c in kept.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

/// Errors for fields the PromptPack schema requires of a prompt.
fn check_prompt(item: &Item<PromptSpec>, errors: &mut Vec<Diagnostic>) {
    let spec = &item.spec;
    let task = &spec.task_type;
    let task_ok = task.value.starts_with(|c: char| c.is_ascii_lowercase())
        && task
            .value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !task_ok {
        errors.push(
            Diagnostic::error(format!(
                "task_type `{}` cannot be a pack prompt id (must match ^[a-z][a-z0-9_-]*$)",
                task.value
            ))
            .at_opt(item.at(&task.referenced))
            .with_help("use lowercase letters, digits, `_` and `-`, starting with a letter"),
        );
    }
    match &spec.version {
        Some(v) if is_semver(&v.value) => {}
        Some(v) => errors.push(
            Diagnostic::error(format!(
                "prompt version `{}` is not a semantic version",
                v.value
            ))
            .at_opt(item.at(&v.referenced))
            .with_help("write MAJOR.MINOR.PATCH, e.g. `1.0.0` or `v1.0.0`"),
        ),
        None => errors.push(
            Diagnostic::error(format!("prompt `{}` has no `version`", task.value))
                .at_opt(item.spec_at.clone())
                .with_help(
                    "add `version: 1.0.0` to the prompt's spec (the pack format requires it)",
                ),
        ),
    }
    if spec
        .system_template
        .as_ref()
        .is_none_or(|t| t.value.is_empty())
    {
        errors.push(
            Diagnostic::error(format!("prompt `{}` has no `system_template`", task.value))
                .at_opt(item.spec_at.clone())
                .with_help("add the system prompt under `spec.system_template`"),
        );
    }
}

/// `MAJOR.MINOR.PATCH` with an optional `v`, pre-release and build (the schema's pattern).
fn is_semver(text: &str) -> bool {
    static SEMVER: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
        )
        .ok()
    });
    SEMVER.as_ref().is_some_and(|re| re.is_match(text))
}

fn template_engine(spec: &PromptSpec) -> TemplateEngine {
    match &spec.template_engine {
        Some(te) => TemplateEngine {
            version: te.version.clone().unwrap_or_default(),
            syntax: te
                .syntax
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            features: te.features.clone(),
            extra: Default::default(),
        },
        None => TemplateEngine {
            version: "v1".to_owned(),
            syntax: "{{variable}}".to_owned(),
            features: vec!["basic_substitution".to_owned()],
            extra: Default::default(),
        },
    }
}

fn prompt(item: &Item<PromptSpec>) -> PackPrompt {
    let spec = &item.spec;
    let name = item
        .metadata
        .as_ref()
        .and_then(|m| m.name.as_ref())
        .map_or_else(|| item.id.clone(), |n| n.value.clone());
    PackPrompt {
        id: spec.task_type.value.clone(),
        name,
        description: Some(text(&spec.description)),
        version: text(&spec.version),
        system_template: text(&spec.system_template),
        variables: spec.variables.iter().map(variable).collect(),
        tools: spec.allowed_tools.iter().map(|t| t.value.clone()).collect(),
        tool_policy: spec.tool_policy.as_ref().and_then(tool_policy),
        media: spec.media.as_ref().map(media),
        pipeline: Some(default_pipeline()),
        parameters: spec.parameters.as_ref().map(|p| PackParameters {
            temperature: p.temperature.as_ref().map(|v| v.value),
            max_tokens: p.max_tokens.as_ref().map(|v| v.value),
            top_p: p.top_p.as_ref().map(|v| v.value),
            top_k: p.top_k.as_ref().map(|v| v.value),
            extra: Default::default(),
        }),
        validators: spec.validators.iter().map(validator).collect(),
        evals: spec.evals.iter().map(eval).collect(),
        tested_models: spec
            .tested_models
            .iter()
            .map(|m| {
                Object::new()
                    .put("provider", m.provider.clone())
                    .put("model", m.model.clone())
                    .put("date", m.date.clone())
                    .put("success_rate", m.success_rate)
                    .opt("avg_tokens", m.avg_tokens)
                    .opt("avg_cost", m.avg_cost)
                    .opt("avg_latency_ms", m.avg_latency_ms)
                    .build()
            })
            .collect(),
        model_overrides: spec
            .model_overrides
            .iter()
            .flat_map(|m| m.iter())
            .map(|(model, o)| {
                let field = |f: &Option<crate::model::Spanned<String>>| {
                    f.as_ref()
                        .map(|s| s.value.clone())
                        .filter(|s| !s.is_empty())
                };
                (
                    model.value.clone(),
                    ModelOverride {
                        system_template: field(&o.system_template),
                        system_template_suffix: field(&o.system_template_suffix),
                        extra: Default::default(),
                    },
                )
            })
            .collect(),
        extra: Default::default(),
    }
}

fn text(value: &Option<crate::model::Spanned<String>>) -> String {
    value.as_ref().map(|v| v.value.clone()).unwrap_or_default()
}

/// The reference's variable: type defaults to `string`, the binding is dropped.
fn variable(v: &VariableMetadata) -> PackVariable {
    PackVariable {
        name: v.name.value.clone(),
        r#type: v
            .r#type
            .as_ref()
            .map(|t| t.value.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "string".to_owned()),
        required: v.required,
        default: v.default.as_ref().map(json::node),
        description: v.description.clone().filter(|d| !d.is_empty()),
        example: v.example.as_ref().map(json::node),
        validation: v
            .validation
            .as_ref()
            .map(|m| Value::Object(json::map(&m.value)))
            .filter(|m| m.as_object().is_some_and(|o| !o.is_empty())),
        extra: Default::default(),
    }
}

/// The reference's validator: `message` folded into `params`, `enabled` defaulting to true.
fn validator(v: &ValidatorConfig) -> PackValidator {
    let mut params = v.params.as_ref().map(|p| json::map(&p.value));
    if let Some(message) = v.message.as_ref().filter(|m| !m.value.is_empty()) {
        let params = params.get_or_insert_with(Default::default);
        if !params.contains_key("message") {
            params.insert("message".to_owned(), Value::String(message.value.clone()));
            params.sort_keys();
        }
    }
    PackValidator {
        r#type: v.r#type.value.clone(),
        enabled: v.enabled.unwrap_or(true),
        fail_on_violation: v.fail_on_violation,
        params,
        extra: Default::default(),
    }
}

fn tool_policy(p: &ToolPolicyPack) -> Option<Value> {
    Object::new()
        .opt(
            "tool_choice",
            p.tool_choice.as_ref().map(|c| c.value.clone()),
        )
        .opt("max_rounds", p.max_rounds)
        .opt("max_tool_calls_per_turn", p.max_tool_calls_per_turn)
        .opt(
            "blocklist",
            Some(
                p.blocklist
                    .iter()
                    .map(|b| Value::String(b.value.clone()))
                    .collect::<Vec<_>>(),
            ),
        )
        .non_empty()
}

fn media(m: &MediaConfig) -> Value {
    let strings = |v: &[String]| Some(v.iter().cloned().map(Value::String).collect::<Vec<_>>());
    let av = |a: &crate::model::AvConfig| {
        Object::new()
            .opt("max_size_mb", a.max_size_mb)
            .opt("allowed_formats", strings(&a.allowed_formats))
            .opt("max_duration_sec", a.max_duration_sec)
            .opt("require_metadata", a.require_metadata)
            .build()
    };
    Object::new()
        .put("enabled", m.enabled)
        .opt(
            "supported_types",
            Some(
                m.supported_types
                    .iter()
                    .map(|t| Value::String(t.value.clone()))
                    .collect::<Vec<_>>(),
            ),
        )
        .opt(
            "image",
            m.image.as_ref().map(|i| {
                Object::new()
                    .opt("max_size_mb", i.max_size_mb)
                    .opt("allowed_formats", strings(&i.allowed_formats))
                    .opt("default_detail", i.default_detail.clone())
                    .opt("require_caption", i.require_caption)
                    .opt("max_images_per_msg", i.max_images_per_msg)
                    .build()
            }),
        )
        .opt("audio", m.audio.as_ref().map(av))
        .opt("video", m.video.as_ref().map(av))
        .opt(
            "examples",
            Some(
                m.examples
                    .iter()
                    .map(|e| {
                        let parts: Vec<Value> = e
                            .parts
                            .iter()
                            .map(|p| {
                                Object::new()
                                    .put("type", p.r#type.value.clone())
                                    .opt("text", p.text.as_ref().map(|t| t.value.clone()))
                                    .opt(
                                        "media",
                                        p.media.as_ref().map(|md| {
                                            Object::new()
                                                .opt(
                                                    "file_path",
                                                    md.file_path.as_ref().map(|f| f.value.clone()),
                                                )
                                                .opt(
                                                    "url",
                                                    md.url.as_ref().map(|u| u.value.clone()),
                                                )
                                                .put("mime_type", md.mime_type.value.clone())
                                                .opt("detail", md.detail.clone())
                                                .opt("caption", md.caption.clone())
                                                .build()
                                        }),
                                    )
                                    .build()
                            })
                            .collect();
                        Object::new()
                            .put("name", e.name.clone())
                            .opt("description", e.description.clone())
                            .put("role", e.role.value.clone())
                            .put("parts", parts)
                            .build()
                    })
                    .collect::<Vec<_>>(),
            ),
        )
        .build()
}

/// The reference's default runtime pipeline of every compiled prompt.
fn default_pipeline() -> Value {
    json!({
        "middleware": [
            {"config": {"allow_undefined": true, "strict_mode": false}, "type": "template"},
            {
                "config": {
                    "retry_policy": {"backoff": "exponential", "initial_delay_ms": 100, "max_retries": 3},
                    "timeout_ms": 30000
                },
                "type": "provider"
            },
            {"config": {"collect_all_errors": true, "fail_fast": false}, "type": "validator"}
        ],
        "stages": ["template", "provider", "validator"]
    })
}

fn eval(e: &EvalDef) -> PackEval {
    PackEval {
        id: e.id.value.clone(),
        r#type: e.r#type.value.clone(),
        trigger: e.trigger.value.clone(),
        params: e
            .params
            .as_ref()
            .map(|p| Value::Object(json::map(&p.value))),
        description: e.description.clone().filter(|d| !d.is_empty()),
        enabled: e.enabled,
        sample_percentage: e.sample_percentage,
        metric: e.metric.as_ref().map(|m| {
            let labels = m.labels.as_ref().map(|l| {
                let sorted: BTreeMap<&String, &String> =
                    l.iter().map(|(k, v)| (&k.value, v)).collect();
                json!(sorted)
            });
            Object::new()
                .put("name", m.name.value.clone())
                .put("type", m.r#type.value.clone())
                .opt(
                    "range",
                    m.range.as_ref().and_then(|r| {
                        Object::new()
                            .opt("min", r.min)
                            .opt("max", r.max)
                            .non_empty()
                    }),
                )
                .opt("labels", labels)
                .build()
        }),
        threshold: e.threshold.as_ref().map(|t| {
            Object::new()
                .opt("passed", t.passed)
                .opt("min_score", t.min_score)
                .opt("max_score", t.max_score)
                .build()
        }),
        message: e
            .message
            .as_ref()
            .map(|m| m.value.clone())
            .filter(|m| !m.is_empty()),
        when: e.when.as_ref().and_then(|w| {
            let w = &w.value;
            Object::new()
                .opt(
                    "tool_called",
                    w.tool_called.as_ref().map(|t| t.value.clone()),
                )
                .opt(
                    "tool_called_pattern",
                    w.tool_called_pattern.as_ref().map(|t| t.value.clone()),
                )
                .opt("any_tool_called", w.any_tool_called)
                .opt("min_tool_calls", w.min_tool_calls)
                .non_empty()
        }),
        groups: e.groups.clone(),
        extra: Default::default(),
    }
}

/// Every loaded tool: name, description and its input schema as `parameters`.
fn tools(project: &Project) -> BTreeMap<String, PackTool> {
    project
        .tools
        .iter()
        .map(|t| {
            let name = t
                .spec
                .name
                .as_ref()
                .map_or_else(|| t.id.clone(), |n| n.value.clone());
            let tool = PackTool {
                name: name.clone(),
                description: text(&t.spec.description),
                parameters: t.spec.input_schema.as_ref().map(json::node),
                extra: Default::default(),
            };
            (name, tool)
        })
        .collect()
}

/// A skill source as the reference writes it: directories as a `path` relative to the
/// arena config, inline skills as they are.
fn skill(s: &SkillSource) -> Value {
    let dir = s.dir.as_ref().or(s.path.as_ref()).map(|d| clean(&d.value));
    Object::new()
        .opt("path", dir)
        .opt("name", s.name.clone())
        .opt("description", s.description.clone())
        .opt("instructions", s.instructions.clone())
        .opt("preload", s.preload)
        .build()
}

/// A relative path without `.` segments or trailing slashes (Go's `filepath.Rel` form).
fn clean(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A free-form section (`workflow`, `agents`) read into its pack type.
fn typed<T: serde::de::DeserializeOwned>(
    node: &Node,
    project: &Project,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_json::from_value::<T>(node.value.to_json()) {
        Ok(value) => Some(value),
        Err(e) => {
            errors.push(
                Diagnostic::error(format!("`{what}` is not a valid pack {what}: {e}"))
                    .at_opt(SourceLocation::from_yaml(
                        &project.config_path,
                        &node.referenced,
                    ))
                    .with_help(format!(
                        "see the PromptPack schema's `{what}` section for the expected shape"
                    )),
            );
            None
        }
    }
}
