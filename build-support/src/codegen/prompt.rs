//! `include_prompt!("prompts/support.yaml")`: a module with the prompt's typed `Vars`,
//! `render()`, and its constants.
//!
//! Declared types become Rust types (`string` → `String`, `number` → `f64`, `integer` →
//! `i64`, `boolean` → `bool`, `object`/`array` → `serde_json::Value`); required
//! variables are plain fields, optional ones `Option`s that fall back to their default
//! (or to empty text) when `None`. Fragments, read by the loader, are compiled in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use super::ExpandError;
use super::output::{render_relative, snake_ident, track};
use crate::frontend::Frontend;
use crate::load::Item;
use crate::model::PromptSpec;
use crate::template::{VarDecl, VarType, value_text};

/// A checked prompt with what its generated code needs.
#[derive(Debug, Clone)]
pub struct TypedPrompt {
    /// The prompt document (with the fragments the loader read).
    pub item: Item<PromptSpec>,
    /// Its variable declarations.
    pub decls: Vec<VarDecl>,
    /// Fragment name → content, compiled in.
    pub fragments: BTreeMap<String, String>,
}

impl TypedPrompt {
    /// The typed view of a checked prompt.
    pub fn new(item: Item<PromptSpec>) -> Self {
        let decls = item.spec.variables.iter().map(VarDecl::from).collect();
        let fragments = item
            .fragments
            .iter()
            .map(|f| (f.name.clone(), f.content.to_string()))
            .collect();
        Self {
            item,
            decls,
            fragments,
        }
    }

    /// `const TEMPLATE`, `FRAGMENTS`, `DEFAULTS` and the other constants of the prompt.
    pub fn constants(&self) -> TokenStream {
        let spec = &self.item.spec;
        let task_type = &spec.task_type.value;
        let version = spec.version.as_ref().map_or("", |v| v.value.as_str());
        let description = spec.description.as_ref().map_or("", |v| v.value.as_str());
        let template = spec
            .system_template
            .as_ref()
            .map_or("", |t| t.value.as_str());
        let tools = spec.allowed_tools.iter().map(|t| &t.value);
        let fragments = self.fragments.iter().map(|(k, v)| quote! { (#k, #v) });
        let defaults = self
            .decls
            .iter()
            .filter_map(|d| {
                let value = d.default.as_ref().filter(|v| !v.is_null())?;
                let (name, text) = (&d.name, value_text(value));
                Some(quote! { (#name, #text) })
            })
            .collect::<Vec<_>>();
        let parameters = spec.parameters.as_ref();
        let opt_f64 = |v: Option<f64>| match v {
            Some(v) => quote! { ::core::option::Option::Some(#v) },
            None => quote! { ::core::option::Option::None },
        };
        let opt_i64 = |v: Option<i64>| match v {
            Some(v) => quote! { ::core::option::Option::Some(#v) },
            None => quote! { ::core::option::Option::None },
        };
        let temperature = opt_f64(
            parameters
                .and_then(|p| p.temperature.as_ref())
                .map(|v| v.value),
        );
        let top_p = opt_f64(parameters.and_then(|p| p.top_p.as_ref()).map(|v| v.value));
        let max_tokens = opt_i64(
            parameters
                .and_then(|p| p.max_tokens.as_ref())
                .map(|v| v.value),
        );
        let top_k = opt_i64(parameters.and_then(|p| p.top_k.as_ref()).map(|v| v.value));
        quote! {
            /// The prompt's task type (what scenarios name).
            pub const TASK_TYPE: &'static str = #task_type;
            /// The prompt's version (empty when it declares none).
            pub const VERSION: &'static str = #version;
            /// The prompt's description (empty when it has none).
            pub const DESCRIPTION: &'static str = #description;
            /// The tools the prompt may call.
            pub const ALLOWED_TOOLS: &'static [&'static str] = &[#(#tools),*];
            /// Sampling temperature, when set.
            pub const TEMPERATURE: ::core::option::Option<f64> = #temperature;
            /// Maximum output tokens, when set.
            pub const MAX_TOKENS: ::core::option::Option<i64> = #max_tokens;
            /// Nucleus sampling, when set.
            pub const TOP_P: ::core::option::Option<f64> = #top_p;
            /// Top-k sampling, when set.
            pub const TOP_K: ::core::option::Option<i64> = #top_k;
            /// The system template, with `{{variable}}` placeholders.
            pub const TEMPLATE: &'static str = #template;
            /// The fragments composed into the template (name, content).
            pub const FRAGMENTS: &'static [(&'static str, &'static str)] = &[#(#fragments),*];
            /// Defaults of optional variables (name, text).
            pub const DEFAULTS: &'static [(&'static str, &'static str)] = &[#(#defaults),*];
        }
    }

    /// The `Vars` struct with `values()` and `render()`.
    pub fn vars(&self) -> TokenStream {
        let fields = self.decls.iter().map(|d| {
            let ident = snake_ident(&d.name);
            let ty = rust_type(d.ty);
            let ty = if d.required {
                ty
            } else {
                quote! { ::core::option::Option<#ty> }
            };
            let doc = field_doc(&self.item.spec, d);
            quote! { #[doc = #doc] pub #ident: #ty, }
        });
        let values = self.decls.iter().map(|d| {
            let ident = snake_ident(&d.name);
            let name = &d.name;
            let text = value_to_text(d.ty, quote! { v });
            if d.required {
                quote! { (#name, { let v = &self.#ident; ::core::option::Option::Some(#text) }) }
            } else {
                quote! { (#name, self.#ident.as_ref().map(|v| #text)) }
            }
        });
        let all_optional = self.decls.iter().all(|d| !d.required);
        let default = all_optional.then(|| quote! { Default, });
        quote! {
            /// The prompt's variables, typed from their declarations.
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct Vars {
                #(#fields)*
            }

            impl Vars {
                /// Every variable as (name, text); `None` for optional ones not given.
                pub fn values(&self) -> ::std::vec::Vec<(&'static str, ::core::option::Option<::std::string::String>)> {
                    ::std::vec![#(#values),*]
                }

                /// The system prompt: the template with these values, defaults for the
                /// optional ones not given, and the fragments filled in.
                pub fn render(&self) -> ::std::string::String {
                    ::promptkit::__private::render_prompt(TEMPLATE, &self.values(), DEFAULTS, FRAGMENTS)
                }
            }
        }
    }

    /// The module for this prompt, named `name`.
    pub fn module(&self, name: &proc_macro2::Ident, track_files: &[PathBuf]) -> TokenStream {
        let doc = format!(
            " Prompt `{}` ({}).",
            self.item.spec.task_type.value,
            self.item
                .path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
        );
        let tracking = track(track_files);
        let constants = self.constants();
        let vars = self.vars();
        quote! {
            #[doc = #doc]
            #[allow(dead_code)]
            pub mod #name {
                #tracking
                #constants
                #vars
            }
        }
    }
}

/// The tokens of `include_prompt!(path)`, `path` relative to `manifest_dir`.
/// `Err` holds the diagnostics rendered with paths relative to `manifest_dir`.
pub fn include_prompt(manifest_dir: &Path, path: &str) -> Result<TokenStream, ExpandError> {
    let (prompt, files, warnings) = load_typed(manifest_dir, path)?;
    let name = module_name(&prompt.item);
    let module = prompt.module(&name, &files);
    Ok(quote! { #warnings #module })
}

/// Loads and checks the prompt file at `path` (relative to `manifest_dir`) through the
/// [`Frontend`]; returns it with every file read (prompt and fragments) and its warnings
/// as tokens ([`super::output::warnings`]), or the rendered diagnostics.
pub fn load_typed(
    manifest_dir: &Path,
    path: &str,
) -> Result<(TypedPrompt, Vec<PathBuf>, TokenStream), ExpandError> {
    let outcome = Frontend::new().prompt(manifest_dir.join(path));
    let Some(item) = &outcome.checked else {
        return Err(render_relative(&outcome.diagnostics, &outcome.sources, manifest_dir).into());
    };
    let prompt = TypedPrompt::new(Item::clone(item));
    let warnings = super::output::warnings(&outcome.diagnostics, &outcome.sources, manifest_dir);
    Ok((prompt, outcome.files, warnings))
}

/// The module name of a prompt: its file name without `.yaml` / `.prompt`, in snake case.
pub fn module_name(item: &Item<PromptSpec>) -> proc_macro2::Ident {
    let stem = item
        .path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .trim_end_matches(".prompt");
    if stem.is_empty() {
        snake_ident(&item.spec.task_type.value)
    } else {
        snake_ident(stem)
    }
}

/// The Rust type of a declared variable type.
pub fn rust_type(ty: VarType) -> TokenStream {
    match ty {
        VarType::String => quote! { ::std::string::String },
        VarType::Number => quote! { f64 },
        VarType::Integer => quote! { i64 },
        VarType::Boolean => quote! { bool },
        VarType::Object | VarType::Array => quote! { ::promptkit::__private::serde_json::Value },
    }
}

/// The text a template gets for the value `v` (a reference) of declared type `ty`.
pub fn value_to_text(ty: VarType, v: TokenStream) -> TokenStream {
    match ty {
        VarType::Object | VarType::Array => quote! { ::promptkit::__private::json_text(#v) },
        _ => quote! { ::std::string::ToString::to_string(#v) },
    }
}

fn field_doc(spec: &PromptSpec, decl: &VarDecl) -> String {
    let description = spec
        .variables
        .iter()
        .find(|v| v.name.value == decl.name)
        .and_then(|v| v.description.clone())
        .unwrap_or_else(|| format!(" `{{{{{}}}}}`", decl.name));
    let default = decl
        .default
        .as_ref()
        .filter(|d| !d.is_null())
        .map(|d| format!(" (default: `{}`)", value_text(d)))
        .unwrap_or_default();
    format!(" {description} — `{}`{default}.", decl.ty.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../promptkit-macros/tests/ui/fixtures");
        std::fs::canonicalize(&path).unwrap_or(path)
    }

    #[test]
    fn errors_name_the_yaml_location_relative_to_the_crate() {
        let err = include_prompt(&fixtures(), "prompts/undeclared.yaml").expect_err("typo");
        assert!(
            err.message().contains("--> prompts/undeclared.yaml:14:30"),
            "{err}"
        );
        assert!(err.message().contains("did you mean `company`?"), "{err}");
        let err = include_prompt(&fixtures(), "prompts/absent.yaml").expect_err("missing");
        assert!(err.message().contains("file not found"), "{err}");
    }

    #[test]
    fn required_fields_are_plain_and_optional_ones_options() {
        let tokens = include_prompt(&fixtures(), "prompts/support.yaml")
            .expect("expands")
            .to_string();
        assert!(tokens.contains("pub mod support"), "{tokens}");
        assert!(
            tokens.contains("pub company : :: std :: string :: String"),
            "{tokens}"
        );
        assert!(
            tokens.contains("pub escalate : :: core :: option :: Option < bool >"),
            "{tokens}"
        );
        assert!(tokens.contains("(\"escalate\" , \"false\")"), "{tokens}");
    }
}
