//! A simulated Azure Functions host, faithful to the wire contract a custom handler sees.
//!
//! The real host (.NET, shipped with Core Tools) is not available everywhere our tests run, so
//! this module plays its part: it reads an app folder, starts the handler process the way the
//! host does, and talks to it exactly as the host would. It powers `cargo azfn start` and the
//! end-to-end tests. Section numbers (§) refer to the contract, `CONTRACT.md`.
//!
//! ```no_run
//! use azfn_host::{App, Delivered, Handler, HandlerOptions, encode_text};
//! use serde_json::Map;
//!
//! # async fn demo() -> Result<(), azfn_host::HostError> {
//! let app = App::load("target/azfn/app")?;
//! let handler = Handler::start(&app, HandlerOptions::new().echo(true)).await?;
//!
//! // A queue trigger, as the host would send it.
//! let mut data = Map::new();
//! data.insert("order".into(), encode_text(r#"{"id":1}"#));
//! let invocation = handler.invoke("process_order", data, Map::new()).await?;
//! if let Some(Delivered::Items(messages)) = invocation.output("shipments") {
//!     println!("{} messages enqueued", messages.len());
//! }
//!
//! // An HTTP request through the front door, in the app's HTTP mode.
//! let response = handler
//!     .http(http::Request::get("/api/orders/1").body(bytes::Bytes::new()).unwrap())
//!     .await?;
//! println!("{}", response.status());
//! # Ok(()) }
//! ```
//!
//! # What is simulated
//!
//! * Start-up (§1): executable and argument resolution with `%VAR%` expansion, working
//!   directory, environment, a free loopback port, the `GET /` readiness probe every 25 ms,
//!   stdout/stderr capture with the host's log levels ([`App`], [`Launch`], [`Handler`]).
//! * Invocations (§2, §3): the chunked `POST /{FunctionName}` envelope and every rule the host
//!   applies to the answer, down to .NET's base64 acceptance ([`Handler::invoke`],
//!   [`Invocation`], [`Delivered`]).
//! * HTTP triggers (§2.4, §3.4, §4): routing with the route prefix and templates, payload,
//!   forwarding and proxy modes, the 100 MiB limit ([`Handler::http`]).
//!
//! # What is not
//!
//! Restarts (the host restarts a handler that exits with a non-zero code, or 200, and gives
//! up after three errors: [`crate::start`] supervises a `Handler` by those rules), function keys (all requests are anonymous, as under `func start`),
//! input bindings other than the trigger (the HTTP front door sends only `Data.req`), real
//! trigger sources, and Newtonsoft's conversion of date-like strings in `Outputs`.
//!
//! Where the contract marks a rule *(derived)* or *(uncertain)*, the code follows it and says
//! so next to the implementation.

mod app;
mod client;
pub mod dotnet;
mod error;
mod front;
mod invoke;
pub mod invoke_once;
mod process;
mod route;
pub mod start;
pub mod storage;

pub use app::{
    App, Binding, ConfigSection, Direction, Function, HandlerConfig, HttpMode, RETURN_BINDING,
    RouteMatch,
};
pub use error::HostError;
pub use front::{DEFAULT_HOST, HttpTrace, InputBindings, NoInputBindings};
pub use invoke::{
    Delivered, HttpOutput, Invocation, RawResponse, binding_data, encode_bytes, encode_text,
    encode_value, envelope_binding_data, metadata_from_binding_data,
};
pub use process::{
    DEFAULT_HOST_VERSION, DEFAULT_INIT_TIMEOUT, DEFAULT_MAX_REQUEST_BODY, Handler, HandlerOptions,
    Launch, LineKind, LogLevel, OutputLine, OutputStream, READY_POLL_INTERVAL,
};

// Ids and clocks stamped like the host's, for `cargo azfn start`'s own invocations.
pub(crate) use app::get_ci;
pub(crate) use azfn_spec::expression::new_guid;
pub(crate) use client::utc_now;
