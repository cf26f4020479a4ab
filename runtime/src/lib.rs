//! Azure Functions custom handlers in Rust: annotate plain `async fn`s, call [`run`], and the
//! binary speaks the Functions host's custom-handler contract exactly.
//!
//! ```
//! use azfn::testing::TestClient;
//! use azfn::{Out, http_trigger, queue_output, queue_trigger};
//!
//! /// `GET /api/hello` answers `hello world`; `POST` echoes the body.
//! #[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
//! async fn hello(method: azfn::http::Method, body: String) -> String {
//!     if method == azfn::http::Method::POST { body } else { "hello world".into() }
//! }
//!
//! /// Copies each message of one queue to another.
//! #[queue_trigger(queue_name = "incoming")]
//! async fn relay(
//!     item: String,
//!     #[queue_output(queue_name = "outgoing")] copy: &mut Out<String>,
//! ) {
//!     copy.set(item);
//! }
//!
//! // An app's `main` is `azfn::run();`, which serves these functions to the host. Here they
//! // are invoked in-process instead, as a `#[tokio::test]` would, through the same dispatch.
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     let client = TestClient::new();
//!
//!     let response = client.http("hello").get("/api/hello").send().await.unwrap();
//!     assert_eq!(response.status(), 200);
//!     assert_eq!(response.text(), "hello world");
//!
//!     let result = client.queue("relay", "order 1005").send().await.unwrap();
//!     assert_eq!(result.output("copy").unwrap().text(), "order 1005");
//! }
//! ```
//!
//! `cargo azfn build` then writes the app folder (`host.json`, one `function.json` per
//! function, the executable) from the metadata these attributes compiled into the binary;
//! `cargo azfn start` runs it locally as the host would, `cargo azfn pack` zips it for deploy.
//!
//! # Attributes
//!
//! One attribute per trigger and binding of the v4 extension bundle, listed under *Attribute
//! Macros* below: each one's page has its settings, the rules between them and an example
//! (start with [`http_trigger`], [`queue_trigger`], [`queue_output`] or [`blob_input`]). The
//! same reference on one page, with a table of every attribute, is
//! [`docs/attributes.md`](https://github.com/azfn/azfn/blob/HEAD/docs/attributes.md) in the
//! repository, and the [guide](https://github.com/azfn/azfn/blob/HEAD/docs/guide.md) says how
//! triggers, inputs and outputs are written.
//!
//! # Modules
//!
//! * [`http`]: the extractors and responses HTTP functions are written with (axum's, and
//!   [`Json`]).
//! * [`trigger`]: typed trigger values and metadata ([`TimerInfo`], [`Metadata`],
//!   `QueueMetadata`, ...), so a function never reads the host's encodings.
//! * [`context`]: the invocation context ([`Context`]): invocation id, function name, metadata.
//! * [`output`]: values a function writes to output bindings: [`Out`] parameters, return
//!   values, several outputs with [`derive@Outputs`].
//! * [`testing`]: invoke functions in-process, as the host would, with [`testing::TestClient`].
//! * [`logging`]: how `tracing` output reaches the host at every level.
//! * [`error`]: the runtime's errors.
//! * `mcp_server` (feature `mcp-server`): a self-hosted MCP server written with rmcp, for the
//!   host's `mcp-custom-handler` profile (`App::mcp_server`).
//! * [`payload`], [`encode`], [`invocation`], [`metadata`]: the contract itself: decoding
//!   invocation payloads, encoding outputs by the host's rules, driving one invocation, and
//!   the function records the macros compile into the binary.
//!
//! Serving: [`run`] (or [`App`] for state and tower layers) serves every function compiled
//! into the binary on `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT`.

pub mod context;
pub mod encode;
pub mod error;
mod http_json;
mod http_output;
mod http_return;
pub mod invocation;
pub mod limits;
pub mod logging;
pub mod mcp;
#[cfg(feature = "mcp-server")]
pub mod mcp_server;
pub mod metadata;
pub mod output;
pub mod payload;
mod registry;
mod server;
mod state;
pub mod testing;
pub mod trigger;
mod unread;

/// Derives [`output::OutputSet`]: see there.
pub use azfn_macros::Outputs;
/// Derives [`mcp::PromptArguments`]: see there.
pub use azfn_macros::PromptArguments;
/// Derives [`mcp::ToolArguments`] (and [`mcp::ToolPropertyType`], as an `object`): see there.
pub use azfn_macros::ToolArguments;
/// Derives [`mcp::ToolPropertyType`] for an enum of unit variants: a `string` with
/// `enumValues`, the variants as serde names them.
pub use azfn_macros::ToolEnum;
pub use azfn_macros::{
    activity_trigger, binding, blob_input, blob_output, blob_trigger, cosmos_db_input,
    cosmos_db_output, cosmos_db_trigger, durable_client_input, entity_trigger, event_grid_output,
    event_grid_trigger, event_hub_output, event_hub_trigger, generic_trigger, http_output,
    http_trigger, kafka_output, kafka_trigger, mcp_prompt_argument, mcp_prompt_trigger,
    mcp_resource_trigger, mcp_tool_property, mcp_tool_trigger, mysql_input, mysql_output,
    mysql_trigger, orchestration_trigger, queue_output, queue_trigger, rabbitmq_output,
    rabbitmq_trigger, sendgrid_output, service_bus_output, service_bus_trigger,
    signalr_connection_info_input, signalr_output, sql_input, sql_output, sql_trigger, table_input,
    table_output, timer_trigger, twilio_sms_output, warmup_trigger,
};
pub use context::{Context, RetryContext, SysMetadata};
pub use error::{BoxError, ServeError};
pub use output::{Json, Out};
pub use registry::{FunctionEntry, Handler};
pub use server::{
    App, DEFAULT_DRAIN_TIMEOUT, DEFAULT_ROUTE_PREFIX, port_from_env, route_prefix_from_host_json,
    router, router_with_prefix, run, serve,
};
pub use state::{State, StateMissing};
pub use trigger::{Metadata, TimerInfo};

/// The date and time crate of azfn's timestamps ([`TimerInfo`]'s schedule status, trigger
/// metadata): re-exported so an app names `azfn::time::OffsetDateTime` at the version azfn uses.
pub use time;

#[cfg(feature = "mcp-server")]
pub use mcp_server::run_mcp_server;
/// The official Rust MCP SDK, at the version `App::mcp_server` takes servers of (feature
/// `mcp-server`).
#[cfg(feature = "mcp-server")]
pub use rmcp;

/// The HTTP toolkit HTTP functions are written with: axum's extractors and responses.
pub mod http {
    pub use crate::http_json::JsonRejection;
    pub use crate::output::Json;
    pub use axum::body::{Body, Bytes};
    pub use axum::extract::{Path, Query, Request};
    pub use axum::response::{IntoResponse, Response};
    pub use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
}

/// Items used by the code the macros generate. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::http_output::{InputSource, OutputSink};
    pub use crate::http_return::{
        AnswersAsIs, AnswersAsIsKind, FailsOnErr, FailsOnErrKind, HttpReturn,
    };
    pub use crate::invocation::{FromInvocation, Invocation, InvocationFailure};
    pub use crate::metadata::{encode_record, record_len};
    pub use crate::output::{
        Completion, Out, OutParam, OutputSet, OutputValue, ReturnError, ReturnValue, same_names,
    };
    pub use crate::registry::{
        BoxFuture, EventHandlerFn, FUNCTIONS, FunctionEntry, Handler, HttpHandlerFn,
    };
    pub use axum::response::{IntoResponse, Response};
    pub use azfn_spec::record::{concat, concat_len, concat_str};
    pub use linkme;

    use axum::extract::{FromRequest, FromRequestParts};

    /// The request type of generated HTTP entry points.
    pub type HttpRequest = http::Request<axum::body::Body>;

    /// Runs one `FromRequestParts` extractor; its rejection becomes the response.
    pub async fn from_request_parts<T: FromRequestParts<()>>(
        parts: &mut http::request::Parts,
    ) -> Result<T, Response> {
        T::from_request_parts(parts, &())
            .await
            .map_err(IntoResponse::into_response)
    }

    /// Runs the last extractor, which may consume the body; its rejection becomes the response.
    /// A plain function, not an `async fn`, which would keep the request's parts in its state
    /// beside the extractor's future holding them too (generated handlers are allocated per
    /// request).
    // The rejection is the response the function answers with, as in axum's handlers.
    #[allow(clippy::result_large_err)]
    pub fn from_request<T: FromRequest<(), M>, M>(
        parts: http::request::Parts,
        body: axum::body::Body,
    ) -> impl Future<Output = Result<T, Response>> + Send {
        use futures_util::FutureExt as _;
        T::from_request(http::Request::from_parts(parts, body), &()).map(|result| {
            result.map_err(|rejection| {
                let response = rejection.into_response();
                // axum's own text names no number; the host's limit and its setting do.
                if response.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                    crate::limits::too_large()
                } else {
                    response
                }
            })
        })
    }
}
