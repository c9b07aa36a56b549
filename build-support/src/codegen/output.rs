//! What every generator shares: file tracking, diagnostics rendered for a compile
//! error, and Rust identifiers made from names written in YAML.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::diagnostic::relative::{relative, warnings_allowed};
use crate::diagnostic::{Diagnostics, RenderStyle, SourceCache};

/// `const _: &[u8] = include_bytes!("…");` for every file read, so that rustc records
/// the files in dep-info and cargo rebuilds the crate when one changes. Paths that are
/// not valid UTF-8 cannot be tracked this way and are skipped.
pub fn track(files: &[PathBuf]) -> TokenStream {
    let paths = files.iter().filter_map(|p| p.to_str());
    quote! { #(const _: &[u8] = ::core::include_bytes!(#paths);)* }
}

/// Every error rendered like rustc (plain), with paths shown relative to `base` (the
/// crate's manifest folder) so messages are the same on every machine. Warnings are
/// left out: a compile error should show what stops the build.
pub fn render_relative(diagnostics: &Diagnostics, sources: &SourceCache, base: &Path) -> String {
    let (moved, merged) = relative(diagnostics.errors(), sources, base);
    Diagnostics::from(moved).render(&merged, RenderStyle::Plain)
}

/// Every warning as a compiler warning at the macro call: stable proc macros cannot
/// warn, so each becomes the use of a `#[deprecated]` constant (lint `deprecated`)
/// whose note is the rendered diagnostic, with its file:line:col relative to `base`.
/// A warning is shown once per compiled crate, however many macros read its file;
/// none with [`ALLOW_WARNINGS_VAR`](crate::diagnostic::relative::ALLOW_WARNINGS_VAR) set (or `#[allow(deprecated)]` around the macro).
pub fn warnings(diagnostics: &Diagnostics, sources: &SourceCache, base: &Path) -> TokenStream {
    static SHOWN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    if warnings_allowed() {
        return TokenStream::new();
    }
    let (moved, merged) = relative(diagnostics.warnings(), sources, base);
    let mut shown = SHOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let notes: Vec<String> = moved
        .into_iter()
        .map(|d| {
            let text = Diagnostics::from(vec![d]).render(&merged, RenderStyle::Plain);
            format!("promptkit: {}", text.trim_end())
        })
        .filter(|note| shown.insert(note.clone()))
        .collect();
    quote! {
        #(
            const _: () = {
                #[deprecated(note = #notes)]
                #[allow(non_upper_case_globals)]
                const promptkit_checker_warning: () = ();
                promptkit_checker_warning
            };
        )*
    }
}

/// `support-bot` → `support_bot` (a valid identifier; raw for keywords, `_` before a
/// leading digit).
pub fn snake_ident(name: &str) -> Ident {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    ident(out.trim_matches('_'))
}

/// `get_order-status` → `GetOrderStatus`.
pub fn camel_ident(name: &str) -> Ident {
    ident(&camel(name))
}

/// `get_order-status` → `GetOrderStatus` as text.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// An identifier for `text`: `_` when empty, `_` prefix before a digit, raw form for
/// keywords.
fn ident(text: &str) -> Ident {
    let mut text = if text.is_empty() {
        "_".to_owned()
    } else {
        text.to_owned()
    };
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        text.insert(0, '_');
    }
    if matches!(text.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        text.push('_');
    }
    if is_keyword(&text) {
        Ident::new_raw(&text, Span::call_site())
    } else {
        Ident::new(&text, Span::call_site())
    }
}

fn is_keyword(text: &str) -> bool {
    matches!(
        text,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_from_yaml_names() {
        assert_eq!(snake_ident("support-bot").to_string(), "support_bot");
        assert_eq!(snake_ident("SupportBot").to_string(), "support_bot");
        assert_eq!(snake_ident("type").to_string(), "r#type");
        assert_eq!(snake_ident("1st").to_string(), "_1st");
        assert_eq!(
            camel_ident("get_order-status").to_string(),
            "GetOrderStatus"
        );
        assert_eq!(camel_ident("self").to_string(), "Self_");
    }

    #[test]
    fn tracks_every_file() {
        let tokens = track(&[PathBuf::from("/a/b.yaml")]).to_string();
        assert!(
            tokens.contains("include_bytes ! (\"/a/b.yaml\")"),
            "{tokens}"
        );
    }
}
