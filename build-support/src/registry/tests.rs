use super::*;
use std::collections::HashSet;

#[test]
fn every_name_is_unique() {
    let mut seen = HashSet::new();
    for name in all().flat_map(EvalType::names) {
        assert!(seen.insert(name), "duplicate registry name {name}");
    }
}

#[test]
fn aliases_resolve_to_canonical_types() {
    for (alias, canonical) in [
        ("content_includes", "contains"),
        ("content_includes_any", "contains_any"),
        ("content_matches", "regex"),
        ("content_not_includes", "content_excludes"),
        ("is_valid_json", "json_valid"),
        ("valid_json", "json_valid"),
        ("tool_called", "tools_called"),
        ("tools_not_called_with_args", "tool_args_excluded_session"),
        ("llm_judge_conversation", "llm_judge_session"),
        ("banned_words", "content_excludes"),
        ("length", "max_length"),
        ("max_sentences", "sentence_count"),
        ("required_fields", "field_presence"),
    ] {
        assert_eq!(canonical_name(alias), Some(canonical), "{alias}");
    }
}

#[test]
fn every_type_of_the_reference_schema_is_known() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/schemas/arena/common/assertions.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // the shared folder is absent in a standalone checkout
    };
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema parses");
    let names = schema["properties"]["type"]["anyOf"][0]["enum"]
        .as_array()
        .expect("enum");
    assert!(names.len() > 90);
    for name in names {
        let name = name.as_str().expect("string");
        assert!(assertion_type(name).is_some(), "missing {name}");
    }
}

#[test]
fn params_are_found_by_alias() {
    let t = assertion_type("banned_words").expect("known");
    assert_eq!(t.param("words").map(|p| p.name), Some("patterns"));
    assert_eq!(param_aliases_for("banned_words"), &[("words", "patterns")]);
    assert_eq!(
        param_defaults_for("banned_words"),
        &[("match_mode", "\"word_boundary\"")]
    );
    assert_eq!(t.param("nope"), None);
}

#[test]
fn suggest_finds_near_misses_only() {
    assert_eq!(suggest("content_include"), Some("content_includes"));
    assert_eq!(suggest("tools_caled"), Some("tools_called"));
    assert_eq!(suggest("zzzzzzzzzzzzzzzzzzzzzz"), None);
    let t = assertion_type("regex").expect("known");
    assert_eq!(suggest_param(t, "patern"), Some("pattern"));
}

#[test]
fn defaults_are_json_literals() {
    for t in all() {
        for p in t.params {
            if let Some(d) = p.default {
                assert!(
                    serde_json::from_str::<serde_json::Value>(d).is_ok(),
                    "{}.{}",
                    t.name,
                    p.name
                );
            }
        }
    }
}

#[test]
fn every_kind_has_exactly_one_registry_entry() {
    for kind in EvalKind::ALL {
        let entries = all().filter(|t| t.kind == *kind).count();
        assert_eq!(entries, 1, "{kind:?} has {entries} registry entries");
    }
    assert_eq!(all().count(), EvalKind::ALL.len());
}
