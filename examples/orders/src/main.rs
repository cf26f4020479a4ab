//! The three functions of the Azure Functions custom-handler documentation, written with azfn.
//!
//! Build and emit the app folder with
//! `cargo run -p cargo-azfn -- azfn build --manifest-path examples/orders/Cargo.toml`.

use azfn::http::{Json, Method};
use azfn::{Out, http_trigger, queue_output, queue_trigger};
use serde::{Deserialize, Serialize};

/// An order as customers post it.
#[derive(Debug, Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

/// `POST /api/order`: puts the order on the `orders` queue.
#[http_trigger(methods = ["post"], auth_level = "function")]
async fn order(
    Json(order): Json<Order>,
    #[queue_output(queue_name = "orders", connection = "AzureWebJobsStorage")] message: &mut Out<
        azfn::Json<Order>,
    >,
) -> &'static str {
    message.set(azfn::Json(order));
    "Order enqueued"
}

/// `GET /api/hello` answers `hello world`; `POST` echoes the body back.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello(method: Method, body: String) -> String {
    if method == Method::POST {
        body
    } else {
        "hello world".to_owned()
    }
}

/// Copies every message of `messages-incoming` to `messages-outgoing`, unchanged.
#[queue_trigger(
    name = "MyQueueFunction",
    queue_name = "messages-incoming",
    connection = "AzureWebJobsStorage"
)]
#[queue_output(queue_name = "messages-outgoing", connection = "AzureWebJobsStorage")]
async fn my_queue_function(#[trigger(name = "myQueueItem")] item: String) -> String {
    item
}

fn main() {
    azfn::run();
}
