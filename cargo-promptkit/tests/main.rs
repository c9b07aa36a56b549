//! Tests of the cargo-promptkit command line, in one binary: each file of `tests/` is a module here, so the
//! suite links once instead of once per file.

#[path = "../../promptkit/tests/mcp_support/mod.rs"]
mod mcp_support;
mod support;

mod baseline;
mod bedrock_cli;
mod classifiers;
mod commands;
mod frontend_parity;
mod interrupt;
mod mcp_docker;
mod pack_cli;
mod platform_recordings_cli;
mod run_and_init;
mod schema;
mod validate;
