//! The host's HTTP front door: a request to `/{routePrefix}/{route}` becomes a payload
//! invocation (§2.4, §3.4), a forwarded request (§4.1) or a proxied one (§4.2).
//!
//! Input bindings other than the trigger reach the handler only in a payload invocation: the
//! host forwards or proxies a request only for a function whose sole bindings are the
//! `httpTrigger` and the `http` output (`DefaultHttpWorkerService.InvokeAsync` tests
//! `FunctionMetadataExtensions.IsHttpInAndOutFunction`), so a function with a blob input is
//! always invoked with a payload, whatever the app's HTTP mode, and its inputs are in `Data`.
//! [`Handler::http_with_inputs`] reads them through an [`InputBindings`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue, TRANSFER_ENCODING,
    USER_AGENT,
};
use http::{HeaderMap, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

use super::HostError;
use super::app::{ConfigSection, Function, HttpMode, RouteMatch};
use super::client::{OutBody, send};
use super::dotnet::url_encode;
use azfn_spec::encoding::{HttpTriggerRequest, content_length, parse_query};

use super::invoke::{Invocation, binding_data, metadata_from_binding_data};
use super::process::Handler;
use azfn_spec::expression::{BindingData, new_guid};

/// Reads the input bindings of a function other than its trigger, as the host's bindings do
/// before the invocation: the `Data` entries to add, by binding name. An error fails the
/// invocation (the host answers 500), as a failing input binding does in Azure.
pub trait InputBindings: Send + Sync {
    /// The `Data` entries of `function`'s non-trigger inputs, their paths resolved against
    /// `binding_data` (the trigger's route parameters, query and headers).
    fn read<'a>(
        &'a self,
        function: &'a Function,
        binding_data: &'a BindingData,
    ) -> BoxFuture<'a, Result<Map<String, Value>, String>>;
}

/// No storage behind the host: no input binding is read, and the handler gets no `Data` entry
/// for it (what [`Handler::http`] does).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoInputBindings;

impl InputBindings for NoInputBindings {
    fn read<'a>(
        &'a self,
        _function: &'a Function,
        _binding_data: &'a BindingData,
    ) -> BoxFuture<'a, Result<Map<String, Value>, String>> {
        Box::pin(async { Ok(Map::new()) })
    }
}

/// What the front door did with a request. Every response from [`Handler::http`] carries one
/// in its extensions: `response.extensions().get::<HttpTrace>()`.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct HttpTrace {
    /// The function the route resolved to (`None`: the host answered 404 itself).
    pub function: Option<String>,
    /// How the request reached the handler.
    pub mode: Option<HttpMode>,
    /// The invocation id sent to the handler.
    pub invocation_id: Option<String>,
    /// Payload mode: the whole invocation (outputs such as queue messages, logs).
    pub invocation: Option<Arc<Invocation>>,
    /// Why the host answered 500: the invocation failed.
    pub error: Option<Arc<HostError>>,
    /// Payload mode: the binding data of the trigger (route parameters, query, headers), which
    /// the output bindings' paths are resolved against.
    pub binding_data: Option<Arc<BindingData>>,
}

/// The `Host` a request without one is taken to have been sent to: `func start`'s default.
pub const DEFAULT_HOST: &str = "localhost:7071";

/// How long proxy mode waits between attempts when the handler refuses connections
/// (`RetryProxyHandler`: 10 attempts, ≈1.85 s in all).
const PROXY_RETRY_DELAYS_MS: [u64; 9] = [50, 100, 200, 250, 250, 250, 250, 250, 250];

impl Handler {
    /// Serves one HTTP request the way the host does, in the app's HTTP mode.
    ///
    /// `request` is taken as received on the wire: its URI path must start with the route
    /// prefix (`/api/...`); a request without `Host` is taken as sent to [`DEFAULT_HOST`], and
    /// a non-empty body without `Content-Length` or `Transfer-Encoding` gets the
    /// `Content-Length` any HTTP/1.1 client would have sent. The peer address for
    /// `X-Forwarded-For` is read from a [`SocketAddr`] in the request extensions, if present.
    ///
    /// Host-level answers: 404 when no route matches (wrong method or disabled function
    /// included), 413 beyond the body limit, 500 when the invocation fails (the reason is in
    /// the response's [`HttpTrace`]). Key authorization is not simulated: like `func start`,
    /// every `authLevel` is treated as anonymous.
    ///
    /// The only `Err` is [`HostError::NullResult`]: the real host would never answer.
    ///
    /// Input bindings other than the trigger are not read: use [`Handler::http_with_inputs`]
    /// where storage is available.
    pub async fn http(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HostError> {
        self.http_with_inputs(request, &NoInputBindings).await
    }

    /// [`Handler::http`], with the function's other input bindings read by `inputs` and sent
    /// in `Data` (payload mode, the only mode a function with such bindings is invoked in).
    pub async fn http_with_inputs(
        &self,
        request: Request<Bytes>,
        inputs: &dyn InputBindings,
    ) -> Result<Response<Bytes>, HostError> {
        let request = normalize(request);
        let Some(route) = self.app.find_route(request.method(), request.uri().path()) else {
            return Ok(bare(StatusCode::NOT_FOUND, HttpTrace::default()));
        };
        let function = route.function;
        let mut trace = HttpTrace {
            function: Some(function.name.clone()),
            ..HttpTrace::default()
        };
        let declared = content_length(request.headers());
        if request.body().len() as u64 > self.max_request_body
            || declared.is_some_and(|n| n > self.max_request_body)
        {
            return Ok(bare(StatusCode::PAYLOAD_TOO_LARGE, trace));
        }
        let mode = self.app.mode_for(function);
        let invocation_id = new_guid();
        trace.mode = Some(mode);
        trace.invocation_id = Some(invocation_id.clone());
        let outcome = match mode {
            HttpMode::Payload => self
                .http_payload(&route, &request, &invocation_id, inputs, &mut trace)
                .await
                .map(|(response, invocation)| {
                    trace.invocation = Some(Arc::new(invocation));
                    response
                }),
            HttpMode::Forward => self.http_forward(function, &request, &invocation_id).await,
            HttpMode::Proxy => self.http_proxy(&request, &invocation_id).await,
        };
        match outcome {
            Ok(mut response) => {
                response.extensions_mut().insert(trace);
                Ok(response)
            }
            Err(HostError::NullResult) => Err(HostError::NullResult),
            Err(error) => {
                trace.error = Some(Arc::new(error));
                Ok(bare(StatusCode::INTERNAL_SERVER_ERROR, trace))
            }
        }
    }

    async fn http_payload(
        &self,
        route: &RouteMatch<'_>,
        request: &Request<Bytes>,
        invocation_id: &str,
        inputs: &dyn InputBindings,
        trace: &mut HttpTrace,
    ) -> Result<(Response<Bytes>, Invocation), HostError> {
        let function = route.function;
        let trigger = function
            .http_trigger()
            .ok_or_else(|| HostError::UnknownFunction(function.name.clone()))?;
        let query = parse_query(request.uri().query().unwrap_or(""));
        let trigger_request = HttpTriggerRequest {
            request,
            query: &query,
            route_values: &route.values,
        };
        let mut data = Map::new();
        data.insert(trigger.name.clone(), trigger_request.data());
        let metadata = metadata_from_binding_data(&function.name, trigger_request.binding_data());
        let resolved = Arc::new(binding_data(function, &data, &metadata));
        trace.binding_data = Some(resolved.clone());
        let read =
            inputs
                .read(function, &resolved)
                .await
                .map_err(|message| HostError::InputBinding {
                    function: function.name.clone(),
                    message,
                })?;
        data.extend(read);
        let envelope = json!({
            "Data": data,
            "Metadata": metadata,
        });
        let invocation = self
            .invoke_payload(function, Bytes::from(envelope.to_string()), invocation_id)
            .await?;

        let http_binding = function
            .outputs()
            .find(|b| b.kind.eq_ignore_ascii_case("http"));
        // With no response set (no http output, or one the handler left unset) the host's
        // middleware answers `OkResult`: 200, empty.
        let response = http_binding
            .and_then(|b| invocation.http_outputs.get(&b.name))
            .map_or_else(
                || bare(StatusCode::OK, HttpTrace::default()),
                |o| o.to_response(),
            );
        Ok((response, invocation))
    }

    async fn http_forward(
        &self,
        function: &Function,
        request: &Request<Bytes>,
        invocation_id: &str,
    ) -> Result<Response<Bytes>, HostError> {
        // The legacy `httpWorker` section forwards to `/{FunctionName}` (`GetPathValue`).
        let path = if self.app.handler_config().section == ConfigSection::HttpWorker {
            format!("/{}", function.name)
        } else {
            request.uri().path().to_string()
        };
        let query = parse_query(request.uri().query().unwrap_or(""));
        let rebuilt: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(&v.join(","))))
            .collect();
        let query = if rebuilt.is_empty() {
            String::new()
        } else {
            format!("?{}", rebuilt.join("&"))
        };

        let has_body = content_length(request.headers()).is_some_and(|n| n > 0);
        let mut headers = HeaderMap::new();
        for (name, value) in request.headers() {
            // `HttpRequestHeaders.TryAddWithoutValidation` refuses content headers; only
            // Content-Type and Content-Length come back, with the body.
            if !is_content_header(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        if !has_body && is_chunked(&headers) {
            return Err(HostError::ChunkedWithoutContent);
        }
        headers.remove(TRANSFER_ENCODING);
        headers.append(
            "X-Azure-Functions-HostVersion",
            header(self.host_version())?,
        );
        headers.append("X-Azure-Functions-InvocationId", header(invocation_id)?);
        let product = format!("Azure-Functions-Host/{}", self.host_version());
        let agent = match joined(request.headers(), &USER_AGENT, " ") {
            Some(existing) => format!("{existing} {product}"),
            None => product,
        };
        headers.insert(USER_AGENT, header(&agent)?);
        let body = if has_body {
            if let Some(content_type) = request.headers().get(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, content_type.clone());
            }
            headers.insert(CONTENT_LENGTH, HeaderValue::from(request.body().len()));
            OutBody::full(request.body().clone())
        } else {
            OutBody::empty()
        };
        let uri = format!("{}{path}{query}", self.base_url());
        let mut outgoing = Request::builder()
            .method(request.method().clone())
            .uri(uri)
            .body(body)
            .map_err(|e| HostError::transport(&e, false))?;
        *outgoing.headers_mut() = headers;
        let timeout = self.invocation_timeout();
        let response = tokio::time::timeout(timeout, send(&self.client, outgoing))
            .await
            .map_err(|_| HostError::Timeout(timeout))??;
        Ok(relay(response))
    }

    async fn http_proxy(
        &self,
        request: &Request<Bytes>,
        invocation_id: &str,
    ) -> Result<Response<Bytes>, HostError> {
        let path_and_query = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let mut headers = HeaderMap::new();
        let connection_listed: Vec<String> = request
            .headers()
            .get_all(CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .collect();
        for (name, value) in request.headers() {
            let lower = name.as_str();
            if name == HOST || is_hop_by_hop(lower) || connection_listed.iter().any(|c| c == lower)
            {
                continue;
            }
            headers.append(name.clone(), value.clone());
        }
        // (uncertain) YARP's default X-Forwarded-* action is taken to be "set".
        let client_ip = request
            .extensions()
            .get::<SocketAddr>()
            .map_or_else(|| "127.0.0.1".to_string(), |a| a.ip().to_string());
        headers.insert("X-Forwarded-For", header(&client_ip)?);
        headers.insert(
            "X-Forwarded-Proto",
            header(request.uri().scheme_str().unwrap_or("http"))?,
        );
        if let Some(host) = request.headers().get(HOST) {
            headers.insert("X-Forwarded-Host", host.clone());
        }
        headers.insert(
            "X-Azure-Functions-HostVersion",
            header(self.host_version())?,
        );
        headers.insert("X-Azure-Functions-InvocationId", header(invocation_id)?);
        headers.insert("x-ms-invocation-id", header(invocation_id)?);

        let timeout = self.invocation_timeout();
        let mut attempt = 0;
        loop {
            let body = if request.headers().contains_key(CONTENT_LENGTH) {
                OutBody::full(request.body().clone())
            } else if is_chunked(request.headers()) {
                OutBody::chunked(request.body().clone())
            } else {
                OutBody::empty()
            };
            let mut outgoing = Request::builder()
                .method(request.method().clone())
                .uri(format!("{}{path_and_query}", self.base_url()))
                .body(body)
                .map_err(|e| HostError::transport(&e, false))?;
            *outgoing.headers_mut() = headers.clone();
            let result = tokio::time::timeout(timeout, send(&self.client, outgoing))
                .await
                .map_err(|_| HostError::Timeout(timeout))?;
            match result {
                Err(HostError::Transport { connect: true, .. })
                    if attempt < PROXY_RETRY_DELAYS_MS.len() =>
                {
                    tokio::time::sleep(Duration::from_millis(PROXY_RETRY_DELAYS_MS[attempt])).await;
                    attempt += 1;
                }
                Err(HostError::Transport { message, connect }) => {
                    return Err(HostError::Transport {
                        message: format!("Failed to proxy request with ForwarderError: {message}"),
                        connect,
                    });
                }
                other => return other.map(relay),
            }
        }
    }
}

fn header(text: &str) -> Result<HeaderValue, HostError> {
    HeaderValue::from_str(text).map_err(|e| HostError::transport(&e, false))
}

fn bare(status: StatusCode, trace: HttpTrace) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    response.extensions_mut().insert(trace);
    response
}

/// Fills in what the wire would have carried (see [`Handler::http`]).
fn normalize(mut request: Request<Bytes>) -> Request<Bytes> {
    if !request.headers().contains_key(HOST) {
        let host = request
            .uri()
            .authority()
            .map_or(DEFAULT_HOST.to_string(), |a| a.to_string());
        if let Ok(value) = HeaderValue::from_str(&host) {
            request.headers_mut().insert(HOST, value);
        }
    }
    let framed = request.headers().contains_key(CONTENT_LENGTH)
        || request.headers().contains_key(TRANSFER_ENCODING);
    if !framed && !request.body().is_empty() {
        let len = HeaderValue::from(request.body().len());
        request.headers_mut().insert(CONTENT_LENGTH, len);
    }
    request
}

fn is_chunked(headers: &HeaderMap) -> bool {
    headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn joined(headers: &HeaderMap, name: &HeaderName, separator: &str) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(separator))
}

/// Headers .NET keeps on `HttpContent` rather than on the request.
fn is_content_header(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "content-type"
            | "content-length"
            | "content-encoding"
            | "content-language"
            | "content-location"
            | "content-md5"
            | "content-range"
            | "content-disposition"
            | "expires"
            | "last-modified"
            | "allow"
    )
}

/// YARP's list of headers that never cross a proxy.
fn is_hop_by_hop(lower: &str) -> bool {
    matches!(
        lower,
        "connection"
            | "transfer-encoding"
            | "keep-alive"
            | "upgrade"
            | "proxy-connection"
            | "proxy-authenticate"
            | "proxy-authentication-info"
            | "proxy-authorization"
            | "proxy-features"
            | "proxy-instruction"
            | "security-scheme"
            | "alpn"
            | "close"
            | "http2-settings"
            | "upgrade-insecure-requests"
            | "te"
            | "alt-svc"
            | "trailer"
    )
}

/// The handler's answer as the caller gets it: buffered, so hop-by-hop framing headers go.
fn relay(response: Response<Bytes>) -> Response<Bytes> {
    let (mut parts, body) = response.into_parts();
    for name in ["connection", "keep-alive", "transfer-encoding"] {
        parts.headers.remove(name);
    }
    Response::from_parts(parts, body)
}
