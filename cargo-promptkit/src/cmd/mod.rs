//! One module per subcommand: each parses its flags and calls the libraries.

pub mod compile;
pub mod completion;
pub mod config_inspect;
pub mod init;
pub mod mocks;
pub mod pack;
pub mod prompt_debug;
pub mod run;
pub mod schema;
pub mod validate;
pub mod validate_file;
pub mod view;
