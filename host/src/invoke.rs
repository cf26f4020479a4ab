//! Payload-mode invocations: the §2.1 envelope out, the §3 rules on the way back.

use std::collections::BTreeMap;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Map, Value};

use azfn_spec::answer::{Answer, AnswerError, OutputBinding};
pub use azfn_spec::answer::{Delivered, HttpOutput};
pub use azfn_spec::encoding::{encode_bytes, encode_text, encode_value};

use super::HostError;
use super::app::{Function, HttpMode};
use super::client::{OutBody, new_traceparent, send, utc_now};
use super::process::Handler;
use azfn_spec::expression::new_guid;

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
    /// Per output binding name (not `http`), what it receives; a binding that receives
    /// nothing (missing or null value) is absent. `$return` appears here when function.json
    /// declares it.
    pub outputs: BTreeMap<String, Delivered>,
    /// Per `http` output binding (`$return` included), the response a caller would get.
    pub http_outputs: BTreeMap<String, HttpOutput>,
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
        self.http_outputs.values().next()
    }
}

/// Turns a trigger's binding data into `Metadata` (§2.2), stamping `sys` with this host's
/// clock and a new GUID ([`azfn_spec::encoding::metadata_from_binding_data`]).
pub fn metadata_from_binding_data(
    function: &str,
    binding_data: Map<String, Value>,
) -> Map<String, Value> {
    azfn_spec::encoding::metadata_from_binding_data(function, binding_data, &utc_now(), &new_guid())
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
    /// The app's function of that name.
    fn function(&self, name: &str) -> Result<&Function, HostError> {
        self.app
            .function(name)
            .ok_or_else(|| HostError::UnknownFunction(name.to_string()))
    }

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
        let f = self.function(function)?;
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
        let f = self.function(function)?;
        self.invoke_payload(f, body.into(), invocation_id).await
    }

    /// Invokes a function with a request body given byte for byte (e.g. a contract vector).
    pub async fn invoke_raw(
        &self,
        function: &str,
        body: impl Into<Bytes>,
    ) -> Result<Invocation, HostError> {
        let f = self.function(function)?;
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
    let bindings: Vec<OutputBinding<'_>> = function
        .outputs()
        .map(|b| OutputBinding {
            name: &b.name,
            kind: &b.kind,
            binary: b.is_binary(),
        })
        .collect();
    let answer = Answer::read(&response.body, &bindings).map_err(|e| match e {
        AnswerError::NullResult => HostError::NullResult,
        AnswerError::Deserialize { reason } => HostError::Deserialize {
            reason,
            body: response.body.clone(),
        },
        AnswerError::HttpOutput { binding, reason } => HostError::HttpOutput { binding, reason },
    })?;
    Ok(Invocation {
        function: function.name.clone(),
        invocation_id: invocation_id.to_string(),
        outputs: answer.outputs,
        http_outputs: answer.http,
        return_value: answer.return_value,
        logs: answer.logs,
        response,
    })
}
