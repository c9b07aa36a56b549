//! Perturbations (the CheckList invariance pattern): `perturbations:` on turns list
//! values per `{key}`; every combination (cartesian product, keys sorted) is a
//! variant, each run as its own trial, as in the reference.

use std::collections::BTreeMap;

use promptkit_build::model::ScenarioSpec;

/// One combination of values.
pub(crate) type Variant = BTreeMap<String, String>;

/// Every variant of a scenario (none when it has no perturbations).
pub(crate) fn variants(spec: &ScenarioSpec) -> Vec<Variant> {
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

/// `text` with every `{key}` of `variant` replaced.
pub(crate) fn apply(text: &str, variant: &Variant) -> String {
    variant.iter().fold(text.to_owned(), |acc, (k, v)| {
        acc.replace(&format!("{{{k}}}"), v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_single_braces() {
        let v = Variant::from([("id".to_owned(), "7".to_owned())]);
        assert_eq!(apply("order {id} and {{id}}", &v), "order 7 and {7}");
    }
}
