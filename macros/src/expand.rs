//! Code generation: the user's function unchanged, plus its metadata record and entry point.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ItemFn;
use syn::spanned::Spanned as _;

use crate::function::{self, FunctionModel, Location, ParamRole};
use azfn_spec::catalog::BindingKind;

/// Expands a trigger attribute. Errors come out as `compile_error!`s next to the user's
/// function, which is always emitted so the IDE keeps working.
pub(crate) fn expand_trigger(
    kind: &'static BindingKind,
    args: TokenStream,
    item: TokenStream,
    location: Location,
) -> TokenStream {
    let item: ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                format!("`#[{}]` goes on an `async fn`", kind.attr),
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    match function::parse(kind, args, item, location) {
        Ok(model) => {
            let record_text = record_json(&model);
            let (record, guard) = match &model.mcp {
                Some(mcp) => {
                    let ret_ty = match &model.item.sig.output {
                        syn::ReturnType::Default => quote!(()),
                        syn::ReturnType::Type(_, ty) => quote!(#ty),
                    };
                    (
                        crate::mcp::record_pieces(&record_text, mcp, &ret_ty),
                        crate::mcp::duplicate_guard(mcp),
                    )
                }
                None => (quote!(#record_text), quote!()),
            };
            let entry = entry_point(&model);
            let item = &model.item;
            let consumed = &model.consumed_attrs;
            quote! {
                #item
                #guard
                #[doc(hidden)]
                const _: () = {
                    #(#[allow(unused_imports)] use #consumed as _;)*
                    const __AZFN_RECORD_JSON: &str = #record;
                    #[used]
                    static __AZFN_RECORD: [u8; ::azfn::__private::record_len(__AZFN_RECORD_JSON.len())] =
                        ::azfn::__private::encode_record(__AZFN_RECORD_JSON);
                    #[::azfn::__private::linkme::distributed_slice(::azfn::__private::FUNCTIONS)]
                    #[linkme(crate = ::azfn::__private::linkme)]
                    static __AZFN_ENTRY: ::azfn::__private::FunctionEntry =
                        ::azfn::__private::FunctionEntry {
                            record: &__AZFN_RECORD,
                            handler: #entry,
                        };
                };
            }
        }
        Err(failed) => {
            let (errors, item) = *failed;
            let errors = errors.to_compile_errors();
            quote!(#item #errors)
        }
    }
}

/// Expands a binding attribute written on a function (not a parameter). When the trigger
/// attribute stands below it, the trigger has not run yet: move this attribute under the
/// trigger so the trigger sees it. Without any trigger it is a mistake.
pub(crate) fn expand_binding_on_fn(
    kind: &'static BindingKind,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let Ok(mut item) = syn::parse2::<ItemFn>(item.clone()) else {
        let error = syn::Error::new(
            Span::call_site(),
            format!(
                "`#[{}]` goes on a function with a trigger attribute, or on one of its parameters",
                kind.attr
            ),
        )
        .to_compile_error();
        return quote!(#error #item);
    };
    let trigger_at = item.attrs.iter().position(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| azfn_spec::catalog::trigger_by_attr(&s.ident.to_string()).is_some())
    });
    let Some(trigger_at) = trigger_at else {
        let error = syn::Error::new(
            Span::call_site(),
            format!(
                "`#[{}]` needs a trigger attribute on the same function, e.g. `#[queue_trigger(...)]`",
                kind.attr
            ),
        )
        .to_compile_error();
        return quote!(#error #item);
    };
    let ident = format_ident!("{}", kind.attr);
    let moved: syn::Attribute = syn::parse_quote!(#[::azfn::#ident(#args)]);
    item.attrs.insert(trigger_at + 1, moved);
    quote!(#item)
}

/// The function record's JSON: the exact `function.json` plus the Azure and Rust names and the
/// source location (see `azfn::metadata`).
fn record_json(model: &FunctionModel) -> String {
    let bindings: Vec<serde_json::Value> = model
        .bindings
        .iter()
        .map(|b| {
            let mut object = serde_json::Map::new();
            object.insert("type".into(), b.json_type.clone().into());
            object.insert("direction".into(), b.direction.as_json().into());
            object.insert("name".into(), b.name.clone().into());
            for (key, value) in &b.settings {
                object.insert(key.clone(), value.clone());
            }
            serde_json::Value::Object(object)
        })
        .collect();
    let mut function = serde_json::Map::new();
    function.insert("bindings".into(), serde_json::Value::Array(bindings));
    for (key, value) in &model.function_settings {
        function.insert(key.clone(), value.clone());
    }
    serde_json::json!({
        "format": 1,
        "name": model.function_name,
        "rust_fn": function::rust_ident(&model.item).to_string(),
        "source": {
            "file": model.location.file,
            "line": model.location.line,
            "column": model.location.column,
        },
        "function": function,
    })
    .to_string()
}

fn entry_point(model: &FunctionModel) -> TokenStream {
    if model.is_http {
        http_entry_point(model)
    } else {
        event_entry_point(model)
    }
}

fn event_entry_point(model: &FunctionModel) -> TokenStream {
    let user_fn = function::rust_ident(&model.item);
    let trigger = &model.trigger_binding;
    let mut setup = Vec::new();
    let mut call_args = Vec::new();
    let mut finish = Vec::new();
    for (i, param) in model.params.iter().enumerate() {
        let ty = &param.ty;
        let var = format_ident!("__azfn_arg{}", i);
        match &param.role {
            ParamRole::Extract => {
                setup.push(quote_spanned! {ty.span()=>
                    let #var = <#ty as ::azfn::__private::FromInvocation>::from_invocation(&__inv, #trigger)?;
                });
                call_args.push(quote!(#var));
            }
            ParamRole::Input { binding } => {
                // Spanned at the type, so a type that cannot hold the binding's value is
                // reported on the parameter with `FromBindingValue`'s message.
                setup.push(quote_spanned! {ty.span()=>
                    let #var = __inv.input::<#ty>(#binding)?;
                });
                call_args.push(quote!(#var));
            }
            ParamRole::Output { binding, ty } => {
                setup.push(quote_spanned! {ty.span()=>
                    let mut #var = <#ty as ::azfn::__private::OutParam>::unset();
                });
                call_args.push(quote!(&mut #var));
                // Spanned like the setup, so a type that is not an output is reported once, there.
                finish.push(quote_spanned!(ty.span()=> __inv.set_output::<#ty>(#binding, #var)?;));
            }
        }
    }
    let ret_span = match &model.item.sig.output {
        syn::ReturnType::Default => model.item.sig.ident.span(),
        syn::ReturnType::Type(_, ty) => ty.span(),
    };
    let complete = if let Some(mcp) = &model.mcp {
        crate::mcp::completion(mcp.kind, ret_span)
    } else if model.has_return_binding {
        quote_spanned!(ret_span=> __inv.set_return(__azfn_ret)?;)
    } else if !model.struct_outputs.is_empty() {
        let names = &model.struct_outputs;
        let ret_ty = match &model.item.sig.output {
            syn::ReturnType::Default => quote!(()),
            syn::ReturnType::Type(_, ty) => quote!(#ty),
        };
        quote_spanned! {ret_span=>
            const _: () = ::core::assert!(
                ::azfn::__private::same_names(
                    <#ret_ty as ::azfn::__private::OutputSet>::FIELDS,
                    &[#(#names),*],
                ),
                "the fields of the returned `#[derive(azfn::Outputs)]` struct must be exactly the \
                 function's named output bindings",
            );
            __inv.set_outputs(__azfn_ret)?;
        }
    } else {
        quote_spanned!(ret_span=> __inv.complete(__azfn_ret)?;)
    };
    quote! {
        ::azfn::__private::Handler::Event({
            fn __azfn_entry(
                mut __inv: ::azfn::__private::Invocation,
            ) -> ::azfn::__private::BoxFuture<
                ::core::result::Result<::azfn::__private::Invocation, ::azfn::__private::InvocationFailure>,
            > {
                ::std::boxed::Box::pin(async move {
                    #(#setup)*
                    let __azfn_ret = #user_fn(#(#call_args),*).await;
                    #(#finish)*
                    #complete
                    ::core::result::Result::Ok(__inv)
                })
            }
            __azfn_entry
        })
    }
}

fn http_entry_point(model: &FunctionModel) -> TokenStream {
    let user_fn = function::rust_ident(&model.item);
    let extractors: Vec<usize> = model
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.role, ParamRole::Extract))
        .map(|(i, _)| i)
        .collect();
    let last_extractor = extractors.last().copied();
    // Input bindings are read from the request's parts first, before the last extractor
    // consumes them.
    let mut inputs = Vec::new();
    let mut setup = Vec::new();
    let mut call_args = Vec::new();
    let mut finish = Vec::new();
    for (i, param) in model.params.iter().enumerate() {
        let ty = &param.ty;
        let var = format_ident!("__azfn_arg{}", i);
        match &param.role {
            ParamRole::Input { binding } => {
                inputs.push(quote_spanned! {ty.span()=>
                    let #var = match ::azfn::__private::InputSource::read::<#ty>(&__parts, #binding) {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(rejection) => return rejection,
                    };
                });
                call_args.push(quote!(#var));
            }
            ParamRole::Extract if Some(i) == last_extractor => {
                setup.push(quote_spanned! {ty.span()=>
                    let #var = match ::azfn::__private::from_request::<#ty, _>(__parts, __body).await {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(rejection) => return rejection,
                    };
                });
                call_args.push(quote!(#var));
            }
            ParamRole::Extract => {
                setup.push(quote_spanned! {ty.span()=>
                    let #var = match ::azfn::__private::from_request_parts::<#ty>(&mut __parts).await {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(rejection) => return rejection,
                    };
                });
                call_args.push(quote!(#var));
            }
            ParamRole::Output { binding, ty } => {
                setup.push(quote_spanned! {ty.span()=>
                    let mut #var = <#ty as ::azfn::__private::OutParam>::unset();
                });
                call_args.push(quote!(&mut #var));
                finish.push(quote_spanned!(ty.span()=> __sink.set::<#ty>(#binding, #var);));
            }
        }
    }
    let ret_span = match &model.item.sig.output {
        syn::ReturnType::Default => model.item.sig.ident.span(),
        syn::ReturnType::Type(_, ty) => ty.span(),
    };
    // An `Err` that is an error, not a response, fails the invocation (see the runtime's
    // `http_return`); the choice is made by method resolution on a borrow of the value.
    let respond = quote_spanned! {ret_span=>
        {
            #[allow(unused_imports)]
            use ::azfn::__private::{AnswersAsIsKind as _, FailsOnErrKind as _};
            let __azfn_kind = (&::azfn::__private::HttpReturn(&__azfn_ret)).__azfn_kind();
            __azfn_kind.respond(__azfn_ret)
        }
    };
    let consume = if last_extractor.is_none() {
        quote!(let _ = (&mut __parts, __body);)
    } else {
        quote!()
    };
    quote! {
        ::azfn::__private::Handler::Http({
            fn __azfn_entry(
                __request: ::azfn::__private::HttpRequest,
            ) -> ::azfn::__private::BoxFuture<::azfn::__private::Response> {
                // Split outside the future, which would otherwise keep the whole request
                // beside its parts for the invocation's length.
                #[allow(unused_mut)]
                let (mut __parts, __body) = __request.into_parts();
                ::std::boxed::Box::pin(async move {
                    let __sink = ::azfn::__private::OutputSink::from_parts(&__parts);
                    #(#inputs)*
                    #consume
                    #(#setup)*
                    let __azfn_ret = #user_fn(#(#call_args),*).await;
                    #(#finish)*
                    #respond
                })
            }
            __azfn_entry
        })
    }
}
