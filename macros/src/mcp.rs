//! The MCP extension's attributes beyond the catalog: `#[derive(ToolArguments)]`,
//! `#[derive(PromptArguments)]`, `#[derive(ToolEnum)]`, and what the three MCP triggers add to
//! a function (the default name and description, `toolProperties` / `promptArguments` from the
//! trigger parameter's type, the name checks).
//!
//! Parts of the record that depend on types (a field's property type, whether it is required)
//! are written as *pieces*: literal text, or an expression naming an associated const of the
//! type. Each piece exists as JSON and as JSON escaped for a JSON string, because the
//! extension reads `toolProperties` as a string (see the runtime's `azfn::mcp` module doc for
//! how the pieces are joined at compile time).
//!
//! A duplicate tool, prompt or resource name (as the extension compares them, ignoring case) is
//! a compile error when both functions are in one module: each MCP function defines a `const`
//! named after its name ([`duplicate_guard`]), and rustc refuses the second. Across modules the
//! two items do not meet; `cargo azfn build` then refuses the app before writing it, naming both
//! functions (`azfn_spec::mcp::duplicate_registrations`), as the extension would refuse the
//! second tool when the host starts.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::errors::Errors;
use azfn_spec::mcp as wire;

/// One piece of generated JSON.
#[derive(Clone)]
pub(crate) enum Piece {
    /// Literal JSON text.
    Text(String),
    /// Expressions for the JSON text and for the escaped text.
    Expr {
        json: TokenStream,
        escaped: TokenStream,
    },
}

/// JSON text escaped for the inside of a JSON string.
pub(crate) fn escape(text: &str) -> String {
    let quoted = serde_json::to_string(text).expect("strings serialize");
    quoted[1..quoted.len() - 1].to_owned()
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

pub(crate) fn pieces_tokens(pieces: &[Piece], escaped: bool) -> Vec<TokenStream> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) if escaped => {
                let t = escape(t);
                quote!(#t)
            }
            Piece::Text(t) => quote!(#t),
            Piece::Expr { json, .. } if !escaped => json.clone(),
            Piece::Expr { escaped: e, .. } => e.clone(),
        })
        .collect()
}

/// A `const` block joining `parts` at compile time into a `&'static str`.
pub(crate) fn joined(parts: &[TokenStream]) -> TokenStream {
    quote! {{
        const __AZFN_PARTS: &[&str] = &[#(#parts),*];
        const __AZFN_BYTES: [u8; ::azfn::__private::concat_len(__AZFN_PARTS)] =
            ::azfn::__private::concat(__AZFN_PARTS);
        ::azfn::__private::concat_str(&__AZFN_BYTES)
    }}
}

/// The doc comment of an item or field, lines joined, one leading space of each removed.
pub(crate) fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let value = s.value();
            lines.push(value.strip_prefix(' ').unwrap_or(&value).to_owned());
        }
    }
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// serde's `rename_all` rules azfn follows, applied to a field or variant name.
fn rename_all(rule: &str, name: &str, is_variant: bool) -> Option<String> {
    let words: Vec<String> = if is_variant {
        // Variants are PascalCase: split before each upper-case letter.
        let mut words = Vec::new();
        for c in name.chars() {
            if c.is_uppercase() || words.is_empty() {
                words.push(String::new());
            }
            words.last_mut().expect("pushed").push(c);
        }
        words.into_iter().map(|w| w.to_lowercase()).collect()
    } else {
        name.split('_').map(str::to_owned).collect()
    };
    let capitalized = |w: &String| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    Some(match rule {
        "lowercase" => words.concat().to_lowercase(),
        "UPPERCASE" => words.concat().to_uppercase(),
        "snake_case" => words.join("_").to_lowercase(),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "kebab-case" => words.join("-").to_lowercase(),
        "SCREAMING-KEBAB-CASE" => words.join("-").to_uppercase(),
        "PascalCase" => words.iter().map(capitalized).collect(),
        "camelCase" => {
            let pascal: String = words.iter().map(capitalized).collect();
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        _ => return None,
    })
}

#[derive(Default)]
struct SerdeAttrs {
    rename: Option<LitStr>,
    rename_all: Option<LitStr>,
    default: bool,
    skip: bool,
    flatten: Option<Span>,
}

/// The name a `rename`-like serde setting gives for deserializing: `= "x"`, or
/// `(deserialize = "x")` (a `serialize` name alone gives none).
fn deserialize_name(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        let value: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("deserialize") {
            name = Some(value);
        }
        Ok(())
    })?;
    Ok(name)
}

fn serde_attrs(attrs: &[syn::Attribute]) -> syn::Result<SerdeAttrs> {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "rename" => out.rename = deserialize_name(&meta)?.or(out.rename.take()),
                "rename_all" => {
                    out.rename_all = deserialize_name(&meta)?.or(out.rename_all.take());
                }
                "default" => {
                    out.default = true;
                    if meta.input.peek(syn::Token![=]) {
                        let _: LitStr = meta.value()?.parse()?;
                    }
                }
                "skip" | "skip_deserializing" => out.skip = true,
                "flatten" => out.flatten = Some(meta.path.span()),
                _ => {
                    // Other serde settings do not change the declared properties; consume
                    // their value, if any.
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::Expr = meta.value()?.parse()?;
                    } else if meta.input.peek(syn::token::Paren) {
                        let _content;
                        syn::parenthesized!(_content in meta.input);
                        let _: TokenStream = _content.parse()?;
                    }
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// A field as the tool or prompt declares it.
struct DeclaredField {
    name: String,
    name_span: Span,
    description: String,
    ty: syn::Type,
    default: bool,
}

fn declared_fields(input: &DeriveInput, derive: &str) -> syn::Result<Vec<DeclaredField>> {
    let Data::Struct(data) = &input.data else {
        let hint = if derive == "ToolArguments" {
            "; an enum property type is `#[derive(azfn::ToolEnum)]`"
        } else {
            ""
        };
        return Err(syn::Error::new(
            input.ident.span(),
            format!("`#[derive({derive})]` goes on a struct with named fields{hint}"),
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            format!(
                "`#[derive({derive})]` needs named fields: each field's name is an argument's name"
            ),
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            format!(
                "`#[derive({derive})]` types cannot be generic: the declaration is written at \
                 compile time for one concrete type"
            ),
        ));
    }
    let container = serde_attrs(&input.attrs)?;
    let mut out = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let attrs = match serde_attrs(&field.attrs) {
            Ok(a) => a,
            Err(e) => {
                push_error(e);
                continue;
            }
        };
        if attrs.skip {
            continue;
        }
        if let Some(span) = attrs.flatten {
            push_error(syn::Error::new(
                span,
                "`#[serde(flatten)]` is not supported: the MCP extension declares one property \
                 per field",
            ));
            continue;
        }
        let rust_name = ident.to_string().trim_start_matches("r#").to_owned();
        let (name, name_span) = match (&attrs.rename, &container.rename_all) {
            (Some(lit), _) => (lit.value(), lit.span()),
            (None, Some(rule)) => match rename_all(&rule.value(), &rust_name, false) {
                Some(name) => (name, ident.span()),
                None => {
                    push_error(syn::Error::new(
                        rule.span(),
                        "unknown `rename_all` rule for azfn's MCP declarations",
                    ));
                    continue;
                }
            },
            (None, None) => (rust_name, ident.span()),
        };
        out.push(DeclaredField {
            name,
            name_span,
            description: doc_comment(&field.attrs).unwrap_or_default(),
            ty: field.ty.clone(),
            default: attrs.default || container.default,
        });
    }
    // The names the extension would refuse or drop, at the field that gives them.
    let what = if derive == "PromptArguments" {
        "prompt argument"
    } else {
        "tool property"
    };
    let mut seen: Vec<&str> = Vec::new();
    for field in &out {
        if let Some(message) = refused_name(&field.name, &seen, what) {
            push_error(syn::Error::new(field.name_span, message));
        }
        seen.push(&field.name);
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The JSON pieces of one tool property whose type is described by `ty`'s consts.
fn tool_property_pieces(
    name: &str,
    description: &str,
    ty: &syn::Type,
    optional: bool,
    first: bool,
) -> Vec<Piece> {
    let sep = if first { "" } else { "," };
    let trait_path = quote_spanned!(ty.span()=> <#ty as ::azfn::mcp::ToolPropertyType>);
    let not_default = !optional;
    vec![
        Piece::Text(format!(
            "{sep}{{\"propertyName\":{},\"propertyType\":\"",
            json_string(name)
        )),
        Piece::Expr {
            json: quote!(#trait_path::PROPERTY_TYPE),
            escaped: quote!(#trait_path::PROPERTY_TYPE),
        },
        Piece::Text(format!("\",\"description\":{}", json_string(description))),
        Piece::Expr {
            json: quote!(::azfn::mcp::is_required_json(#trait_path::REQUIRED && #not_default)),
            escaped: quote!(::azfn::mcp::is_required_escaped(#trait_path::REQUIRED && #not_default)),
        },
        Piece::Expr {
            json: quote!(::azfn::mcp::is_array_json(#trait_path::IS_ARRAY)),
            escaped: quote!(::azfn::mcp::is_array_escaped(#trait_path::IS_ARRAY)),
        },
        Piece::Expr {
            json: quote!(#trait_path::ENUM_VALUES_JSON),
            escaped: quote!(#trait_path::ENUM_VALUES_JSON_ESCAPED),
        },
        Piece::Text("}".to_owned()),
    ]
}

/// Why the extension would refuse `name` after `seen` in one declaration, if it would.
fn refused_name(name: &str, seen: &[&str], what: &'static str) -> Option<String> {
    if let Err(e) = wire::check_property_names([name], what) {
        return Some(e.to_string());
    }
    seen.contains(&name)
        .then(|| wire::McpNameError::Duplicate(name.to_owned()).to_string())
}

/// What both argument derives generate from a struct's fields: the declaration as a JSON array
/// (`[..]`), the items alone escaped for embedding in a JSON string, and how many there are.
struct Declaration<'a> {
    ident: &'a syn::Ident,
    whole: TokenStream,
    items_escaped: TokenStream,
    count: usize,
}

/// A derive of an argument declaration: `pieces_of` gives each field's JSON pieces (and whether
/// it is the first), `impls` the trait impls from the [`Declaration`].
fn derive_declaration(
    input: TokenStream,
    derive: &str,
    pieces_of: impl Fn(&DeclaredField, bool) -> Vec<Piece>,
    impls: impl FnOnce(Declaration<'_>) -> TokenStream,
) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let fields = match declared_fields(&input, derive) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    let items: Vec<Piece> = fields
        .iter()
        .enumerate()
        .flat_map(|(i, field)| pieces_of(field, i == 0))
        .collect();
    let mut whole = vec![Piece::Text("[".into())];
    whole.extend(items.iter().cloned());
    whole.push(Piece::Text("]".into()));
    impls(Declaration {
        ident: &input.ident,
        whole: joined(&pieces_tokens(&whole, false)),
        items_escaped: joined(&pieces_tokens(&items, true)),
        count: fields.len(),
    })
}

/// `#[derive(ToolArguments)]`.
pub(crate) fn derive_tool_arguments(input: TokenStream) -> TokenStream {
    let pieces_of = |field: &DeclaredField, first| {
        tool_property_pieces(
            &field.name,
            &field.description,
            &field.ty,
            field.default,
            first,
        )
    };
    derive_declaration(input, "ToolArguments", pieces_of, |declared| {
        let Declaration {
            ident,
            whole,
            items_escaped,
            count,
        } = declared;
        quote! {
            impl ::azfn::mcp::ToolArguments for #ident {
                const TOOL_PROPERTIES: &'static str = #whole;
                const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str = #items_escaped;
                const TOOL_PROPERTY_COUNT: usize = #count;
            }
            // A nested arguments struct is an `object` property, as the extension maps a class.
            impl ::azfn::mcp::ToolPropertyType for #ident {
                const PROPERTY_TYPE: &'static str = "object";
                const REQUIRED: bool = true;
                const IS_ARRAY: bool = false;
                const ENUM_VALUES_JSON: &'static str = "";
                const ENUM_VALUES_JSON_ESCAPED: &'static str = "";
            }
            impl ::azfn::mcp::ToolItemType for #ident {}
        }
    })
}

/// `#[derive(PromptArguments)]`.
pub(crate) fn derive_prompt_arguments(input: TokenStream) -> TokenStream {
    let pieces_of = |field: &DeclaredField, first| {
        prompt_argument_pieces(
            &field.name,
            &field.description,
            Some(&field.ty),
            !field.default,
            first,
        )
    };
    derive_declaration(input, "PromptArguments", pieces_of, |declared| {
        let Declaration {
            ident,
            whole,
            items_escaped,
            count,
        } = declared;
        quote! {
            impl ::azfn::mcp::PromptArguments for #ident {
                const PROMPT_ARGUMENTS: &'static str = #whole;
                const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str = #items_escaped;
                const PROMPT_ARGUMENT_COUNT: usize = #count;
            }
        }
    })
}

/// The JSON pieces of one prompt argument; `ty` decides `required` when given.
pub(crate) fn prompt_argument_pieces(
    name: &str,
    description: &str,
    ty: Option<&syn::Type>,
    required: bool,
    first: bool,
) -> Vec<Piece> {
    let sep = if first { "" } else { "," };
    let mut pieces = vec![Piece::Text(format!(
        "{sep}{{\"name\":{}",
        json_string(name)
    ))];
    if !description.is_empty() {
        pieces.push(Piece::Text(format!(
            ",\"description\":{}",
            json_string(description)
        )));
    }
    match ty {
        Some(ty) => {
            let trait_path = quote_spanned!(ty.span()=> <#ty as ::azfn::mcp::PromptArgumentType>);
            pieces.push(Piece::Expr {
                json: quote!(::azfn::mcp::required_json(#trait_path::REQUIRED && #required)),
                escaped: quote!(::azfn::mcp::required_escaped(#trait_path::REQUIRED && #required)),
            });
        }
        None if required => pieces.push(Piece::Text(",\"required\":true".into())),
        None => {}
    }
    pieces.push(Piece::Text("}".into()));
    pieces
}

/// `#[derive(ToolEnum)]`: a `string` property with `enumValues`.
pub(crate) fn derive_tool_enum(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let Data::Enum(data) = &input.data else {
        return syn::Error::new(
            input.ident.span(),
            "`#[derive(ToolEnum)]` goes on an enum of unit variants; a struct property is \
             `#[derive(azfn::ToolArguments)]`",
        )
        .to_compile_error();
    };
    if !input.generics.params.is_empty() {
        return syn::Error::new_spanned(
            &input.generics,
            "`#[derive(ToolEnum)]` types cannot be generic",
        )
        .to_compile_error();
    }
    let container = match serde_attrs(&input.attrs) {
        Ok(c) => c,
        Err(e) => return e.to_compile_error(),
    };
    let mut values = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return syn::Error::new(
                variant.span(),
                "the MCP extension's enums are lists of strings: every variant is a unit variant",
            )
            .to_compile_error();
        }
        let attrs = match serde_attrs(&variant.attrs) {
            Ok(a) => a,
            Err(e) => return e.to_compile_error(),
        };
        if attrs.skip {
            continue;
        }
        let name = variant.ident.to_string();
        let value = match (&attrs.rename, &container.rename_all) {
            (Some(lit), _) => lit.value(),
            (None, Some(rule)) => match rename_all(&rule.value(), &name, true) {
                Some(v) => v,
                None => {
                    return syn::Error::new(rule.span(), "unknown `rename_all` rule")
                        .to_compile_error();
                }
            },
            (None, None) => name,
        };
        values.push(value);
    }
    let json = format!(
        ",\"enumValues\":{}",
        serde_json::to_string(&values).expect("strings serialize")
    );
    let escaped = escape(&json);
    let ident = &input.ident;
    quote! {
        impl ::azfn::mcp::ToolPropertyType for #ident {
            const PROPERTY_TYPE: &'static str = "string";
            const REQUIRED: bool = true;
            const IS_ARRAY: bool = false;
            const ENUM_VALUES_JSON: &'static str = #json;
            const ENUM_VALUES_JSON_ESCAPED: &'static str = #escaped;
        }
        impl ::azfn::mcp::ToolItemType for #ident {}
    }
}

/// Which MCP trigger a function has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum McpKind {
    Tool,
    Resource,
    Prompt,
}

impl McpKind {
    pub(crate) fn of(json_type: &str) -> Option<McpKind> {
        match json_type {
            wire::TOOL_TRIGGER => Some(McpKind::Tool),
            wire::RESOURCE_TRIGGER => Some(McpKind::Resource),
            wire::PROMPT_TRIGGER => Some(McpKind::Prompt),
            _ => None,
        }
    }
}

/// What an MCP trigger adds to the function's model.
pub(crate) struct McpModel {
    pub(crate) kind: McpKind,
    /// The tool's or prompt's name, and where it came from.
    pub(crate) name: (String, Span),
    /// The trigger parameter's type, when there is one.
    pub(crate) trigger_ty: Option<syn::Type>,
    /// Items from `#[mcp_tool_property]` / `#[mcp_prompt_argument]` parameters.
    pub(crate) extra_items: Vec<Piece>,
    pub(crate) extra_count: usize,
}

/// Placeholder the record's JSON carries where the type-dependent declaration goes.
pub(crate) const PLACEHOLDER: &str = "\u{1}azfn:mcp-declaration\u{1}";

/// Completes the trigger's settings of an MCP function: default name and description, the
/// declaration placeholder, and the checks of names and metadata.
pub(crate) fn complete_trigger(
    kind: McpKind,
    settings: &mut Vec<(String, serde_json::Value)>,
    setting_spans: &dyn Fn(&str) -> Span,
    item: &syn::ItemFn,
    trigger_ty: Option<syn::Type>,
    input_bindings: &[crate::function::BindingModel],
    errors: &mut Errors,
) -> McpModel {
    let get = |settings: &Vec<(String, serde_json::Value)>, key: &str| {
        settings
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    };
    let fn_name = item
        .sig
        .ident
        .to_string()
        .trim_start_matches("r#")
        .to_owned();
    let (name_key, what) = match kind {
        McpKind::Tool => (wire::keys::TOOL_NAME, "tool"),
        McpKind::Prompt => (wire::keys::PROMPT_NAME, "prompt"),
        McpKind::Resource => (wire::keys::URI, "resource"),
    };
    let name = match get(settings, name_key) {
        Some(name) => (name, setting_spans(name_key)),
        None => {
            settings.push((name_key.to_owned(), fn_name.clone().into()));
            (fn_name, item.sig.ident.span())
        }
    };
    if let Err(e) = wire::check_tool_name(&name.0, what) {
        errors.push(syn::Error::new(name.1, e.to_string()));
    }
    if get(settings, wire::keys::DESCRIPTION).is_none() {
        match doc_comment(&item.attrs) {
            Some(doc) => settings.push((wire::keys::DESCRIPTION.to_owned(), doc.into())),
            None if kind == McpKind::Tool => errors.push(syn::Error::new(
                item.sig.ident.span(),
                "an MCP tool needs a description, which the client shows to the model: write a \
                 doc comment on the function, or `description = \"...\"`",
            )),
            None => {}
        }
    }
    for key in [wire::keys::METADATA] {
        if let Some(text) = get(settings, key) {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(_)) => {}
                _ => errors.push(syn::Error::new(
                    setting_spans(key),
                    "`metadata` is a JSON object, e.g. `metadata = r#\"{\"version\": 1}\"#`; the \
                     MCP extension refuses anything else",
                )),
            }
        }
    }
    if let Some(text) = get(settings, wire::keys::OUTPUT_SCHEMA) {
        let ok = serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("type").and_then(|t| t.as_str()) == Some("object"));
        if !ok {
            errors.push(syn::Error::new(
                setting_spans(wire::keys::OUTPUT_SCHEMA),
                "`output_schema` is a JSON Schema with `\"type\": \"object\"` at its root, as the \
                 MCP extension requires",
            ));
        }
    }

    // `#[mcp_tool_property]` / `#[mcp_prompt_argument]` parameters join the declaration.
    let (input_type, input_name_key) = match kind {
        McpKind::Tool => (wire::TOOL_PROPERTY_INPUT, wire::keys::PROPERTY_NAME),
        _ => (wire::PROMPT_ARGUMENT_INPUT, wire::keys::ARGUMENT_NAME),
    };
    let mut extra_items = Vec::new();
    let mut extra_count = 0;
    let mut extra_names: Vec<String> = Vec::new();
    for binding in input_bindings {
        let (json_type, binding_settings, span) =
            (&binding.json_type, &binding.settings, &binding.name_span);
        let is_tool_input = json_type == wire::TOOL_PROPERTY_INPUT;
        let is_prompt_input = json_type == wire::PROMPT_ARGUMENT_INPUT;
        if !(is_tool_input || is_prompt_input) {
            continue;
        }
        if kind == McpKind::Resource {
            errors.push(syn::Error::new(
                *span,
                "an MCP resource takes no arguments; its URI template's `{name}` segments are \
                 binding data",
            ));
            continue;
        }
        if json_type != input_type {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "`{json_type}` inputs belong to {} functions",
                    if is_tool_input {
                        "`#[mcp_tool_trigger]`"
                    } else {
                        "`#[mcp_prompt_trigger]`"
                    }
                ),
            ));
            continue;
        }
        let name = get(binding_settings, input_name_key).unwrap_or_default();
        let what = if kind == McpKind::Tool {
            "tool property"
        } else {
            "prompt argument"
        };
        if let Err(e) = wire::check_property_names(
            extra_names
                .iter()
                .map(String::as_str)
                .chain([name.as_str()]),
            what,
        ) {
            errors.push(syn::Error::new(*span, e.to_string()));
        }
        let description = get(binding_settings, wire::keys::DESCRIPTION).unwrap_or_default();
        let flag = |key: &str| {
            binding_settings
                .iter()
                .any(|(k, v)| k == key && v.as_bool() == Some(true))
        };
        let sep = if extra_count == 0 { "" } else { "," };
        let text = if kind == McpKind::Tool {
            let property = wire::ToolProperty {
                property_name: name.clone(),
                property_type: get(binding_settings, wire::keys::PROPERTY_TYPE)
                    .unwrap_or_else(|| "string".into()),
                description: Some(description),
                is_required: flag(wire::keys::IS_REQUIRED),
                is_array: flag("isArray"),
                enum_values: Vec::new(),
            };
            serde_json::to_string(&property).expect("properties serialize")
        } else {
            let argument = wire::PromptArgument {
                name: name.clone(),
                title: None,
                description: (!description.is_empty()).then_some(description),
                required: flag(wire::keys::IS_REQUIRED),
            };
            serde_json::to_string(&argument).expect("arguments serialize")
        };
        extra_items.push(Piece::Text(format!("{sep}{text}")));
        extra_count += 1;
        extra_names.push(name);
    }
    if kind != McpKind::Resource {
        let key = match kind {
            McpKind::Tool => wire::keys::TOOL_PROPERTIES,
            _ => wire::keys::PROMPT_ARGUMENTS,
        };
        settings.retain(|(k, _)| k != key);
        settings.push((key.to_owned(), PLACEHOLDER.into()));
    }
    McpModel {
        kind,
        name,
        trigger_ty,
        extra_items,
        extra_count,
    }
}

/// The record's JSON as pieces: the placeholder replaced by the declaration built from the
/// trigger parameter's type and the argument inputs, and `useResultSchema` from the return
/// type.
pub(crate) fn record_pieces(record: &str, mcp: &McpModel, ret_ty: &TokenStream) -> TokenStream {
    if mcp.kind == McpKind::Resource {
        return quote!(#record);
    }
    let quoted = serde_json::to_string(PLACEHOLDER).expect("strings serialize");
    let Some(at) = record.find(&quoted) else {
        return quote!(#record);
    };
    let (prefix, rest) = record.split_at(at);
    let suffix = &rest[quoted.len()..];
    let extras = pieces_tokens(&mcp.extra_items, true);
    let extra_count = mcp.extra_count;
    let (items, count) = match (&mcp.trigger_ty, mcp.kind) {
        (Some(ty), McpKind::Tool) => {
            let t = quote_spanned!(ty.span()=> <#ty as ::azfn::mcp::ToolTrigger>);
            (
                quote!(#t::TOOL_PROPERTY_ITEMS_ESCAPED),
                quote!(#t::TOOL_PROPERTY_COUNT),
            )
        }
        (Some(ty), _) => {
            let t = quote_spanned!(ty.span()=> <#ty as ::azfn::mcp::PromptTrigger>);
            (
                quote!(#t::PROMPT_ARGUMENT_ITEMS_ESCAPED),
                quote!(#t::PROMPT_ARGUMENT_COUNT),
            )
        }
        (None, _) => (quote!(""), quote!(0usize)),
    };
    let result_trait = match mcp.kind {
        McpKind::Tool => quote!(::azfn::mcp::IntoToolResult),
        _ => quote!(::azfn::mcp::IntoPromptResult),
    };
    let result_schema = quote!(::azfn::mcp::use_result_schema_json(
        <#ret_ty as #result_trait>::USE_RESULT_SCHEMA
    ));
    let parts = vec![
        quote!(#prefix),
        quote!("\"["),
        items,
        quote!(::azfn::mcp::separator(#count, #extra_count)),
    ]
    .into_iter()
    .chain(extras)
    .chain([quote!("]\""), result_schema, quote!(#suffix)])
    .collect::<Vec<_>>();
    joined(&parts)
}

/// The item whose name collides when two tools (or prompts, or resources) of one module share a
/// name as the extension compares names (ignoring case): a duplicate is a compile error at both
/// names.
pub(crate) fn duplicate_guard(mcp: &McpModel) -> TokenStream {
    let prefix = match mcp.kind {
        McpKind::Tool => "mcp_tool_named_",
        McpKind::Prompt => "mcp_prompt_named_",
        McpKind::Resource => "mcp_resource_with_uri_",
    };
    let ident = format_ident!(
        "{}",
        wire::registry_ident(prefix, &mcp.name.0),
        span = mcp.name.1
    );
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code)]
        const #ident: () = ();
    }
}

/// The statement that records the function's result for the extension.
pub(crate) fn completion(kind: McpKind, ret_span: Span) -> TokenStream {
    let f = match kind {
        McpKind::Tool => quote!(complete_tool),
        McpKind::Resource => quote!(complete_resource),
        McpKind::Prompt => quote!(complete_prompt),
    };
    quote_spanned!(ret_span=> ::azfn::mcp::#f(&mut __inv, __azfn_ret)?;)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_per_character_so_pieces_join() {
        let a = r#"{"propertyName":"a\"b","#;
        let b = "\"description\":\"é\\n\"}";
        assert_eq!(
            escape(&format!("{a}{b}")),
            format!("{}{}", escape(a), escape(b))
        );
    }

    #[test]
    fn rename_all_rules() {
        assert_eq!(
            rename_all("camelCase", "snippet_name", false).unwrap(),
            "snippetName"
        );
        assert_eq!(
            rename_all("PascalCase", "snippet_name", false).unwrap(),
            "SnippetName"
        );
        assert_eq!(
            rename_all("kebab-case", "snippet_name", false).unwrap(),
            "snippet-name"
        );
        assert_eq!(
            rename_all("snake_case", "DarkRed", true).unwrap(),
            "dark_red"
        );
        assert_eq!(rename_all("lowercase", "DarkRed", true).unwrap(), "darkred");
        assert!(rename_all("Title Case", "x", false).is_none());
    }

    #[test]
    fn doc_comments_join_lines() {
        let item: syn::ItemFn = syn::parse_quote! {
            /// Retrieve a snippet
            /// by name.
            async fn f() {}
        };
        assert_eq!(
            doc_comment(&item.attrs).unwrap(),
            "Retrieve a snippet\nby name."
        );
    }
}
