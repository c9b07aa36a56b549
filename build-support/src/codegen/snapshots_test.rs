//! Snapshots of generated code (formatted with prettyplease) for the example project.

use std::path::{Path, PathBuf};

use super::{pack::include_pack, prompt::include_prompt};

fn example() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/typed-prompts");
    std::fs::canonicalize(&path).unwrap_or(path)
}

/// The tokens as formatted Rust, with the machine's path replaced by `$DIR`.
fn formatted(tokens: proc_macro2::TokenStream) -> String {
    let file = syn::parse2::<syn::File>(tokens).expect("generated code parses");
    prettyplease::unparse(&file).replace(&example().display().to_string(), "$DIR")
}

#[test]
fn include_prompt_module() {
    let tokens = include_prompt(&example(), "promptkit/prompts/support.yaml").expect("expands");
    insta::assert_snapshot!(formatted(tokens));
}

#[test]
fn include_pack_module() {
    let tokens = include_pack(&example(), "promptkit/config.arena.yaml").expect("expands");
    insta::assert_snapshot!(formatted(tokens));
}
