//! Loads the PromptPack compiled by `build.rs` (embedded in the binary) and renders
//! its support prompt: `cargo run -p promptkit-example-pack-build -- [company]`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use promptkit::Pack;

/// The pack `build.rs` wrote, compiled into the binary.
const PACK: &str = include_str!(concat!(env!("OUT_DIR"), "/app.pack.json"));

fn main() -> ExitCode {
    let pack = match Pack::from_json(PACK) {
        Ok(pack) => pack,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut vars = BTreeMap::new();
    if let Some(company) = std::env::args().nth(1) {
        vars.insert("company".to_owned(), company);
    }
    println!(
        "pack {} {}: prompts {:?}",
        pack.id(),
        pack.version(),
        pack.prompt_names()
    );
    for tool in pack.tools_of("support") {
        println!("tool {}: {}", tool.name, tool.description);
    }
    match pack.render("support", &vars) {
        Ok(text) => {
            println!("--- system prompt ---\n{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
