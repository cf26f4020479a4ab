//! The three functions of the Azure Functions custom-handler documentation, written with azfn.
//!
//! Build and emit the app folder with
//! `cargo run -p cargo-azfn -- azfn build --manifest-path examples/orders/Cargo.toml`.

use azfn::http::{Bytes, IntoResponse, Json, Method, Response};
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

/// `GET /api/hello` answers `hello world`; `POST` echoes the body back, byte for byte.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello(method: Method, body: Bytes) -> Response {
    if method == Method::POST {
        body.into_response()
    } else {
        "hello world".into_response()
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

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;

    #[tokio::test]
    async fn an_order_is_enqueued_as_json() {
        let client = TestClient::new();
        let response = client
            .http("order")
            .post("/api/order")
            .json(&serde_json::json!({"id": 1005, "quantity": 2, "color": "black"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text(), "Order enqueued");
        let message: serde_json::Value = response.output("message").unwrap().json().unwrap();
        assert_eq!(
            message,
            serde_json::json!({"id": 1005, "quantity": 2, "color": "black"})
        );
    }

    #[tokio::test]
    async fn a_malformed_order_is_a_bad_request() {
        let client = TestClient::new();
        let response = client
            .http("order")
            .post("/api/order")
            .header("Content-Type", "application/json")
            .body("{\"id\": \"not a number\"}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        assert!(response.output("message").is_none());
    }

    #[tokio::test]
    async fn hello_greets_and_echoes() {
        let client = TestClient::new();
        let response = client.http("hello").get("/api/hello").send().await.unwrap();
        assert_eq!(response.text(), "hello world");
        let response = client
            .http("hello")
            .post("/api/hello")
            .body("zażółć gęślą jaźń")
            .send()
            .await
            .unwrap();
        assert_eq!(response.text(), "zażółć gęślą jaźń");
    }

    #[tokio::test]
    async fn queue_messages_are_copied_exactly_even_when_they_look_like_base64() {
        let client = TestClient::new();
        for message in ["abcd", "true", "1234", "hello, world", "{\"a\":1}", ""] {
            let result = client
                .queue("MyQueueFunction", message)
                .send()
                .await
                .unwrap();
            assert_eq!(result.return_value().unwrap().bytes(), message.as_bytes());
        }
    }
}
