//! The HTTP front door on `127.0.0.1:PORT`: every request goes through
//! [`Handler::http`](crate::Handler::http) (routing, §4 modes, §3.4 rendering), then the
//! non-HTTP outputs of payload-mode invocations are written to storage.
//!
//! Besides function routes it answers `POST /admin/functions/{name}` like the host's admin
//! API (202, the function runs in the background with `{"input": "..."}` as its trigger
//! value), and two endpoints of its own for `cargo azfn invoke`:
//! `GET /.azfn/functions/{name}` (the function.json) and `POST /.azfn/invoke/{name}` (an
//! envelope in, a [`Report`](crate::invoke_once::Report) out). `/runtime/webhooks/mcp` is the MCP extension's server
//! ([`super::mcp`]).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use super::outputs::{read_inputs, write_outputs};
use super::shared::{Shared, finish};
use crate::invoke_once::{InvokeInput, envelope};
use crate::{Function, HttpTrace, InputBindings, Invocation, RETURN_BINDING, get_ci};
use azfn_spec::expression::BindingData;
use futures_util::future::BoxFuture;

type Body = Full<Bytes>;

pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shared.stopped() => break,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(&shared, peer, request).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn plain(status: StatusCode, text: impl Into<String>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(text.into())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "text/plain; charset=utf-8".parse().expect("valid"),
    );
    response
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "application/json; charset=utf-8".parse().expect("valid"),
    );
    response
}

async fn handle(shared: &Shared, peer: SocketAddr, request: Request<Incoming>) -> Response<Body> {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let mcp_webhook = super::mcp::is_webhook(&path);
    let management = path.starts_with("/.azfn/")
        || (method == Method::POST && path.starts_with("/admin/functions/"))
        || (method == Method::POST && mcp_webhook);
    if management && let Some(reason) = forgeable(&request) {
        shared
            .console()
            .warn(format_args!("{method} {path} refused: {reason}"));
        return plain(StatusCode::FORBIDDEN, reason);
    }
    if mcp_webhook {
        return super::mcp::webhook(shared, request).await;
    }
    if let Some(name) = path.strip_prefix("/.azfn/functions/") {
        return describe_function(shared, name);
    }
    if method == Method::POST {
        if let Some(name) = path.strip_prefix("/.azfn/invoke/") {
            return admin_invoke(shared, name, request).await;
        }
        if let Some(name) = path.strip_prefix("/admin/functions/") {
            return admin_functions(shared, name, request).await;
        }
    }

    let handler = match shared.handler().await {
        Ok(handler) => handler,
        Err(error) => {
            shared
                .console()
                .error(format_args!("{method} {path}: {error}"));
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "");
        }
    };
    let limit = handler.max_request_body;
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "");
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, limit as usize).collect().await {
        Ok(collected) => collected.to_bytes(),
        // Beyond FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (100 MiB by default), §5.
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, ""),
    };
    let mut request = Request::from_parts(parts, body);
    request.extensions_mut().insert(peer);

    let app = handler.app().clone();
    let started = Instant::now();
    let response = match handler.http_with_inputs(request, shared).await {
        Ok(response) => response,
        Err(error) => {
            // NullResult: the real host would leave the caller waiting until functionTimeout.
            shared.console().error(format_args!(
                "{method} {path}: {error}. The real host would not answer this request until functionTimeout."
            ));
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "");
        }
    };
    let trace = response
        .extensions()
        .get::<HttpTrace>()
        .cloned()
        .unwrap_or_default();
    let Some(function_name) = trace.function.clone() else {
        return convert(response);
    };
    let invocation_id = trace.invocation_id.clone().unwrap_or_default();
    shared.console().info(format_args!(
        "Executing 'Functions.{function_name}' (Reason='This function was programmatically called via the host APIs.', Id={invocation_id})"
    ));
    let Some(function) = app.function(&function_name) else {
        return convert(response);
    };
    let mut result: Result<Vec<String>, String> = match &trace.error {
        Some(error) => Err(error.to_string()),
        None => Ok(Vec::new()),
    };
    let mut response = response;
    if let Some(invocation) = &trace.invocation {
        for log in &invocation.logs {
            shared.console().info(log);
        }
        warn_dropped(shared, function, invocation);
        if result.is_ok() {
            let binding = trace.binding_data.clone().unwrap_or_default();
            result = write_outputs(shared, function, invocation, &binding).await;
            if result.is_err() {
                // A binding that fails after the function fails the invocation: 500.
                response = Response::new(Bytes::new());
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            }
        }
    }
    let _ = finish(shared, &function_name, &invocation_id, started, result);
    convert(response)
}

fn convert(response: Response<Bytes>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    parts.extensions.clear();
    Response::from_parts(parts, Full::new(body))
}

/// Warns about what the host's §3.4 rendering drops or refuses, so that a response that
/// differs in Azure differs here too, and says why.
fn warn_dropped(shared: &Shared, function: &Function, invocation: &Invocation) {
    let Ok(body) = serde_json::from_slice::<Value>(&invocation.response.body) else {
        return;
    };
    let outputs = body
        .as_object()
        .and_then(|b| get_ci(b, "Outputs"))
        .and_then(Value::as_object);
    for binding in function
        .outputs()
        .filter(|b| b.kind.eq_ignore_ascii_case("http"))
    {
        let value = if binding.name == RETURN_BINDING {
            body.as_object().and_then(|b| get_ci(b, "ReturnValue"))
        } else {
            outputs.and_then(|o| o.get(&binding.name))
        };
        let object = match value {
            Some(Value::Object(o)) => Some(o.clone()),
            Some(Value::String(s)) => serde_json::from_str::<Value>(s)
                .ok()
                .and_then(|v| v.as_object().cloned()),
            _ => None,
        };
        let Some(object) = object else { continue };
        for dropped in ["cookies", "enableContentNegotiation", "isRaw"] {
            // `$return` goes through `HttpBinding.CreateResult`, which honours the last two.
            let honoured = binding.name == RETURN_BINDING && dropped != "cookies";
            if !honoured && get_ci(&object, dropped).is_some() {
                shared.console().warn(format_args!(
                    "`{}`: the HTTP output sets `{dropped}`, which the Functions host drops from \
                     an HTTP output; in forwarding or proxy mode the handler's own response, \
                     `Set-Cookie` included, reaches the caller",
                    function.name
                ));
            }
        }
    }
    for output in invocation.http_outputs.values() {
        if let Some(problem) = output.problem.as_deref() {
            shared.console().warn(format_args!(
                "`{}`: the host answers 500 because {problem}",
                function.name
            ));
        }
    }
}

fn describe_function(shared: &Shared, name: &str) -> Response<Body> {
    let app = shared.app();
    match app.function(name) {
        Some(function) => json_response(StatusCode::OK, &function.json),
        None => json_response(
            StatusCode::NOT_FOUND,
            &json!({
                "error": format!("function `{name}` does not exist"),
                "available": app.functions().iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            }),
        ),
    }
}

/// `POST /.azfn/invoke/{name}`: the body is a whole envelope (`Data`, `Metadata`).
async fn admin_invoke(shared: &Shared, name: &str, request: Request<Incoming>) -> Response<Body> {
    let body = match request.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return plain(StatusCode::BAD_REQUEST, "unreadable body"),
    };
    let app = shared.app();
    let Some(function) = app.function(name) else {
        return describe_function(shared, name);
    };
    let report = super::programmatic::run_envelope(shared, function, body).await;
    json_response(
        StatusCode::OK,
        &serde_json::to_value(&report).unwrap_or_default(),
    )
}

/// `POST /admin/functions/{name}` with `{"input": "..."}`: the host's way to run a
/// non-HTTP function by hand. Answers 202 at once; the invocation runs in the background.
async fn admin_functions(
    shared: &Shared,
    name: &str,
    request: Request<Incoming>,
) -> Response<Body> {
    let body = match request.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return plain(StatusCode::BAD_REQUEST, ""),
    };
    let app = shared.app();
    let Some(function) = app.function(name).cloned() else {
        return plain(StatusCode::NOT_FOUND, "");
    };
    let input = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("input").and_then(Value::as_str).map(str::to_string));
    let input = input.map_or(InvokeInput::Default, InvokeInput::Data);
    let envelope = match envelope(&function, &input) {
        Ok(e) => e,
        Err(e) => return plain(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let shared = shared_arc(shared);
    tokio::spawn(async move {
        super::programmatic::run_envelope(&shared, &function, Bytes::from(envelope.to_string()))
            .await;
    });
    plain(StatusCode::ACCEPTED, "")
}

/// The `Shared` behind a reference, as an `Arc`, for background work.
fn shared_arc(shared: &Shared) -> Arc<Shared> {
    shared
        .this
        .upgrade()
        .expect("the host outlives its requests")
}

/// The local host reads an HTTP function's blob inputs from storage as its triggers do.
impl InputBindings for Shared {
    fn read<'a>(
        &'a self,
        function: &'a Function,
        binding_data: &'a BindingData,
    ) -> BoxFuture<'a, Result<serde_json::Map<String, Value>, String>> {
        Box::pin(read_inputs(self, function, binding_data))
    }
}

/// Why a request to a management endpoint (which runs any function, queue-triggered ones
/// included) may have been forged by a web page the developer has open, or `None` for a request
/// only a local program makes: no `Origin` (browsers send one with every cross-site request and
/// every POST), a `Host` naming this machine (a page that rebinds its own name to 127.0.0.1
/// still sends its name), and a JSON body for a POST (which a page cannot send another site
/// without a CORS preflight, which this host never grants).
fn forgeable<B>(request: &Request<B>) -> Option<&'static str> {
    let headers = request.headers();
    if headers.contains_key(http::header::ORIGIN) {
        return Some(
            "requests from a web page (with an `Origin` header) cannot use the local host's \
             management endpoints",
        );
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    if !matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
        return Some(
            "the management endpoints answer only requests addressed to localhost, 127.0.0.1 \
             or [::1]",
        );
    }
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if request.method() == Method::POST && !json {
        return Some("a POST to a management endpoint must send `Content-Type: application/json`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::builder().method(method).uri("/.azfn/invoke/f");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    }

    /// Issue 14: `/admin/functions/{name}` and `/.azfn/invoke/{name}` ran any function for a
    /// request with `Origin: http://evil.example`.
    #[test]
    fn only_requests_no_web_page_can_forge_reach_the_management_endpoints() {
        let local = [
            ("host", "127.0.0.1:7071"),
            ("content-type", "application/json"),
        ];
        assert_eq!(forgeable(&request(Method::POST, &local)), None);
        assert_eq!(
            forgeable(&request(Method::GET, &[("host", "localhost:7071")])),
            None
        );
        assert_eq!(
            forgeable(&request(Method::GET, &[("host", "[::1]:7071")])),
            None
        );
        let cross_site = [
            ("host", "127.0.0.1:7071"),
            ("content-type", "application/json"),
            ("origin", "http://evil.example"),
        ];
        assert!(forgeable(&request(Method::POST, &cross_site)).is_some());
        let rebound = [
            ("host", "evil.example:7071"),
            ("content-type", "application/json"),
        ];
        assert!(forgeable(&request(Method::POST, &rebound)).is_some());
        let form = [("host", "127.0.0.1:7071"), ("content-type", "text/plain")];
        assert!(forgeable(&request(Method::POST, &form)).is_some());
    }
}
