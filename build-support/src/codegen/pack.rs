//! `include_pack!("config.arena.yaml")`: the whole project as one module `pack` — a
//! module per prompt (as `include_prompt!`), typed argument and result structs for
//! every tool (`pack::tools`), the compiled pack JSON (`pack::JSON`) and a typed
//! handle (`pack::Pack`) whose `render_<prompt>` methods take the prompt's `Vars`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ExpandError;
use super::output::{camel, render_relative, snake_ident, track, warnings};
use super::prompt::TypedPrompt;
use super::schema::types;
use crate::diagnostic::Diagnostics;
use crate::frontend::Frontend;
use crate::load::Project;
use crate::pack::CompileOptions;

/// The tokens of `include_pack!(path)`, `path` relative to `manifest_dir`. `Err` holds
/// every diagnostic rendered with paths relative to `manifest_dir`.
pub fn include_pack(manifest_dir: &Path, path: &str) -> Result<TokenStream, ExpandError> {
    let outcome = Frontend::new().project(manifest_dir.join(path));
    let compiled = outcome.compile(&CompileOptions::default());
    let fail = |d: &Diagnostics| render_relative(d, &compiled.sources, manifest_dir);
    let (Some(project), Some(pack)) = (&outcome.checked, &compiled.pack) else {
        return Err(fail(&compiled.diagnostics).into());
    };
    let json = pack
        .to_json()
        .map_err(|e| ExpandError::from(format!("error: cannot serialize the pack: {e}")))?;
    let prompts: Vec<TypedPrompt> = project
        .prompts
        .iter()
        .cloned()
        .map(TypedPrompt::new)
        .collect();
    let tracking = track(&compiled.files);
    let warnings = warnings(&compiled.diagnostics, &compiled.sources, manifest_dir);
    Ok(pack_module(
        project,
        &prompts,
        &json,
        &quote! { #tracking #warnings },
    ))
}

fn pack_module(
    project: &Project,
    prompts: &[TypedPrompt],
    json: &str,
    tracking: &TokenStream,
) -> TokenStream {
    let mut prompt_modules = Vec::new();
    let mut renders = Vec::new();
    let mut task_types = Vec::new();
    for prompt in prompts {
        let task_type = &prompt.item.spec.task_type.value;
        let mut name = snake_ident(task_type);
        if matches!(name.to_string().as_str(), "tools" | "pack") {
            name = format_ident!("{}_prompt", name);
        }
        prompt_modules.push(prompt.module(&name, &[]));
        let method = format_ident!("render_{}", name.to_string().trim_start_matches("r#"));
        let doc =
            format!(" Renders prompt `{task_type}` through the pack, checking `validation` rules.");
        renders.push(quote! {
            #[doc = #doc]
            pub fn #method(&self, vars: &#name::Vars) -> ::core::result::Result<::std::string::String, ::promptkit::pack::RenderError> {
                self.inner.render(#name::TASK_TYPE, &::promptkit::__private::given(&vars.values(), #name::FRAGMENTS))
            }
        });
        task_types.push(task_type);
    }
    let tool_names: Vec<&str> = project.tools.iter().map(|t| t.id.as_str()).collect();
    let tool_types = project.tools.iter().map(|tool| {
        let base = camel(&tool.id);
        let args = tool
            .spec
            .input_schema
            .as_ref()
            .map(|s| s.value.to_json())
            .unwrap_or(serde_json::Value::Null);
        let result = tool
            .spec
            .output_schema
            .as_ref()
            .map(|s| s.value.to_json())
            .unwrap_or(serde_json::Value::Null);
        let args = types(&format!("{base}Args"), &args);
        let result = types(&format!("{base}Result"), &result);
        let name_const = format_ident!(
            "{}_NAME",
            snake_ident(&tool.id)
                .to_string()
                .trim_start_matches("r#")
                .to_uppercase()
        );
        let id = &tool.id;
        let doc = format!(" The name of tool `{id}`.");
        quote! {
            #[doc = #doc]
            pub const #name_const: &str = #id;
            #args
            #result
        }
    });
    let pack_name = project
        .arena
        .metadata
        .as_ref()
        .and_then(|m| m.name.as_ref().map(|n| n.value.clone()))
        .unwrap_or_default();
    let doc = format!(" PromptPack of `{pack_name}`: prompts, typed tools and the compiled JSON.");
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod pack {
            #tracking

            /// The compiled PromptPack JSON.
            pub const JSON: &str = #json;
            /// The task types of the pack's prompts.
            pub const PROMPTS: &[&str] = &[#(#task_types),*];
            /// The names of the pack's tools.
            pub const TOOLS: &[&str] = &[#(#tool_names),*];

            #(#prompt_modules)*

            /// Argument (`…Args`) and result (`…Result`) types of every tool, from its
            /// JSON schemas.
            pub mod tools {
                #(#tool_types)*
            }

            /// The pack, loaded from [`JSON`], with typed rendering.
            #[derive(Debug, Clone)]
            pub struct Pack {
                inner: ::promptkit::Pack,
            }

            impl Pack {
                /// Parses [`JSON`].
                pub fn load() -> ::core::result::Result<Self, ::promptkit::pack::PackError> {
                    ::promptkit::Pack::from_json(JSON).map(|inner| Self { inner })
                }

                #(#renders)*
            }

            impl ::core::ops::Deref for Pack {
                type Target = ::promptkit::Pack;
                fn deref(&self) -> &::promptkit::Pack {
                    &self.inner
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conformance() -> std::path::PathBuf {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance");
        std::fs::canonicalize(&path).unwrap_or(path)
    }

    #[test]
    fn every_conformance_project_expands_and_parses() {
        let mut failures = Vec::new();
        let mut projects: Vec<_> = std::fs::read_dir(conformance())
            .expect("conformance folder")
            .filter_map(Result::ok)
            .filter(|e| e.path().join("config.arena.yaml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        projects.sort();
        assert!(projects.len() >= 10, "{projects:?}");
        for project in &projects {
            let path = format!("{project}/config.arena.yaml");
            match include_pack(&conformance(), &path) {
                Ok(tokens) => {
                    if let Err(e) = syn::parse2::<syn::File>(tokens) {
                        failures.push(format!("{project}: generated code does not parse: {e}"));
                    }
                }
                // A pack needs prompts; eval-test only replays recordings.
                Err(rendered) if project == "eval-test" => {
                    assert!(
                        rendered.message().contains("no prompt configs"),
                        "{rendered}"
                    );
                }
                Err(rendered) => failures.push(format!("{project}:\n{rendered}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}
