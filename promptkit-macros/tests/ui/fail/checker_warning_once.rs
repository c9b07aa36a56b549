// Two macros reading the same file: its warning is shown once per crate, not per macro.
mod first {
    promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/unused.yaml");
}
mod second {
    promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/unused.yaml");
}

fn main() {
    let _: () = 1;
}
