//! Attribute grammar: `key = value, ...` where a value is a string, a boolean, an integer or a
//! `[list]` of strings, checked against the binding catalog.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Ident, LitStr, Token, bracketed};

use crate::catalog::{BindingKind, SettingType};
use crate::errors::Errors;

/// One `key = value` (or bare `key`) in an attribute.
pub(crate) struct Arg {
    pub(crate) key: Ident,
    pub(crate) value: ArgValue,
}

/// The value side of an [`Arg`].
pub(crate) enum ArgValue {
    Str(LitStr),
    Bool(syn::LitBool),
    Int(syn::LitInt),
    List(Vec<LitStr>, Span),
    /// A bare key with no `= value`.
    Flag,
}

impl ArgValue {
    fn span(&self, key: &Ident) -> Span {
        match self {
            Self::Str(s) => s.span(),
            Self::Bool(b) => b.span(),
            Self::Int(i) => i.span(),
            Self::List(_, span) => *span,
            Self::Flag => key.span(),
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = Ident::parse_any(input)?;
        if !input.peek(Token![=]) {
            return Ok(Self {
                key,
                value: ArgValue::Flag,
            });
        }
        input.parse::<Token![=]>()?;
        let value = if input.peek(LitStr) {
            ArgValue::Str(input.parse()?)
        } else if input.peek(syn::LitBool) {
            ArgValue::Bool(input.parse()?)
        } else if input.peek(syn::LitInt) {
            ArgValue::Int(input.parse()?)
        } else if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<ListItem, Token![,]>::parse_terminated(&content)?;
            ArgValue::List(
                items.into_iter().map(|i| i.0).collect(),
                bracket.span.join(),
            )
        } else {
            return Err(input.error(
                "expected a value: a string (`\"...\"`), `true`/`false`, a number or a `[list]`",
            ));
        };
        Ok(Self { key, value })
    }
}

/// A list item: a string, or a bare identifier taken as its own name (`[get, post]`).
struct ListItem(LitStr);

impl Parse for ListItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            Ok(Self(input.parse()?))
        } else {
            let ident = Ident::parse_any(input)?;
            Ok(Self(LitStr::new(&ident.to_string(), ident.span())))
        }
    }
}

/// Parses an attribute's arguments.
pub(crate) fn parse_args(tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    let parser = Punctuated::<Arg, Token![,]>::parse_terminated;
    Ok(parser.parse2(tokens)?.into_iter().collect())
}

/// A binding attribute checked against its catalog entry.
pub(crate) struct ResolvedBinding {
    pub(crate) kind: &'static BindingKind,
    /// `name = "..."`: the function name on a trigger, the binding name on other bindings.
    pub(crate) name: Option<LitStr>,
    /// `function.json` settings in catalog order.
    pub(crate) settings: Vec<(&'static str, serde_json::Value)>,
}

/// Checks `args` against `kind`: unknown keys, missing required settings and wrong values are
/// reported to `errors`, each on the token at fault. `attr_span` is where missing settings are
/// reported.
pub(crate) fn resolve(
    kind: &'static BindingKind,
    args: Vec<Arg>,
    attr_span: Span,
    errors: &mut Errors,
) -> ResolvedBinding {
    let mut name = None;
    let mut given: Vec<(&'static str, serde_json::Value)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for Arg { key, value } in args {
        let key_text = key.unraw().to_string();
        if seen.contains(&key_text) {
            errors.push(syn::Error::new(
                key.span(),
                format!("`{key_text}` is given twice"),
            ));
            continue;
        }
        seen.push(key_text.clone());
        if key_text == "name" {
            match value {
                ArgValue::Str(s) => name = Some(s),
                other => errors.push(syn::Error::new(
                    other.span(&key),
                    "`name` takes a string, e.g. `name = \"MyFunction\"`",
                )),
            }
            continue;
        }
        let Some(setting) = kind.settings.iter().find(|s| s.key == key_text) else {
            let mut valid: Vec<&str> = kind.settings.iter().map(|s| s.key).collect();
            valid.push("name");
            errors.push(syn::Error::new(
                key.span(),
                format!(
                    "unknown setting `{key_text}` for `#[{}]`; valid settings: {}",
                    kind.attr,
                    valid
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        };
        if let Some(json) = check_value(kind, setting.key, setting.ty, &key, value, errors) {
            given.push((setting.json, json));
        }
    }
    let mut settings = Vec::new();
    for setting in kind.settings {
        if let Some(pos) = given.iter().position(|(json, _)| *json == setting.json) {
            settings.push(given.remove(pos));
        } else if let Some(default) = setting.default {
            settings.push((setting.json, serde_json::Value::from(default)));
        } else if setting.required {
            errors.push(syn::Error::new(
                attr_span,
                format!(
                    "`#[{}]` needs `{}`, e.g. `{} = \"...\"`",
                    kind.attr, setting.key, setting.key
                ),
            ));
        }
    }
    ResolvedBinding {
        kind,
        name,
        settings,
    }
}

fn check_value(
    kind: &BindingKind,
    key_name: &str,
    ty: SettingType,
    key: &Ident,
    value: ArgValue,
    errors: &mut Errors,
) -> Option<serde_json::Value> {
    let span = value.span(key);
    let wrong = |expected: &str| {
        syn::Error::new(
            span,
            format!("`{key_name}` of `#[{}]` takes {expected}", kind.attr),
        )
    };
    match (ty, value) {
        (SettingType::Str, ArgValue::Str(s)) => Some(serde_json::Value::from(s.value())),
        (SettingType::Str, _) => {
            errors.push(wrong("a string"));
            None
        }
        (SettingType::OneOf(allowed), ArgValue::Str(s)) => {
            match find_allowed(allowed, &s.value()) {
                Some(v) => Some(serde_json::Value::from(v)),
                None => {
                    errors.push(syn::Error::new(
                        s.span(),
                        format!(
                            "`{}` is not a valid `{key_name}`; expected one of {}",
                            s.value(),
                            quoted_list(allowed)
                        ),
                    ));
                    None
                }
            }
        }
        (SettingType::OneOf(allowed), _) => {
            errors.push(wrong(&format!("one of {}", quoted_list(allowed))));
            None
        }
        (SettingType::ListOf(allowed), ArgValue::List(items, list_span)) => {
            if items.is_empty() {
                errors.push(syn::Error::new(
                    list_span,
                    format!(
                        "`{key_name}` needs at least one of {}",
                        quoted_list(allowed)
                    ),
                ));
                return None;
            }
            let mut out = Vec::new();
            let mut ok = true;
            for item in items {
                match find_allowed(allowed, &item.value()) {
                    Some(v) if out.contains(&serde_json::Value::from(v)) => {
                        errors.push(syn::Error::new(
                            item.span(),
                            format!("`{}` is listed twice", item.value()),
                        ));
                        ok = false;
                    }
                    Some(v) => out.push(serde_json::Value::from(v)),
                    None => {
                        errors.push(syn::Error::new(
                            item.span(),
                            format!(
                                "`{}` is not a valid `{key_name}` entry; expected {}",
                                item.value(),
                                quoted_list(allowed)
                            ),
                        ));
                        ok = false;
                    }
                }
            }
            ok.then_some(serde_json::Value::Array(out))
        }
        (SettingType::ListOf(allowed), _) => {
            errors.push(wrong(&format!(
                "a list such as `[{}]`",
                quoted_list(allowed)
            )));
            None
        }
    }
}

fn find_allowed(allowed: &[&'static str], given: &str) -> Option<&'static str> {
    allowed
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(given))
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The span of a whole attribute, for errors about it as a whole.
pub(crate) fn attr_span(attr: &syn::Attribute) -> Span {
    attr.span()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{HTTP_TRIGGER, QUEUE_OUTPUT};
    use quote::quote;

    fn resolve_tokens(
        kind: &'static BindingKind,
        tokens: TokenStream,
    ) -> (ResolvedBinding, Vec<String>) {
        let mut errors = Errors::default();
        let args = parse_args(tokens).unwrap();
        let resolved = resolve(kind, args, Span::call_site(), &mut errors);
        let messages = errors.into_messages();
        (resolved, messages)
    }

    #[test]
    fn settings_map_to_function_json_names_with_defaults() {
        let (r, errors) =
            resolve_tokens(&HTTP_TRIGGER, quote!(methods = ["GET", post], name = "Fn"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.name.unwrap().value(), "Fn");
        assert_eq!(
            r.settings,
            vec![
                ("methods", serde_json::json!(["get", "post"])),
                ("authLevel", serde_json::json!("function")),
            ]
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let (_, errors) = resolve_tokens(
            &QUEUE_OUTPUT,
            quote!(queue = "x", connection = true, data_type = "text"),
        );
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("unknown setting `queue`"));
        assert!(errors[0].contains("`queue_name`"));
        assert!(errors[1].contains("takes a string"));
        assert!(errors[2].contains("expected one of"));
        assert!(errors[3].contains("needs `queue_name`"));
    }
}
