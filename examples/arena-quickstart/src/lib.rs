//! The quick-start support assistant: its PromptArena project lives beside this crate
//! (`config.arena.yaml`), and `tests/arena.rs` runs its scenarios with `cargo test`.
//!
//! The order lookup the assistant calls is implemented here in Rust; the arena tests
//! use it instead of the tool's canned `mock_result`.

use serde::{Deserialize, Serialize};

/// Arguments of the `get_order_status` tool (its `input_schema`).
#[derive(Debug, Clone, Deserialize)]
pub struct OrderQuery {
    /// The order id, e.g. `ORD-1042`.
    pub order_id: String,
}

/// What `get_order_status` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderStatus {
    /// The order id.
    pub order_id: String,
    /// `processing`, `shipped` or `unknown`.
    pub status: String,
    /// Expected delivery date (ISO 8601), when shipped.
    pub eta: Option<String>,
}

/// Looks an order up (a stand-in for a real order service).
pub fn order_status(query: &OrderQuery) -> OrderStatus {
    let (status, eta) = match query.order_id.as_str() {
        "ORD-1042" => ("shipped", Some("2026-12-02".to_owned())),
        id if id.starts_with("ORD-") => ("processing", None),
        _ => ("unknown", None),
    };
    OrderStatus {
        order_id: query.order_id.clone(),
        status: status.to_owned(),
        eta,
    }
}
