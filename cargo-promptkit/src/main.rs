//! `cargo promptkit`: validate, compile and run PromptArena projects.
fn main() {}
