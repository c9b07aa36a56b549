//! One prompt config as a pack prompt, field for field as the reference's compiler.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::json::{self, Object};
use super::model::{
    ModelOverride, PackParameters, PackPrompt, PackValidator, PackVariable, TemplateEngine,
};
use super::sections::eval;
use crate::load::{Item, fragment_vars};
use crate::model::{
    MediaConfig, PromptSpec, Spanned, ToolPolicyPack, ValidatorConfig, VariableMetadata,
};
use crate::template;

pub(super) fn template_engine(spec: &PromptSpec) -> TemplateEngine {
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

/// A prompt config as a pack prompt, field for field as the reference's compiler, except
/// that the text of its fragments is composed into its templates (the reference writes
/// the fragment's own placeholder, which no PromptPack client can render). The arena
/// prepares prompts from this form too, so a pack and a run render the same text.
pub fn prompt(item: &Item<PromptSpec>) -> PackPrompt {
    let spec = &item.spec;
    let fragments = fragment_vars(&item.fragments);
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
        system_template: compose(&text(&spec.system_template), &fragments),
        variables: spec.variables.iter().map(variable).collect(),
        tools: spec.allowed_tools.iter().map(|t| t.value.clone()).collect(),
        tool_policy: spec.tool_policy.as_ref().map(tool_policy),
        media: spec.media.as_ref().map(|m| media(&m.value)),
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
                let field = |f: &Option<Spanned<String>>| {
                    f.as_ref()
                        .map(|s| compose(&s.value, &fragments))
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

/// `text` with every fragment placeholder replaced by the fragment's text (fragments
/// may name other fragments); other placeholders stay for the variables.
fn compose(text: &str, fragments: &BTreeMap<String, String>) -> String {
    if fragments.is_empty() {
        text.to_owned()
    } else {
        template::substitute(text, fragments)
    }
}

pub(super) fn text(value: &Option<Spanned<String>>) -> String {
    value.as_ref().map(|v| v.value.clone()).unwrap_or_default()
}

/// The reference's variable: type defaults to `string`, the binding is dropped.
pub(super) fn variable(v: &VariableMetadata) -> PackVariable {
    PackVariable {
        name: v.name.value.clone(),
        r#type: v
            .r#type
            .as_ref()
            .map(|t| t.value.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "string".to_owned()),
        required: v.required,
        default: v.default.as_ref().map(json::node).filter(|d| !d.is_null()),
        description: v.description.clone().filter(|d| !d.is_empty()),
        example: v.example.as_ref().map(json::node).filter(|e| !e.is_null()),
        validation: v
            .validation
            .as_ref()
            .map(|m| Value::Object(json::map(&m.value)))
            .filter(|m| m.as_object().is_some_and(|o| !o.is_empty())),
        extra: Default::default(),
    }
}

/// The reference's validator: `message` folded into `params`, `enabled` defaulting to true.
pub(super) fn validator(v: &ValidatorConfig) -> PackValidator {
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
        params: params.filter(|p| !p.is_empty()),
        extra: Default::default(),
    }
}

pub(super) fn tool_policy(p: &ToolPolicyPack) -> Value {
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
        .build()
}

pub(super) fn media(m: &MediaConfig) -> Value {
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
pub(super) fn default_pipeline() -> Value {
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
