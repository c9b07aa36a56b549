//! Cost from a provider's `pricing`, or from the built-in list prices of common models
//! when the config has none: "not priced" stays `None`, never $0.

use crate::message::{Cost, Usage};

/// Prices per 1,000 tokens, in dollars.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pricing {
    /// Input (prompt) tokens.
    pub input_per_1k: f64,
    /// Output (completion) tokens, reasoning tokens included.
    pub output_per_1k: f64,
}

/// The day the built-in prices were taken from the vendors' price pages (the same
/// list prices as the reference's tables).
pub const BUILTIN_PRICES_CORRECT_AT: &str = "2026-07-08";

/// Built-in list prices in dollars per million tokens: (model prefix, input, output).
/// Short-context tiers; cached-input discounts are not applied.
const BUILTIN_PER_MILLION: &[(&str, f64, f64)] = &[
    ("gpt-3.5-turbo", 1.50, 2.00),
    ("gpt-4", 30.0, 60.0),
    ("gpt-4-turbo", 10.0, 30.0),
    ("gpt-4o", 2.50, 10.0),
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4.1", 2.00, 8.00),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("o1", 15.0, 60.0),
    ("o1-mini", 1.10, 4.40),
    ("o3", 2.00, 8.00),
    ("o3-mini", 1.10, 4.40),
    ("o4-mini", 1.10, 4.40),
    ("gpt-5", 1.25, 10.0),
    ("gpt-5-mini", 0.25, 2.00),
    ("gpt-5-nano", 0.05, 0.40),
    ("claude-3-haiku", 0.25, 1.25),
    ("claude-3-sonnet", 3.0, 15.0),
    ("claude-3-opus", 15.0, 75.0),
    ("claude-3-5-sonnet", 3.0, 15.0),
    ("claude-3-5-haiku", 1.0, 5.0),
    ("claude-3-7-sonnet", 3.0, 15.0),
    ("claude-sonnet-4", 3.0, 15.0),
    ("claude-sonnet-4-5", 3.0, 15.0),
    ("claude-opus-4", 15.0, 75.0),
    ("claude-opus-4-1", 15.0, 75.0),
    ("claude-opus-4-5", 5.0, 25.0),
    ("claude-haiku-4-5", 1.0, 5.0),
    ("gemini-1.5-pro", 1.25, 5.00),
    ("gemini-1.5-flash", 0.075, 0.30),
    ("gemini-2.0-flash", 0.10, 0.40),
    ("gemini-2.0-flash-lite", 0.075, 0.30),
    ("gemini-2.5-pro", 1.25, 10.0),
    ("gemini-2.5-flash", 0.30, 2.50),
    ("gemini-2.5-flash-lite", 0.10, 0.40),
    ("gemini-3-pro", 2.00, 12.00),
    ("gemini-3-flash", 0.40, 3.00),
    ("gemini-3-flash-lite", 0.15, 0.60),
];

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

    /// The built-in price of `model`: the longest table entry the model name equals or
    /// extends with a suffix that names the same model — a date or revision (`-2024-08-06`,
    /// `-20250514-v1:0`, `-001`, Vertex's `@20250514`) or a word (`-preview`) — so
    /// `gpt-4o-2024-08-06` is `gpt-4o`, `gpt-4o-mini` stays `gpt-4o-mini`, and
    /// `claude-opus-4-6` (a later model, not a revision of `claude-opus-4`) is unknown.
    /// Cloud ids name the same models: a `vendor/` path is dropped, and so is a Bedrock
    /// inference-profile region (`us.`, `eu.`, `apac.`, `global.`, …) with its
    /// `anthropic.` vendor part, at the vendor's list price (a platform's regional
    /// surcharge is not applied). `None` for unknown models.
    pub fn builtin(model: &str) -> Option<Pricing> {
        let model = bare_model(model);
        BUILTIN_PER_MILLION
            .iter()
            .filter(|(prefix, _, _)| model.strip_prefix(prefix).is_some_and(same_model_suffix))
            .max_by_key(|(prefix, _, _)| prefix.len())
            .map(|(_, input, output)| Pricing {
                input_per_1k: input / 1000.0,
                output_per_1k: output / 1000.0,
            })
    }
}

/// `model` without a `vendor/` path and without a Bedrock `region.anthropic.` prefix.
fn bare_model(model: &str) -> &str {
    let model = model.rsplit('/').next().unwrap_or(model);
    match model.split_once("anthropic.") {
        Some((region, rest)) if region.is_empty() || is_bedrock_region(region) => rest,
        _ => model,
    }
}

/// A Bedrock cross-region inference-profile prefix (`us.`, `eu.`, `apac.`, `global.`…).
fn is_bedrock_region(prefix: &str) -> bool {
    prefix
        .strip_suffix('.')
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
}

/// Whether what follows a table entry in a model name still names that model: nothing,
/// a Vertex `@version`, or `-` and a word or a date/revision (three digits or more);
/// `-6` or `-32k` are different models.
fn same_model_suffix(rest: &str) -> bool {
    if rest.is_empty() || rest.starts_with('@') {
        return true;
    }
    let Some(tail) = rest.strip_prefix('-') else {
        return false;
    };
    let digits = tail.chars().take_while(char::is_ascii_digit).count();
    (digits == 0 && !tail.is_empty()) || digits >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_matching_model_wins_and_dates_are_suffixes() {
        let price = |m: &str| Pricing::builtin(m).map(|p| p.input_per_1k * 1000.0);
        assert_eq!(price("gpt-4o-2024-08-06"), Some(2.50));
        assert_eq!(price("gpt-4o-mini"), Some(0.15));
        assert_eq!(price("gemini-2.5-flash-lite"), Some(0.10));
        assert_eq!(price("gemini-3-pro-preview"), Some(2.00));
        assert_eq!(price("claude-3-7-sonnet-20250219"), Some(3.0));
        assert_eq!(price("models/gemini-2.5-flash"), Some(0.30));
        assert_eq!(price("gpt-4oo"), None);
        assert_eq!(price("my-local-llama"), None);
        assert_eq!(price("gemini-2.0-flash-001"), Some(0.10));
    }

    #[test]
    fn cloud_ids_name_the_vendor_model_and_versions_are_not_revisions() {
        let price = |m: &str| Pricing::builtin(m).map(|p| p.input_per_1k * 1000.0);
        assert_eq!(price("anthropic.claude-3-sonnet-20240229-v1:0"), Some(3.0));
        assert_eq!(
            price("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Some(3.0)
        );
        assert_eq!(
            price("global.anthropic.claude-haiku-4-5-20251001-v1:0"),
            Some(1.0)
        );
        assert_eq!(
            price("apac.anthropic.claude-3-haiku-20240307-v1:0"),
            Some(0.25)
        );
        assert_eq!(price("claude-opus-4-5@20251101"), Some(5.0));
        assert_eq!(price("claude-3-5-sonnet-v2@20241022"), Some(3.0));
        // Later models are not revisions of an earlier one: unknown, never mispriced.
        assert_eq!(price("claude-opus-4-6"), None);
        assert_eq!(price("claude-opus-4-6@default"), None);
        assert_eq!(price("gpt-4-32k"), None);
        assert_eq!(price("openai.gpt-oss-120b-1:0"), None);
    }
}
