//! Procedural macros for PromptKit. Thin shells: every macro parses its input,
//! calls one function of `promptkit-build`, and reports its diagnostics.

use std::path::PathBuf;

use proc_macro::TokenStream;
use quote::{quote, quote_spanned};
use syn::{ItemFn, LitStr, parse_macro_input};

/// Turns every scenario × provider of an arena config into a `#[test]`.
///
/// ```ignore
/// #[promptkit::arena_test("promptkit/config.arena.yaml")]
/// fn support(setup: &mut promptkit::arena::Setup) {
///     setup.tool("get_order_status", |args: serde_json::Value| async move { Ok(args) });
/// }
/// // cargo test support::refund_policy
/// ```
///
/// The path is relative to the crate's `Cargo.toml`. The project is loaded and checked
/// at compile time (errors are compile errors naming file, line and column) and
/// compiled into the test binary. Tests on providers that need API keys are
/// `#[ignore = "needs OPENAI_API_KEY"]`.
#[proc_macro_attribute]
pub fn arena_test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let path = parse_macro_input!(attr as LitStr);
    let setup = parse_macro_input!(item as ItemFn);
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let config = manifest_dir.join(path.value());
    let ident = &setup.sig.ident;
    let generated = match promptkit_build::codegen::arena_test::arena_test(&config, ident) {
        Ok(tokens) => tokens,
        Err(rendered) => {
            let message = format!("invalid arena project `{}`:\n{rendered}", path.value());
            quote_spanned! { path.span() => compile_error!(#message); }
        }
    };
    quote! {
        #[cfg_attr(not(test), allow(dead_code))]
        #setup
        #generated
    }
    .into()
}
