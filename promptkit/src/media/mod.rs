//! Media a conversation carries: turn parts loaded from files or inline data (MIME
//! types detected from the bytes), media of canned answers (mock responses, mock tool
//! results), `data:` URLs, and what decoded media measures.

mod canned;
pub mod data_url;
mod fetch;
mod limits;
mod load;
mod probe;
mod stats;

pub use canned::{Canned, reply_parts, tool_parts};
pub use fetch::MediaFetch;
pub use limits::{LimitError, MediaLimits};
pub use load::{MAX_MEDIA_BYTES, MediaError, MediaRoot, turn_message};
pub use probe::{Probe, detect_mime, probe};
pub use stats::{MediaCount, human_bytes};
