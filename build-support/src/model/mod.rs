//! The PromptArena data model: serde types of every `promptkit.altairalabs.ai/v1alpha1`
//! kind (Arena, PromptConfig, Scenario, Provider, Tool, Persona, Eval) and of the mock
//! provider's response file.
//!
//! Field names match the YAML keys exactly. Every struct rejects unknown fields
//! (`deny_unknown_fields`) except where the reference takes free-form maps, which are
//! [`Map`]/[`Node`] values that keep a location on every node. Values a later check may
//! blame are [`Spanned`] so diagnostics can point at file:line:col.
//!
//! A file is a [`Manifest`]: the envelope (`apiVersion`, `kind`, `metadata`) is read
//! first (see [`Envelope`]), then `spec` is parsed by kind — serde-saphyr loses
//! locations inside tagged enums and `flatten`, so the model never uses them.

mod arena;
mod common;
mod compact;
mod defaults;
mod duration;
mod eval;
mod integrations;
mod mock;
mod persona;
mod prompt;
mod provider;
mod provider_kind;
mod runtime;
mod scenario;
pub(crate) mod strict;
mod tool;
pub mod value;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use arena::*;
pub use common::*;
pub use defaults::*;
pub use duration::parse_go_duration;
pub use eval::*;
pub use integrations::*;
pub use mock::*;
pub use persona::*;
pub use prompt::*;
pub use provider::*;
pub use provider_kind::{Named, ProviderRole, ProviderType};
pub use runtime::*;
pub use scenario::*;
pub use serde_saphyr::{Location, Spanned};
pub use tool::*;
pub use value::{Map, Node, SpannedMap, Value};

/// The only `apiVersion` the reference accepts.
pub const API_VERSION: &str = "promptkit.altairalabs.ai/v1alpha1";

/// The kinds of PromptArena documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `kind: Arena` — the project config (`config.arena.yaml`).
    Arena,
    /// `kind: PromptConfig` — a prompt (system template, variables, tools, validators).
    PromptConfig,
    /// `kind: Scenario` — a test conversation with assertions.
    Scenario,
    /// `kind: Provider` — an LLM provider connection.
    Provider,
    /// `kind: Tool` — a tool descriptor.
    Tool,
    /// `kind: Persona` — a self-play user persona.
    Persona,
    /// `kind: Eval` — an evaluation of a recorded conversation.
    Eval,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 7] = [
        Kind::Arena,
        Kind::PromptConfig,
        Kind::Scenario,
        Kind::Provider,
        Kind::Tool,
        Kind::Persona,
        Kind::Eval,
    ];

    /// The `kind:` string of this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Arena => "Arena",
            Kind::PromptConfig => "PromptConfig",
            Kind::Scenario => "Scenario",
            Kind::Provider => "Provider",
            Kind::Tool => "Tool",
            Kind::Persona => "Persona",
            Kind::Eval => "Eval",
        }
    }

    /// Parses a `kind:` string (exact, case-sensitive like the reference).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Kubernetes-style object metadata (`metadata:`); `name` is the item's id in the reference.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectMeta {
    /// The resource name; the reference uses it as the id of providers, scenarios, tools, personas, evals.
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// Namespace (informational).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Key-value labels (scenario labels are copied into the scenario).
    #[serde(default)]
    pub labels: Option<SpannedMap<String, String>>,
    /// Free-text annotations.
    #[serde(default)]
    pub annotations: Option<SpannedMap<String, String>>,
}

/// A whole document: envelope plus a `spec` of type `S`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest<S> {
    /// Must be [`API_VERSION`].
    #[serde(rename = "apiVersion")]
    pub api_version: Spanned<String>,
    /// The document kind, e.g. `Provider`.
    pub kind: Spanned<String>,
    /// Name, labels, annotations.
    #[serde(default)]
    pub metadata: Option<ObjectMeta>,
    /// The kind-specific body.
    pub spec: Spanned<S>,
    /// Editor schema hint (`$schema`), ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
}

/// The envelope alone, with `spec` skipped: read first to learn the kind.
pub type Envelope = Manifest<serde::de::IgnoredAny>;

impl<S> Manifest<S> {
    /// `metadata.name`, when present.
    pub fn name(&self) -> Option<&Spanned<String>> {
        self.metadata.as_ref().and_then(|m| m.name.as_ref())
    }

    /// The parsed kind, when it is one of the known kinds.
    pub fn parsed_kind(&self) -> Option<Kind> {
        Kind::from_name(&self.kind.value)
    }
}
