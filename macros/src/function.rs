//! The model of one annotated function: parsed from the user's `fn`, checked, ready to expand.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned as _;
use syn::{FnArg, Ident, ItemFn, Pat, Type};

use crate::attr::{self, ResolvedBinding};
use crate::catalog::{self, BindingKind};
use crate::errors::Errors;

/// Where the trigger attribute was written, for the build tool's messages.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// What a parameter receives.
pub(crate) enum Role {
    /// HTTP functions: an axum extractor. Other functions: the trigger value or the context.
    Input,
    /// A `&mut Out<T>` output binding; `ty` is `Out<T>`.
    Output { binding: String, ty: Box<Type> },
}

pub(crate) struct Param {
    pub(crate) ty: Type,
    pub(crate) role: Role,
}

/// One binding as it goes into `function.json`.
pub(crate) struct BindingModel {
    pub(crate) kind: &'static BindingKind,
    pub(crate) name: String,
    pub(crate) settings: Vec<(&'static str, serde_json::Value)>,
}

pub(crate) struct FunctionModel {
    /// The user's function, with azfn's parameter attributes removed.
    pub(crate) item: ItemFn,
    pub(crate) function_name: String,
    pub(crate) is_http: bool,
    pub(crate) trigger_binding: String,
    pub(crate) params: Vec<Param>,
    /// Trigger first, then the HTTP response, then the others in the order written.
    pub(crate) bindings: Vec<BindingModel>,
    pub(crate) has_return_binding: bool,
    pub(crate) location: Location,
    /// Paths of the binding attributes this macro consumed, as the user wrote them; the
    /// expansion mentions them so that their imports count as used.
    pub(crate) consumed_attrs: Vec<syn::Path>,
}

pub(crate) const RETURN_BINDING: &str = "$return";

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Azure's rule for function names (the folder name): a letter, then letters, digits, `_` or
/// `-`, at most 127 characters.
pub(crate) fn is_valid_function_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 127
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A binding name: an identifier (letters, digits, `_`, not starting with a digit), or `$return`.
pub(crate) fn is_valid_binding_name(name: &str) -> bool {
    if name == RETURN_BINDING {
        return true;
    }
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses the function under a trigger attribute. On errors, returns them with the function
/// cleaned of azfn's attributes so it can still be emitted for the IDE.
pub(crate) fn parse(
    trigger_kind: &'static BindingKind,
    args: TokenStream,
    mut item: ItemFn,
    location: Location,
) -> Result<FunctionModel, Box<(Errors, ItemFn)>> {
    let mut errors = Errors::default();
    let trigger = match attr::parse_args(args) {
        Ok(args) => attr::resolve(trigger_kind, args, Span::call_site(), &mut errors),
        Err(e) => {
            errors.push(e);
            ResolvedBinding {
                kind: trigger_kind,
                name: None,
                settings: Vec::new(),
            }
        }
    };
    let is_http = trigger_kind.json_type == "httpTrigger";

    let sig = &item.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!(
                "functions under `#[{}]` must be `async fn`",
                trigger_kind.attr
            ),
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new(
            sig.generics.span(),
            "Azure functions cannot be generic: the host calls one concrete function",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "variadic functions are not supported",
        ));
    }

    let function_name = match &trigger.name {
        Some(lit) => {
            check_function_name(&lit.value(), lit.span(), &mut errors);
            lit.value()
        }
        None => {
            let name = sig.ident.to_string().trim_start_matches("r#").to_owned();
            check_function_name(&name, sig.ident.span(), &mut errors);
            name
        }
    };

    // Bindings written on the function: outputs for the return value (or named explicitly).
    let mut fn_bindings = Vec::new();
    let mut kept_attrs = Vec::new();
    let mut consumed_attrs = Vec::new();
    for attr in std::mem::take(&mut item.attrs) {
        let name = last_segment(attr.path());
        if catalog::trigger_by_attr(&name).is_some() {
            errors.push(syn::Error::new(
                attr_name_span(&attr),
                "a function has exactly one trigger; this is a second one",
            ));
        } else if let Some(kind) = catalog::binding_by_attr(&name) {
            consumed_attrs.push(attr.path().clone());
            if let Some(b) = resolve_attr(kind, &attr, &mut errors) {
                fn_bindings.push(b);
            }
        } else {
            kept_attrs.push(attr);
        }
    }
    item.attrs = kept_attrs;

    let mut params = Vec::new();
    let mut param_bindings = Vec::new();
    let mut trigger_param: Option<(String, Span)> = None;
    let mut last_input_name: Option<Result<String, Span>> = None;
    for input in item.sig.inputs.iter_mut() {
        let pat_type = match input {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new(
                    receiver.span(),
                    "Azure functions cannot take `self`; write a free `async fn`",
                ));
                continue;
            }
            FnArg::Typed(pat_type) => pat_type,
        };
        let mut role = Role::Input;
        let mut has_binding_attr = false;
        let mut kept = Vec::new();
        for attr in std::mem::take(&mut pat_type.attrs) {
            let name = last_segment(attr.path());
            if let Some(kind) = catalog::binding_by_attr(&name) {
                consumed_attrs.push(attr.path().clone());
                has_binding_attr = true;
                let Some((resolved, _)) = resolve_attr(kind, &attr, &mut errors) else {
                    continue;
                };
                let binding = match (&resolved.name, &*pat_type.pat) {
                    (Some(lit), _) => lit.value(),
                    (None, Pat::Ident(p)) => {
                        p.ident.to_string().trim_start_matches("r#").to_owned()
                    }
                    (None, other) => {
                        errors.push(syn::Error::new(
                            other.span(),
                            "an output parameter needs a plain name (or `name = \"...\"`)",
                        ));
                        continue;
                    }
                };
                match &*pat_type.ty {
                    Type::Reference(r) if r.mutability.is_some() => {
                        role = Role::Output {
                            binding: binding.clone(),
                            ty: r.elem.clone(),
                        };
                    }
                    other => errors.push(syn::Error::new(
                        other.span(),
                        format!(
                            "an output parameter is a `&mut Out<T>` the function sets, e.g. \
                             `{binding}: &mut Out<String>`"
                        ),
                    )),
                }
                param_bindings.push(BindingModel {
                    kind,
                    name: binding,
                    settings: resolved.settings,
                });
            } else if name == "trigger" && attr.path().segments.len() == 1 {
                trigger_param = Some(trigger_param_name(&attr, &pat_type.pat, &mut errors));
            } else {
                kept.push(attr);
            }
        }
        pat_type.attrs = kept;
        if !has_binding_attr {
            last_input_name = Some(match &*pat_type.pat {
                Pat::Ident(p) => Ok(p.ident.to_string().trim_start_matches("r#").to_owned()),
                other => Err(other.span()),
            });
        }
        params.push(Param {
            ty: (*pat_type.ty).clone(),
            role,
        });
    }

    let trigger_binding = if is_http {
        if let Some((_, span)) = &trigger_param {
            errors.push(syn::Error::new(
                *span,
                "HTTP functions take axum extractors; `#[trigger]` is for other triggers",
            ));
        }
        "req".to_owned()
    } else {
        match (trigger_param, last_input_name) {
            (Some((name, _)), _) => name,
            (None, Some(Ok(name))) => name,
            (None, Some(Err(span))) => {
                errors.push(syn::Error::new(
                    span,
                    "the trigger parameter needs a plain name, or `#[trigger(name = \"...\")]`",
                ));
                "trigger".to_owned()
            }
            (None, None) => "trigger".to_owned(),
        }
    };

    let mut bindings = vec![BindingModel {
        kind: trigger_kind,
        name: trigger_binding.clone(),
        settings: trigger.settings,
    }];
    if is_http {
        bindings.push(BindingModel {
            kind: &catalog::HTTP_OUTPUT,
            name: "res".to_owned(),
            settings: Vec::new(),
        });
    }
    let mut has_return_binding = false;
    for (resolved, span) in fn_bindings {
        let name = resolved
            .name
            .map(|n| n.value())
            .unwrap_or_else(|| RETURN_BINDING.to_owned());
        if name == RETURN_BINDING {
            if is_http {
                errors.push(syn::Error::new(
                    span,
                    "the return value of an HTTP function is its HTTP response; put this output \
                     on a `&mut Out<T>` parameter",
                ));
            }
            has_return_binding = true;
        }
        bindings.push(BindingModel {
            kind: resolved.kind,
            name,
            settings: resolved.settings,
        });
    }
    bindings.extend(param_bindings);

    let mut seen: Vec<String> = Vec::new();
    for binding in &bindings {
        if !is_valid_binding_name(&binding.name) {
            errors.push(syn::Error::new(
                item.sig.ident.span(),
                format!(
                    "`{}` is not a valid binding name: use letters, digits and `_`, not starting \
                     with a digit",
                    binding.name
                ),
            ));
        }
        let lower = binding.name.to_lowercase();
        if seen.contains(&lower) {
            errors.push(syn::Error::new(
                item.sig.ident.span(),
                format!("two bindings are named `{}`", binding.name),
            ));
        }
        seen.push(lower);
    }

    if !errors.is_empty() {
        return Err(Box::new((errors, item)));
    }
    Ok(FunctionModel {
        item,
        function_name,
        is_http,
        trigger_binding,
        params,
        bindings,
        has_return_binding,
        location,
        consumed_attrs,
    })
}

/// The span of the attribute's name (`queue_trigger` in `#[azfn::queue_trigger(...)]`): the
/// whole attribute cannot be spanned on stable Rust.
fn attr_name_span(attr: &syn::Attribute) -> Span {
    attr.path()
        .segments
        .last()
        .map(|s| s.ident.span())
        .unwrap_or_else(|| attr.span())
}

fn check_function_name(name: &str, span: Span, errors: &mut Errors) {
    if !is_valid_function_name(name) {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{name}` is not a valid Azure function name: start with a letter, then use \
                 letters, digits, `_` or `-`, at most 127 characters; set one with \
                 `name = \"...\"`"
            ),
        ));
    }
}

fn resolve_attr(
    kind: &'static BindingKind,
    attr: &syn::Attribute,
    errors: &mut Errors,
) -> Option<(ResolvedBinding, Span)> {
    let span = attr::attr_span(attr);
    let tokens = match &attr.meta {
        syn::Meta::Path(_) => TokenStream::new(),
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::NameValue(nv) => {
            errors.push(syn::Error::new(
                nv.span(),
                format!("write `#[{}(key = \"value\", ...)]`", kind.attr),
            ));
            return None;
        }
    };
    match attr::parse_args(tokens) {
        Ok(args) => Some((attr::resolve(kind, args, span, errors), span)),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn trigger_param_name(attr: &syn::Attribute, pat: &Pat, errors: &mut Errors) -> (String, Span) {
    let span = attr.span();
    if let syn::Meta::List(list) = &attr.meta {
        match attr::parse_args(list.tokens.clone()) {
            Ok(args) => {
                for arg in args {
                    match (arg.key.to_string().as_str(), arg.value) {
                        ("name", attr::ArgValue::Str(s)) => return (s.value(), span),
                        _ => errors.push(syn::Error::new(
                            arg.key.span(),
                            "`#[trigger]` takes only `name = \"...\"`",
                        )),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    match pat {
        Pat::Ident(p) => (p.ident.to_string(), span),
        other => {
            errors.push(syn::Error::new(
                other.span(),
                "name this parameter, or write `#[trigger(name = \"...\")]`",
            ));
            ("trigger".to_owned(), span)
        }
    }
}

/// The function's Rust name.
pub(crate) fn rust_ident(item: &ItemFn) -> &Ident {
    &item.sig.ident
}
