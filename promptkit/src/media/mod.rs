//! Media a conversation carries: turn parts loaded from files or inline data (MIME
//! types detected from the bytes), `data:` URLs, and what decoded media measures.

pub mod data_url;
mod load;
mod probe;
mod stats;

pub use load::{MAX_MEDIA_BYTES, MediaError, MediaRoot, turn_message};
pub use probe::{Probe, probe};
pub use stats::{MediaCount, human_bytes};
