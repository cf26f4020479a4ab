//! What an HTTP caller receives from an `http` output binding (CONTRACT §3.4, §3.5).

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::HostError;
use super::app::get_ci;
use super::dotnet::int_try_parse;

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
pub(crate) enum Bound {
    Bytes(Bytes),
    Value(Value),
}

/// The `Outputs.<name>` path (§3.4): the value is re-read as `{StatusCode, Status, Body,
/// Headers}` (names in any case, all optional), then rendered. `None` (no such key while
/// `Outputs` exists) gives the host's empty object, written as `{}`.
pub(crate) fn from_outputs(binding: &str, value: Option<&Value>) -> Result<HttpOutput, HostError> {
    let invalid = |reason: String| HostError::HttpOutput {
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
    let as_string = |key: &str| -> Result<Option<String>, HostError> {
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
pub(crate) fn from_return(bound: Bound) -> HttpOutput {
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

pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
