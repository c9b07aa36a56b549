//! `#[derive(Prompt)] #[prompt(file = "prompts/support.yaml")]` on a user struct: the
//! struct's fields checked against the prompt's declarations, then a `render()`.
//!
//! Every variable the template uses, and every required one, must be a field; a
//! required variable must not be an `Option`; a field's type must fit the declared
//! type (`string`: `String`, `&str`, `Cow<str>` or any `Display` type; `number`: any
//! integer or float; `integer`: an integer type; `boolean`: `bool`; `object`/`array`:
//! `serde_json::Value`, maps, `Vec`s, or any `Serialize` type). Fields the prompt does
//! not declare are left alone.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

use super::output::render_relative;
use super::prompt::{TypedPrompt, load_typed, value_to_text};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceCache};
use crate::load::did_you_mean;
use crate::template::{VarDecl, VarType, used_names};

/// A field of the struct the derive is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name as written (`r#type` for raw identifiers).
    pub name: String,
    /// The field's type, as tokens printed by `quote` (`Option < String >`).
    pub ty: String,
}

/// What a problem should be reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// The `#[prompt(file = "…")]` attribute.
    Attribute,
    /// The field at this index.
    Field(usize),
}

/// One problem, rendered with its YAML location, and the span to report it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where to report it in the Rust source.
    pub blame: Blame,
    /// The rendered diagnostic (`error: …`, `--> file:line:col` and the snippet).
    pub message: String,
}

/// Checks `fields` against the prompt at `path` (relative to `manifest_dir`) and
/// returns the tracking items and `impl_header { … render() … }`, where `impl_header`
/// is the struct's `impl<…> Name<…> where …`.
pub fn derive_prompt(
    manifest_dir: &Path,
    path: &str,
    fields: &[Field],
    impl_header: TokenStream,
) -> Result<TokenStream, Vec<Problem>> {
    let (prompt, files, warnings) = load_typed(manifest_dir, path).map_err(|error| {
        vec![Problem {
            blame: Blame::Attribute,
            message: without_level(error.message().to_owned()),
        }]
    })?;
    let mut sources = SourceCache::new();
    if let Ok(text) = std::fs::read_to_string(&prompt.item.path) {
        sources.insert(prompt.item.path.clone(), text);
    }
    // rustc already prints `error: ` before the message.
    let render = |d: Diagnostic| {
        without_level(render_relative(
            &Diagnostics::from(vec![d]),
            &sources,
            manifest_dir,
        ))
    };
    let mut problems = Vec::new();
    let mut values = Vec::new();
    let used = prompt
        .item
        .spec
        .system_template
        .as_ref()
        .map(|t| {
            used_names(&t.value)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let field_names: Vec<&str> = fields
        .iter()
        .map(|f| f.name.trim_start_matches("r#"))
        .collect();
    for decl in &prompt.decls {
        let declared_at = declaration(&prompt, decl);
        let Some(index) = field_names.iter().position(|f| *f == decl.name) else {
            if decl.required || used.contains(&decl.name) {
                let why = if decl.required {
                    "is required"
                } else {
                    "is used by the template"
                };
                let mut d = Diagnostic::error(format!(
                    "variable `{}` {why} but the struct has no field `{}`",
                    decl.name, decl.name
                ))
                .at_opt(declared_at)
                .with_label("declared here")
                .with_help(format!(
                    "add a field `{}: {}` to the struct",
                    decl.name,
                    type_hint(decl)
                ));
                if let Some(best) = did_you_mean(&decl.name, &field_names) {
                    d = d.with_help(format!("the struct has `{best}`; rename it"));
                }
                problems.push(Problem {
                    blame: Blame::Attribute,
                    message: render(d),
                });
            }
            continue;
        };
        let field = &fields[index];
        let shape = Shape::of(&field.ty);
        let blame = Blame::Field(index);
        if decl.required && shape.optional {
            problems.push(Problem {
                blame,
                message: render(
                    Diagnostic::error(format!(
                        "field `{}` is an `Option` but variable `{}` is required",
                        field.name, decl.name
                    ))
                    .at_opt(declared_at.clone())
                    .with_label("declared `required: true` here")
                    .with_help(format!(
                        "make the field `{}: {}`, or mark the variable `required: false`",
                        decl.name,
                        type_hint(decl)
                    )),
                ),
            });
        }
        if !shape.kind.fits(decl.ty) {
            problems.push(Problem {
                blame,
                message: render(
                    Diagnostic::error(format!(
                        "field `{}: {}` does not fit variable `{}` of type `{}`",
                        field.name,
                        field.ty.replace(' ', ""),
                        decl.name,
                        decl.ty.name()
                    ))
                    .at_opt(declared_at)
                    .with_label(format!("declared `{}` here", decl.ty.name()))
                    .with_help(format!("use `{}` for the field", type_hint(decl))),
                ),
            });
        }
        let access = syn_free_ident(&field.name);
        let name = &decl.name;
        let text = value_to_text(decl.ty, quote! { v });
        values.push(if shape.optional {
            quote! { (#name, self.#access.as_ref().map(|v| #text)) }
        } else {
            quote! { (#name, { let v = &self.#access; ::core::option::Option::Some(#text) }) }
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let tracking = super::output::track(&files);
    let tracking = quote! { #tracking #warnings };
    let constants = prompt.constants();
    Ok(quote! {
        #tracking
        #impl_header {
            #constants

            /// The system prompt: the template with this struct's values, defaults for
            /// the optional variables not given, and the fragments filled in.
            pub fn render(&self) -> ::std::string::String {
                ::promptkit::__private::render_prompt(
                    Self::TEMPLATE,
                    &[#(#values),*],
                    Self::DEFAULTS,
                    Self::FRAGMENTS,
                )
            }
        }
    })
}

/// The text without its leading `error: `, which rustc prints before a compile error.
fn without_level(text: String) -> String {
    text.strip_prefix("error: ")
        .map(str::to_owned)
        .unwrap_or(text)
}

/// Where `decl` is declared in the prompt file.
fn declaration(prompt: &TypedPrompt, decl: &VarDecl) -> Option<crate::diagnostic::SourceLocation> {
    let meta = prompt
        .item
        .spec
        .variables
        .iter()
        .find(|v| v.name.value == decl.name)?;
    prompt.item.at(&meta.name.referenced)
}

/// The field type suggested for a declared variable.
fn type_hint(decl: &VarDecl) -> &'static str {
    match decl.ty {
        VarType::String => "String",
        VarType::Number => "f64",
        VarType::Integer => "i64",
        VarType::Boolean => "bool",
        VarType::Object | VarType::Array => "serde_json::Value",
    }
}

/// The field name as an identifier token (raw identifiers kept raw).
fn syn_free_ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// What a field's type is, as far as its tokens tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    optional: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Float,
    Integer,
    Bool,
    JsonObject,
    JsonArray,
    JsonAny,
    /// A type we cannot see into (a user type): accepted where `Display` or
    /// `Serialize` is what the generated code needs; rustc checks the bound.
    Other,
}

impl Kind {
    fn fits(self, ty: VarType) -> bool {
        match ty {
            VarType::String => matches!(self, Kind::Text | Kind::Other),
            VarType::Number => matches!(self, Kind::Float | Kind::Integer),
            VarType::Integer => self == Kind::Integer,
            VarType::Boolean => self == Kind::Bool,
            VarType::Object => matches!(self, Kind::JsonObject | Kind::JsonAny | Kind::Other),
            VarType::Array => matches!(self, Kind::JsonArray | Kind::JsonAny | Kind::Other),
        }
    }
}

impl Shape {
    fn of(ty: &str) -> Self {
        // Tokens as `quote` prints them, without lifetimes and `mut`: `& 'a str` → `&str`.
        let compact: String = ty
            .split_whitespace()
            .filter(|t| !t.starts_with('\'') && *t != "mut")
            .collect();
        let (optional, inner) = match strip_generic(&compact, "Option") {
            Some(inner) => (true, inner),
            None => (false, compact.as_str()),
        };
        Self {
            optional,
            kind: kind(inner),
        }
    }
}

/// `X<inner>` (with any `a::b::` path before `X`) → `inner`.
fn strip_generic<'t>(ty: &'t str, name: &str) -> Option<&'t str> {
    let open = ty.find('<')?;
    let head = &ty[..open];
    let last = head.rsplit("::").next().unwrap_or(head);
    (last == name && ty.ends_with('>')).then(|| &ty[open + 1..ty.len() - 1])
}

fn kind(ty: &str) -> Kind {
    let ty = ty.trim_start_matches('&');
    if ty.starts_with('[') {
        return Kind::JsonArray;
    }
    let head = ty.split('<').next().unwrap_or(ty);
    let last = head.rsplit("::").next().unwrap_or(head);
    match last {
        "String" | "str" | "char" | "Cow" => Kind::Text,
        "Box" | "Rc" | "Arc" if ty.ends_with("<str>") => Kind::Text,
        "f32" | "f64" => Kind::Float,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => Kind::Integer,
        "bool" => Kind::Bool,
        "Value" => Kind::JsonAny,
        "Map" | "HashMap" | "BTreeMap" | "IndexMap" => Kind::JsonObject,
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => Kind::JsonArray,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../promptkit-macros/tests/ui/fixtures");
        std::fs::canonicalize(&path).unwrap_or(path)
    }

    fn field(name: &str, ty: &str) -> Field {
        Field {
            name: name.to_owned(),
            ty: ty.to_owned(),
        }
    }

    fn derive(fields: &[Field]) -> Result<TokenStream, Vec<Problem>> {
        derive_prompt(
            &fixtures(),
            "prompts/support.yaml",
            fields,
            quote! { impl Support },
        )
    }

    #[test]
    fn fitting_fields_get_a_render() {
        let tokens = derive(&[
            field("company", "& 'a str"),
            field("escalate", "Option < bool >"),
            field("unrelated", "Vec < u8 >"),
        ])
        .expect("fits")
        .to_string();
        assert!(tokens.contains("pub fn render"), "{tokens}");
        assert!(tokens.contains("include_bytes"), "{tokens}");
        assert!(!tokens.contains("unrelated"), "{tokens}");
    }

    #[test]
    fn problems_blame_the_field_or_the_attribute_with_the_yaml_location() {
        let problems = derive(&[
            field("company", "Option < String >"),
            field("escalate", "String"),
        ])
        .expect_err("two problems");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].blame, Blame::Field(0));
        assert!(
            problems[0].message.contains("prompts/support.yaml:10:13"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[1].blame, Blame::Field(1));
        assert!(problems[1].message.contains("of type `boolean`"));

        let missing = derive(&[field("escalate", "bool")]).expect_err("no company");
        assert_eq!(missing[0].blame, Blame::Attribute);
        assert!(
            missing[0]
                .message
                .starts_with("variable `company` is required")
        );
    }

    #[test]
    fn field_shapes() {
        assert_eq!(
            Shape::of("Option < String >"),
            Shape {
                optional: true,
                kind: Kind::Text
            }
        );
        assert_eq!(Shape::of("& 'a str").kind, Kind::Text);
        assert_eq!(
            Shape::of("std :: option :: Option < u32 >").kind,
            Kind::Integer
        );
        assert_eq!(Shape::of("serde_json :: Value").kind, Kind::JsonAny);
        assert_eq!(Shape::of("Vec < String >").kind, Kind::JsonArray);
        assert_eq!(Shape::of("Customer").kind, Kind::Other);
        assert!(!Kind::Float.fits(VarType::Integer));
        assert!(Kind::Integer.fits(VarType::Number));
        assert!(!Kind::Text.fits(VarType::Boolean));
        assert!(Kind::Other.fits(VarType::Object));
    }
}
