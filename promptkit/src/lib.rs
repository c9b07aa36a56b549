//! PromptKit runtime: providers, conversations, tools, validators and the arena engine.

pub mod arena;
pub mod conversation;
pub mod message;
pub mod pack;
pub mod provider;
pub mod providers;
pub mod tools;
pub mod validators;

pub use message::{ContentPart, Cost, Message, Role, ToolCall, Usage};
pub use pack::Pack;
