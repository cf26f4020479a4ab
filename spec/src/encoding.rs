//! How the host puts a value into an invocation's `Data` or `Metadata` (CONTRACT §2.3), for the
//! code that plays the host's part: the local host and `azfn::testing`.
//!
//! The host serializes each value as a .NET object: JSON objects stay objects, and everything
//! else (strings, numbers, arrays, null) becomes a JSON string holding its JSON text, so a queue
//! message `aaaaa` travels as `"\"aaaaa\""`. Binary data (`dataType: binary`) travels as a
//! base64 string.

use base64::Engine as _;
use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName};
use serde_json::{Map, Value};

/// Encodes a binding value as the host does in `Data` and `Metadata`.
///
/// ```
/// use azfn_spec::encoding::encode_value;
/// use serde_json::json;
/// assert_eq!(encode_value(&json!({"a": 1})), json!({"a": 1}));
/// assert_eq!(encode_value(&json!(12)), json!("12"));
/// assert_eq!(encode_value(&json!("aaaaa")), json!("\"aaaaa\""));
/// ```
pub fn encode_value(value: &Value) -> Value {
    match value {
        Value::Object(_) => value.clone(),
        other => Value::String(other.to_string()),
    }
}

/// Encodes a text trigger or input value (a queue message, a blob read as a string): the double
/// encoding of a .NET string.
pub fn encode_text(text: &str) -> Value {
    Value::String(Value::String(text.to_owned()).to_string())
}

/// Encodes binary data (`dataType: binary`, or a blob read as bytes): a base64 string.
pub fn encode_bytes(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The `sys` entry of `Metadata`, and how the trigger's binding data becomes `Metadata`
/// (CONTRACT §2.2): null values and every key ending in `trigger` (any case) are dropped, and
/// `sys` is added unless the binding data has one. The clock and the GUID come from the caller,
/// so tests can fix them.
pub fn metadata_from_binding_data(
    function: &str,
    binding_data: Map<String, Value>,
    utc_now: &str,
    rand_guid: &str,
) -> Map<String, Value> {
    let mut metadata: Map<String, Value> = binding_data
        .into_iter()
        .filter(|(k, v)| !v.is_null() && !k.to_ascii_lowercase().ends_with("trigger"))
        .collect();
    if !metadata.contains_key("sys") {
        metadata.insert(
            "sys".into(),
            serde_json::json!({
                "MethodName": function,
                "UtcNow": utc_now,
                "RandGuid": rand_guid,
            }),
        );
    }
    metadata
}

/// ASP.NET's query parsing (`QueryHelpers.ParseNullableQuery`): `&`-separated pairs, `+` and
/// `%XX` decoded (invalid escapes stay as written), a pair without `=` has an empty value, keys
/// merge ignoring case (first spelling kept), values in order.
pub fn parse_query(raw: &str) -> Vec<(String, Vec<String>)> {
    let decode = |text: &str| crate::route::percent_decode(text, true);
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for segment in raw.split('&').filter(|s| !s.is_empty()) {
        let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
        let (key, value) = (decode(key), decode(value));
        match pairs
            .iter_mut()
            .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
        {
            Some((_, values)) => values.push(value),
            None => pairs.push((key, vec![value])),
        }
    }
    pairs
}

/// Header names as Kestrel reports them: canonical casing for the headers it knows, the
/// received spelling otherwise (here lower case, which is all `http::HeaderMap` keeps).
pub fn kestrel_header_name(name: &HeaderName) -> String {
    const KNOWN: &[&str] = &[
        "Accept",
        "Accept-Charset",
        "Accept-Encoding",
        "Accept-Language",
        "Access-Control-Request-Headers",
        "Access-Control-Request-Method",
        "Authorization",
        "Baggage",
        "Cache-Control",
        "Connection",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Location",
        "Content-MD5",
        "Content-Range",
        "Content-Type",
        "Cookie",
        "Correlation-Context",
        "Expect",
        "From",
        "Host",
        "If-Match",
        "If-Modified-Since",
        "If-None-Match",
        "If-Range",
        "If-Unmodified-Since",
        "Keep-Alive",
        "Max-Forwards",
        "Origin",
        "Pragma",
        "Proxy-Authorization",
        "Range",
        "Referer",
        "Request-Id",
        "TE",
        "Trailer",
        "Traceparent",
        "Tracestate",
        "Transfer-Encoding",
        "Translate",
        "Upgrade",
        "Upgrade-Insecure-Requests",
        "User-Agent",
        "Via",
        "Warning",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name.as_str()))
        .map_or_else(|| name.as_str().to_string(), |k| k.to_string())
}

/// The request's headers grouped by name, in Kestrel's spelling, each with its values in order.
pub fn header_groups(headers: &HeaderMap) -> Vec<(String, Vec<String>)> {
    headers
        .keys()
        .map(|name| {
            let values = headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            (kestrel_header_name(name), values)
        })
        .collect()
}

/// Completes a request that a tool sends in a client's place (the test client, `invoke`) with
/// what a real client sends and the host's front door relies on: a `Host` (`host` unless the
/// request names one) and, for a body, its `Content-Length` (unless the request declares one).
pub fn add_client_headers(request: &mut http::Request<Bytes>, host: &'static str) {
    let length = request.body().len();
    let headers = request.headers_mut();
    if !headers.contains_key(HOST) {
        headers.insert(HOST, http::HeaderValue::from_static(host));
    }
    if length > 0 && !headers.contains_key(CONTENT_LENGTH) {
        headers.insert(CONTENT_LENGTH, http::HeaderValue::from(length));
    }
}

/// The declared `Content-Length`, if it is a number.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// An HTTP trigger's request with what routing found: the parsed query and the route
/// template's values (`None` for an optional parameter the path left out).
#[derive(Clone, Copy, Debug)]
pub struct HttpTriggerRequest<'a> {
    /// The request as the host received it (body complete).
    pub request: &'a http::Request<Bytes>,
    /// [`parse_query`] of its query string.
    pub query: &'a [(String, Vec<String>)],
    /// The route parameters, in template order.
    pub route_values: &'a [(String, Option<String>)],
}

impl HttpTriggerRequest<'_> {
    /// `Data.req` (CONTRACT §2.4, `GetRequestAsJObject`).
    pub fn data(&self) -> Value {
        let request = self.request;
        let scheme = request.uri().scheme_str().unwrap_or("http");
        let host = request
            .headers()
            .get(HOST)
            .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
            .unwrap_or_default();
        let raw_query = request
            .uri()
            .query()
            .filter(|q| !q.is_empty())
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let mut req = Map::new();
        req.insert(
            "Url".into(),
            format!("{scheme}://{host}{}{raw_query}", request.uri().path()).into(),
        );
        req.insert("Method".into(), request.method().as_str().into());
        req.insert(
            "Query".into(),
            Value::Object(
                self.query
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.join(","))))
                    .collect(),
            ),
        );
        req.insert(
            "Headers".into(),
            Value::Object(
                header_groups(request.headers())
                    .into_iter()
                    .map(|(k, v)| (k, Value::from(v)))
                    .collect(),
            ),
        );
        // (derived) Optional parameters the path left out appear with a null value.
        req.insert(
            "Params".into(),
            Value::Object(
                self.route_values
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
                    .collect(),
            ),
        );
        req.insert(
            "Identities".into(),
            serde_json::json!([{
                "AuthenticationType": null,
                "IsAuthenticated": false,
                "Actor": null,
                "BootstrapContext": null,
                "Claims": [],
                "Label": null,
                "Name": null,
                "NameClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                "RoleClaimType": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
            }]),
        );
        // Only with Content-Length > 0: chunked uploads reach the handler without a body.
        if content_length(request.headers()).is_some_and(|n| n > 0) {
            let body = request.body();
            let binary = request
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .map(|t| {
                    t.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
                .is_some_and(|t| t == "application/octet-stream" || t.contains("multipart/"));
            let value = if binary {
                base64::engine::general_purpose::STANDARD.encode(body)
            } else {
                // `ReadAsStringAsync`: UTF-8, byte order mark dropped, invalid bytes replaced.
                let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
                String::from_utf8_lossy(text).into_owned()
            };
            req.insert("Body".into(), Value::String(value));
        }
        Value::Object(req)
    }

    /// The trigger's binding data, which becomes `Metadata` (CONTRACT §2.4): each query
    /// parameter (last value) and route parameter under its own name, JSON-encoded; `Query`
    /// with one value per key; `Headers` with one string per name, values joined with `,` as
    /// .NET's `StringValues.ToString()` joins them.
    pub fn binding_data(&self) -> Map<String, Value> {
        let mut binding_data = Map::new();
        for (key, values) in self.query {
            if let Some(last) = values.last() {
                binding_data.insert(key.clone(), encode_value(&Value::String(last.clone())));
            }
        }
        for (name, value) in self.route_values {
            if let Some(value) = value {
                binding_data.insert(name.clone(), encode_value(&Value::String(value.clone())));
            }
        }
        binding_data.insert(
            "Query".into(),
            Value::Object(
                self.query
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), Value::String(v.last()?.clone()))))
                    .collect(),
            ),
        );
        binding_data.insert(
            "Headers".into(),
            Value::Object(
                header_groups(self.request.headers())
                    .into_iter()
                    .map(|(name, values)| (name, Value::String(values.join(","))))
                    .collect(),
            ),
        );
        binding_data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keys_merge_ignoring_case() {
        let q = parse_query("tag=red&Tag=green&flag&a+b=c%2Cd");
        assert_eq!(
            q,
            vec![
                (
                    "tag".to_string(),
                    vec!["red".to_string(), "green".to_string()]
                ),
                ("flag".to_string(), vec![String::new()]),
                ("a b".to_string(), vec!["c,d".to_string()]),
            ]
        );
    }

    #[test]
    fn known_headers_get_kestrel_casing() {
        assert_eq!(
            kestrel_header_name(&http::header::CONTENT_TYPE),
            "Content-Type"
        );
        assert_eq!(
            kestrel_header_name(&HeaderName::from_static("x-functions-key")),
            "x-functions-key"
        );
    }
}
