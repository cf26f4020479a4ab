//! The HTTP server the Functions host talks to (contract §1 and §8).
//!
//! HTTP functions are routed on the exact paths of their templates (parsed by
//! [`azfn_spec::route`]) by axum's router; a request those miss is matched as the host
//! matches it, by the same crate, and re-routed to the exact path the match stands for.

use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::{Future, Ready};
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::Router;
use axum::ServiceExt as _;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt as _;
use futures_util::future::Either;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::context::{Context, INVOCATION_ID_HEADER};
use crate::encode::encode_output;
use crate::error::{InvocationError, OutputError, PayloadError, ServeError};
use crate::http_json::read_body;
use crate::http_output::{HttpOutputObject, InputRejected, PayloadParts, SinkState};
use crate::http_return::FunctionFailed;
use crate::invocation::{Invocation, InvocationFailure, InvocationOutcome};
use crate::logging::LogBuffer;
use crate::metadata::{FunctionRecord, RETURN_BINDING};
use crate::payload::InvocationRequest;
use crate::registry::{BoxFuture, EventHandlerFn, FUNCTIONS, Handler, HttpHandlerFn, Registry};
use crate::state::SharedState;
use azfn_spec::route::{self, Part, RouteTemplate};

/// The route prefix the host uses when `host.json` does not set `extensions.http.routePrefix`.
pub const DEFAULT_ROUTE_PREFIX: &str = "api";

/// What the server dispatches with: the functions payload mode invokes, the router of forwarded
/// requests, the shared state.
struct Dispatcher {
    /// Every function, by its exact name (the host's path casing).
    invocable: HashMap<String, Arc<Invocable>>,
    /// Real requests forwarded or proxied by the host, on their original paths.
    front: Router,
    state: SharedState,
}

/// One function as payload mode invokes it.
struct Invocable {
    record: Arc<FunctionRecord>,
    call: Call,
}

/// How payload mode calls a function.
enum Call {
    /// An HTTP function, with the request rebuilt from `Data`.
    Http(HttpCall),
    /// Any other trigger.
    Event(EventHandlerFn),
}

/// How an HTTP function receives the request rebuilt from `Data`.
enum HttpCall {
    /// The route has no parameters, so routing would find nothing to extract: the generated
    /// handler is called directly.
    Direct(HttpHandlerFn),
    /// A router holding only this function's route, so `Path` works in payload mode too.
    Routed(Router),
}

type RouterLayer = Box<dyn FnOnce(Router) -> Router + Send>;

/// The handler application: every function registered in the binary, plus shared state and
/// middleware. `azfn::run()` is `App::new().run()`.
///
/// ```no_run
/// # #[derive(Clone)] struct Pool;
/// # fn connect() -> Pool { Pool }
/// fn main() {
///     azfn::App::new()
///         .state(connect()) // functions take `azfn::State<Pool>`
///         .run();
/// }
/// ```
#[must_use = "an App does nothing until it is run or served"]
pub struct App {
    state: http::Extensions,
    layers: Vec<RouterLayer>,
    route_prefix: Option<String>,
    drain_timeout: Duration,
    /// A self-hosted server's routes (`mcp-server` feature), served before the functions.
    pub(crate) self_hosted: Option<Router>,
}

/// How long a shut-down handler waits for the invocations in flight by default: well inside the
/// time a platform gives a stopping process before it kills it, so that what can finish does,
/// and the process still exits by itself.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("layers", &self.layers.len())
            .field("route_prefix", &self.route_prefix)
            .field("drain_timeout", &self.drain_timeout)
            .field("self_hosted", &self.self_hosted.is_some())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app serving every function registered in this binary.
    pub fn new() -> Self {
        Self {
            state: http::Extensions::new(),
            layers: Vec::new(),
            route_prefix: None,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            self_hosted: None,
        }
    }

    /// How long, after the shutdown signal, the server waits for the invocations in flight
    /// before it returns anyway ([`DEFAULT_DRAIN_TIMEOUT`] unless set). New connections are
    /// refused from the signal on.
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// Registers a value that functions take as [`crate::State<T>`]. One value per type; a
    /// second value of the same type replaces the first.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Wraps every request the handler receives (invocation payloads and forwarded HTTP
    /// requests alike) in a tower layer, as `axum::Router::layer` does.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as tower::Service<Request>>::Error: Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<Request>>::Future: Send + 'static,
    {
        self.layers
            .push(Box::new(move |router: Router| router.layer(layer)));
        self
    }

    /// Sets the HTTP route prefix instead of reading it from `host.json`
    /// (see [`route_prefix_from_host_json`]).
    pub fn route_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.route_prefix = Some(prefix.into());
        self
    }

    pub(crate) fn route_prefix_setting(&self) -> Option<&str> {
        self.route_prefix.as_deref()
    }

    /// The router the server runs, for tests and for embedding.
    pub fn into_router(self) -> Result<Router, ServeError> {
        let (service, layers, self_hosted) = self.into_parts()?;
        Ok(layered(service, layers, self_hosted))
    }

    /// The dispatching service, the layers to wrap it in and a self-hosted server's routes.
    fn into_parts(self) -> Result<(DispatchService, Vec<RouterLayer>, Option<Router>), ServeError> {
        let prefix = self
            .route_prefix
            .unwrap_or_else(route_prefix_from_host_json);
        let state = SharedState(Arc::new(self.state));
        Ok((
            build_dispatcher(&prefix, state)?,
            self.layers,
            self.self_hosted,
        ))
    }

    /// Serves on `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT` until Ctrl-C or SIGTERM, then
    /// finishes the invocations in flight.
    pub async fn serve(self) -> Result<(), ServeError> {
        let port = port_from_env()?;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `shutdown` completes, then finishes the invocations in
    /// flight, for at most [`App::drain_timeout`], and returns.
    pub async fn serve_with_shutdown<F>(
        self,
        listener: tokio::net::TcpListener,
        shutdown: F,
    ) -> Result<(), ServeError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let drain = self.drain_timeout;
        let (signalled, mut signal) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            shutdown.await;
            let _ = signalled.send(true);
        };
        // Starts counting at the signal, not before.
        let deadline = async move {
            if signal.wait_for(|s| *s).await.is_ok() {
                tokio::time::sleep(drain).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        let (service, layers, self_hosted) = self.into_parts()?;
        let served = async move {
            if layers.is_empty() && self_hosted.is_none() {
                // Every request goes to the dispatcher: an axum `Router` in front would only
                // look up its fallback, at a cost that showed in profiles.
                axum::serve(listener, service.into_make_service())
                    .with_graceful_shutdown(shutdown)
                    .await
            } else {
                axum::serve(listener, layered(service, layers, self_hosted))
                    .with_graceful_shutdown(shutdown)
                    .await
            }
        };
        tokio::select! {
            served = served => served?,
            () = deadline => tracing::warn!(
                "shutting down with invocations still running after {drain:?}; they are dropped"
            ),
        }
        Ok(())
    }

    /// Sets up logging (see [`crate::logging`]), builds a Tokio runtime and serves until shut
    /// down. A start-up error is printed and the process exits with code 1: never 0, because
    /// the host does not restart a handler that exits with 0.
    pub fn run(self) {
        crate::logging::init();
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => exit_with_error(&e),
        };
        if let Err(e) = runtime.block_on(self.serve()) {
            exit_with_error(&e);
        }
    }
}

/// Builds the handler's router from every function registered in this binary, with the route
/// prefix read from `host.json` in the app root (see [`route_prefix_from_host_json`]).
pub fn router() -> Result<Router, ServeError> {
    App::new().into_router()
}

/// Builds the handler's router with an explicit route prefix (`""` for none).
pub fn router_with_prefix(route_prefix: &str) -> Result<Router, ServeError> {
    App::new().route_prefix(route_prefix).into_router()
}

fn build_dispatcher(route_prefix: &str, state: SharedState) -> Result<DispatchService, ServeError> {
    let registry = Registry::build(&FUNCTIONS)?;
    let mut invocable = HashMap::new();
    let mut front = Router::new();
    let mut forwarded = Vec::new();
    for (name, function) in registry.functions {
        let call = match function.handler {
            Handler::Http(handler) => {
                let template_text = http_route_template(&function.record);
                // The macros refused templates the host cannot parse; what parses is routed.
                let (template, _) = RouteTemplate::parse_lenient(&template_text);
                let in_and_out = function.record.function.is_http_in_and_out();
                let mut own = Router::new();
                for path in &axum_paths(route_prefix, &template) {
                    own = own.route(path, axum::routing::any(guarded(handler)));
                    // Only HTTP-in/HTTP-out functions are ever forwarded or proxied by the host (§4).
                    if in_and_out {
                        front = front.route(path, axum::routing::any(guarded(handler)));
                    }
                }
                let lenient = Arc::new(LenientRoute {
                    template,
                    prefix: route_prefix.to_owned(),
                    router: own.clone(),
                });
                if in_and_out {
                    forwarded.push(lenient.clone());
                }
                Call::Http(if template_text.contains('{') {
                    // The host's `Url` might not carry the prefix we expect; the function still runs.
                    HttpCall::Routed(own.fallback(move |request: Request| {
                        match lenient.canonical_uri(request.uri()) {
                            Some(canonical) => Either::Left(lenient.call(request, canonical)),
                            None => Either::Right(call_guarded(handler, request)),
                        }
                    }))
                } else {
                    HttpCall::Direct(handler)
                })
            }
            Handler::Event(handler) => Call::Event(handler),
        };
        let record = function.record.clone();
        invocable.insert(name, Arc::new(Invocable { record, call }));
    }
    forwarded.sort_by(|a, b| a.template.compare_precedence(&b.template));
    let forwarded: Arc<[Arc<LenientRoute>]> = forwarded.into();
    front = front
        .fallback(move |request: Request| route_leniently(forwarded.clone(), request))
        // Forwarded and proxied requests carry the body the host accepted: up to its limit.
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::limits::request_body_limit(),
        ));
    let dispatcher = Arc::new(Dispatcher {
        invocable,
        front,
        state,
    });
    Ok(DispatchService(dispatcher))
}

/// One function's route as the host matches it, for the requests the router's exact paths
/// miss: literals in another case, percent-encoded letters, a trailing `/`, a segment left to
/// its default. The host routes those to the function (the rules of [`azfn_spec::route`]),
/// so the handler must too; exact paths, the usual case, never get here.
struct LenientRoute {
    template: RouteTemplate,
    prefix: String,
    /// The function's exact paths, without fallback.
    router: Router,
}

impl LenientRoute {
    /// Sends `request` to the function on `canonical`, the path from [`Self::canonical_uri`].
    fn call(
        &self,
        mut request: Request,
        canonical: http::Uri,
    ) -> impl Future<Output = Response> + use<> {
        *request.uri_mut() = canonical;
        self.router
            .clone()
            .oneshot(request)
            .map(|response| response.into_response())
    }

    /// The exact path the host's match stands for (the template's literals, the request's
    /// own parameter segments, defaults filled in), with the request's query; `None` when the
    /// template does not match, or the path already is that one.
    fn canonical_uri(&self, uri: &http::Uri) -> Option<http::Uri> {
        let path = uri.path();
        let decoded = route::path_segments(path);
        let rest = route::strip_route_prefix(&decoded, &self.prefix)?;
        self.template.matches(rest)?;
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        // The request's own segments, still encoded: axum decodes parameters itself.
        let raw: Vec<&str> = if decoded.is_empty() {
            Vec::new()
        } else {
            trimmed
                .split('/')
                .skip(decoded.len() - rest.len())
                .collect()
        };
        let mut canonical: String = self
            .prefix
            .split('/')
            .filter(|s| !s.is_empty())
            .flat_map(|s| ["/", s])
            .collect();
        for (i, segment) in self.template.segments().iter().enumerate() {
            let written = match segment.parts.as_slice() {
                [Part::Literal(text)] => Cow::Borrowed(text.as_str()),
                [Part::Parameter(p)] if p.catch_all => match (raw.get(i..), &p.default) {
                    (Some(rest), _) if !rest.is_empty() => Cow::Owned(rest.join("/")),
                    (_, Some(default)) => encoded(default),
                    // No exact path takes an empty catch-all.
                    _ => return None,
                },
                [Part::Parameter(p)] => match (raw.get(i), &p.default) {
                    (Some(value), _) => Cow::Borrowed(*value),
                    (None, Some(default)) => encoded(default),
                    // The exact paths leave out every optional segment from the first absent.
                    (None, None) => break,
                },
                _ => return None,
            };
            canonical.push('/');
            canonical.push_str(&written);
        }
        if canonical.is_empty() {
            canonical.push('/');
        }
        if canonical == path {
            return None;
        }
        if let Some(query) = uri.query() {
            canonical.push('?');
            canonical.push_str(query);
        }
        canonical.parse().ok()
    }
}

/// A route value as a path segment.
fn encoded(value: &str) -> Cow<'_, str> {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).into()
}

/// The fallback of forwarded and proxied requests: the first function, in the host's route
/// order, whose template matches the path as the host matches it, else 404.
async fn route_leniently(routes: Arc<[Arc<LenientRoute>]>, request: Request) -> Response {
    let found = routes
        .iter()
        .find_map(|route| Some((route, route.canonical_uri(request.uri())?)));
    match found {
        Some((route, canonical)) => route.call(request, canonical).await,
        None => not_found(request).await,
    }
}

/// The dispatcher as a router's fallback, behind a self-hosted server's routes, wrapped in the
/// app's layers.
fn layered(
    service: DispatchService,
    layers: Vec<RouterLayer>,
    self_hosted: Option<Router>,
) -> Router {
    let mut router = self_hosted.unwrap_or_default().fallback_service(service);
    for layer in layers {
        router = layer(router);
    }
    router
}

/// The service every request from the host reaches: routes it with [`dispatch`].
#[derive(Clone)]
struct DispatchService(Arc<Dispatcher>);

impl tower::Service<Request> for DispatchService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Box::pin(dispatch(self.0.clone(), request).map(Ok))
    }
}

/// The HTTP route template of a function: its `route` setting, or its name.
fn http_route_template(record: &FunctionRecord) -> String {
    record
        .function
        .trigger()
        .and_then(|t| t.setting_str("route"))
        .map(str::to_owned)
        .unwrap_or_else(|| record.name.clone())
}

/// Calls a generated handler; a panic becomes a 500 marked as one, not a dropped connection.
/// The handler's future is made before this returns, so the request is not kept beside it.
fn call_guarded(handler: HttpHandlerFn, request: Request) -> impl Future<Output = Response> {
    AssertUnwindSafe(handler(request))
        .catch_unwind()
        .map(|result| result.unwrap_or_else(|panic| panic_response(&*panic)))
}

fn panic_response(panic: &(dyn std::any::Any + Send)) -> Response {
    let message = panic_message(panic);
    tracing::error!("HTTP function panicked: {message}");
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, "function panicked").into_response();
    response.extensions_mut().insert(PanicMarker(message));
    response
}

/// Wraps a generated handler so that a panic becomes a 500, not a dropped connection.
fn guarded(
    handler: HttpHandlerFn,
) -> impl Fn(Request) -> crate::registry::BoxFuture<Response> + Clone + Send + Sync + 'static {
    move |request: Request| Box::pin(call_guarded(handler, request))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// Turns an Azure route template into axum paths. `{id:int}` loses its constraint (the host
/// enforces it before the request arrives); an optional `{id?}` yields the path with and
/// without that segment; `{*rest}` stays a catch-all.
#[cfg(test)]
pub(crate) fn route_paths(prefix: &str, template: &str) -> Vec<String> {
    axum_paths(prefix, &RouteTemplate::parse_lenient(template).0)
}

/// The axum paths of a parsed template: see [`route_paths`].
fn axum_paths(prefix: &str, template: &RouteTemplate) -> Vec<String> {
    let mut required: Vec<String> = prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .map(axum_literal)
        .collect();
    let mut with_optional: Vec<Vec<String>> = Vec::new();
    for segment in template.segments() {
        let mut optional = false;
        let mut text = String::new();
        for part in &segment.parts {
            match part {
                Part::Literal(literal) => text.push_str(&axum_literal(literal)),
                Part::Parameter(p) => {
                    optional |= p.optional;
                    let star = if p.catch_all { "*" } else { "" };
                    text.push_str(&format!("{{{star}{}}}", p.name));
                }
            }
        }
        required.push(text);
        if optional {
            with_optional.push(required.clone());
        }
    }
    let mut paths = Vec::new();
    // The shortest form: every optional segment left out.
    let shortest: &[String] = match with_optional.first() {
        Some(first) => &first[..first.len() - 1],
        None => &required,
    };
    paths.push(format!("/{}", shortest.join("/")));
    for path in with_optional {
        paths.push(format!("/{}", path.join("/")));
    }
    paths.dedup();
    paths
}

/// Literal text in axum's path syntax, where braces are doubled.
fn axum_literal(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

async fn not_found(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Read to the end, so that the connection carries the client's next request instead of
    // being closed with the body unread (which the client may see as a reset, not a 404).
    crate::http_json::drain_body(body, crate::limits::payload_limit()).await;
    (
        StatusCode::NOT_FOUND,
        format!("no function serves {} {}", parts.method, parts.uri.path()),
    )
        .into_response()
}

/// Routes one request from the host. Not an `async fn`: the future it returns is allocated for
/// every request, and an `async fn` would keep the whole request in it for the invocation's
/// length. Only the body and the invocation id travel on.
fn dispatch(
    app: Arc<Dispatcher>,
    request: Request,
) -> Either<Ready<Response>, Either<impl Future<Output = Response>, BoxFuture<Response>>> {
    let path = request.uri().path();
    if path == "/" && request.method() == Method::GET {
        // The host's readiness probe and health ping: any answer, quickly.
        return Either::Left(std::future::ready(StatusCode::OK.into_response()));
    }
    if request.method() == Method::POST
        && let Some(name) = path.strip_prefix('/')
        && let Some(target) = app.invocable.get(name)
    {
        let target = target.clone();
        let (parts, body) = request.into_parts();
        let invocation_id = invocation_id(&parts.headers);
        return Either::Right(Either::Left(invoke_payload(
            app,
            target,
            invocation_id,
            body,
        )));
    }
    // What the function leaves of the body is read before its answer goes out (a 413 from an
    // extractor's limit comes before the rest of a chunked body).
    let (mut request, leftover) = crate::unread::watch(request);
    request.extensions_mut().insert(app.state.clone());
    let front = app.front.clone();
    Either::Right(Either::Right(Box::pin(async move {
        let response = front.oneshot(request).await.into_response();
        leftover.drain_before(response).await
    })))
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn invocation_id(headers: &http::HeaderMap) -> Option<Arc<str>> {
    headers
        .get(INVOCATION_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(Arc::from)
}

/// One invocation in payload mode: the host's body in, the answer (or the failure) out.
async fn invoke_payload(
    app: Arc<Dispatcher>,
    target: Arc<Invocable>,
    invocation_id: Option<Arc<str>>,
    mut body: Body,
) -> Response {
    let record = &target.record;
    let logs = LogBuffer::new(invocation_id.clone());
    let result = invoke(&app, &target, invocation_id.clone(), &logs, &mut body).await;
    let id = invocation_id.as_deref().unwrap_or("-");
    match result {
        Ok(answer) => answer.into_response(&logs.take()),
        Err(InvocationFailure::Payload(e)) => {
            tracing::error!(invocation_id = id, function = %record.name, "rejected invocation payload: {e}");
            match e {
                // Answered before the rest of the body was read: it is read now, so the
                // client sees the 413 rather than a reset.
                PayloadError::TooLarge { .. } => {
                    let response = failure(StatusCode::PAYLOAD_TOO_LARGE, &e.to_string());
                    crate::unread::drain_rest(&mut body, response).await
                }
                _ => failure(StatusCode::BAD_REQUEST, &e.to_string()),
            }
        }
        Err(InvocationFailure::Invocation(e)) => {
            tracing::error!(invocation_id = id, function = %record.name, "invocation failed: {e}");
            failure(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())
        }
    }
}

async fn invoke<'r>(
    app: &Dispatcher,
    target: &'r Invocable,
    invocation_id: Option<Arc<str>>,
    logs: &LogBuffer,
    body: &mut Body,
) -> Result<Answer<'r>, InvocationFailure> {
    let record = &target.record;
    let limit = crate::limits::payload_limit();
    let body = read_body(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.to_string().contains("length limit exceeded");
        if too_large {
            PayloadError::TooLarge {
                limit,
                body_limit: crate::limits::request_body_limit(),
            }
        } else {
            PayloadError::Unreadable(e.to_string())
        }
    })?;
    match &target.call {
        Call::Http(http) => {
            let trigger = record
                .function
                .trigger()
                .expect("registry checked that HTTP functions have an httpTrigger");
            let (payload, request) = InvocationRequest::parse_http(body, &trigger.name)?;
            let payload_parts =
                PayloadParts::new(record.clone(), payload, invocation_id, app.state.clone());
            // The function's future is made here, outside the awaits, so the request it owns
            // is not also kept in this invocation's state. Both ways guard against panics: the
            // routed one through the router's `guarded` handlers.
            let call = match http {
                HttpCall::Direct(handler) => Either::Left(call_guarded(*handler, request)),
                HttpCall::Routed(router) => {
                    let call = router.clone().oneshot(request);
                    Either::Right(Box::pin(call.map(IntoResponse::into_response)))
                }
            };
            // In a block of its own, so that the finished call is not kept in this future's
            // state beside what comes after.
            let (response, outputs) = {
                let mut call = std::pin::pin!(payload_parts.scope(logs.clone().scope(call)));
                let response = call.as_mut().await;
                let payload_parts = call
                    .as_mut()
                    .take_value()
                    .expect("the parts are taken back once, after the call");
                (response, payload_parts.outputs.into_inner())
            };
            let (parts, body) = response.into_parts();
            let body = read_body(body, usize::MAX)
                .await
                .map_err(|e| InvocationError::Function(e.into()))?;
            http_answer(record, outputs, parts, body)
        }
        Call::Event(handler) => {
            let mut payload = InvocationRequest::from_bytes(body)?;
            let context =
                Context::with_raw_metadata(invocation_id, record.clone(), payload.take_metadata());
            let invocation = Invocation::new(record.clone(), payload, context, app.state.clone());
            let call = AssertUnwindSafe(handler(invocation)).catch_unwind();
            match logs.clone().scope(call).await {
                Ok(result) => result.map(|i| Answer::from(i.finish())),
                Err(panic) => Err(InvocationError::Panic(panic_message(&*panic)).into()),
            }
        }
    }
}

/// The answer of an HTTP function: its response as the `http` output, and its `Out` values.
fn http_answer<'r>(
    record: &'r FunctionRecord,
    outputs: SinkState,
    parts: http::response::Parts,
    body: axum::body::Bytes,
) -> Result<Answer<'r>, InvocationFailure> {
    if let Some(PanicMarker(message)) = parts.extensions.get::<PanicMarker>() {
        return Err(InvocationError::Panic(message.clone()).into());
    }
    if let Some(FunctionFailed(message)) = parts.extensions.get::<FunctionFailed>() {
        return Err(InvocationError::Function(message.clone().into()).into());
    }
    if let Some(InputRejected(message)) = parts.extensions.get::<InputRejected>() {
        return Err(PayloadError::HttpInput(message.clone()).into());
    }
    let mut answer = Answer::default();
    if let Some(http_binding) = record.function.outputs().find(|b| b.kind == "http") {
        let object = HttpOutputObject::new(&http_binding.name, parts.status, parts.headers, body)?;
        answer.set(Cow::Borrowed(&http_binding.name), AnswerValue::Http(object));
    }
    for (name, value) in outputs.into_values()? {
        let binding = record
            .function
            .binding(name)
            .ok_or_else(|| OutputError::Undeclared {
                binding: name.to_owned(),
            })?;
        // A `$return` output of an HTTP function (set from an `Out` parameter, since the
        // function returns its response) is the host's `ReturnValue`, not an `Outputs` key.
        answer.set(
            Cow::Borrowed(name),
            AnswerValue::Json(encode_output(binding, value)?),
        );
    }
    Ok(answer)
}

/// Marks a 500 that stands for a panic, so payload mode can fail the invocation instead of
/// answering the caller with a 500 that the host would count as success.
#[derive(Clone, Debug)]
struct PanicMarker(String);

/// What a successful invocation answers (§3.2): its outputs by binding name and its return
/// value, serialized straight from their parts.
#[derive(Default)]
struct Answer<'r> {
    /// Binding names are borrowed from the function's record where possible.
    outputs: Vec<(Cow<'r, str>, AnswerValue)>,
    return_value: Option<AnswerValue>,
}

/// One encoded output: a JSON value, or an HTTP response kept typed until it is written.
enum AnswerValue {
    Json(Value),
    Http(HttpOutputObject),
}

impl serde::Serialize for AnswerValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Json(value) => value.serialize(serializer),
            Self::Http(object) => object.serialize(serializer),
        }
    }
}

impl<'r> Answer<'r> {
    /// Sets output `name` (`$return` is the return value); a later value for the same name
    /// replaces the earlier one.
    fn set(&mut self, name: Cow<'r, str>, value: AnswerValue) {
        if name == RETURN_BINDING {
            self.return_value = Some(value);
        } else if let Some(slot) = self.outputs.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = value;
        } else {
            self.outputs.push((name, value));
        }
    }

    fn into_response(self, logs: &[String]) -> Response {
        struct Outputs<'a>(&'a [(Cow<'a, str>, AnswerValue)]);
        impl serde::Serialize for Outputs<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
            }
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            #[serde(rename = "Outputs")]
            outputs: Outputs<'a>,
            #[serde(rename = "Logs")]
            logs: &'a [String],
            #[serde(rename = "ReturnValue")]
            return_value: &'a Option<AnswerValue>,
        }
        let body = Body {
            outputs: Outputs(&self.outputs),
            logs,
            return_value: &self.return_value,
        };
        // Sized for a typical answer up front: growing the buffer showed in profiles.
        let mut json = Vec::with_capacity(512);
        match serde_json::to_writer(&mut json, &body) {
            Ok(()) => (
                [(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                )],
                json,
            )
                .into_response(),
            Err(e) => failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("the answer could not be written: {e}"),
            ),
        }
    }
}

impl From<InvocationOutcome> for Answer<'_> {
    fn from(outcome: InvocationOutcome) -> Self {
        Self {
            outputs: outcome
                .outputs
                .into_iter()
                .map(|(name, value)| (Cow::Owned(name), AnswerValue::Json(value)))
                .collect(),
            return_value: outcome.return_value.map(AnswerValue::Json),
        }
    }
}

/// Reads `extensions.http.routePrefix` from `host.json` in the app root
/// (`FUNCTIONS_APP_ROOT_PATH`, else the working directory, which the host sets to the app root).
/// A missing file or key means the host's default, `api`.
pub fn route_prefix_from_host_json() -> String {
    let root = std::env::var_os("FUNCTIONS_APP_ROOT_PATH")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let Ok(text) = std::fs::read_to_string(root.join("host.json")) else {
        return DEFAULT_ROUTE_PREFIX.to_owned();
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(host) => host
            .pointer("/extensions/http/routePrefix")
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_ROUTE_PREFIX)
            .to_owned(),
        Err(e) => {
            tracing::warn!("host.json is not valid JSON ({e}); using route prefix `api`");
            DEFAULT_ROUTE_PREFIX.to_owned()
        }
    }
}

/// Reads the port the host assigned (`FUNCTIONS_CUSTOMHANDLER_PORT`, or the legacy
/// `FUNCTIONS_HTTPWORKER_PORT`).
pub fn port_from_env() -> Result<u16, ServeError> {
    for variable in ["FUNCTIONS_CUSTOMHANDLER_PORT", "FUNCTIONS_HTTPWORKER_PORT"] {
        if let Ok(value) = std::env::var(variable) {
            return match value.trim().parse::<u16>() {
                Ok(port) if port != 0 => Ok(port),
                _ => Err(ServeError::PortInvalid { variable, value }),
            };
        }
    }
    Err(ServeError::PortMissing)
}

/// Serves every registered function on `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT` until Ctrl-C
/// or SIGTERM, then finishes the invocations in flight. Same as `App::new().serve()`.
pub async fn serve() -> Result<(), ServeError> {
    App::new().serve().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Starts the handler: `App::new().run()`. Sets up logging, builds a Tokio runtime and serves
/// until shut down; a start-up error is printed and the process exits with code 1.
pub fn run() {
    App::new().run();
}

fn exit_with_error(error: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {error}");
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_templates_become_axum_paths() {
        assert_eq!(route_paths("api", "hello"), ["/api/hello"]);
        assert_eq!(route_paths("", "hello"), ["/hello"]);
        assert_eq!(
            route_paths("/api/", "/orders/{id:int}"),
            ["/api/orders/{id}"]
        );
        assert_eq!(
            route_paths("api", "products/{category:alpha}/{id?}"),
            ["/api/products/{category}", "/api/products/{category}/{id}"]
        );
        assert_eq!(route_paths("api", "files/{*path}"), ["/api/files/{*path}"]);
        assert_eq!(route_paths("", ""), ["/"]);
    }
}
