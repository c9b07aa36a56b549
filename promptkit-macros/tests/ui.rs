//! Compile-fail tests, one per class of config mistake, with the YAML location in the
//! expected error; and pass tests on the conformance projects.
//!
//! trybuild compiles each case as a crate in `target/tests/trybuild/promptkit-macros`,
//! which is the `CARGO_MANIFEST_DIR` the macros resolve paths from; the cases name
//! their fixtures relative to that folder (`../../../../promptkit-macros/tests/ui/…`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
