//! The model of one annotated function: parsed from the user's `fn`, checked, ready to expand.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{FnArg, Ident, ItemFn, LitStr, Pat, Type};

use crate::attr::{self, ResolvedBinding};
use crate::errors::Errors;
use crate::mcp::{self, McpKind, McpModel};
use crate::values;
use azfn_spec::catalog::{self, BindingKind, Direction, Role};

/// Where the trigger attribute was written, for the build tool's messages.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// What a parameter receives.
pub(crate) enum ParamRole {
    /// HTTP functions: an axum extractor. Other functions: the trigger value or the context.
    Extract,
    /// An input binding, read by its binding name.
    Input { binding: String },
    /// A `&mut Out<T>` output binding; `ty` is `Out<T>`.
    Output { binding: String, ty: Box<Type> },
}

pub(crate) struct Param {
    pub(crate) ty: Type,
    pub(crate) role: ParamRole,
}

/// One binding as it goes into `function.json`.
pub(crate) struct BindingModel {
    pub(crate) json_type: String,
    pub(crate) direction: Direction,
    pub(crate) name: String,
    /// Where the name was written (or what it was derived from), for errors about it.
    pub(crate) name_span: Span,
    pub(crate) settings: Vec<(String, serde_json::Value)>,
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
    /// Top-level `function.json` settings: `disabled`, `retry`.
    pub(crate) function_settings: Vec<(String, serde_json::Value)>,
    pub(crate) has_return_binding: bool,
    /// Named outputs declared on the function (not `$return`): the return value is then a
    /// `#[derive(Outputs)]` struct whose fields feed them.
    pub(crate) struct_outputs: Vec<String>,
    pub(crate) location: Location,
    /// Paths of the binding attributes this macro consumed, as the user wrote them; the
    /// expansion mentions them so that their imports count as used.
    pub(crate) consumed_attrs: Vec<syn::Path>,
    /// What an MCP extension trigger adds.
    pub(crate) mcp: Option<McpModel>,
}

pub(crate) const RETURN_BINDING: &str = "$return";

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
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

fn ident_name(ident: &Ident) -> String {
    ident.unraw().to_string()
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
    let mut trigger = match attr::parse_args(args) {
        Ok(args) => attr::resolve(trigger_kind, args, Span::call_site(), &mut errors),
        Err(e) => {
            errors.push(e);
            ResolvedBinding::empty(trigger_kind)
        }
    };
    let is_http = trigger_kind.json_type == "httpTrigger";

    check_signature(trigger_kind, &item, &mut errors);

    let function_name = match &trigger.name {
        Some(lit) => {
            check_function_name(&lit.value(), lit.span(), &mut errors);
            lit.value()
        }
        None => {
            let name = ident_name(&item.sig.ident);
            check_function_name(&name, item.sig.ident.span(), &mut errors);
            name
        }
    };

    // Bindings written on the function: outputs of the return value, and the HTTP response.
    let mut fn_bindings: Vec<BindingModel> = Vec::new();
    let mut response: Option<(String, Span)> = None;
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
            let Some((resolved, span)) = resolve_attr(kind, &attr, &mut errors) else {
                continue;
            };
            fn_binding(
                resolved,
                span,
                &attr,
                is_http,
                &mut response,
                &mut fn_bindings,
                &mut errors,
            );
        } else {
            kept_attrs.push(attr);
        }
    }
    item.attrs = kept_attrs;

    let mut params = Vec::new();
    let mut param_bindings = Vec::new();
    let mut trigger_param: Option<(String, Span)> = None;
    let mut last_extract: Option<Result<(String, Span), Span>> = None;
    // Every parameter that would read the trigger's value: unannotated, not an extractor.
    let mut trigger_readers: Vec<(Span, bool)> = Vec::new();
    let mut trigger_reader_tys: Vec<Type> = Vec::new();
    for input in item.sig.inputs.iter_mut() {
        let pat_type = match input {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new_spanned(
                    &*receiver,
                    "Azure functions cannot take `self`: the host calls a free function; move \
                     it out of the `impl` block",
                ));
                continue;
            }
            FnArg::Typed(pat_type) => pat_type,
        };
        let mut role = ParamRole::Extract;
        let mut binding_attr: Option<Span> = None;
        let mut marked_trigger = false;
        let mut kept = Vec::new();
        for attr in std::mem::take(&mut pat_type.attrs) {
            let name = last_segment(attr.path());
            if let Some(kind) = catalog::binding_by_attr(&name) {
                consumed_attrs.push(attr.path().clone());
                if binding_attr.is_some() {
                    errors.push(syn::Error::new(
                        attr_name_span(&attr),
                        "a parameter has one binding; this is a second one",
                    ));
                    continue;
                }
                binding_attr = Some(attr_name_span(&attr));
                let Some((resolved, _)) = resolve_attr(kind, &attr, &mut errors) else {
                    continue;
                };
                if let Some((model, param_role)) = param_binding(
                    resolved,
                    &attr,
                    &pat_type.pat,
                    &pat_type.ty,
                    is_http,
                    &mut errors,
                ) {
                    role = param_role;
                    param_bindings.push(model);
                }
            } else if catalog::trigger_by_attr(&name).is_some() {
                errors.push(syn::Error::new(
                    attr_name_span(&attr),
                    format!(
                        "`#[{name}]` goes on the function; this function's trigger is \
                         `#[{}]`",
                        trigger_kind.attr
                    ),
                ));
            } else if name == "trigger" && attr.path().segments.len() == 1 {
                marked_trigger = true;
                trigger_param = Some(trigger_param_name(&attr, &pat_type.pat, &mut errors));
            } else {
                kept.push(attr);
            }
        }
        pat_type.attrs = kept;
        if binding_attr.is_none() && !is_invocation_extractor(&pat_type.ty) {
            trigger_readers.push((pat_type.pat.span(), marked_trigger));
            trigger_reader_tys.push((*pat_type.ty).clone());
            last_extract = Some(match &*pat_type.pat {
                Pat::Ident(p) => Ok((ident_name(&p.ident), p.ident.span())),
                other => Err(other.span()),
            });
        }
        params.push(Param {
            ty: (*pat_type.ty).clone(),
            role,
        });
    }

    if !is_http && trigger_readers.len() > 1 {
        // Each would silently receive the trigger's value; only one of them is the trigger.
        let chosen = trigger_readers
            .iter()
            .position(|(_, marked)| *marked)
            .unwrap_or(0);
        for (i, (span, _)) in trigger_readers.iter().enumerate() {
            if i != chosen {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "this parameter is bound to nothing, so it would receive the trigger's \
                         value too; bind it with an input attribute (e.g. `#[blob_input(path = \
                         \"...\")]`), or mark the trigger parameter with `#[trigger]` and remove \
                         this one; `#[{}]` functions take one trigger value",
                        trigger_kind.attr
                    ),
                ));
            }
        }
    }

    let (trigger_binding, trigger_span) = if is_http {
        if let Some((_, span)) = &trigger_param {
            errors.push(syn::Error::new(
                *span,
                "HTTP functions take axum extractors; name the request binding with \
                 `request_name = \"...\"` on `#[http_trigger]`",
            ));
        }
        match &trigger.request_name {
            Some(lit) => (lit.value(), lit.span()),
            None => ("req".to_owned(), Span::call_site()),
        }
    } else {
        match (trigger_param, last_extract) {
            (Some(named), _) => named,
            (None, Some(Ok(named))) => named,
            (None, Some(Err(span))) => {
                errors.push(syn::Error::new(
                    span,
                    "the trigger parameter needs a plain name, or `#[trigger(name = \"...\")]`",
                ));
                ("trigger".to_owned(), span)
            }
            (None, None) => ("trigger".to_owned(), Span::call_site()),
        }
    };

    let mcp_model = McpKind::of(&trigger.json_type).map(|kind| {
        let chosen = trigger_readers
            .iter()
            .position(|(_, marked)| *marked)
            .unwrap_or(0);
        if let Some(output) = fn_bindings.first() {
            errors.push(syn::Error::new(
                output.name_span,
                "the return value of an MCP function is its result for the client; put outputs \
                 on `&mut Out<T>` parameters",
            ));
        }
        mcp::complete_trigger(
            kind,
            &mut trigger.settings,
            &|_| Span::call_site(),
            &item,
            trigger_reader_tys.get(chosen).cloned(),
            &param_bindings,
            &mut errors,
        )
    });
    if mcp_model.is_none() {
        for b in &param_bindings {
            if b.json_type == azfn_spec::mcp::TOOL_PROPERTY_INPUT
                || b.json_type == azfn_spec::mcp::PROMPT_ARGUMENT_INPUT
            {
                errors.push(syn::Error::new(
                    b.name_span,
                    "MCP tool properties and prompt arguments are inputs of `#[mcp_tool_trigger]` \
                     and `#[mcp_prompt_trigger]` functions",
                ));
            }
        }
    }

    let mut bindings = vec![BindingModel {
        json_type: trigger.json_type.clone(),
        direction: Direction::In,
        name: trigger_binding.clone(),
        name_span: trigger_span,
        settings: trigger.settings.clone(),
    }];
    if is_http {
        let (name, span) = response.unwrap_or_else(|| ("res".to_owned(), Span::call_site()));
        bindings.push(BindingModel {
            json_type: catalog::HTTP_OUTPUT.json_type.to_owned(),
            direction: Direction::Out,
            name,
            name_span: span,
            settings: Vec::new(),
        });
    }
    let has_return_binding = !is_http && fn_bindings.iter().any(|b| b.name == RETURN_BINDING);
    let struct_outputs: Vec<String> = if is_http || has_return_binding {
        Vec::new()
    } else {
        fn_bindings
            .iter()
            .filter(|b| b.direction != Direction::In)
            .map(|b| b.name.clone())
            .collect()
    };
    bindings.extend(fn_bindings);
    bindings.extend(param_bindings);
    check_binding_names(&bindings, &mut errors);

    if is_http {
        check_route(
            &trigger,
            &function_name,
            &item,
            &params,
            &bindings,
            &mut errors,
        );
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
        function_settings: trigger.function_settings,
        has_return_binding,
        struct_outputs,
        location,
        consumed_attrs,
        mcp: mcp_model,
    })
}

fn check_signature(trigger_kind: &BindingKind, item: &ItemFn, errors: &mut Errors) {
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
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "Azure functions cannot be generic: the host calls one concrete function",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "variadic functions are not supported",
        ));
    }
}

/// A binding attribute on the function: an output of the return value, or the HTTP response.
fn fn_binding(
    resolved: ResolvedBinding,
    span: Span,
    attr: &syn::Attribute,
    is_http: bool,
    response: &mut Option<(String, Span)>,
    fn_bindings: &mut Vec<BindingModel>,
    errors: &mut Errors,
) {
    let attr_name = resolved.kind.attr;
    if resolved.role == Role::Input {
        errors.push(syn::Error::new(
            attr_name_span(attr),
            format!(
                "`#[{attr_name}]` reads a value into a parameter: put it on a parameter, e.g. \
                 `#[{attr_name}(...)] value: serde_json::Value`"
            ),
        ));
        return;
    }
    let name_span = resolved.name.as_ref().map_or(span, LitStr::span);
    if resolved.kind.attr == catalog::HTTP_OUTPUT.attr {
        if !is_http {
            errors.push(syn::Error::new(
                attr_name_span(attr),
                "`#[http_output]` is the response of an HTTP function; this function has no \
                 `#[http_trigger]`",
            ));
        } else if response.is_some() {
            errors.push(syn::Error::new(
                attr_name_span(attr),
                "an HTTP function has one response; `#[http_output]` is given twice",
            ));
        } else {
            let name = resolved
                .name
                .map_or_else(|| RETURN_BINDING.to_owned(), |n| n.value());
            *response = Some((name, name_span));
        }
        return;
    }
    if is_http {
        errors.push(syn::Error::new(
            attr_name_span(attr),
            "the return value of an HTTP function is its HTTP response; put this output on a \
             `&mut Out<T>` parameter",
        ));
        return;
    }
    // A named output on the function is a field of the returned `#[derive(Outputs)]` struct;
    // an unnamed one receives the return value itself.
    let name = resolved
        .name
        .as_ref()
        .map_or_else(|| RETURN_BINDING.to_owned(), LitStr::value);
    let returns_value = fn_bindings.iter().any(|b| b.name == RETURN_BINDING);
    let returns_struct = fn_bindings.iter().any(|b| b.name != RETURN_BINDING);
    if (name == RETURN_BINDING && returns_struct) || (name != RETURN_BINDING && returns_value) {
        errors.push(syn::Error::new(
            name_span,
            "the function's outputs are either one return value (an output without `name`) or \
             a struct of named outputs (each with `name = \"...\"`, returned as a \
             `#[derive(azfn::Outputs)]` struct), not both",
        ));
        return;
    }
    fn_bindings.push(BindingModel {
        json_type: resolved.json_type,
        direction: resolved.direction,
        name,
        name_span,
        settings: resolved.settings,
    });
}

/// A binding attribute on a parameter: an input the function reads or an output it sets.
fn param_binding(
    resolved: ResolvedBinding,
    attr: &syn::Attribute,
    pat: &Pat,
    ty: &Type,
    is_http: bool,
    errors: &mut Errors,
) -> Option<(BindingModel, ParamRole)> {
    let attr_name = resolved.kind.attr;
    if resolved.kind.attr == catalog::HTTP_OUTPUT.attr {
        errors.push(syn::Error::new(
            attr_name_span(attr),
            "the HTTP response is the function's return value; put `#[http_output]` on the \
             function to name its binding",
        ));
        return None;
    }
    let (binding, name_span) = match (&resolved.name, pat) {
        (Some(lit), _) => (lit.value(), lit.span()),
        (None, Pat::Ident(p)) => (ident_name(&p.ident), p.ident.span()),
        (None, other) => {
            errors.push(syn::Error::new_spanned(
                other,
                "a binding parameter needs a plain name (or `name = \"...\"`)",
            ));
            return None;
        }
    };
    // An HTTP function returns its response, so a `$return` output of another type (the Go
    // samples' queue) can only be set from a parameter.
    if binding == RETURN_BINDING && !is_http {
        errors.push(syn::Error::new(
            name_span,
            format!(
                "`$return` is the return value's binding: put `#[{attr_name}]` on the function \
                 and return the value"
            ),
        ));
        return None;
    }
    let role = match resolved.role {
        Role::Input => {
            if let Type::Reference(r) = ty
                && r.mutability.is_some()
            {
                errors.push(syn::Error::new_spanned(
                    ty,
                    format!(
                        "`#[{attr_name}]` is an input: the function reads it, so take the value, \
                         e.g. `{binding}: serde_json::Value`, not a `&mut` reference"
                    ),
                ));
                return None;
            }
            ParamRole::Input {
                binding: binding.clone(),
            }
        }
        Role::Output | Role::Trigger => match ty {
            Type::Reference(r) if r.mutability.is_some() => ParamRole::Output {
                binding: binding.clone(),
                ty: r.elem.clone(),
            },
            other => {
                errors.push(syn::Error::new_spanned(
                    other,
                    format!(
                        "an output parameter is a `&mut Out<T>` the function sets, e.g. \
                         `{binding}: &mut Out<String>`"
                    ),
                ));
                return None;
            }
        },
    };
    Some((
        BindingModel {
            json_type: resolved.json_type,
            direction: resolved.direction,
            name: binding,
            name_span,
            settings: resolved.settings,
        },
        role,
    ))
}

fn check_binding_names(bindings: &[BindingModel], errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    for binding in bindings {
        if !is_valid_binding_name(&binding.name) {
            errors.push(syn::Error::new(
                binding.name_span,
                format!(
                    "`{}` is not a valid binding name: use letters, digits and `_`, not starting \
                     with a digit, e.g. `{}`",
                    binding.name,
                    suggested_binding_name(&binding.name)
                ),
            ));
        }
        // The host compares binding names ignoring case.
        let lower = binding.name.to_lowercase();
        if seen.contains(&lower) {
            let message = if binding.name == RETURN_BINDING {
                "`$return` is declared twice: one binding receives the return value; put the \
                 other output on a `&mut Out<T>` parameter"
                    .to_owned()
            } else {
                format!(
                    "two bindings are named `{}` (the host ignores case); rename one with \
                     `name = \"...\"`",
                    binding.name
                )
            };
            errors.push(syn::Error::new(binding.name_span, message));
        }
        seen.push(lower);
    }
}

fn suggested_binding_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The parameters of the route read by the function's `Path` extractors.
enum Extracted {
    /// These names, in the order written when `ordered` (tuples and single values read by
    /// position), all of them when `complete` (a struct pattern without `..`).
    Names {
        names: Vec<(String, Span)>,
        ordered: bool,
        complete: bool,
    },
    /// This many values by position, names unknown.
    Count(usize, Span),
    /// A type that deserializes by name, which cannot be seen from here (a struct, a map).
    Opaque,
}

/// Types that `Path<T>` reads as one value.
const SCALARS: &[&str] = &[
    "String", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
    "isize", "f32", "f64", "bool", "char", "Uuid",
];

fn path_inner_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != "Path" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn is_scalar(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| SCALARS.iter().any(|n| s.ident == n)),
        Type::Reference(r) => is_scalar(&r.elem),
        _ => false,
    }
}

fn extracted(pat: &Pat, ty: &Type) -> Option<Extracted> {
    let inner_ty = path_inner_type(ty)?;
    let pat = match pat {
        Pat::TupleStruct(ts) if ts.elems.len() == 1 => &ts.elems[0],
        other => other,
    };
    let by_type = |span: Span| match inner_ty {
        Type::Tuple(t) => Extracted::Count(t.elems.len(), span),
        t if is_scalar(t) => Extracted::Count(1, span),
        _ => Extracted::Opaque,
    };
    Some(match pat {
        Pat::Tuple(tuple) => {
            let names = tuple
                .elems
                .iter()
                .map(|e| match e {
                    Pat::Ident(p) => (ident_name(&p.ident), p.ident.span()),
                    other => (String::new(), other.span()),
                })
                .collect();
            Extracted::Names {
                names,
                ordered: true,
                complete: true,
            }
        }
        Pat::Struct(s) => Extracted::Names {
            names: s
                .fields
                .iter()
                .map(|f| match &f.member {
                    syn::Member::Named(ident) => (ident_name(ident), ident.span()),
                    syn::Member::Unnamed(i) => (i.index.to_string(), i.span),
                })
                .collect(),
            ordered: false,
            complete: s.rest.is_none(),
        },
        Pat::Ident(p) if is_scalar(inner_ty) => Extracted::Names {
            names: vec![(ident_name(&p.ident), p.ident.span())],
            ordered: true,
            complete: true,
        },
        other => by_type(other.span()),
    })
}

/// Route parameters are matched ignoring case (as ASP.NET routing does) and `_` (so that
/// `product_id` reads `{productId}`).
fn route_key(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Checks the HTTP route's parameters against the function's `Path` extractors, in both
/// directions, as Rocket does: a parameter nobody reads (neither an extractor nor a binding
/// expression such as `{id}` in a blob path), and an extracted name the route lacks.
fn check_route(
    trigger: &ResolvedBinding,
    function_name: &str,
    item: &ItemFn,
    params: &[Param],
    bindings: &[BindingModel],
    errors: &mut Errors,
) {
    let route_lit = trigger.route.as_ref();
    let route_params = match route_lit {
        Some(lit) => match values::parse_route(&lit.value()) {
            Ok(p) => p,
            // Already reported where the route was checked.
            Err(_) => return,
        },
        None => Vec::new(),
    };
    let mut uses = Vec::new();
    for (input, param) in item.sig.inputs.iter().zip(params) {
        if let (FnArg::Typed(pat_type), ParamRole::Extract) = (input, &param.role)
            && let Some(e) = extracted(&pat_type.pat, &pat_type.ty)
        {
            uses.push(e);
        }
    }
    if uses.iter().any(|u| matches!(u, Extracted::Opaque)) {
        return;
    }
    let route_text = route_lit.map(LitStr::value).unwrap_or_default();
    let listed = route_params
        .iter()
        .map(|p| format!("`{{{}}}`", p.name))
        .collect::<Vec<_>>()
        .join(", ");
    let mut read: Vec<String> = Vec::new();
    let mut complete = !uses.is_empty();
    let errors_before = errors.len();
    for u in &uses {
        match u {
            Extracted::Count(n, span) => {
                if *n != route_params.len() {
                    errors.push(syn::Error::new(
                        *span,
                        format!(
                            "this `Path` reads {n} value{} by position, but route `{route_text}` \
                             has {} parameter{}{}",
                            if *n == 1 { "" } else { "s" },
                            route_params.len(),
                            if route_params.len() == 1 { "" } else { "s" },
                            if listed.is_empty() {
                                String::new()
                            } else {
                                format!(": {listed}")
                            }
                        ),
                    ));
                }
                read.extend(route_params.iter().map(|p| route_key(&p.name)));
            }
            Extracted::Names {
                names,
                ordered,
                complete: all,
            } => {
                complete &= *all;
                for (i, (name, span)) in names.iter().enumerate() {
                    if name.is_empty() {
                        continue;
                    }
                    let key = route_key(name);
                    let position = route_params.iter().position(|p| route_key(&p.name) == key);
                    match position {
                        None if route_lit.is_none() => errors.push(syn::Error::new(
                            *span,
                            format!(
                                "`{name}` is not in the route: `#[http_trigger]` has no `route`, \
                                 so the path is just `{function_name}`; add e.g. `route = \
                                 \"{function_name}/{{{name}}}\"`"
                            ),
                        )),
                        None => errors.push(syn::Error::new(
                            *span,
                            format!(
                                "`{name}` is not a parameter of route `{route_text}`{}",
                                if listed.is_empty() {
                                    format!("; add `{{{name}}}` to it")
                                } else {
                                    format!(", whose parameters are {listed}")
                                }
                            ),
                        )),
                        Some(p) if *ordered && p != i && names.len() == route_params.len() => {
                            errors.push(syn::Error::new(
                                *span,
                                format!(
                                    "`Path` reads a tuple by position: `{name}` is parameter \
                                     {} of route `{route_text}` ({listed}), not {}",
                                    p + 1,
                                    i + 1
                                ),
                            ));
                        }
                        Some(_) => {}
                    }
                    read.push(key);
                }
                if *ordered && names.len() != route_params.len() && !route_params.is_empty() {
                    let span = names.first().map_or_else(Span::call_site, |(_, s)| *s);
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "this `Path` reads {} value{} by position, but route `{route_text}` \
                             has {}: {listed}",
                            names.len(),
                            if names.len() == 1 { "" } else { "s" },
                            route_params.len(),
                        ),
                    ));
                }
            }
            Extracted::Opaque => {}
        }
    }
    // After a mismatch, "never read" would only restate it from the route's side.
    if (!complete && !uses.is_empty()) || errors.len() > errors_before {
        return;
    }
    // A parameter the function does not read may still be used by another binding.
    let expressions: Vec<String> = bindings
        .iter()
        .skip(1)
        .flat_map(|b| b.settings.iter())
        .filter_map(|(_, v)| v.as_str())
        .flat_map(values::binding_expressions)
        .map(route_key)
        .collect();
    let Some(lit) = route_lit else {
        return;
    };
    for param in &route_params {
        let key = route_key(&param.name);
        if read.contains(&key) || expressions.contains(&key) {
            continue;
        }
        errors.push(attr::error_within(
            lit,
            param.range.clone(),
            &format!(
                "route parameter `{{{}}}` is never read: extract it, e.g. \
                 `Path({}): Path<String>`, or use it in a binding expression",
                param.name,
                attr::to_snake_case(&param.name)
            ),
        ));
    }
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
    use azfn_spec::names::FunctionNameProblem;
    let problems = azfn_spec::names::function_name_problems(name);
    if problems.iter().any(|p| *p != FunctionNameProblem::Reserved) {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{name}` is not a valid Azure function name: start with a letter, then use \
                 letters, digits, `_` or `-`, at most 127 characters; set one with \
                 `name = \"...\"`"
            ),
        ));
    } else if !problems.is_empty() {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{name}` is reserved by the Functions host; choose another name with \
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
    // The attribute's name: on stable Rust the span of a whole inert attribute is only its `#`.
    let span = attr_name_span(attr);
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

/// azfn's own invocation extractors, which never receive the trigger value: so that
/// `(ctx: Context, item: String, State(db): State<Db>)` still binds `item` to the trigger.
/// Recognised by name, as a macro must; under another name (an alias) mark the trigger
/// parameter with `#[trigger]`.
const INVOCATION_EXTRACTORS: &[&str] = &["Context", "State", "Metadata"];

fn is_invocation_extractor(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| INVOCATION_EXTRACTORS.iter().any(|e| s.ident == e)),
        _ => false,
    }
}

fn trigger_param_name(attr: &syn::Attribute, pat: &Pat, errors: &mut Errors) -> (String, Span) {
    let span = attr.span();
    if let syn::Meta::List(list) = &attr.meta {
        match attr::parse_args(list.tokens.clone()) {
            Ok(args) => {
                for arg in args {
                    match (arg.key.to_string().as_str(), arg.value) {
                        ("name", attr::ArgValue::Str(s)) => return (s.value(), s.span()),
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
        Pat::Ident(p) => (ident_name(&p.ident), p.ident.span()),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
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

#[cfg(test)]
mod tests {
    use super::*;
    use azfn_spec::catalog::{HTTP_TRIGGER, QUEUE_TRIGGER};
    use quote::quote;

    fn location() -> Location {
        Location {
            file: "src/main.rs".into(),
            line: 1,
            column: 1,
        }
    }

    fn model(
        kind: &'static BindingKind,
        args: TokenStream,
        item: TokenStream,
    ) -> Result<FunctionModel, Vec<String>> {
        parse(kind, args, syn::parse2(item).unwrap(), location())
            .map_err(|failed| failed.0.into_messages())
    }

    fn errors(kind: &'static BindingKind, args: TokenStream, item: TokenStream) -> Vec<String> {
        match model(kind, args, item) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        }
    }

    #[test]
    fn bindings_are_trigger_response_return_then_parameters() {
        let m = model(
            &QUEUE_TRIGGER,
            quote!(queue_name = "incoming"),
            quote! {
                #[queue_output(queue_name = "outgoing")]
                async fn f(
                    #[blob_input(path = "configs/{queueTrigger}")] config: String,
                    item: String,
                    #[table_output(table_name = "t")] row: &mut Out<String>,
                ) -> String { item }
            },
        )
        .unwrap();
        let names: Vec<&str> = m.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["item", "$return", "config", "row"]);
        assert_eq!(m.trigger_binding, "item");
        assert!(m.has_return_binding);
        assert!(matches!(m.params[0].role, ParamRole::Input { .. }));
        assert!(matches!(m.params[1].role, ParamRole::Extract));
        assert!(matches!(m.params[2].role, ParamRole::Output { .. }));
    }

    #[test]
    fn http_bindings_can_be_renamed() {
        let m = model(
            &HTTP_TRIGGER,
            quote!(request_name = "input"),
            quote! {
                #[http_output]
                async fn f() -> &'static str { "" }
            },
        )
        .unwrap();
        let names: Vec<&str> = m.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["input", "$return"]);
        assert!(
            !m.has_return_binding,
            "an HTTP function returns its response"
        );
    }

    #[test]
    fn route_parameters_and_extractors_must_agree() {
        let http =
            |route: &str, item: TokenStream| errors(&HTTP_TRIGGER, quote!(route = #route), item);
        // Read by name, by position, through a struct, or by a binding expression.
        assert!(
            http(
                "a/{id}",
                quote!(
                    async fn f(Path(id): Path<u64>) {}
                )
            )
            .is_empty()
        );
        assert!(
            http(
                "a/{a}/{b}",
                quote!(
                    async fn f(Path((a, b)): Path<(u8, u8)>) {}
                )
            )
            .is_empty()
        );
        assert!(
            http(
                "a/{a}/{b}",
                quote!(
                    async fn f(p: Path<(u8, u8)>) {}
                )
            )
            .is_empty()
        );
        assert!(
            http(
                "a/{aB}/{c}",
                quote!(
                    async fn f(Path(P { a_b, .. }): Path<P>) {}
                )
            )
            .is_empty()
        );
        assert!(
            http(
                "a/{x}",
                quote!(
                    async fn f(p: Path<Params>) {}
                )
            )
            .is_empty()
        );
        assert!(
            http(
                "a/{name}",
                quote!(
                    async fn f(#[blob_input(path = "docs/{name}")] b: String) {}
                )
            )
            .is_empty()
        );
        // Mistakes, each from its own side.
        let e = http(
            "a/{id}",
            quote!(
                async fn f() {}
            ),
        );
        assert!(e[0].contains("`{id}` is never read"), "{e:?}");
        let e = http(
            "a/{a}/{b}",
            quote!(
                async fn f(Path(a): Path<u64>) {}
            ),
        );
        assert!(e[0].contains("reads 1 value by position"), "{e:?}");
        let e = http(
            "a/{a}",
            quote!(
                async fn f(Path((a, b)): Path<(u8, u8)>) {}
            ),
        );
        assert!(e[0].contains("`b` is not a parameter"), "{e:?}");
        let e = http(
            "a/{a}/{b}",
            quote!(
                async fn f(p: Path<(u8, u8, u8)>) {}
            ),
        );
        assert!(e[0].contains("reads 3 values by position"), "{e:?}");
        let e = http(
            "a/{a}/{b}",
            quote!(
                async fn f(Path(P { a }): Path<P>) {}
            ),
        );
        assert!(e[0].contains("`{b}` is never read"), "{e:?}");
        let e = errors(
            &HTTP_TRIGGER,
            quote!(),
            quote!(
                async fn f(Path(id): Path<u64>) {}
            ),
        );
        assert!(e[0].contains("has no `route`"), "{e:?}");
    }

    #[test]
    fn names_are_checked_where_they_are_written() {
        let e = errors(
            &QUEUE_TRIGGER,
            quote!(queue_name = "incoming"),
            quote! {
                async fn f(
                    item: String,
                    #[queue_output(name = "ITEM", queue_name = "x-1")] a: &mut Out<String>,
                    #[queue_output(name = "1st", queue_name = "x-2")] b: &mut Out<String>,
                ) {}
            },
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("two bindings are named `ITEM`"), "{e:?}");
        assert!(e[1].contains("`1st` is not a valid binding name"), "{e:?}");
        let e = errors(
            &QUEUE_TRIGGER,
            quote!(queue_name = "incoming", name = "2b"),
            quote!(
                async fn f() {}
            ),
        );
        assert!(
            e[0].contains("`2b` is not a valid Azure function name"),
            "{e:?}"
        );
        let e = errors(
            &QUEUE_TRIGGER,
            quote!(queue_name = "incoming", name = "Host"),
            quote!(
                async fn f() {}
            ),
        );
        assert!(e[0].contains("reserved"), "{e:?}");
    }
}
