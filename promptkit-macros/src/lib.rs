//! Procedural macros for PromptKit. Thin shells: every macro parses its input,
//! calls one function of `promptkit-build`, and reports its diagnostics.

use std::path::PathBuf;

use proc_macro::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
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
///
/// Assertion types written in Rust are declared after the path, so the checker accepts
/// them, and registered by the setup function:
///
/// ```ignore
/// #[promptkit::arena_test("config.arena.yaml", assertions = ["mentions_order"])]
/// fn support(setup: &mut promptkit::arena::Setup) {
///     setup.assertion("mentions_order", |params, ctx| { /* an EvalResult */ });
/// }
/// ```
#[proc_macro_attribute]
pub fn arena_test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let ArenaTestArgs { path, assertions } = parse_macro_input!(attr as ArenaTestArgs);
    let setup = parse_macro_input!(item as ItemFn);
    if let Err(error) = check_setup_signature(&setup) {
        return error.to_compile_error().into();
    }
    let ident = &setup.sig.ident;
    let generated = match promptkit_build::codegen::arena_test::arena_test(
        &manifest_dir(),
        &path.value(),
        ident,
        &assertions,
    ) {
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

/// The setup function of `#[arena_test]` is `fn name(setup: &mut promptkit::arena::Setup)`
/// (synchronous, no generics, returns nothing); anything else is an error spanned on
/// the offending part, rather than a type mismatch inside generated code.
fn check_setup_signature(setup: &ItemFn) -> syn::Result<()> {
    const EXPECTED: &str = "the setup function of `#[arena_test]` must be `fn name(setup: &mut promptkit::arena::Setup)`";
    let sig = &setup.sig;
    if let Some(asyncness) = &sig.asyncness {
        return Err(syn::Error::new_spanned(
            asyncness,
            format!("{EXPECTED}; remove `async` (handlers it registers may be async)"),
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            format!("{EXPECTED}; remove the generic parameters"),
        ));
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        return Err(syn::Error::new_spanned(
            ty,
            format!("{EXPECTED}; remove the return type"),
        ));
    }
    let mut inputs = sig.inputs.iter();
    let Some(first) = inputs.next() else {
        return Err(syn::Error::new_spanned(
            &sig.ident,
            format!("{EXPECTED}; add the parameter `setup: &mut promptkit::arena::Setup`"),
        ));
    };
    if let Some(extra) = inputs.next() {
        return Err(syn::Error::new_spanned(
            extra,
            format!("{EXPECTED}; remove this parameter"),
        ));
    }
    let takes_mut_ref = matches!(
        first,
        syn::FnArg::Typed(arg) if matches!(&*arg.ty, syn::Type::Reference(r) if r.mutability.is_some())
    );
    if takes_mut_ref {
        Ok(())
    } else {
        Err(syn::Error::new_spanned(
            first,
            format!("{EXPECTED}; the parameter must be `&mut Setup`"),
        ))
    }
}

/// `"config.arena.yaml"` optionally followed by `, assertions = ["name", ...]`.
struct ArenaTestArgs {
    path: LitStr,
    assertions: Vec<String>,
}

impl syn::parse::Parse for ArenaTestArgs {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut assertions = Vec::new();
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "assertions" {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `assertions = [\"name\", ...]` (the custom assertion types the setup function registers)",
                ));
            }
            input.parse::<syn::Token![=]>()?;
            let list: syn::ExprArray = input.parse()?;
            for item in list.elems {
                match item {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => assertions.push(s.value()),
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "an assertion type name, as a string literal",
                        ));
                    }
                }
            }
            input.parse::<Option<syn::Token![,]>>()?;
        }
        Ok(Self { path, assertions })
    }
}

/// The crate's manifest folder, where macro paths are resolved from.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// `compile_error!` with `message`, spanned on `span`.
fn compile_error(span: proc_macro2::Span, message: &str) -> proc_macro2::TokenStream {
    quote_spanned! { span => ::core::compile_error!(#message); }
}

/// A typed prompt from one PromptConfig file: a module (named after the file) with
/// `Vars` (one field per declared variable; optional ones are `Option`s), `render()`
/// and the prompt's constants (`TASK_TYPE`, `VERSION`, `ALLOWED_TOOLS`, …).
///
/// ```ignore
/// promptkit::include_prompt!("prompts/support.yaml");
/// let system = support::Vars { company: "Acme".into(), tone: None }.render();
/// ```
///
/// The path is relative to the crate's `Cargo.toml`. An undeclared variable or any
/// other error in the file is a compile error naming the file, line and column.
#[proc_macro]
pub fn include_prompt(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    match promptkit_build::codegen::prompt::include_prompt(&manifest_dir(), &path.value()) {
        Ok(tokens) => tokens,
        Err(rendered) => compile_error(
            path.span(),
            &format!("invalid prompt `{}`:\n{rendered}", path.value()),
        ),
    }
    .into()
}

/// A whole arena project as a module `pack`: a module per prompt (as
/// [`include_prompt!`]), typed argument/result structs for every tool in `pack::tools`,
/// the compiled PromptPack as `pack::JSON`, and a typed `pack::Pack` handle.
///
/// ```ignore
/// promptkit::include_pack!("promptkit/config.arena.yaml");
/// let pack = pack::Pack::load()?;
/// let system = pack.render_support(&pack::support::Vars { company: "Acme".into() })?;
/// ```
#[proc_macro]
pub fn include_pack(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    match promptkit_build::codegen::pack::include_pack(&manifest_dir(), &path.value()) {
        Ok(tokens) => tokens,
        Err(rendered) => compile_error(
            path.span(),
            &format!("invalid arena project `{}`:\n{rendered}", path.value()),
        ),
    }
    .into()
}

/// Checks a struct against a prompt file and implements `render()` and the prompt's
/// constants on it.
///
/// ```ignore
/// #[derive(promptkit::Prompt)]
/// #[prompt(file = "prompts/support.yaml")]
/// struct Support { company: String, tone: Option<String> }
/// ```
///
/// Every variable the template uses (and every required one) must be a field, a
/// required variable must not be an `Option`, and field types must fit the declared
/// types; errors point at the field or the attribute and name the YAML location.
#[proc_macro_derive(Prompt, attributes(prompt))]
pub fn derive_prompt(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    derive_prompt_tokens(&input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

fn derive_prompt_tokens(input: &syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    use promptkit_build::codegen::derive::{Blame, Field, derive_prompt};
    let mut file: Option<LitStr> = None;
    let mut attribute_span = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("prompt")) {
        attribute_span = Some(syn::spanned::Spanned::span(attr));
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("file") {
                file = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown `prompt` option; expected `file = \"…\"`"))
            }
        })?;
    }
    let Some(file) = file else {
        return Err(syn::Error::new(
            attribute_span.unwrap_or_else(|| input.ident.span()),
            "missing `#[prompt(file = \"prompts/name.yaml\")]`",
        ));
    };
    let syn::Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(Prompt)]` works on structs with named fields",
        ));
    };
    let named: Vec<&syn::Field> = data.fields.iter().filter(|f| f.ident.is_some()).collect();
    if named.len() != data.fields.len() {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(Prompt)]` works on structs with named fields",
        ));
    }
    let fields: Vec<Field> = named
        .iter()
        .map(|f| Field {
            name: f
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            ty: f.ty.to_token_stream().to_string(),
        })
        .collect();
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let header = quote! { impl #impl_generics #name #ty_generics #where_clause };
    match derive_prompt(&manifest_dir(), &file.value(), &fields, header) {
        Ok(tokens) => Ok(tokens),
        Err(problems) => Ok(problems
            .iter()
            .map(|p| {
                let span = match p.blame {
                    Blame::Attribute => file.span(),
                    Blame::Field(i) => named
                        .get(i)
                        .map_or(file.span(), |f| syn::spanned::Spanned::span(*f)),
                };
                compile_error(span, &p.message)
            })
            .collect()),
    }
}
