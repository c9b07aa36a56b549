//! Rust types from a tool's JSON Schema: a serde struct per object with properties,
//! an enum per string enum, `Option` for properties not `required`, `Vec` for arrays.
//! Anything else (no `type`, `oneOf`, …) becomes `serde_json::Value`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::output::{camel, camel_ident, snake_ident};

/// The definitions for the schema `schema` under the type name `name` (CamelCase):
/// the named type itself (a struct, an enum, or an alias of a plain type) and the
/// types of its nested objects and enums, named `{name}{Property}`.
pub fn types(name: &str, schema: &Value) -> TokenStream {
    let mut defs = Vec::new();
    let root = type_of(name, schema, &mut defs);
    let ident = camel_ident(name);
    if root.to_string() != quote! { #ident }.to_string() {
        let doc = description(schema).unwrap_or_else(|| format!(" `{name}` (no object schema)."));
        defs.insert(0, quote! { #[doc = #doc] pub type #ident = #root; });
    }
    quote! { #(#defs)* }
}

/// The derives every generated type carries, naming serde through the runtime.
fn derives() -> TokenStream {
    quote! {
        #[derive(
            Debug,
            Clone,
            PartialEq,
            ::promptkit::__private::serde::Serialize,
            ::promptkit::__private::serde::Deserialize,
        )]
        #[serde(crate = "::promptkit::__private::serde")]
    }
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!(" {d}"))
}

/// The `type` of a schema, ignoring `"null"` in a type list; and whether null is allowed.
fn schema_type(schema: &Value) -> (Option<&str>, bool) {
    match schema.get("type") {
        Some(Value::String(t)) => (Some(t.as_str()), false),
        Some(Value::Array(ts)) => {
            let nullable = ts.iter().any(|t| t == "null");
            let mut others = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null");
            match (others.next(), others.next()) {
                (Some(t), None) => (Some(t), nullable),
                _ => (None, nullable),
            }
        }
        _ => (None, false),
    }
}

fn type_of(name: &str, schema: &Value, defs: &mut Vec<TokenStream>) -> TokenStream {
    let (ty, nullable) = schema_type(schema);
    let plain = match ty {
        Some("string") => string_type(name, schema, defs),
        Some("integer") => quote! { i64 },
        Some("number") => quote! { f64 },
        Some("boolean") => quote! { bool },
        Some("array") => {
            let item = match schema.get("items") {
                Some(items) => type_of(&format!("{name}Item"), items, defs),
                None => quote! { ::promptkit::__private::serde_json::Value },
            };
            quote! { ::std::vec::Vec<#item> }
        }
        Some("object") => object_type(name, schema, defs),
        _ => quote! { ::promptkit::__private::serde_json::Value },
    };
    if nullable {
        quote! { ::core::option::Option<#plain> }
    } else {
        plain
    }
}

fn string_type(name: &str, schema: &Value, defs: &mut Vec<TokenStream>) -> TokenStream {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return quote! { ::std::string::String };
    };
    let texts: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    let mut variants: Vec<String> = texts.iter().map(|t| camel(t)).collect();
    let clash = variants.iter().enumerate().any(|(i, v)| {
        v.is_empty() || v.starts_with(|c: char| c.is_ascii_digit()) || variants[..i].contains(v)
    });
    if texts.len() != values.len() || texts.is_empty() || clash {
        return quote! { ::std::string::String };
    }
    let ident = camel_ident(name);
    let doc = description(schema).unwrap_or_else(|| format!(" One of: {}.", texts.join(", ")));
    let derives = derives();
    let arms = texts
        .iter()
        .zip(variants.iter_mut())
        .map(|(text, variant)| {
            let v = camel_ident(variant);
            let doc = format!(" `{text}`.");
            quote! { #[doc = #doc] #[serde(rename = #text)] #v, }
        });
    let names = texts
        .iter()
        .zip(texts.iter().map(|t| camel_ident(t)))
        .map(|(text, v)| {
            quote! { Self::#v => #text, }
        });
    defs.push(quote! {
        #[doc = #doc]
        #derives
        #[derive(Copy, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum #ident { #(#arms)* }

        impl #ident {
            /// The value as written in the schema.
            pub fn as_str(self) -> &'static str {
                match self { #(#names)* }
            }
        }
    });
    quote! { #ident }
}

fn object_type(name: &str, schema: &Value, defs: &mut Vec<TokenStream>) -> TokenStream {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return quote! {
            ::promptkit::__private::serde_json::Map<::std::string::String, ::promptkit::__private::serde_json::Value>
        };
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields = properties
        .iter()
        .map(|(property, sub)| {
            let field = snake_ident(property);
            let ty = type_of(&format!("{name}{}", camel(property)), sub, defs);
            let rename = (field.to_string().trim_start_matches("r#") != property)
                .then(|| quote! { #[serde(rename = #property)] });
            let doc = description(sub).unwrap_or_else(|| format!(" `{property}`."));
            if required.contains(&property.as_str()) {
                quote! { #[doc = #doc] #rename pub #field: #ty, }
            } else {
                quote! {
                    #[doc = #doc]
                    #rename
                    #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
                    pub #field: ::core::option::Option<#ty>,
                }
            }
        })
        .collect::<Vec<_>>();
    let ident = camel_ident(name);
    let doc = description(schema).unwrap_or_else(|| format!(" `{name}`."));
    let derives = derives();
    defs.push(quote! {
        #[doc = #doc]
        #derives
        pub struct #ident { #(#fields)* }
    });
    quote! { #ident }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_enums_options_and_arrays() {
        let schema = json!({
            "type": "object",
            "properties": {
                "order_id": {"type": "string", "description": "The order"},
                "status": {"type": "string", "enum": ["pending", "in-transit"]},
                "items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}},
                "count": {"type": ["integer", "null"]},
                "type": {"type": "boolean"}
            },
            "required": ["order_id"]
        });
        let text = types("LookupArgs", &schema).to_string();
        assert!(text.contains("pub struct LookupArgs"), "{text}");
        assert!(
            text.contains("pub order_id : :: std :: string :: String"),
            "{text}"
        );
        assert!(text.contains("pub enum LookupArgsStatus"), "{text}");
        assert!(
            text.contains("rename = \"in-transit\")] InTransit"),
            "{text}"
        );
        assert!(text.contains("pub struct LookupArgsItemsItem"), "{text}");
        assert!(
            text.contains("pub r#type : :: core :: option :: Option < bool >"),
            "{text}"
        );
        assert!(
            text.contains("Option < :: core :: option :: Option < i64 > >"),
            "{text}"
        );
    }

    #[test]
    fn non_object_schemas_are_aliases() {
        let text = types("EchoResult", &json!({"type": "string"})).to_string();
        assert!(
            text.contains("pub type EchoResult = :: std :: string :: String"),
            "{text}"
        );
        let text = types("AnyResult", &json!({})).to_string();
        assert!(text.contains("serde_json :: Value"), "{text}");
    }
}
