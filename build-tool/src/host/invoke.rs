//! Payload-mode invocations: the §2.1 envelope out, the §3 rules on the way back.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::HostError;
use super::app::{Function, HttpMode, RETURN_BINDING};
use super::client::{OutBody, new_traceparent, send, utc_now};
use super::dotnet::from_base64_string;
use super::process::Handler;
use super::render::{Bound, HttpOutput, from_outputs, from_return, kind};
use azfn_spec::expression::new_guid;

/// What an output binding would receive from one invocation.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivered {
    /// A string that .NET's `Convert.FromBase64String` accepts, decoded, on a binding without
    /// `dataType: binary` (§3.3): `"abcd"` arrives as three bytes, not as text.
    Bytes(Bytes),
    /// A string passed on unchanged (not valid base64, or the binding is `dataType: binary`).
    Text(String),
    /// A number, boolean or object passed on unchanged.
    Json(Value),
    /// A JSON array: the binding receives one item per element (e.g. several queue
    /// messages); elements are never base64-decoded.
    Items(Vec<Value>),
    /// An `http` output: the response a caller would get.
    Http(HttpOutput),
}

impl Delivered {
    fn from_bound(bound: Bound) -> Delivered {
        match bound {
            Bound::Bytes(b) => Delivered::Bytes(b),
            Bound::Value(Value::String(s)) => Delivered::Text(s),
            Bound::Value(Value::Array(items)) => Delivered::Items(items),
            Bound::Value(v) => Delivered::Json(v),
        }
    }

    /// The text, for [`Delivered::Text`].
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Delivered::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The bytes, for [`Delivered::Bytes`].
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Delivered::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The response, for [`Delivered::Http`].
    pub fn as_http(&self) -> Option<&HttpOutput> {
        match self {
            Delivered::Http(h) => Some(h),
            _ => None,
        }
    }
}

/// The handler's raw answer to an invocation request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RawResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl RawResponse {
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The outcome of a successful payload-mode invocation, as the host's bindings see it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Invocation {
    /// The function.
    pub function: String,
    /// The `X-Azure-Functions-InvocationId` sent.
    pub invocation_id: String,
    /// Per output binding name, what it receives; a binding that receives nothing (missing or
    /// null value) is absent. `$return` appears here when function.json declares it.
    pub outputs: BTreeMap<String, Delivered>,
    /// `ReturnValue` as sent (before any binding rule).
    pub return_value: Option<Value>,
    /// `Logs`, in order: the host writes each at Information level after the response (§3.6).
    pub logs: Vec<String>,
    /// The response as received.
    pub response: RawResponse,
}

impl Invocation {
    /// What the named output binding receives.
    pub fn output(&self, binding: &str) -> Option<&Delivered> {
        self.outputs.get(binding)
    }

    /// The HTTP response of the function's `http` output, if it has one that was set.
    pub fn http(&self) -> Option<&HttpOutput> {
        self.outputs.values().find_map(Delivered::as_http)
    }
}

/// Encodes a binding value the way the host puts it in `Data` or `Metadata` (§2.3): objects
/// stay objects; everything else (strings, numbers, arrays, null) becomes a JSON string holding
/// its JSON text, so `"aaaaa"` travels as `"\"aaaaa\""`.
pub fn encode_value(value: &Value) -> Value {
    match value {
        Value::Object(_) => value.clone(),
        other => Value::String(other.to_string()),
    }
}

/// Encodes a text trigger or input value (a queue message, a blob read as string): §2.3's
/// double encoding.
pub fn encode_text(text: &str) -> Value {
    encode_value(&Value::String(text.to_string()))
}

/// Encodes binary data (`dataType: binary`) as the host does: a base64 string.
pub fn encode_bytes(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Turns a trigger's binding data into `Metadata` (§2.2): drops null values and every key
/// ending in `trigger` (any case), and adds `sys` unless present.
pub fn metadata_from_binding_data(
    function: &str,
    binding_data: Map<String, Value>,
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
                "UtcNow": utc_now(),
                "RandGuid": new_guid(),
            }),
        );
    }
    metadata
}

/// The binding data the host has for one invocation, from what it sends the handler: the
/// trigger's values (`metadata`, before [`metadata_from_binding_data`] drops the `…Trigger`
/// keys; §2.3's encoding undone), `QueueTrigger` for a queue trigger (the message as text, as
/// the queue extension's `QueueTriggerBinding.CreateBindingData`), then the top-level
/// properties of a trigger value that is a JSON object
/// ([`azfn_spec::expression::BindingData::add_json_properties`]). `sys` is left to the
/// evaluator. Every local invocation path builds its binding data here, so that a binding
/// expression resolves alike whichever path ran the function.
pub fn binding_data(
    function: &Function,
    data: &Map<String, Value>,
    metadata: &Map<String, Value>,
) -> azfn_spec::expression::BindingData {
    let mut binding = azfn_spec::expression::BindingData::new();
    binding.set_method_name(&function.name);
    for (name, value) in metadata {
        if name != "sys" {
            binding.insert(name, decode_value(value));
        }
    }
    let trigger = function.trigger();
    let text = trigger
        .and_then(|t| data.get(&t.name).map(|v| (t, v)))
        .and_then(|(t, value)| trigger_text(value, t.is_binary()));
    if let Some(text) = text {
        if trigger.is_some_and(|t| t.kind.eq_ignore_ascii_case("queueTrigger"))
            && binding.get("QueueTrigger").is_none()
        {
            binding.insert("QueueTrigger", text.as_str());
        }
        binding.add_json_properties(&text);
    }
    binding
}

/// [`binding_data`] for a whole envelope (`{"Data": ..., "Metadata": ...}`), as
/// `cargo azfn invoke` sends it with or without `start`.
pub fn envelope_binding_data(
    function: &Function,
    envelope: &Value,
) -> azfn_spec::expression::BindingData {
    let part = |key: &str| {
        envelope
            .get(key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    binding_data(function, &part("Data"), &part("Metadata"))
}

/// A `Data` or `Metadata` value with §2.3's encoding undone: a string holding JSON text is
/// that JSON value, any other string is itself, an object stays an object.
fn decode_value(value: &Value) -> Value {
    match value {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

/// A trigger value as the text the host's binding data sees: a string (double-encoded on the
/// wire, §2.3) or, for `dataType: binary`, the base64 bytes as UTF-8.
fn trigger_text(value: &Value, binary: bool) -> Option<String> {
    let Value::String(wire) = value else {
        return None;
    };
    if binary {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(wire)
            .ok()?;
        return String::from_utf8(bytes).ok();
    }
    match decode_value(value) {
        Value::String(text) => Some(text),
        _ => None,
    }
}

impl Handler {
    /// Invokes a function with the JSON payload, exactly as the host does for non-HTTP
    /// triggers (and for HTTP triggers in payload mode).
    ///
    /// `data` is sent as `Data` unchanged: values must already be wire-encoded (see
    /// [`encode_text`], [`encode_bytes`], [`encode_value`]). `metadata` is the trigger's
    /// binding data and goes through [`metadata_from_binding_data`].
    pub async fn invoke(
        &self,
        function: &str,
        data: Map<String, Value>,
        metadata: Map<String, Value>,
    ) -> Result<Invocation, HostError> {
        self.invoke_with_id(function, data, metadata, &new_guid())
            .await
    }

    /// [`Handler::invoke`] with a given `X-Azure-Functions-InvocationId`, so that the
    /// caller's own log lines carry the same id as the handler's.
    pub async fn invoke_with_id(
        &self,
        function: &str,
        data: Map<String, Value>,
        metadata: Map<String, Value>,
        invocation_id: &str,
    ) -> Result<Invocation, HostError> {
        let f = self
            .app
            .function(function)
            .ok_or_else(|| HostError::UnknownFunction(function.to_string()))?;
        let body = serde_json::json!({
            "Data": data,
            "Metadata": metadata_from_binding_data(&f.name, metadata),
        });
        self.invoke_payload(f, Bytes::from(body.to_string()), invocation_id)
            .await
    }

    /// [`Handler::invoke_raw`] with a given invocation id.
    pub async fn invoke_raw_with_id(
        &self,
        function: &str,
        body: impl Into<Bytes>,
        invocation_id: &str,
    ) -> Result<Invocation, HostError> {
        let f = self
            .app
            .function(function)
            .ok_or_else(|| HostError::UnknownFunction(function.to_string()))?;
        self.invoke_payload(f, body.into(), invocation_id).await
    }

    /// Invokes a function with a request body given byte for byte (e.g. a contract vector).
    pub async fn invoke_raw(
        &self,
        function: &str,
        body: impl Into<Bytes>,
    ) -> Result<Invocation, HostError> {
        let f = self
            .app
            .function(function)
            .ok_or_else(|| HostError::UnknownFunction(function.to_string()))?;
        self.invoke_payload(f, body.into(), &new_guid()).await
    }

    pub(crate) async fn invoke_payload(
        &self,
        function: &Function,
        body: Bytes,
        invocation_id: &str,
    ) -> Result<Invocation, HostError> {
        let response = self.send_envelope(function, body, invocation_id).await?;
        interpret(function, invocation_id, response)
    }

    async fn send_envelope(
        &self,
        function: &Function,
        body: Bytes,
        invocation_id: &str,
    ) -> Result<RawResponse, HostError> {
        // The host's client follows redirects only when forwarding is off (§3.1, derived);
        // .NET's limit is 50 and 301/302 turn a POST into a GET, 303 anything but HEAD.
        let follow = self.app.http_mode() != HttpMode::Forward;
        let mut uri: Uri = format!("{}/{}", self.base_url(), function.name)
            .parse()
            .map_err(|e| HostError::transport(&e, false))?;
        let mut method = Method::POST;
        let mut body = Some(body);
        let mut redirects = 0;
        loop {
            let mut request = http::Request::builder()
                .method(method.clone())
                .uri(uri.clone())
                .header("X-Azure-Functions-HostVersion", self.host_version())
                .header("X-Azure-Functions-InvocationId", invocation_id)
                .header(
                    USER_AGENT,
                    format!("Azure-Functions-Host/{}", self.host_version()),
                );
            if self.options.traceparent {
                request = request.header("traceparent", new_traceparent());
            }
            let out = match &body {
                Some(bytes) => {
                    request = request.header(CONTENT_TYPE, "application/json; charset=utf-8");
                    OutBody::chunked(bytes.clone())
                }
                None => OutBody::empty(),
            };
            let request = request
                .body(out)
                .map_err(|e| HostError::transport(&e, false))?;
            let timeout = self.invocation_timeout();
            let response = tokio::time::timeout(timeout, send(&self.client, request))
                .await
                .map_err(|_| HostError::Timeout(timeout))??;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_string);
            let redirect = matches!(status.as_u16(), 300 | 301 | 302 | 303 | 307 | 308);
            if let (true, true, Some(location)) = (follow && redirect, redirects < 50, location) {
                redirects += 1;
                uri = resolve_location(&uri, &location)?;
                let force_get = match status.as_u16() {
                    300..=302 => method == Method::POST,
                    303 => method != Method::GET && method != Method::HEAD,
                    _ => false,
                };
                if force_get {
                    method = Method::GET;
                    body = None;
                }
                continue;
            }
            let (parts, body) = response.into_parts();
            return Ok(RawResponse {
                status: parts.status,
                headers: parts.headers,
                body,
            });
        }
    }
}

fn resolve_location(base: &Uri, location: &str) -> Result<Uri, HostError> {
    let unsupported = |why: &str| HostError::Transport {
        message: format!("cannot follow redirect to `{location}`: {why}"),
        connect: false,
    };
    if location.starts_with("https://") {
        return Err(unsupported("the simulation speaks plain HTTP only"));
    }
    let text = if location.starts_with("http://") {
        location.to_string()
    } else {
        let authority = base.authority().map(|a| a.as_str()).unwrap_or("127.0.0.1");
        if location.starts_with('/') {
            format!("http://{authority}{location}")
        } else {
            let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
            format!("http://{authority}{dir}/{location}")
        }
    };
    text.parse().map_err(|_| unsupported("not a valid URI"))
}

/// The response body's top-level members, in document order (a `serde_json::Map` would sort
/// them, and with case-insensitive names the last spelling must win).
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

fn interpret(
    function: &Function,
    invocation_id: &str,
    response: RawResponse,
) -> Result<Invocation, HostError> {
    if !response.status.is_success() {
        return Err(HostError::InvocationFailed {
            status: response.status,
            body: response.body,
        });
    }
    let content_type = response
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // `ReadAsAsync` with the default formatters: only the JSON formatter reads this type. With
    // no reader, an explicit `Content-Length: 0` yields null, anything else throws.
    let essence = content_type
        .as_deref()
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase());
    if !matches!(essence.as_deref(), Some("application/json" | "text/json")) {
        let empty = response
            .headers
            .get(CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() == b"0");
        return Err(if empty {
            HostError::NullResult
        } else {
            HostError::InvalidMediaType {
                content_type,
                body: response.body,
            }
        });
    }
    let body = response.body.clone();
    let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&body);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(HostError::NullResult);
    }
    let deserialize = |reason: String| HostError::Deserialize {
        reason,
        body: body.clone(),
    };
    let Members(members) = serde_json::from_slice(text).map_err(|e| deserialize(e.to_string()))?;
    let members = members.ok_or(HostError::NullResult)?;

    let mut return_value = None;
    let mut outputs: Option<Map<String, Value>> = None;
    let mut logs = Vec::new();
    for (name, value) in members {
        if name.eq_ignore_ascii_case("ReturnValue") {
            return_value = (!value.is_null()).then_some(value);
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
            logs = match value {
                Value::Null => Vec::new(),
                Value::Array(items) => items
                    .into_iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(s),
                        // Newtonsoft's ReadAsString takes scalars as their JSON text; a null
                        // entry is logged by ILogger as "[null]".
                        Value::Null => Ok("[null]".to_string()),
                        v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
                        other => Err(deserialize(format!(
                            "`Logs` entries must be strings, found a JSON {}",
                            kind(&other)
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                other => {
                    return Err(deserialize(format!(
                        "`Logs` must be an array of strings, not a JSON {}",
                        kind(&other)
                    )));
                }
            };
        }
    }

    let mut delivered = BTreeMap::new();
    for binding in function.outputs() {
        if binding.name == RETURN_BINDING {
            continue;
        }
        // `GetOutputValue` compares the type case-sensitively here.
        if binding.kind == "http" {
            if let Some(outputs) = &outputs {
                let output = from_outputs(&binding.name, outputs.get(&binding.name))?;
                delivered.insert(binding.name.clone(), Delivered::Http(output));
            }
            continue;
        }
        if let Some(bound) = outputs
            .as_ref()
            .and_then(|o| o.get(&binding.name))
            .and_then(|v| binding_value(binding.is_binary(), v))
        {
            delivered.insert(binding.name.clone(), Delivered::from_bound(bound));
        }
    }
    match function.output(RETURN_BINDING) {
        Some(binding) => {
            if let Some(bound) = return_value
                .as_ref()
                .and_then(|v| binding_value(binding.is_binary(), v))
            {
                let value = if binding.kind.eq_ignore_ascii_case("http") {
                    Delivered::Http(from_return(bound))
                } else {
                    Delivered::from_bound(bound)
                };
                delivered.insert(RETURN_BINDING.to_string(), value);
            }
        }
        None => {
            // (derived) `HandleOutputDictionary`: without a `$return` binding, the members of
            // an object ReturnValue overwrite the outputs of the same name, raw.
            if let Some(Value::Object(members)) = &return_value {
                for (name, value) in members {
                    let Some(binding) = function.output(name) else {
                        continue;
                    };
                    if value.is_null() {
                        delivered.remove(name);
                    } else if binding.kind.eq_ignore_ascii_case("http") {
                        let output = from_return(Bound::Value(value.clone()));
                        delivered.insert(name.clone(), Delivered::Http(output));
                    } else {
                        let bound = Bound::Value(value.clone());
                        delivered.insert(name.clone(), Delivered::from_bound(bound));
                    }
                }
            }
        }
    }

    Ok(Invocation {
        function: function.name.clone(),
        invocation_id: invocation_id.to_string(),
        outputs: delivered,
        return_value,
        logs,
        response,
    })
}

/// `GetBindingValue` (§3.3): unchanged for `dataType: binary`; otherwise a string that
/// `Convert.FromBase64String` accepts becomes bytes. Null means "not set".
fn binding_value(binary: bool, value: &Value) -> Option<Bound> {
    match value {
        Value::Null => None,
        Value::String(s) if !binary => Some(match from_base64_string(s) {
            Some(bytes) => Bound::Bytes(Bytes::from(bytes)),
            None => Bound::Value(value.clone()),
        }),
        other => Some(Bound::Value(other.clone())),
    }
}
