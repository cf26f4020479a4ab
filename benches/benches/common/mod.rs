//! Shared by the bench targets: `examples/orders`'s `order` function compiled into the bench
//! (so azfn's router serves it in-process), the hand-written baseline's router, and the
//! host's request.

// Each bench target uses its own part of this module.
#![allow(dead_code)]

#[path = "../../src/bin/baseline/handler.rs"]
pub(crate) mod baseline;

use azfn::{Out, http_trigger, queue_output};
use serde::{Deserialize, Serialize};

/// An order as customers post it.
#[derive(Debug, Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

/// `POST /api/order`: puts the order on the `orders` queue (as in `examples/orders`).
#[http_trigger(methods = ["post"], auth_level = "function")]
async fn order(
    azfn::http::Json(order): azfn::http::Json<Order>,
    #[queue_output(queue_name = "orders", connection = "AzureWebJobsStorage")] message: &mut Out<
        azfn::Json<Order>,
    >,
) -> &'static str {
    message.set(azfn::Json(order));
    "Order enqueued"
}

/// The router of an in-process contender: `azfn` (serving `order` above) or `baseline`.
pub(crate) fn router(which: &str) -> Option<axum::Router> {
    match which {
        "azfn" => Some(azfn::router_with_prefix("api").expect("azfn's router")),
        "baseline" => Some(baseline::router()),
        _ => None,
    }
}

/// The single-threaded runtime in-process invocations run on.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// The host's `POST /order` with `body`, as the server sees it after hyper parsed it.
pub(crate) fn order_request(body: &bytes::Bytes) -> http::Request<axum::body::Body> {
    http::Request::post("/order")
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "x-azure-functions-invocationid",
            "3f2b8a61-5d0c-4d7e-9b0a-2f7c1e4d9a10",
        )
        .body(axum::body::Body::from(body.clone()))
        .expect("a valid request")
}

/// Sends `request` through `router` in-process and returns the answer's body, checking that
/// the invocation succeeded.
pub(crate) async fn answer(
    router: &axum::Router,
    request: http::Request<axum::body::Body>,
) -> bytes::Bytes {
    use tower::ServiceExt as _;
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 200);
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body")
}
