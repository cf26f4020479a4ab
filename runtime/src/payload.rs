//! Decoding of invocation payloads (contract §2).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::PayloadError;
use crate::metadata::Binding;
use crate::output::Json;

/// The body the host POSTs to `/{FunctionName}`: `{"Data": {...}, "Metadata": {...}}`.
///
/// Values are kept as raw JSON text and parsed only when a function asks for them: the host
/// sends much the function never reads (an HTTP request's `Identities`, most metadata), and
/// building a tree of all of it was the largest cost of an invocation.
#[derive(Debug, Default)]
pub struct InvocationRequest {
    data: Vec<(String, Box<RawValue>)>,
    metadata: Option<Box<RawValue>>,
}

impl InvocationRequest {
    /// Parses a payload. Member names are matched case-insensitively, as Newtonsoft does on the
    /// host's side; a missing `Data` or `Metadata` is empty (the host always sends both, but a
    /// hand-written test payload may not), a `null` one too.
    pub fn parse(body: &[u8]) -> Result<Self, PayloadError> {
        let top: Box<RawValue> = serde_json::from_slice(body).map_err(PayloadError::NotJson)?;
        if raw_kind(&top) != "an object" {
            return Err(PayloadError::BadShape(format!(
                "the body is {}",
                raw_kind(&top)
            )));
        }
        let members: Vec<(String, Box<RawValue>)> = serde_json::from_str::<RawObject>(top.get())
            .map_err(PayloadError::NotJson)?
            .0;
        let mut request = Self::default();
        for (key, value) in members {
            let is_data = key.eq_ignore_ascii_case("Data");
            if !is_data && !key.eq_ignore_ascii_case("Metadata") {
                continue;
            }
            match raw_kind(&value) {
                "null" => {}
                "an object" if is_data => {
                    request.data = serde_json::from_str::<RawObject>(value.get())
                        .map_err(PayloadError::NotJson)?
                        .0;
                }
                "an object" => request.metadata = Some(value),
                other => {
                    return Err(PayloadError::BadShape(format!("`{key}` is {other}")));
                }
            }
        }
        Ok(request)
    }

    /// The raw JSON of input binding `name` in `Data`.
    pub fn raw_data(&self, name: &str) -> Option<&RawValue> {
        self.data
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| &**value)
    }

    /// Input binding `name` in `Data`, parsed (still encoded by §2.3; see [`decode_value`]).
    pub fn data(&self, name: &str) -> Option<Value> {
        // Infallible: a `RawValue` always holds valid JSON.
        self.raw_data(name)
            .map(|raw| serde_json::from_str(raw.get()).expect("raw values are valid JSON"))
    }

    /// The binding names present in `Data`, in order.
    pub fn data_names(&self) -> impl Iterator<Item = &str> {
        self.data.iter().map(|(key, _)| key.as_str())
    }

    /// The raw JSON of `Metadata`, if it was sent.
    pub fn raw_metadata(&self) -> Option<&RawValue> {
        self.metadata.as_deref()
    }

    /// Takes `Metadata` out, raw, for the invocation context.
    pub(crate) fn take_metadata(&mut self) -> Option<Box<RawValue>> {
        self.metadata.take()
    }
}

/// A JSON object's members with their values left as raw text, in order. Duplicate keys are
/// kept as they come (the host never sends any).
struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawObject, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(RawObject(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// What kind of JSON value `raw` holds, for error messages, from its first character.
pub(crate) fn raw_kind(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Parses a metadata object kept raw; `None` or an unreadable one is empty.
pub(crate) fn parse_metadata(raw: Option<&RawValue>) -> Map<String, Value> {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A `Data` or `Metadata` value after undoing the host's encoding (§2.3).
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedValue {
    /// A .NET string (the host JSON-encodes it once more inside a JSON string).
    Text(String),
    /// A JSON document: an object as sent, or an array/number/bool the host sent as JSON text.
    Json(Value),
    /// A `null` input (e.g. a missing blob), sent as the text `null`.
    Null,
    /// A string that is not JSON text: binary data as base64, or a payload written by hand in
    /// the older documented form. Kept as is.
    Raw(String),
}

/// Undoes the host's encoding of one value. Objects arrive as objects; everything else arrives
/// as a JSON string whose content is the JSON text of the value.
pub fn decode_value(value: &Value) -> DecodedValue {
    match value {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::String(text)) => DecodedValue::Text(text),
            Ok(Value::Null) => DecodedValue::Null,
            Ok(json) => DecodedValue::Json(json),
            Err(_) => DecodedValue::Raw(s.clone()),
        },
        Value::Null => DecodedValue::Null,
        other => DecodedValue::Json(other.clone()),
    }
}

/// Types that a trigger or input binding's value can be read as.
#[diagnostic::on_unimplemented(
    message = "a binding value cannot be read as `{Self}`",
    label = "unsupported input type",
    note = "use `String` for text, `Vec<u8>` or `bytes::Bytes` for bytes, `azfn::Json<T>` for \
            JSON, `serde_json::Value`, or an `Option` of one"
)]
pub trait FromBindingValue: Sized {
    /// A short description of the type for error messages.
    const EXPECTED: &'static str;

    /// Reads the value of `binding`; `None` when `Data` has no entry for it.
    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String>;
}

fn required(value: Option<&Value>) -> Result<&Value, String> {
    value.ok_or_else(|| "the value is missing".to_owned())
}

impl FromBindingValue for String {
    const EXPECTED: &'static str = "text (`String`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            let bytes = base64_bytes(value)?;
            return String::from_utf8(bytes).map_err(|_| "the bytes are not UTF-8 text".into());
        }
        match decode_value(value) {
            DecodedValue::Text(text) | DecodedValue::Raw(text) => Ok(text),
            DecodedValue::Json(json) => Ok(json.to_string()),
            DecodedValue::Null => Err("the value is null; use `Option<String>`".into()),
        }
    }
}

fn base64_bytes(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(s) => BASE64
            .decode(s.as_bytes())
            .map_err(|e| format!("`dataType: binary` value is not base64: {e}")),
        other => Err(format!(
            "`dataType: binary` value should be a base64 string, found {}",
            json_kind(other)
        )),
    }
}

impl FromBindingValue for Vec<u8> {
    const EXPECTED: &'static str = "bytes (`Vec<u8>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            return base64_bytes(value);
        }
        String::from_binding_value(binding, Some(value)).map(String::into_bytes)
    }
}

impl FromBindingValue for Bytes {
    const EXPECTED: &'static str = "bytes (`Bytes`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        Vec::<u8>::from_binding_value(binding, value).map(Bytes::from)
    }
}

impl FromBindingValue for Value {
    const EXPECTED: &'static str = "JSON (`serde_json::Value`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            let bytes = base64_bytes(value)?;
            return serde_json::from_slice(&bytes).map_err(|e| e.to_string());
        }
        match decode_value(value) {
            DecodedValue::Json(json) => Ok(json),
            DecodedValue::Null => Ok(Value::Null),
            // A .NET string holding JSON text (queue messages, blobs read as text).
            DecodedValue::Text(text) | DecodedValue::Raw(text) => {
                serde_json::from_str(&text).map_err(|e| format!("the text is not JSON: {e}"))
            }
        }
    }
}

impl<T: DeserializeOwned> FromBindingValue for Json<T> {
    const EXPECTED: &'static str = "JSON (`Json<T>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let json = Value::from_binding_value(binding, value)?;
        serde_json::from_value(json)
            .map(Json)
            .map_err(|e| e.to_string())
    }
}

/// One element of a batch (`cardinality: many`): `Vec<String>`, `Vec<Json<T>>`,
/// `Vec<serde_json::Value>`. (`Vec<u8>` stays bytes.)
pub trait BatchItem: Sized {
    /// Reads one element of the batch's JSON array.
    fn from_batch_element(element: Value) -> Result<Self, String>;
}

impl BatchItem for String {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        match element {
            Value::String(text) => Ok(text),
            other => Ok(other.to_string()),
        }
    }
}

impl BatchItem for Value {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        Ok(element)
    }
}

impl<T: DeserializeOwned> BatchItem for Json<T> {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        // Event Hubs and Service Bus batches of strings hold each message as JSON text.
        let element = match element {
            Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
            other => other,
        };
        serde_json::from_value(element)
            .map(Json)
            .map_err(|e| e.to_string())
    }
}

/// A batch trigger (`cardinality: many`): the host sends the array as JSON text (§2.3).
impl<T: BatchItem> FromBindingValue for Vec<T> {
    const EXPECTED: &'static str = "a batch (`Vec<_>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let json = Value::from_binding_value(binding, value).map_err(|e| {
            format!("{e}; a batch is a JSON array (set `cardinality = \"many\"` on the trigger)")
        })?;
        match json {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_batch_element(item).map_err(|e| format!("item {i}: {e}")))
                .collect(),
            other => Err(format!(
                "a batch is a JSON array, found {}; set `cardinality = \"many\"` on the trigger",
                json_kind(&other)
            )),
        }
    }
}

impl<T: FromBindingValue> FromBindingValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) if !binding.is_binary() && decode_value(v) == DecodedValue::Null => Ok(None),
            Some(v) => T::from_binding_value(binding, Some(v)).map(Some),
        }
    }
}

/// The fields of the HTTP trigger's value (§2.4) that make the request. `Query`, `Params` and
/// `Identities` are not read: the query is in `Url`, route values come from routing, and the
/// identities (the bulk of the value) are skipped without being built.
#[derive(serde::Deserialize)]
struct HttpTriggerValue<'a> {
    #[serde(rename = "Url", alias = "url", borrow, default)]
    url: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "Method", alias = "method", borrow, default)]
    method: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "Headers", alias = "headers", default)]
    headers: Option<Map<String, Value>>,
    #[serde(rename = "Body", alias = "body", borrow, default)]
    body: Option<&'a RawValue>,
}

/// The HTTP trigger's value (§2.4), turned back into a request.
pub(crate) fn http_request_from_raw(
    binding: &str,
    raw: &RawValue,
) -> Result<http::Request<axum::body::Body>, PayloadError> {
    let bad = |reason: String| PayloadError::HttpRequest {
        binding: binding.to_owned(),
        reason,
    };
    let value: HttpTriggerValue<'_> =
        serde_json::from_str(raw.get()).map_err(|e| bad(e.to_string()))?;
    let method = match value.method.as_deref() {
        Some(m) => http::Method::from_bytes(m.to_ascii_uppercase().as_bytes())
            .map_err(|_| bad(format!("`Method` {m:?} is not an HTTP method")))?,
        None => http::Method::GET,
    };
    let url = value.url.as_deref().unwrap_or("/");
    let (authority, path_and_query) = split_url(url);
    let uri: http::Uri = if path_and_query.starts_with('/') {
        path_and_query.parse()
    } else {
        format!("/{path_and_query}").parse()
    }
    .map_err(|e| bad(format!("`Url` {url:?} has an invalid path: {e}")))?;
    let mut headers = http::HeaderMap::new();
    for (name, values) in value.headers.iter().flatten() {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad(format!("header name {name:?} is invalid")))?;
        let values: &[Value] = match values {
            Value::Array(items) => items,
            single => std::slice::from_ref(single),
        };
        for v in values {
            let value = match v {
                Value::String(s) => http::HeaderValue::from_str(s),
                Value::Null => continue,
                other => http::HeaderValue::from_str(&other.to_string()),
            }
            .map_err(|_| bad(format!("header {name} has an invalid value")))?;
            headers.append(name.clone(), value);
        }
    }
    if !headers.contains_key(http::header::HOST)
        && let Some(authority) = authority
        && let Ok(v) = http::HeaderValue::from_str(authority)
    {
        headers.insert(http::header::HOST, v);
    }
    let body = match value.body {
        None => Bytes::new(),
        Some(raw) => match raw_kind(raw) {
            "null" => Bytes::new(),
            "a string" => {
                let text: String =
                    serde_json::from_str(raw.get()).map_err(|e| bad(e.to_string()))?;
                if is_base64_content_type(&headers) {
                    Bytes::from(
                        BASE64
                            .decode(text.as_bytes())
                            .map_err(|e| bad(format!("binary `Body` is not base64: {e}")))?,
                    )
                } else {
                    Bytes::from(text)
                }
            }
            // Older hosts parsed JSON bodies into objects; keep their text.
            _ => Bytes::from(raw.get().to_owned()),
        },
    };
    let mut request = http::Request::new(axum::body::Body::from(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// The host base64-encodes bodies of exactly these content types (§2.4).
fn is_base64_content_type(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let ct = ct.trim().to_ascii_lowercase();
            ct.starts_with("application/octet-stream") || ct.starts_with("multipart/")
        })
        .unwrap_or(false)
}

/// Splits `scheme://authority/path?query` into the authority and `/path?query`.
fn split_url(url: &str) -> (Option<&str>, &str) {
    if let Some(rest) = url.split_once("://").map(|(_, rest)| rest) {
        let cut = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(cut);
        let tail = if tail.is_empty() { "/" } else { tail };
        (Some(authority), tail)
    } else {
        (None, url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Direction;

    fn binding(binary: bool) -> Binding {
        let mut settings = Map::new();
        if binary {
            settings.insert("dataType".into(), "binary".into());
        }
        Binding {
            kind: "queueTrigger".into(),
            direction: Direction::In,
            name: "item".into(),
            settings,
        }
    }

    #[test]
    fn strings_are_decoded_twice() {
        let v = Value::String("\"abcd\"".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "abcd"
        );
        let v = Value::String("\"1234\"".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "1234"
        );
    }

    #[test]
    fn the_documented_unencoded_form_is_read_as_text() {
        let v = Value::String("{ message: \"Message sent\" }".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "{ message: \"Message sent\" }"
        );
    }

    #[test]
    fn null_is_none_for_options_and_an_error_for_strings() {
        let v = Value::String("null".into());
        assert_eq!(
            Option::<String>::from_binding_value(&binding(false), Some(&v)).unwrap(),
            None
        );
        assert!(String::from_binding_value(&binding(false), Some(&v)).is_err());
        assert_eq!(
            Option::<String>::from_binding_value(&binding(false), None).unwrap(),
            None
        );
    }

    #[test]
    fn batches_are_arrays_of_items() {
        let v = Value::String(r#"["a","{\"id\":1}"]"#.into());
        assert_eq!(
            Vec::<String>::from_binding_value(&binding(false), Some(&v)).unwrap(),
            ["a", "{\"id\":1}"]
        );
        let docs: Vec<Json<serde_json::Map<String, Value>>> = Vec::from_binding_value(
            &binding(false),
            Some(&Value::String(r#"[{"id":1},"{\"id\":2}"]"#.into())),
        )
        .unwrap();
        assert_eq!(docs[1].0["id"], 2);
        let e = Vec::<String>::from_binding_value(
            &binding(false),
            Some(&Value::String("\"x\"".into())),
        )
        .unwrap_err();
        assert!(e.contains("cardinality"), "{e}");
    }

    #[test]
    fn binary_values_are_base64() {
        let v = Value::String("aGVsbG8=".into());
        assert_eq!(
            Vec::<u8>::from_binding_value(&binding(true), Some(&v)).unwrap(),
            b"hello"
        );
        let v = Value::String("not base64!".into());
        assert!(Vec::<u8>::from_binding_value(&binding(true), Some(&v)).is_err());
    }

    #[test]
    fn payload_shape_errors_are_explained() {
        assert!(matches!(
            InvocationRequest::parse(b"{"),
            Err(PayloadError::NotJson(_))
        ));
        let e = InvocationRequest::parse(b"[]").unwrap_err();
        assert!(e.to_string().contains("an array"), "{e}");
        let e = InvocationRequest::parse(br#"{"Data": 3}"#).unwrap_err();
        assert!(e.to_string().contains("`Data` is a number"), "{e}");
        let ok = InvocationRequest::parse(br#"{"data": {"a": 1}}"#).unwrap();
        assert_eq!(ok.data("a"), Some(Value::from(1)));
        assert!(ok.raw_metadata().is_none());
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://h:1/api/x?a=1"),
            (Some("h:1"), "/api/x?a=1")
        );
        assert_eq!(split_url("http://h?a=1"), (Some("h"), "?a=1"));
        assert_eq!(split_url("http://h"), (Some("h"), "/"));
        assert_eq!(split_url("/api/x"), (None, "/api/x"));
    }
}
