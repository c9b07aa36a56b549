//! Cost from a provider's `pricing`: "not priced" stays `None`, never $0.

use crate::message::{Cost, Usage};

/// Prices per 1,000 tokens, in dollars.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pricing {
    /// Input (prompt) tokens.
    pub input_per_1k: f64,
    /// Output (completion) tokens.
    pub output_per_1k: f64,
}

impl Pricing {
    /// The cost of `usage`; `None` prices (no pricing) mean "not priced".
    pub fn cost(pricing: Option<Pricing>, usage: &Usage) -> Cost {
        Cost {
            usd: pricing.map(|p| {
                p.input_per_1k * usage.input_tokens as f64 / 1000.0
                    + p.output_per_1k * usage.output_tokens as f64 / 1000.0
            }),
        }
    }
}
