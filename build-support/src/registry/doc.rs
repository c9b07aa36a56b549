//! The registry as a Markdown reference (`ASSERTIONS.md`): every type with its
//! aliases, where it runs, what it needs, whether it streams, and its parameters.

use std::fmt::Write;

use super::{EvalType, Needs, ParamKind, ParamSpec, Scope, all};

/// The whole reference page.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Assertion types\n\n\
         Every assertion, eval and validator type this runtime knows, generated from the\n\
         registry (`build-support/src/registry/`; regenerate with\n\
         `UPDATE_ASSERTIONS_MD=1 cargo test -p promptkit-build --test it assertions_doc`).\n\
         Any type can be a prompt validator (guardrail); *streams* marks the types that\n\
         also run on a reply while it streams. Parameters every type accepts (`min_score`,\n\
         `max_score`, `message`) are not repeated.\n\n\
         | Type | Aliases | Runs on | Needs | Streams | What it checks |\n\
         |---|---|---|---|---|---|\n",
    );
    for ty in all() {
        let _ = writeln!(
            out,
            "| [`{name}`](#{name}) | {aliases} | {scope} | {needs} | {streams} | {description} |",
            name = ty.name,
            aliases = code_list(ty.aliases),
            scope = scope(ty.scope),
            needs = needs(ty.needs),
            streams = if ty.streamable { "yes" } else { "" },
            description = cell(ty.description),
        );
    }
    for ty in all() {
        section(&mut out, ty);
    }
    out
}

fn section(out: &mut String, ty: &EvalType) {
    let _ = write!(out, "\n## `{}`\n\n{}\n", ty.name, ty.description);
    if !ty.one_of.is_empty() {
        let groups: Vec<String> = ty.one_of.iter().map(|g| code_list(g)).collect();
        let _ = writeln!(
            out,
            "\nGive at least one of: {}.",
            groups.join("; and one of: ")
        );
    }
    if ty.params.is_empty() {
        return;
    }
    out.push_str(
        "\n| Parameter | Kind | Required | Default | Description |\n|---|---|---|---|---|\n",
    );
    for param in ty.params {
        let _ = writeln!(
            out,
            "| `{}`{} | {} | {} | {} | {} |",
            param.name,
            if param.aliases.is_empty() {
                String::new()
            } else {
                format!(" (also {})", code_list(param.aliases))
            },
            kind(param),
            if param.required { "yes" } else { "" },
            param.default.map(|d| format!("`{d}`")).unwrap_or_default(),
            cell(param.description),
        );
    }
}

fn code_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Turn => "turn",
        Scope::Conversation => "conversation",
        Scope::Both => "turn or conversation",
    }
}

fn needs(needs: Needs) -> &'static str {
    match needs {
        Needs::Nothing => "",
        Needs::Judge => "an LLM judge",
        Needs::Network => "a network endpoint",
        Needs::Classifier => "a classifier",
        Needs::ToolRegistry => "the tools",
        Needs::Embedding => "an embedding",
    }
}

fn kind(param: &ParamSpec) -> String {
    if !param.choices.is_empty() {
        return format!("one of {}", code_list(param.choices));
    }
    match param.kind {
        ParamKind::String => "string",
        ParamKind::Number => "number",
        ParamKind::Integer => "integer",
        ParamKind::Bool => "bool",
        ParamKind::StringList => "list of strings",
        ParamKind::NumberList => "list of numbers",
        ParamKind::Regex => "regex",
        ParamKind::RegexMap => "map of regexes",
        ParamKind::StringMap => "map of strings",
        ParamKind::JsonSchema => "JSON Schema",
        ParamKind::JmesPath => "JMESPath",
        ParamKind::Duration => "duration",
        ParamKind::Object => "object",
        ParamKind::ObjectList => "list of objects",
        ParamKind::Any => "any",
    }
    .to_owned()
}
