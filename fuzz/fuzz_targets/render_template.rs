//! The template renderer on an arbitrary template and values: never panics, never
//! produces more than the output budget.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use promptkit_build::template::{MAX_OUTPUT_BYTES, render, substitute};

fuzz_target!(|input: (String, Vec<(String, String)>)| {
    let (template, pairs) = input;
    let vars: BTreeMap<String, String> = pairs.into_iter().take(32).collect();
    if let Ok(out) = render(&template, &vars) {
        assert!(out.len() <= MAX_OUTPUT_BYTES.max(template.len()));
    }
    assert!(substitute(&template, &vars).len() <= MAX_OUTPUT_BYTES.max(template.len()));
});
