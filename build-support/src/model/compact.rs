//! Lists of large model items read at their exact length. A YAML sequence has no
//! length hint, so a `Vec` read element by element keeps room for four: a scenario's
//! one turn (560 bytes) or one assertion (552 bytes) would hold 2 KB. Large suites keep
//! thousands of these for the whole run.

use serde::{Deserialize, Deserializer};

/// A `Vec<T>` with no spare capacity.
pub(crate) fn vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut items = Vec::<T>::deserialize(deserializer)?;
    items.shrink_to_fit();
    Ok(items)
}

#[cfg(test)]
mod tests {
    use crate::model::ScenarioSpec;

    #[test]
    fn turns_and_assertions_hold_no_spare_room() {
        let spec: ScenarioSpec = serde_saphyr::from_str(
            "turns:\n  - role: user\n    content: hi\n    assertions:\n      - type: content_includes\n        params: {patterns: [hi]}\n",
        )
        .expect("parses");
        assert_eq!((spec.turns.len(), spec.turns.capacity()), (1, 1));
        let assertions = &spec.turns[0].assertions;
        assert_eq!((assertions.len(), assertions.capacity()), (1, 1));
    }
}
