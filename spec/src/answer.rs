//! How the host reads a handler's answer to an invocation (CONTRACT §3): which output bindings
//! receive what, the response an `http` output produces, the logs. One reading, used by the
//! local host (`cargo azfn start` and `invoke`) and by `azfn::testing`, so a test sees what
//! Azure's bindings would.
//!
//! The rules follow the host's `HttpScriptInvocationResult` handling
//! (`DefaultHttpWorkerService`, `HttpScriptInvocationResultExtensions`, `HttpBinding`, MVC's
//! `ObjectResult` formatting): marked *(derived)* where the behaviour was inferred from how the
//! pieces combine rather than read off one place.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::dotnet::{from_base64_string, int_try_parse};

/// The name of the binding that receives a function's return value.
pub const RETURN_BINDING: &str = "$return";

/// Why the host would reject a handler's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The body is empty, white space or JSON `null`: the host reads no result and fails the
    /// invocation ("null result").
    #[error("the handler answered no result (an empty body or `null`)")]
    NullResult,
    /// The body is not the JSON object the host deserializes.
    #[error("the host cannot read the handler's answer: {reason}")]
    Deserialize {
        /// What does not fit.
        reason: String,
    },
    /// An `http` output in `Outputs` is not a response description.
    #[error(
        "Output body should have 'StatusCode', 'Status', 'Body', and 'Headers' (binding `{binding}`: {reason})"
    )]
    HttpOutput {
        /// The output binding.
        binding: String,
        /// What does not fit.
        reason: String,
    },
}

/// An output binding of the invoked function, as far as reading the answer needs it.
#[derive(Clone, Copy, Debug)]
pub struct OutputBinding<'a> {
    /// The binding's `name` (`$return` for the return value).
    pub name: &'a str,
    /// The binding's `type`, as written in `function.json`.
    pub kind: &'a str,
    /// Whether it has `dataType: binary`, which keeps strings from being base64-decoded.
    pub binary: bool,
}

/// What an output binding receives from the host.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivered {
    /// A string that .NET's `Convert.FromBase64String` accepts, decoded, on a binding without
    /// `dataType: binary` (§3.3): `"abcd"` arrives as three bytes, not as text.
    Bytes(Vec<u8>),
    /// A string passed on unchanged (not valid base64, or the binding is `dataType: binary`).
    Text(String),
    /// A number, boolean or object passed on unchanged.
    Json(Value),
    /// A JSON array: the binding receives one item per element (e.g. several queue messages);
    /// elements are never base64-decoded.
    Items(Vec<Value>),
}

impl Delivered {
    /// The host's `GetBindingValue` rule (§3.3) for a value sent to a binding: unchanged for
    /// `dataType: binary`; otherwise a string that `Convert.FromBase64String` accepts becomes
    /// bytes. `None` for null, which means "not set".
    pub fn from_sent(binary: bool, sent: &Value) -> Option<Self> {
        Some(match sent {
            Value::Null => return None,
            Value::String(s) if binary => Self::Text(s.clone()),
            Value::String(s) => match from_base64_string(s) {
                Some(bytes) => Self::Bytes(bytes),
                None => Self::Text(s.clone()),
            },
            Value::Array(items) => Self::Items(items.clone()),
            other => Self::Json(other.clone()),
        })
    }

    /// What a text consumer of the binding reads (a queue message, a blob read as text).
    pub fn text(&self) -> String {
        match self {
            Self::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            Self::Text(t) => t.clone(),
            Self::Json(v) => v.to_string(),
            Self::Items(items) => Value::Array(items.clone()).to_string(),
        }
    }

    /// The bytes the binding writes.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Bytes(b) => b.clone(),
            other => other.text().into_bytes(),
        }
    }

    /// The value read as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            Self::Json(v) => serde_json::from_value(v.clone()),
            Self::Items(items) => serde_json::from_value(Value::Array(items.clone())),
            other => serde_json::from_slice(&other.bytes()),
        }
    }

    /// The items of a multi-item output as text (a single value is one item).
    pub fn items(&self) -> Vec<String> {
        match self {
            Self::Items(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            other => vec![other.text()],
        }
    }

    /// The text, for [`Delivered::Text`].
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The bytes, for [`Delivered::Bytes`].
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// A handler's answer as the host reads it.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Answer {
    /// Per output binding (not `http`), what it receives; a binding that receives nothing
    /// (missing or null value) is absent. `$return` appears here when function.json declares
    /// a non-`http` `$return` binding.
    pub outputs: BTreeMap<String, Delivered>,
    /// Per `http` output binding (`$return` included), the response a caller gets.
    pub http: BTreeMap<String, HttpOutput>,
    /// `ReturnValue` as sent (before any binding rule); `None` when absent or null.
    pub return_value: Option<Value>,
    /// `Logs`, in order: the host writes each at Information level after the response (§3.6).
    pub logs: Vec<String>,
}

impl Answer {
    /// Reads the body of a 2xx answer with a JSON media type (§3.2), for a function whose
    /// output bindings are `bindings`.
    ///
    /// Member names are matched in any case, as Newtonsoft does; a leading UTF-8 byte order
    /// mark is skipped; `Outputs` keys are matched to bindings case-sensitively (§3.3).
    pub fn read(body: &[u8], bindings: &[OutputBinding<'_>]) -> Result<Self, AnswerError> {
        let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        if text.iter().all(u8::is_ascii_whitespace) {
            return Err(AnswerError::NullResult);
        }
        let deserialize = |reason: String| AnswerError::Deserialize { reason };
        let Members(members) =
            serde_json::from_slice(text).map_err(|e| deserialize(e.to_string()))?;
        let members = members.ok_or(AnswerError::NullResult)?;

        let mut answer = Answer::default();
        let mut outputs: Option<Map<String, Value>> = None;
        for (name, value) in members {
            if name.eq_ignore_ascii_case("ReturnValue") {
                answer.return_value = (!value.is_null()).then_some(value);
            } else if name.eq_ignore_ascii_case("Outputs") {
                outputs = match value {
                    Value::Null => None,
                    Value::Object(o) => Some(o),
                    other => {
                        return Err(deserialize(format!(
                            "`Outputs` must be an object, not a JSON {}",
                            kind(&other)
                        )));
                    }
                };
            } else if name.eq_ignore_ascii_case("Logs") {
                answer.logs = read_logs(value).map_err(deserialize)?;
            }
        }

        for binding in bindings.iter().filter(|b| b.name != RETURN_BINDING) {
            // `GetOutputValue` compares the type case-sensitively here.
            if binding.kind == "http" {
                if let Some(outputs) = &outputs {
                    let output = from_outputs(binding.name, outputs.get(binding.name))?;
                    answer.http.insert(binding.name.to_owned(), output);
                }
                continue;
            }
            if let Some(delivered) = outputs
                .as_ref()
                .and_then(|o| o.get(binding.name))
                .and_then(|v| Delivered::from_sent(binding.binary, v))
            {
                answer.outputs.insert(binding.name.to_owned(), delivered);
            }
        }
        match bindings.iter().find(|b| b.name == RETURN_BINDING) {
            Some(binding) => {
                if let Some(value) = &answer.return_value {
                    if binding.kind.eq_ignore_ascii_case("http") {
                        let output = from_return(bound(binding.binary, value));
                        answer.http.insert(RETURN_BINDING.to_owned(), output);
                    } else if let Some(delivered) = Delivered::from_sent(binding.binary, value) {
                        answer.outputs.insert(RETURN_BINDING.to_owned(), delivered);
                    }
                }
            }
            None => {
                // (derived) `HandleOutputDictionary`: without a `$return` binding, the members
                // of an object ReturnValue overwrite the outputs of the same name, raw.
                if let Some(Value::Object(members)) = &answer.return_value {
                    for (name, value) in members {
                        let Some(binding) = bindings.iter().find(|b| b.name == name) else {
                            continue;
                        };
                        if value.is_null() {
                            answer.outputs.remove(name);
                            answer.http.remove(name);
                        } else if binding.kind.eq_ignore_ascii_case("http") {
                            let output = from_return(Bound::Value(value.clone()));
                            answer.http.insert(name.clone(), output);
                        } else {
                            answer.outputs.insert(name.clone(), raw(value));
                        }
                    }
                }
            }
        }
        Ok(answer)
    }

    /// What the named output binding receives.
    pub fn output(&self, binding: &str) -> Option<&Delivered> {
        self.outputs.get(binding)
    }

    /// The response of the function's `http` output, if it has one that was set.
    pub fn http_output(&self) -> Option<&HttpOutput> {
        self.http.values().next()
    }
}

/// A value handed to a binding unchanged (no base64 rule).
fn raw(value: &Value) -> Delivered {
    match value {
        Value::String(s) => Delivered::Text(s.clone()),
        Value::Array(items) => Delivered::Items(items.clone()),
        other => Delivered::Json(other.clone()),
    }
}

/// `GetBindingValue` for the `$return` of an `http` binding: bytes when a string was
/// base64-decoded, otherwise the value unchanged.
fn bound(binary: bool, value: &Value) -> Bound {
    match value {
        Value::String(s) if !binary => match from_base64_string(s) {
            Some(bytes) => Bound::Bytes(Bytes::from(bytes)),
            None => Bound::Value(value.clone()),
        },
        other => Bound::Value(other.clone()),
    }
}

fn read_logs(value: Value) -> Result<Vec<String>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                // Newtonsoft's ReadAsString takes scalars as their JSON text; a null entry is
                // logged by ILogger as "[null]".
                Value::Null => Ok("[null]".to_string()),
                v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
                other => Err(format!(
                    "`Logs` entries must be strings, found a JSON {}",
                    kind(&other)
                )),
            })
            .collect(),
        other => Err(format!(
            "`Logs` must be an array of strings, not a JSON {}",
            kind(&other)
        )),
    }
}

/// The answer's top-level members in document order (with names compared in any case, the
/// last spelling must win, so no map), or `None` for JSON `null`, which the host reads as no
/// result.
struct Members(Option<Vec<(String, Value)>>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object (HttpScriptInvocationResult)")
            }
            fn visit_unit<E>(self) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_none<E>(self) -> Result<Members, E> {
                Ok(Members(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    members.push(entry);
                }
                Ok(Members(Some(members)))
            }
        }
        deserializer.deserialize_any(MembersVisitor)
    }
}

/// A member of a JSON object by name: exact first, then in any case, as Newtonsoft does.
fn get_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The HTTP response an `http` output binding produces, as the host would write it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HttpOutput {
    /// Status code.
    pub status: StatusCode,
    /// Headers, `Content-Type` included.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// Set when the handler asked for something the host cannot write (a null or multi-line
    /// header value, an out-of-range status): the host then fails the response with 500,
    /// which is what `status`, `headers` and `body` hold, and this says why.
    pub problem: Option<String>,
}

impl HttpOutput {
    /// The response a caller receives.
    pub fn to_response(&self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }

    /// The `Content-Type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    fn failed(problem: String) -> HttpOutput {
        HttpOutput {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            problem: Some(problem),
        }
    }

    fn json(text: String) -> HttpOutput {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        HttpOutput {
            status: StatusCode::OK,
            headers,
            body: Bytes::from(text),
            problem: None,
        }
    }
}

/// What a binding is handed after `GetBindingValue`: bytes when a string was base64-decoded,
/// otherwise the JSON value unchanged.
#[derive(Clone, Debug)]
enum Bound {
    Bytes(Bytes),
    Value(Value),
}

/// The `Outputs.<name>` path (§3.4): the value is re-read as `{StatusCode, Status, Body,
/// Headers}` (names in any case, all optional), then rendered. `None` (no such key while
/// `Outputs` exists) gives the host's empty object, written as `{}`.
fn from_outputs(binding: &str, value: Option<&Value>) -> Result<HttpOutput, AnswerError> {
    let invalid = |reason: String| AnswerError::HttpOutput {
        binding: binding.to_string(),
        reason,
    };
    let object = match value {
        None | Some(Value::Null) => return Ok(HttpOutput::json("{}".into())),
        Some(Value::Object(o)) => o.clone(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) => o,
            Ok(other) => {
                return Err(invalid(format!(
                    "the string holds a JSON {}, not an object",
                    kind(&other)
                )));
            }
            Err(e) => return Err(invalid(format!("the string is not JSON: {e}"))),
        },
        Some(other) => return Err(invalid(format!("the value is a JSON {}", kind(other)))),
    };
    // `HttpOutputBindingResponse.StatusCode` and `.Status` are strings: Newtonsoft accepts
    // scalars for them and fails on objects and arrays.
    let as_string = |key: &str| -> Result<Option<String>, AnswerError> {
        match get_ci(&object, key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
            Some(v) => Err(invalid(format!("`{key}` is a JSON {}", kind(v)))),
        }
    };
    let status_code = as_string("statusCode")?;
    // Validated like the host does, then ignored: on this path only `statusCode` counts.
    as_string("status")?;
    let headers = match get_ci(&object, "headers") {
        None | Some(Value::Null) => None,
        Some(Value::Object(h)) => Some(h),
        Some(v) => return Err(invalid(format!("`headers` is a JSON {}", kind(v)))),
    };
    let status = match status_code.as_deref().map(int_try_parse) {
        None | Some(None) => 200,
        Some(Some(code)) => code,
    };
    let body = get_ci(&object, "body").unwrap_or(&Value::Null);
    Ok(write_object_result(
        status,
        body,
        headers,
        BodyStyle::Outputs,
    ))
}

/// The `$return` path (§3.5, `HttpBinding.CreateResult`): strings are JSON-parsed when they
/// can be; an object with a `body` member is a response description whose `statusCode` *or*
/// `status` counts; anything else is the body itself.
fn from_return(bound: Bound) -> HttpOutput {
    let content = match bound {
        // (uncertain) a base64-decoded `ReturnValue` reaches MVC as a byte array; written raw.
        Bound::Bytes(bytes) => {
            let mut headers = HeaderMap::new();
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            return HttpOutput {
                status: StatusCode::OK,
                headers,
                body: bytes,
                problem: None,
            };
        }
        Bound::Value(Value::String(s)) if s.trim().is_empty() => Value::Null,
        Bound::Value(Value::String(s)) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        Bound::Value(v) => v,
    };
    let Value::Object(object) = &content else {
        return write_object_result(200, &content, None, BodyStyle::Return);
    };
    let Some(body) = get_ci(object, "body") else {
        // Not a response description: the whole object is the body.
        return HttpOutput::json(content.to_string());
    };
    let headers = get_ci(object, "headers").and_then(Value::as_object);
    // `TryParseStatusCode`: a present `statusCode` key, even null, hides `status`.
    let status_value = get_ci(object, "statusCode").or_else(|| get_ci(object, "status"));
    let status = match status_value {
        Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Some(Value::String(s)) => int_try_parse(s),
        _ => None,
    }
    .unwrap_or(200);
    let raw = matches!(get_ci(object, "isRaw"), Some(Value::Bool(true)));
    let style = if raw {
        BodyStyle::Raw
    } else {
        BodyStyle::Return
    };
    write_object_result(status, body, headers, style)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyStyle {
    /// `Outputs` path: objects indented, everything `text/plain` by default.
    Outputs,
    /// `$return` path: non-strings as compact JSON, `application/json` by default.
    Return,
    /// `isRaw: true`: written with `ToString()`, headers set directly.
    Raw,
}

fn write_object_result(
    status: i32,
    body: &Value,
    headers: Option<&Map<String, Value>>,
    style: BodyStyle,
) -> HttpOutput {
    let Some(status) = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
    else {
        return HttpOutput::failed(format!("status code {status} cannot be written"));
    };
    let (bytes, default_type) = match (body, style) {
        (Value::Null, _) => (None, None),
        (Value::String(s), _) => (Some(s.clone()), Some("text/plain; charset=utf-8")),
        (Value::Bool(b), BodyStyle::Raw) => (
            Some(if *b { "True" } else { "False" }.to_string()),
            Some("text/plain; charset=utf-8"),
        ),
        (other, BodyStyle::Outputs) => (
            Some(serde_json::to_string_pretty(other).unwrap_or_default()),
            Some("text/plain; charset=utf-8"),
        ),
        (other, BodyStyle::Raw) => (Some(other.to_string()), Some("text/plain; charset=utf-8")),
        (other, BodyStyle::Return) => (
            Some(other.to_string()),
            Some("application/json; charset=utf-8"),
        ),
    };

    let mut map = HeaderMap::new();
    let mut content_type: Option<String> = None;
    for (name, value) in headers.into_iter().flatten() {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => {
                return HttpOutput::failed(format!(
                    "header `{name}` is null (the host throws NullReferenceException)"
                ));
            }
            // JToken.ToString() is indented: anything but `[]`/`{}` spans lines and Kestrel
            // rejects it below.
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        };
        if name.eq_ignore_ascii_case("content-type") && bytes.is_some() {
            if style == BodyStyle::Raw || is_media_type(&text) {
                content_type = Some(text);
            }
            continue;
        }
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            return HttpOutput::failed(format!("`{name}` is not a valid header name"));
        };
        let Ok(header_value) = HeaderValue::from_str(&text) else {
            return HttpOutput::failed(format!(
                "the value of header `{name}` contains characters HTTP forbids: {text:?}"
            ));
        };
        if map.contains_key(&header_name) {
            if style == BodyStyle::Raw {
                return HttpOutput::failed(format!("header `{name}` is given twice"));
            }
            // ScriptObjectResult keeps the first and drops the duplicate.
            continue;
        }
        map.insert(header_name, header_value);
    }
    if bytes.is_some() {
        let chosen = content_type
            .map(|t| with_charset(&t))
            .or(default_type.map(str::to_string));
        if let Some(chosen) = chosen {
            match HeaderValue::from_str(&chosen) {
                Ok(v) => {
                    map.insert(CONTENT_TYPE, v);
                }
                Err(_) => {
                    return HttpOutput::failed(format!("content type {chosen:?} is not writable"));
                }
            }
        }
    }
    HttpOutput {
        status,
        headers: map,
        body: bytes.map(Bytes::from).unwrap_or_default(),
        problem: None,
    }
}

/// `MediaTypeHeaderValue.TryParse`, roughly: `type/subtype` tokens, then parameters.
fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or("").trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    matches!(essence.split_once('/'), Some((t, s)) if token(t) && token(s))
}

/// (derived) The text formatters append `charset=utf-8` to text and JSON types without one.
fn with_charset(content_type: &str) -> String {
    let lower = content_type.to_ascii_lowercase();
    let essence = lower.split(';').next().unwrap_or("").trim();
    let textual = essence.starts_with("text/")
        || essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if textual && !lower.contains("charset=") {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_string()
    }
}

/// The JSON type of a value, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
