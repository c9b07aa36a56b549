//! Why a Rust tool handler produced no result. The text goes back to the model as the
//! tool's error, as the reference does with a failed tool call.

use std::fmt::Display;

/// A tool handler's failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The model's arguments do not fit the handler's argument type.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The handler's result could not be turned into JSON.
    #[error("unserializable result: {0}")]
    Unserializable(String),
    /// The tool ran and failed, with this message for the model.
    #[error("{0}")]
    Failed(String),
}

impl ToolError {
    /// A failure with `message` (for `map_err(ToolError::failed)` on any error).
    pub fn failed(message: impl Display) -> Self {
        Self::Failed(message.to_string())
    }
}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

impl From<&str> for ToolError {
    fn from(message: &str) -> Self {
        Self::Failed(message.to_owned())
    }
}
