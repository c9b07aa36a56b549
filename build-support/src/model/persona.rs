//! `kind: Persona` — a simulated user for self-play.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

use super::common::FragmentRef;
use super::value::SpannedMap;

/// The `spec` of a Persona document (the reference's `UserPersonaPack`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaSpec {
    /// Id; the reference overrides it with `metadata.name`.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// What the persona is (the schema requires it; the reference loader does not).
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Deprecated prompt-builder reference.
    #[serde(default)]
    pub prompt_activity: Option<String>,
    /// Fragments composed into the persona prompt.
    #[serde(default)]
    pub fragments: Vec<FragmentRef>,
    /// Template with `{{variables}}`.
    #[serde(default)]
    pub system_template: Option<Spanned<String>>,
    /// Variables that must be provided.
    #[serde(default)]
    pub required_vars: Vec<Spanned<String>>,
    /// Variables with default values.
    #[serde(default)]
    pub optional_vars: Option<SpannedMap<String, String>>,
    /// Plain system prompt (no variables).
    #[serde(default)]
    pub system_prompt: Option<Spanned<String>>,
    /// What the persona tries to achieve.
    #[serde(default)]
    pub goals: Vec<String>,
    /// Rules the persona follows.
    #[serde(default)]
    pub constraints: Vec<String>,
    /// Conversational style.
    #[serde(default)]
    pub style: Option<PersonaStyle>,
    /// Voice binding id (duplex).
    #[serde(default)]
    pub voice: Option<Spanned<String>>,
    /// Sampling defaults for the simulated user.
    #[serde(default)]
    pub defaults: Option<PersonaDefaults>,
}

/// Conversational style of a persona.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaStyle {
    /// `short`, `medium`, `long`.
    #[serde(default)]
    pub verbosity: Option<String>,
    /// `low`, `medium`, `high`.
    #[serde(default)]
    pub challenge_level: Option<String>,
    /// Tags such as `skeptical`, `impatient`.
    #[serde(default)]
    pub friction_tags: Vec<String>,
    /// Expressive speech (voice).
    #[serde(default)]
    pub expressive: Option<bool>,
    /// Rubric for judging characterization.
    #[serde(default)]
    pub characterization_rubric: Option<String>,
}

/// Sampling defaults of a persona (reference defaults: 0.7 and 42).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaDefaults {
    /// Temperature.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub temperature: Option<Spanned<f64>>,
    /// Seed.
    #[serde(default, deserialize_with = "strict::opt")]
    pub seed: Option<i64>,
}
