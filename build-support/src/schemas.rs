//! The JSON Schemas of the PromptArena kinds as the reference publishes them
//! (`schemas/v1alpha1` of AltairaLabs/promptarena, kept byte for byte in
//! `build-support/schemas/arena/`): what `cargo promptkit schema` prints for editors.
//! The loader's model agrees with them field by field: `tests/fields_table.rs` and
//! `tests/load_schema_coverage.rs` walk both.

/// Every schema by the name `schema` takes, in the reference's order.
pub const ARENA: &[(&str, &str)] = &[
    ("arena", include_str!("../schemas/arena/arena.json")),
    ("eval", include_str!("../schemas/arena/eval.json")),
    ("logging", include_str!("../schemas/arena/logging.json")),
    ("persona", include_str!("../schemas/arena/persona.json")),
    (
        "promptconfig",
        include_str!("../schemas/arena/promptconfig.json"),
    ),
    ("provider", include_str!("../schemas/arena/provider.json")),
    (
        "runtime-config",
        include_str!("../schemas/arena/runtime-config.json"),
    ),
    ("scenario", include_str!("../schemas/arena/scenario.json")),
    ("tool", include_str!("../schemas/arena/tool.json")),
];

/// The assertion definitions the kinds share (`common/assertions.json`).
pub const ASSERTIONS: &str = include_str!("../schemas/arena/common/assertions.json");

/// The schema called `name` (case-insensitive; `PromptConfig` and `promptconfig` alike).
pub fn arena(name: &str) -> Option<&'static str> {
    ARENA
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, schema)| *schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_json_with_its_name_in_its_id() {
        for (name, text) in ARENA {
            let doc: serde_json::Value = serde_json::from_str(text).expect("JSON");
            let id = doc["$id"].as_str().unwrap_or_default();
            assert!(id.ends_with(&format!("/{name}.json")), "{name}: {id}");
        }
        assert_eq!(arena("PromptConfig"), arena("promptconfig"));
        assert!(arena("nope").is_none());
    }

    /// The copies are the reference's files, unchanged (when the shared folder is there).
    #[test]
    fn the_copies_match_the_reference() {
        let shared =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/schemas/arena");
        if !shared.is_dir() {
            return;
        }
        for (name, text) in ARENA {
            let original = std::fs::read_to_string(shared.join(format!("{name}.json")))
                .expect("the reference's schema");
            assert!(
                original == *text,
                "schemas/arena/{name}.json differs from the reference's"
            );
        }
        let original =
            std::fs::read_to_string(shared.join("common/assertions.json")).expect("read");
        assert!(original == ASSERTIONS);
    }
}
