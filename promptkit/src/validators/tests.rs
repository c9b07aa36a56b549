use super::*;
use serde_json::json;

fn params(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn banned_words_uses_word_boundaries_and_the_words_alias() {
    let v = Validator::new("banned_words", &params(json!({"words": ["ass"]}))).expect("valid");
    assert!(
        !v.check("I can assist you", &Default::default()).triggered,
        "word boundary: 'assist' is fine"
    );
    let o = v.check("you ass", &Default::default());
    assert!(o.triggered);
    assert_eq!(o.validator_type, "banned_words");
    assert_eq!(o.score, Some(0.0));
}

#[test]
fn content_excludes_streams_by_substring() {
    let v = Validator::new("banned_words", &params(json!({"words": ["promise"]}))).expect("valid");
    assert!(v.is_streamable());
    assert!(!v.check_partial("I can pro").expect("streamable").triggered);
    assert!(
        v.check_partial("I can promise")
            .expect("streamable")
            .triggered
    );
    assert_eq!(v.enforce("I promise"), DEFAULT_BLOCKED_MESSAGE);
}

#[test]
fn length_truncates_and_respects_min_score() {
    let v = Validator::new("length", &params(json!({"max_characters": 5}))).expect("valid");
    let o = v.check("abcdefghij", &Default::default());
    assert!(o.triggered);
    assert_eq!(o.score, Some(0.5));
    assert_eq!(v.enforce("abcdéfghij"), "abcd");
    let lenient =
        Validator::new("max_length", &params(json!({"max": 5, "min_score": 0.4}))).expect("valid");
    assert!(!lenient.check("abcdefghij", &Default::default()).triggered);
    assert!(v.check_partial("abcdefg").expect("streamable").triggered);
}

#[test]
fn max_sentences_and_required_fields() {
    let v = Validator::new("max_sentences", &params(json!({"max_sentences": 2}))).expect("valid");
    assert!(!v.check("One. Two.", &Default::default()).triggered);
    assert!(v.check("One. Two. Three.", &Default::default()).triggered);
    assert!(v.check_partial("One. Two. Three.").is_none());
    let r = Validator::new(
        "required_fields",
        &params(json!({"required_fields": ["name", "email"]})),
    )
    .expect("valid");
    assert!(!r.check("name: a, email: b", &Default::default()).triggered);
    let o = r.check("name only", &Default::default());
    assert!(o.triggered);
    assert_eq!(o.score, Some(0.5));
}

#[test]
fn unknown_types_and_bad_params_are_errors() {
    match Validator::new("baned_words", &Map::new()) {
        Err(ValidatorError::UnknownType { suggestion, .. }) => {
            assert_eq!(suggestion, Some("banned_words"))
        }
        other => panic!("expected unknown type, got {other:?}"),
    }
    let err = Validator::new("max_length", &params(json!({"max": "ten"}))).expect_err("bad kind");
    assert!(err.to_string().contains("param `max`"), "{err}");
}

#[test]
fn set_enforces_first_triggered_and_records_prior_results() {
    let set = ValidatorSet::new(vec![
        Validator::new("banned_words", &params(json!({"words": ["guarantee"]})))
            .expect("valid")
            .with_message("blocked!"),
        Validator::new("length", &params(json!({"max_characters": 1000}))).expect("valid"),
    ]);
    let (outcomes, text) = set.enforce_output("We guarantee it", &Default::default());
    assert_eq!(text, "blocked!");
    // As the reference's hook chain: the first that fires stops the others.
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].triggered);
    let prior = outcomes[0].to_prior_result();
    assert_eq!(prior.validator_type, "banned_words");
    assert_eq!(prior.direction.as_deref(), Some("output"));
    let (_, clean) = set.enforce_output("Fine answer", &Default::default());
    assert_eq!(clean, "Fine answer");
    assert!(set.check_stream("we guarantee").is_some());
    assert!(set.check_input("hello", &Default::default()).is_empty());
}

#[test]
fn an_input_validator_gives_the_blocked_message_and_stops_the_others() {
    let set = ValidatorSet::new(vec![
        Validator::new(
            "banned_words",
            &params(json!({"words": ["password"], "direction": "input"})),
        )
        .expect("valid"),
        Validator::new(
            "banned_words",
            &params(json!({"words": ["secret"], "direction": "both", "message": "no"})),
        )
        .expect("valid"),
    ]);
    let (outcomes, blocked) = set.enforce_input("my password and secret", &Default::default());
    assert_eq!(blocked.as_deref(), Some(DEFAULT_BLOCKED_MESSAGE));
    assert_eq!(outcomes.len(), 1);
    let (outcomes, blocked) = set.enforce_input("a secret", &Default::default());
    assert_eq!(blocked.as_deref(), Some("no"));
    assert_eq!(outcomes.len(), 2);
    assert_eq!(set.enforce_input("hello", &Default::default()).1, None);
}
