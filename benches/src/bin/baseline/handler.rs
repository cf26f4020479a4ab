//! The `order` function of `examples/orders`, written by hand on axum without azfn: what a
//! careful engineer would write against the custom-handler contract directly.
//!
//! It does the same work as azfn's `order`: parse the host's payload, take the posted order
//! out of `Data.req.Body`, parse it, write it to the `message` output as compact JSON text,
//! and answer the HTTP output `Order enqueued`, in the same response body azfn sends. Being
//! hand-written, it knows its one function statically: typed structs instead of a generic
//! payload, no routing by function record, no base64 test (JSON text of an object always holds
//! a `{`, which .NET's base64 decoder rejects).
//!
//! This file is also compiled into the criterion benches (`benches/payload.rs`), which compare
//! the two handlers in-process.

use std::borrow::Cow;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

/// An order as customers post it (the same type as in `examples/orders`).
#[derive(Debug, Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

/// The part of the host's payload (contract §2) this function reads.
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(rename = "Data", borrow)]
    data: Data<'a>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    req: HttpTrigger<'a>,
}

/// The HTTP trigger's value (§2.4); `Body` is absent when the request had none.
#[derive(Deserialize)]
struct HttpTrigger<'a> {
    #[serde(rename = "Body", borrow, default)]
    body: Option<Cow<'a, str>>,
}

/// The answer (§3): the outputs by binding name, no logs, no return value. Field order is
/// azfn's, so both handlers send the same bytes.
#[derive(Serialize)]
struct InvocationResponse<'a> {
    #[serde(rename = "Outputs")]
    outputs: Outputs<'a>,
    #[serde(rename = "Logs")]
    logs: [&'a str; 0],
    #[serde(rename = "ReturnValue")]
    return_value: (),
}

#[derive(Serialize)]
struct Outputs<'a> {
    res: HttpOutput<'a>,
    message: String,
}

/// The HTTP output object (§3.4).
#[derive(Serialize)]
struct HttpOutput<'a> {
    #[serde(rename = "statusCode")]
    status_code: u16,
    headers: HttpHeaders<'a>,
    body: &'a str,
}

#[derive(Serialize)]
struct HttpHeaders<'a> {
    #[serde(rename = "content-type")]
    content_type: &'a str,
}

/// The handler's routes: the host's readiness probe and the `order` function.
pub(crate) fn router() -> Router {
    Router::new()
        .route("/", get(ready))
        .route("/order", post(order))
}

async fn ready() -> StatusCode {
    StatusCode::OK
}

/// `POST /order`: one invocation of `order` in payload mode.
async fn order(payload: Bytes) -> Response {
    match invoke(&payload) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        // Any non-2xx fails the invocation on the host's side, so it is retried (§3.1).
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// One invocation: the host's payload in, the answer's JSON out, or why the payload is bad.
pub(crate) fn invoke(payload: &[u8]) -> Result<Vec<u8>, String> {
    let payload: Payload<'_> =
        serde_json::from_slice(payload).map_err(|e| format!("bad payload: {e}"))?;
    let body = payload.data.req.body.ok_or("the request has no body")?;
    let order: Order = serde_json::from_str(&body).map_err(|e| format!("bad order: {e}"))?;
    let message = serde_json::to_string(&order).map_err(|e| e.to_string())?;
    let response = InvocationResponse {
        outputs: Outputs {
            res: HttpOutput {
                status_code: 200,
                headers: HttpHeaders {
                    content_type: "text/plain; charset=utf-8",
                },
                body: "Order enqueued",
            },
            message,
        },
        logs: [],
        return_value: (),
    };
    serde_json::to_vec(&response).map_err(|e| e.to_string())
}
