//! `#[derive(Outputs)]`: a struct whose fields feed a function's named output bindings.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, LitStr};

/// Expands the derive; errors come out as `compile_error!`s at the field or item at fault.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match derive(input) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn derive(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(Outputs)]` goes on a struct with one named field per output binding",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "`#[derive(Outputs)]` needs named fields: each field's name is a binding name",
        ));
    };
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let mut name = ident.to_string().trim_start_matches("r#").to_owned();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("output")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    name = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("`#[output]` takes only `name = \"...\"`"))
                }
            });
            if let Err(e) = result {
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
        }
        let ty = &field.ty;
        values.push(quote_spanned! {ty.span()=>
            (#name, <#ty as ::azfn::__private::ReturnValue>::into_return_value(self.#ident)?)
        });
        names.push(name);
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::azfn::__private::OutputSet for #ident #ty_generics #where_clause {
            const FIELDS: &'static [&'static str] = &[#(#names),*];

            fn into_outputs(
                self,
            ) -> ::core::result::Result<
                ::std::vec::Vec<(&'static str, ::core::option::Option<::azfn::__private::OutputValue>)>,
                ::azfn::__private::ReturnError,
            > {
                ::core::result::Result::Ok(::std::vec![#(#values),*])
            }
        }
    })
}
