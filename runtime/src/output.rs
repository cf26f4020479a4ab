//! Values a function writes to output bindings: [`Out`] parameters and return values.

use bytes::Bytes;
use serde::Serialize;

use crate::error::BoxError;

/// A value on its way to an output binding, before the contract's encoding is applied.
///
/// The encoding (base64 or not, compact JSON text) depends on the binding and is chosen by the
/// runtime, so that what the function wrote is exactly what the binding receives.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputValue {
    /// Text, written as its UTF-8 bytes.
    Text(String),
    /// Raw bytes.
    Bytes(Bytes),
    /// A JSON document, written as its compact text.
    Json(serde_json::Value),
    /// A JSON document already serialized to compact text (what `Json<T>` produces: `T` is
    /// serialized once, straight to text, keeping its field order).
    JsonText(String),
    /// Several items (several queue messages, several documents).
    Many(Vec<OutputValue>),
}

/// Types that can be written to an output binding.
///
/// Text types write their text, byte types their bytes, [`Json`] its compact JSON text, and
/// `Vec<T>` several items (one queue message each).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written to an output binding",
    label = "not an output value",
    note = "use `String`/`&str` for text, `bytes::Bytes` or `Vec<u8>` for bytes, `azfn::Json<T>` \
            for JSON, `Vec<_>` for several items"
)]
pub trait IntoOutputValue {
    /// Converts the value, serializing JSON if needed.
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error>;
}

impl IntoOutputValue for String {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Text(self))
    }
}

impl IntoOutputValue for &str {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Text(self.to_owned()))
    }
}

impl IntoOutputValue for std::borrow::Cow<'_, str> {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Text(self.into_owned()))
    }
}

impl IntoOutputValue for Bytes {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Bytes(self))
    }
}

impl IntoOutputValue for Vec<u8> {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Bytes(Bytes::from(self)))
    }
}

impl IntoOutputValue for serde_json::Value {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        Ok(OutputValue::Json(self))
    }
}

impl<T: Serialize> IntoOutputValue for Json<T> {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        serde_json::to_string(&self.0).map(OutputValue::JsonText)
    }
}

/// One item of a multi-item output (`Vec<T>`); implemented by every single-item output type.
pub trait OutputItem: IntoOutputValue {}
impl OutputItem for String {}
impl OutputItem for &str {}
impl OutputItem for std::borrow::Cow<'_, str> {}
impl OutputItem for Bytes {}
impl OutputItem for serde_json::Value {}
impl<T: Serialize> OutputItem for Json<T> {}

impl<T: OutputItem> IntoOutputValue for Vec<T> {
    fn into_output_value(self) -> Result<OutputValue, serde_json::Error> {
        self.into_iter()
            .map(IntoOutputValue::into_output_value)
            .collect::<Result<_, _>>()
            .map(OutputValue::Many)
    }
}

/// JSON input and output: `Json<T>` reads a binding as JSON into `T`, and writes `T` as compact
/// JSON. In HTTP functions it is also the JSON body extractor and response (also named
/// `azfn::http::Json`), answering as axum's `Json` does; see [`crate::http::JsonRejection`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

/// An output binding set from inside the function: declare a `&mut Out<T>` parameter with an
/// output binding attribute and call [`Out::set`]. An `Out` left unset writes nothing.
///
/// ```
/// use azfn::Out;
///
/// #[azfn::queue_trigger(queue_name = "incoming")]
/// async fn audit(item: String, #[azfn::queue_output(queue_name = "audit")] audit: &mut Out<String>) {
///     audit.set(format!("seen: {item}"));
/// }
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct Out<T> {
    value: Option<T>,
}

impl<T> Default for Out<T> {
    fn default() -> Self {
        Self { value: None }
    }
}

impl<T> Out<T> {
    /// An unset output.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value, replacing any earlier one.
    pub fn set(&mut self, value: T) {
        self.value = Some(value);
    }

    /// The value set so far.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// True once a value is set.
    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }

    /// Removes and returns the value.
    pub fn take(&mut self) -> Option<T> {
        self.value.take()
    }
}

/// What a function without a `$return` binding may return: `()` or `Result<(), E>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the result of a function without a return binding",
    label = "the return value has nowhere to go",
    note = "return `()` or `Result<(), E>`, or declare an output for the return value, e.g. \
            `#[queue_output(queue_name = \"...\")]` on the function"
)]
pub trait Completion {
    /// `Err` when the function failed.
    fn into_completion(self) -> Result<(), BoxError>;
}

impl Completion for () {
    fn into_completion(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<E: Into<BoxError>> Completion for Result<(), E> {
    fn into_completion(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// What a function with a `$return` output binding may return: an output value, an
/// `Option` of one (`None` writes nothing), or a `Result` of either.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written to the function's return binding",
    label = "not an output value",
    note = "return `String`, `bytes::Bytes`, `azfn::Json<T>`, `Vec<_>`, an `Option` of one, or a \
            `Result` of those"
)]
pub trait ReturnValue {
    /// The value to write (`None` writes nothing), or the function's error.
    fn into_return_value(self) -> Result<Option<OutputValue>, ReturnError>;
}

/// Why a return value cannot be written.
#[derive(Debug)]
pub enum ReturnError {
    /// The function returned `Err`.
    Function(BoxError),
    /// The value could not be serialized.
    Json(serde_json::Error),
}

impl<T: IntoOutputValue> ReturnValue for T {
    fn into_return_value(self) -> Result<Option<OutputValue>, ReturnError> {
        self.into_output_value()
            .map(Some)
            .map_err(ReturnError::Json)
    }
}

impl<T: IntoOutputValue> ReturnValue for Option<T> {
    fn into_return_value(self) -> Result<Option<OutputValue>, ReturnError> {
        self.map(IntoOutputValue::into_output_value)
            .transpose()
            .map_err(ReturnError::Json)
    }
}

impl<T: ReturnValue, E: Into<BoxError>> ReturnValue for Result<T, E> {
    fn into_return_value(self) -> Result<Option<OutputValue>, ReturnError> {
        self.map_err(|e| ReturnError::Function(e.into()))?
            .into_return_value()
    }
}

/// What an `Out<T>` parameter may hold.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an output parameter",
    label = "output parameters are `&mut Out<T>`",
    note = "write the parameter as `name: &mut azfn::Out<T>` with `T` an output value type"
)]
pub trait OutParam: Sized {
    /// The value before the function runs: unset.
    fn unset() -> Self;

    /// The value to write, if one was set.
    fn into_output(self) -> Result<Option<OutputValue>, serde_json::Error>;
}

impl<T: IntoOutputValue> OutParam for Out<T> {
    fn unset() -> Self {
        Self::new()
    }

    fn into_output(mut self) -> Result<Option<OutputValue>, serde_json::Error> {
        self.take()
            .map(IntoOutputValue::into_output_value)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_bytes_json_and_many_convert_as_written() {
        assert_eq!(
            "abcd".into_output_value().unwrap(),
            OutputValue::Text("abcd".into())
        );
        assert_eq!(
            vec![1u8, 2].into_output_value().unwrap(),
            OutputValue::Bytes(Bytes::from_static(&[1, 2]))
        );
        assert_eq!(
            Json(serde_json::json!({"a": 1}))
                .into_output_value()
                .unwrap(),
            OutputValue::JsonText("{\"a\":1}".into())
        );
        assert_eq!(
            vec!["a", "b"].into_output_value().unwrap(),
            OutputValue::Many(vec![
                OutputValue::Text("a".into()),
                OutputValue::Text("b".into())
            ])
        );
    }

    #[test]
    fn return_values_distinguish_errors_from_values() {
        let ok: Result<String, std::io::Error> = Ok("x".into());
        assert_eq!(
            ok.into_return_value().unwrap(),
            Some(OutputValue::Text("x".into()))
        );
        let none: Result<Option<String>, String> = Ok(None);
        assert_eq!(none.into_return_value().unwrap(), None);
        let err: Result<String, String> = Err("boom".into());
        assert!(
            matches!(err.into_return_value(), Err(ReturnError::Function(e)) if e.to_string() == "boom")
        );
    }

    #[test]
    fn unset_out_writes_nothing() {
        let out: Out<String> = Out::new();
        assert_eq!(out.into_output().unwrap(), None);
        let mut out = Out::new();
        out.set("v".to_owned());
        assert_eq!(
            out.into_output().unwrap(),
            Some(OutputValue::Text("v".into()))
        );
    }
}

/// A struct of several outputs, returned by a function that declares named outputs on
/// itself: `#[derive(azfn::Outputs)]`, one field per binding (field name = binding name, or
/// `#[output(name = "...")]`). A field of type `Option<T>` writes nothing when `None`.
///
/// ```
/// #[derive(azfn::Outputs)]
/// struct Routed { audit: String, orders: Option<Vec<String>> }
///
/// #[azfn::queue_trigger(queue_name = "incoming")]
/// #[azfn::queue_output(name = "audit", queue_name = "audit")]
/// #[azfn::queue_output(name = "orders", queue_name = "orders")]
/// async fn split(item: String) -> Routed {
///     let orders = item.starts_with("order").then(|| vec![item.clone()]);
///     Routed { audit: format!("seen: {item}"), orders }
/// }
/// # fn main() {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot feed the function's named output bindings",
    label = "not a struct of outputs",
    note = "return a struct with `#[derive(azfn::Outputs)]` whose fields are the output \
            bindings declared on the function, or a `Result` of one"
)]
pub trait OutputSet {
    /// The binding names the fields feed, in declaration order.
    const FIELDS: &'static [&'static str];

    /// The value of each field (`None`: nothing to write), or the function's error.
    fn into_outputs(self) -> Result<Vec<(&'static str, Option<OutputValue>)>, ReturnError>;
}

impl<T: OutputSet, E: Into<BoxError>> OutputSet for Result<T, E> {
    const FIELDS: &'static [&'static str] = T::FIELDS;

    fn into_outputs(self) -> Result<Vec<(&'static str, Option<OutputValue>)>, ReturnError> {
        self.map_err(|e| ReturnError::Function(e.into()))?
            .into_outputs()
    }
}

/// True when `a` and `b` hold the same names, in any order (checked at compile time).
pub const fn same_names(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        let mut found = false;
        let mut j = 0;
        while j < b.len() {
            if str_eq(a[i], b[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod set_tests {
    use super::*;

    #[test]
    fn names_match_in_any_order_only_when_equal_sets() {
        assert!(same_names(&["a", "b"], &["b", "a"]));
        assert!(!same_names(&["a", "b"], &["a", "c"]));
        assert!(!same_names(&["a"], &["a", "b"]));
        assert!(same_names(&[], &[]));
    }
}
