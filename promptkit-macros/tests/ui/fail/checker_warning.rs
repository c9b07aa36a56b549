// A checker warning (here: a declared variable the template never uses) is shown as a
// compiler warning at the macro; the type error below only makes the case fail so its
// output is compared.
promptkit::include_prompt!("../../../../promptkit-macros/tests/ui/fixtures/prompts/unused.yaml");

fn main() {
    let _: () = 1;
}
