//! An accumulator of errors, so that every mistake in a function is reported in one compile.

/// Collected errors, emitted together as `compile_error!`s at their spans.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.errors.len()
    }

    pub(crate) fn to_compile_errors(&self) -> proc_macro2::TokenStream {
        self.errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn into_messages(self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}
