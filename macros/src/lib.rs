//! Attribute macros for azfn. Depend on the `azfn` crate, which re-exports them with their
//! documentation; this crate only holds the proc-macro entry points.

mod attr;
mod catalog;
mod errors;
mod expand;
mod function;

use proc_macro::TokenStream;

fn location() -> function::Location {
    let span = proc_macro::Span::call_site();
    function::Location {
        file: span.file(),
        line: span.line(),
        column: span.column(),
    }
}

/// An HTTP-triggered function. See the `azfn` crate documentation.
#[proc_macro_attribute]
pub fn http_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand_trigger(&catalog::HTTP_TRIGGER, args.into(), item.into(), location()).into()
}

/// A Storage-queue-triggered function. See the `azfn` crate documentation.
#[proc_macro_attribute]
pub fn queue_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand_trigger(
        &catalog::QUEUE_TRIGGER,
        args.into(),
        item.into(),
        location(),
    )
    .into()
}

/// A Storage-queue output binding, on a `&mut Out<T>` parameter or on the function (its return
/// value). See the `azfn` crate documentation.
#[proc_macro_attribute]
pub fn queue_output(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand_binding_on_fn(&catalog::QUEUE_OUTPUT, args.into(), item.into()).into()
}
