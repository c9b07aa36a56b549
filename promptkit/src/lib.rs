//! PromptKit runtime: providers, conversations, tools, validators and the arena engine.

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod a2a;
pub mod arena;
pub mod assertions;
pub mod classify;
pub mod conversation;
pub mod files;
pub mod go_json;
pub mod mcp;
pub mod media;
pub mod message;
pub mod pack;
pub mod process;
pub mod provider;
pub mod providers;
pub mod skills;
mod tls;
pub mod tools;
pub mod validators;

pub use message::{ContentPart, Cost, Declared, Message, Reasoning, Role, ToolCall, Usage};
pub use pack::Pack;
pub use promptkit_macros::{Prompt, arena_test, include_pack, include_prompt};
