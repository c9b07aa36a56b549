//! The run plan of a project: which scenario runs against which provider, how many
//! times — the reference's rules, shared by the arena engine (at run time) and
//! `#[arena_test]` (which turns each planned case into a `#[test]` at compile time).
//!
//! Scenarios are taken in id order; each runs against its `providers` list, else the
//! chat providers of its `provider_group` (`default`; all of them when the group is
//! empty), filtered by `required_capabilities`, in id order; each pair runs
//! `trials` × (perturbation variants) times. A project with evals and no selected
//! scenario runs its evals instead, one case each.

use std::collections::BTreeMap;

use crate::load::{Item, Project, ProviderSlot};
use crate::model::{EvalSpec, ProviderRole, ScenarioSpec};

/// What a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseKind {
    /// A scenario played against a provider.
    Scenario,
    /// An eval over a saved conversation.
    Eval,
}

/// One entry of the run plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    /// Scenario (or eval) id.
    pub scenario: String,
    /// Provider id (`recording` for evals).
    pub provider: String,
    /// Trial index, 0-based.
    pub trial: usize,
    /// Trials of this scenario × provider.
    pub trials: usize,
    /// Scenario or eval.
    pub kind: CaseKind,
}

/// Restricts a plan (empty lists select everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these scenarios (or evals).
    pub scenarios: Vec<String>,
    /// Only these providers.
    pub providers: Vec<String>,
}

impl Filter {
    fn scenario(&self, id: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == id)
    }
}

/// The plan of `project` under `filter`.
pub fn cases(project: &Project, filter: &Filter) -> Vec<Case> {
    let mut scenarios: Vec<_> = project
        .scenarios
        .iter()
        .filter(|s| filter.scenario(&s.id))
        .collect();
    scenarios.sort_by(|a, b| a.id.cmp(&b.id));
    let mut cases = Vec::new();
    for scenario in scenarios {
        let spec = &scenario.spec;
        let trials = spec
            .trials
            .as_ref()
            .and_then(|t| usize::try_from(t.value).ok())
            .unwrap_or(1)
            .max(1)
            * perturbation_variants(spec).len().max(1);
        for provider in providers_for(project, spec, filter) {
            for trial in 0..trials {
                cases.push(Case {
                    scenario: scenario.id.clone(),
                    provider: provider.clone(),
                    trial,
                    trials,
                    kind: CaseKind::Scenario,
                });
            }
        }
    }
    if cases.is_empty() {
        let mut evals: Vec<String> = project.evals.iter().map(eval_id).collect();
        evals.retain(|id| filter.scenario(id));
        evals.sort();
        cases.extend(evals.into_iter().map(|id| Case {
            scenario: id,
            provider: "recording".into(),
            trial: 0,
            trials: 1,
            kind: CaseKind::Eval,
        }));
    }
    cases
}

/// The folder of a project's cassettes, in its config folder.
pub const CASSETTES_DIR: &str = "cassettes";

/// The cassette file name of a case (`<scenario>__<provider>.json`, `.t<N>` before the
/// extension for trials after the first), ids made safe for a file name.
pub fn cassette_file(scenario: &str, provider: &str, trial: usize) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .take(100)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let trial = if trial == 0 {
        String::new()
    } else {
        format!(".t{trial}")
    };
    format!("{}__{}{trial}.json", safe(scenario), safe(provider))
}

/// The cassette folder of `project`: [`CASSETTES_DIR`] in its config folder.
pub fn cassette_dir(project: &Project) -> std::path::PathBuf {
    project.config_dir().join(CASSETTES_DIR)
}

/// The id judges and mock responses know an eval by: `spec.id`, else its name.
pub fn eval_id(eval: &Item<EvalSpec>) -> String {
    eval.spec
        .id
        .as_ref()
        .map_or_else(|| eval.id.clone(), |id| id.value.clone())
}

/// Whether a provider answers chat requests (roles `llm`, the default, and `image`);
/// `tts`, `stt`, `embedding` and `inference` providers serve other tasks and are left
/// out of the run matrix, as by the reference.
pub fn is_chat(spec: &crate::model::ProviderSpec) -> bool {
    spec.role
        .as_ref()
        .is_none_or(|r| matches!(r.value, ProviderRole::Llm | ProviderRole::Image))
}

fn providers_for(project: &Project, spec: &ScenarioSpec, filter: &Filter) -> Vec<String> {
    let chat: Vec<_> = project
        .providers
        .iter()
        .filter(|p| matches!(p.slot, ProviderSlot::Providers | ProviderSlot::Inline))
        .filter(|p| is_chat(&p.item.spec))
        .collect();
    let mut ids: Vec<String> = if spec.providers.is_empty() {
        let group = spec
            .provider_group
            .as_ref()
            .map_or("default", |g| g.value.as_str());
        let in_group: Vec<String> = chat
            .iter()
            .filter(|p| p.group == group)
            .map(|p| p.item.id.clone())
            .collect();
        let mut ids = if in_group.is_empty() {
            chat.iter().map(|p| p.item.id.clone()).collect()
        } else {
            in_group
        };
        if !spec.required_capabilities.is_empty() {
            ids.retain(|id| {
                project.provider(id).is_some_and(|p| {
                    spec.required_capabilities.iter().all(|need| {
                        p.item
                            .spec
                            .capabilities
                            .iter()
                            .any(|c| c.value == need.value)
                    })
                })
            });
        }
        ids.sort();
        ids
    } else {
        spec.providers.iter().map(|p| p.value.clone()).collect()
    };
    if !filter.providers.is_empty() {
        ids.retain(|id| filter.providers.contains(id));
    }
    ids
}

/// One combination of perturbation values, by key.
pub type Variant = BTreeMap<String, String>;

/// Every perturbation variant of a scenario: the cartesian product of the values
/// listed under `perturbations:` on its turns (keys sorted); none without any.
pub fn perturbation_variants(spec: &ScenarioSpec) -> Vec<Variant> {
    let mut merged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for turn in &spec.turns {
        for (key, values) in turn.perturbations.iter().flat_map(|p| p.iter()) {
            let entry = merged.entry(key.value.clone()).or_default();
            for v in values {
                if !entry.contains(v) {
                    entry.push(v.clone());
                }
            }
        }
    }
    merged.retain(|_, values| !values.is_empty());
    if merged.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Variant::new()];
    for (key, values) in merged {
        let mut next = Vec::with_capacity(out.len() * values.len());
        for variant in &out {
            for v in &values {
                let mut combined = variant.clone();
                combined.insert(key.clone(), v.clone());
                next.push(combined);
            }
        }
        out = next;
    }
    out
}

/// `text` with every `{key}` of `variant` replaced (single braces, as the reference).
pub fn perturb(text: &str, variant: &Variant) -> String {
    variant.iter().fold(text.to_owned(), |acc, (k, v)| {
        acc.replace(&format!("{{{k}}}"), v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perturb_substitutes_single_braces() {
        let v = Variant::from([("id".to_owned(), "7".to_owned())]);
        assert_eq!(perturb("order {id} and {{id}}", &v), "order 7 and {7}");
    }

    #[test]
    fn plans_the_resilience_project_with_trials_and_variants() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/resilience-testing/config.arena.yaml"
        );
        let loaded = crate::load::load_project(path, &crate::load::LoadOptions::default());
        let project = loaded.value.expect("loads");
        let plan = cases(&project, &Filter::default());
        let count = |id: &str| plan.iter().filter(|c| c.scenario == id).count();
        assert_eq!(count("statistical-trials"), 3);
        assert_eq!(count("perturbation-invariance"), 3);
        assert_eq!(count("content-validation"), 1);
        let only = cases(
            &project,
            &Filter {
                scenarios: vec!["content-validation".into()],
                providers: vec![],
            },
        );
        assert_eq!(only.len(), 1);
    }
}
