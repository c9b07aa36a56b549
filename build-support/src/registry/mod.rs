//! The one registry of assertion (eval) and validator (guardrail) types.
//!
//! Plain static data shared by the build-time checker and the runtime: every type's
//! canonical name, aliases, scope, parameters and a one-line description, mirroring the
//! reference runtime's handler registry (`runtime/evals/handlers/register.go`).
//! Validators are the same eval types used as guardrails in a prompt's `validators:`.

mod content;
mod doc;
mod flow;
mod judge;
mod kind;
mod media;
mod params_check;
mod tools;

pub use doc::markdown;
pub use kind::EvalKind;
pub use params_check::{ParamProblem, check_params};

/// Where an assertion type is meant to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Per turn, on the assistant response of that turn.
    Turn,
    /// Once per conversation, on the whole transcript.
    Conversation,
    /// Either (the handler reads whatever the context holds).
    Both,
}

/// What a type needs from the host besides the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needs {
    /// Nothing: deterministic on the transcript.
    Nothing,
    /// A judge LLM provider.
    Judge,
    /// A network endpoint (REST or A2A agent).
    Network,
    /// A classifier model (text/audio/image inference).
    Classifier,
    /// The tool registry, to execute a tool.
    ToolRegistry,
    /// An embedding of the output in the context metadata.
    Embedding,
}

/// The expected type of one parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// Any string.
    String,
    /// Any number (integer or float).
    Number,
    /// An integer.
    Integer,
    /// `true` or `false`.
    Bool,
    /// A list of strings.
    StringList,
    /// A list of numbers.
    NumberList,
    /// A string holding a regular expression (compiled by the checker).
    Regex,
    /// A map of argument name to regular expression (each compiled by the checker).
    RegexMap,
    /// A map of string to string.
    StringMap,
    /// A JSON Schema object.
    JsonSchema,
    /// A JMESPath expression.
    JmesPath,
    /// A Go-style duration string such as `30s` or `1m`.
    Duration,
    /// Any JSON object.
    Object,
    /// A list of JSON objects.
    ObjectList,
    /// Any JSON value.
    Any,
}

/// One parameter of a type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Its canonical name.
    pub name: &'static str,
    /// Accepted alternative names (rewritten to `name` before evaluation).
    pub aliases: &'static [&'static str],
    /// The value's expected kind.
    pub kind: ParamKind,
    /// Whether the type cannot work without it.
    pub required: bool,
    /// The default, as a JSON literal, when one applies.
    pub default: Option<&'static str>,
    /// The only values accepted, when the parameter is an enumeration.
    pub choices: &'static [&'static str],
    /// One line on what it does.
    pub description: &'static str,
}

impl ParamSpec {
    /// The same parameter restricted to `choices`.
    pub(crate) const fn one_of(self, choices: &'static [&'static str]) -> Self {
        Self { choices, ..self }
    }
}

/// One assertion / eval / validator type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalType {
    /// The type, as the closed set the runtime dispatches on.
    pub kind: EvalKind,
    /// The canonical name (`kind.name()`).
    pub name: &'static str,
    /// Alternative names that resolve to this type.
    pub aliases: &'static [&'static str],
    /// Where it is meant to run.
    pub scope: Scope,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    /// Groups of parameters of which at least one must be given.
    pub one_of: &'static [&'static [&'static str]],
    /// What it needs from the host.
    pub needs: Needs,
    /// Whether it can also run incrementally on a streamed partial response.
    pub streamable: bool,
    /// Whether `min_score`/`max_score` are rejected in its own params (the eval primitives).
    pub rejects_thresholds: bool,
    /// Whether the reference rejects a missing required param when the config loads
    /// (its handlers with `ValidateParams`); for the others a missing param only makes
    /// the check fail or do nothing at run time, so a checker should warn.
    pub strict_params: bool,
    /// One line on what it checks.
    pub description: &'static str,
}

impl EvalType {
    /// The parameter named `name` (or one of its aliases).
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params
            .iter()
            .find(|p| p.name == name || p.aliases.contains(&name))
    }

    /// Every name this type answers to: canonical first, then aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

/// A type with the common defaults (no one-of groups, deterministic, not streamable).
pub(crate) const fn ty(
    kind: EvalKind,
    aliases: &'static [&'static str],
    scope: Scope,
    params: &'static [ParamSpec],
    description: &'static str,
) -> EvalType {
    EvalType {
        kind,
        name: kind.name(),
        aliases,
        scope,
        params,
        one_of: &[],
        needs: Needs::Nothing,
        streamable: false,
        rejects_thresholds: false,
        strict_params: false,
        description,
    }
}

impl EvalType {
    /// The same type requiring at least one parameter of each group.
    pub(crate) const fn require_one_of(self, one_of: &'static [&'static [&'static str]]) -> Self {
        Self { one_of, ..self }
    }

    /// The same type needing `needs` from the host.
    pub(crate) const fn needing(self, needs: Needs) -> Self {
        Self { needs, ..self }
    }

    /// The same type, also evaluable on a partial stream.
    pub(crate) const fn streaming(self) -> Self {
        Self {
            streamable: true,
            ..self
        }
    }

    /// The same type, with required params enforced at load time as the reference does.
    pub(crate) const fn strict(self) -> Self {
        Self {
            strict_params: true,
            ..self
        }
    }

    /// The same type, rejecting `min_score`/`max_score` in its own params.
    pub(crate) const fn rejecting_thresholds(self) -> Self {
        Self {
            rejects_thresholds: true,
            ..self
        }
    }
}

/// Parameters that every assertion accepts on top of its own (applied by the wrapper).
pub const WRAPPER_PARAMS: &[ParamSpec] = &[
    p(
        "min_score",
        ParamKind::Number,
        false,
        None,
        "Pass when the score is at least this (default 1.0).",
    ),
    p(
        "max_score",
        ParamKind::Number,
        false,
        None,
        "Pass when the score is at most this.",
    ),
    p(
        "message",
        ParamKind::String,
        false,
        None,
        "Failure message (accepted inside params too, as the reference's examples do).",
    ),
];

/// Parameters every validator accepts on top of its type's own.
pub const VALIDATOR_PARAMS: &[ParamSpec] = &[
    p(
        "min_score",
        ParamKind::Number,
        false,
        None,
        "Trigger when the score is below this (default 1.0).",
    ),
    p(
        "max_score",
        ParamKind::Number,
        false,
        None,
        "Trigger when the score is above this.",
    ),
    p(
        "direction",
        ParamKind::String,
        false,
        Some("\"output\""),
        "input, output or both.",
    ),
    p(
        "message",
        ParamKind::String,
        false,
        None,
        "Replacement text when content is blocked.",
    ),
    p(
        "action",
        ParamKind::String,
        false,
        Some("\"block\""),
        "What to do when triggered.",
    ),
];

/// Shorthand for a parameter without aliases (used by the tables).
pub(crate) const fn p(
    name: &'static str,
    kind: ParamKind,
    required: bool,
    default: Option<&'static str>,
    description: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        aliases: &[],
        kind,
        required,
        default,
        choices: &[],
        description,
    }
}

/// Shorthand for a parameter with aliases.
pub(crate) const fn pa(
    name: &'static str,
    aliases: &'static [&'static str],
    kind: ParamKind,
    required: bool,
    description: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        aliases,
        kind,
        required,
        default: None,
        choices: &[],
        description,
    }
}

/// Every type, in a stable order.
pub fn all() -> impl Iterator<Item = &'static EvalType> {
    content::TYPES
        .iter()
        .chain(tools::TYPES.iter())
        .chain(flow::TYPES.iter())
        .chain(media::TYPES.iter())
        .chain(judge::TYPES.iter())
}

/// The assertion type called `name` (canonical or alias).
pub fn assertion_type(name: &str) -> Option<&'static EvalType> {
    all().find(|t| t.name == name || t.aliases.contains(&name))
}

/// The validator (guardrail) type called `name`: every eval type can be a guardrail.
pub fn validator_type(name: &str) -> Option<&'static EvalType> {
    assertion_type(name)
}

/// The canonical name for `name`, resolving aliases.
pub fn canonical_name(name: &str) -> Option<&'static str> {
    assertion_type(name).map(|t| t.name)
}

/// Every name (canonical and aliases) accepted as an assertion type, sorted.
pub fn all_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = all().flat_map(EvalType::names).collect();
    names.sort_unstable();
    names
}

/// Param-name aliases and defaults that depend on the name a type was invoked by.
///
/// Returns `(alias, canonical)` pairs for that invocation name (the reference keys its
/// parameter aliases by the name used, e.g. `banned_words` maps `words` to `patterns`).
pub fn param_aliases_for(invoked_as: &str) -> &'static [(&'static str, &'static str)] {
    match invoked_as {
        "content_excludes" | "banned_words" => &[("words", "patterns")],
        "max_length" | "length" => &[("max_characters", "max"), ("max_chars", "max")],
        "min_length" => &[("min_characters", "min"), ("min_chars", "min")],
        "sentence_count" | "max_sentences" => &[("max_sentences", "max")],
        "field_presence" | "required_fields" => &[("required_fields", "fields")],
        _ => &[],
    }
}

/// Default params (name, JSON literal) that depend on the name a type was invoked by.
pub fn param_defaults_for(invoked_as: &str) -> &'static [(&'static str, &'static str)] {
    match invoked_as {
        "banned_words" => &[("match_mode", "\"word_boundary\"")],
        _ => &[],
    }
}

/// The closest known type name to `name`, for "did you mean" hints.
///
/// Uses the reference's threshold: the edit distance must be below `len/2 + 3`.
pub fn suggest(name: &str) -> Option<&'static str> {
    if !crate::load::worth_suggesting(name) {
        return None;
    }
    let lower = name.to_lowercase();
    let mut best = None;
    let mut best_dist = lower.len() / 3 + 2;
    for candidate in all_names() {
        let d = strsim::levenshtein(&lower, candidate);
        if d < best_dist {
            best_dist = d;
            best = Some(candidate);
        }
    }
    best
}

/// The closest parameter name of `ty` to `name`, for "did you mean" hints.
pub fn suggest_param(ty: &EvalType, name: &str) -> Option<&'static str> {
    if !crate::load::worth_suggesting(name) {
        return None;
    }
    let mut best = None;
    let mut best_dist = name.len() / 2 + 2;
    for candidate in ty
        .params
        .iter()
        .flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied()))
    {
        let d = strsim::levenshtein(name, candidate);
        if d < best_dist {
            best_dist = d;
            best = Some(candidate);
        }
    }
    best
}

#[cfg(test)]
mod tests;
