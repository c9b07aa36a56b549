// Checker warnings are `deprecated` lints at the macro: `allow(deprecated)` around the
// macro silences them (the type error below only makes the case fail so its output is
// compared: no warning precedes it).
#[allow(deprecated)]
mod prompts {
    promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/unused.yaml");
}

fn main() {
    let _: () = 1;
}
