//! The emitted `examples/orders` app, started and driven by the simulated Functions host
//! (`cargo_azfn::host`) exactly as the real host would: working directory, environment,
//! readiness probe on `GET /`, chunked POSTs, and the host's rules for reading the answers.

mod common;

use azfn_host::{
    App, Delivered, Handler, HandlerOptions, HostError, HttpMode, HttpTrace, encode_text,
};
use bytes::Bytes;
use serde_json::{Map, Value, json};

async fn start(mode: HttpMode) -> Handler {
    let app = App::load(&common::orders_app().out_dir)
        .expect("the emitted folder loads as the host loads it")
        .with_http_mode(mode);
    Handler::start(&app, HandlerOptions::new())
        .await
        .expect("the handler becomes ready")
}

fn queue_data(message: &str) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("myQueueItem".into(), encode_text(message));
    data
}

fn queue_metadata() -> Map<String, Value> {
    json!({"DequeueCount": 1, "Id": "8c3f1f8e-3b1f-4a77-9d6c-5b2a1e0f9c44", "PopReceipt": "AgAAAA=="})
        .as_object()
        .unwrap()
        .clone()
}

/// What the `messages-outgoing` queue receives for one incoming message.
async fn relay(handler: &Handler, message: &str) -> Vec<u8> {
    let invocation = handler
        .invoke("MyQueueFunction", queue_data(message), queue_metadata())
        .await
        .unwrap_or_else(|e| panic!("{message:?}: {e}"));
    // `$return` is a binding like the others: what the queue receives is in `outputs`.
    match invocation.output("$return").expect("a return value") {
        Delivered::Bytes(b) => b.to_vec(),
        Delivered::Text(t) => t.as_bytes().to_vec(),
        other => panic!("{message:?}: the queue would get {other:?}"),
    }
}

#[tokio::test]
async fn queue_messages_reach_the_outgoing_queue_exactly_as_they_came_in() {
    let handler = start(HttpMode::Proxy).await;
    let long = "x".repeat(64 * 1024);
    let messages = [
        "abcd",
        "true",
        "1234",
        "Zm9vYmFy",
        "",
        "hello world",
        "zażółć gęślą jaźń 🦀",
        "{\"orderId\":1005}",
        "line one\nline two",
        long.as_str(),
    ];
    for message in messages {
        assert_eq!(
            relay(&handler, message).await,
            message.as_bytes(),
            "{message:.40?}"
        );
    }
}

fn request(
    method: &str,
    uri: &str,
    body: &[u8],
    content_type: Option<&str>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "localhost:7071")
        .header("content-length", body.len().to_string());
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    builder.body(Bytes::copy_from_slice(body)).unwrap()
}

#[tokio::test]
async fn an_order_is_enqueued_and_acknowledged_even_at_200_kb() {
    let handler = start(HttpMode::Proxy).await;
    for color in ["black".to_owned(), "é".repeat(100 * 1024)] {
        let order = json!({"id": 1005, "quantity": 2, "color": color});
        let body = serde_json::to_vec(&order).unwrap();
        assert!(color.len() < 10 || body.len() > 200 * 1024);
        let response = handler
            .http(request(
                "POST",
                "/api/order",
                &body,
                Some("application/json"),
            ))
            .await
            .unwrap();
        let trace = response.extensions().get::<HttpTrace>().cloned().unwrap();
        assert_eq!(response.status(), 200, "{:?}", trace.error);
        assert_eq!(response.body(), "Order enqueued");
        // `order` has a queue output, so the host always uses payload mode for it.
        assert_eq!(trace.mode, Some(HttpMode::Payload));
        let invocation = trace.invocation.expect("payload mode has an invocation");
        let message = match invocation.output("message").expect("a queue message") {
            Delivered::Text(t) => t.clone(),
            Delivered::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        };
        let message: Value = serde_json::from_str(&message).unwrap();
        assert_eq!(message, order);
    }
}

#[tokio::test]
async fn a_malformed_order_is_refused_and_nothing_is_enqueued() {
    let handler = start(HttpMode::Proxy).await;
    let response = handler
        .http(request(
            "POST",
            "/api/order",
            b"{\"id\": \"x\"}",
            Some("application/json"),
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let trace = response.extensions().get::<HttpTrace>().cloned().unwrap();
    assert!(trace.invocation.unwrap().output("message").is_none());
}

#[tokio::test]
async fn hello_works_the_same_in_all_three_http_modes() {
    for mode in [HttpMode::Payload, HttpMode::Forward, HttpMode::Proxy] {
        let handler = start(mode).await;
        let response = handler
            .http(request("GET", "/api/hello", b"", None))
            .await
            .unwrap();
        let trace = response.extensions().get::<HttpTrace>().cloned().unwrap();
        assert_eq!(trace.mode, Some(mode));
        assert_eq!(response.status(), 200, "{mode:?}: {:?}", trace.error);
        assert_eq!(response.body(), "hello world", "{mode:?}");
        let text = "zażółć gęślą jaźń: ünïcödé 🦀";
        let response = handler
            .http(request(
                "POST",
                "/api/hello",
                text.as_bytes(),
                Some("text/plain; charset=utf-8"),
            ))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{mode:?}");
        assert_eq!(response.body(), text.as_bytes(), "{mode:?}");
    }
}

/// Issue 14 item 13: `hello` took `body: String`, so a binary POST got 400 where the
/// documentation's sample it reproduces echoes the bytes back unchanged.
#[tokio::test]
async fn hello_echoes_a_binary_body_unchanged() {
    let bytes: Vec<u8> = (0..=255u8).rev().collect();
    for mode in [HttpMode::Forward, HttpMode::Proxy] {
        let handler = start(mode).await;
        let response = handler
            .http(request(
                "POST",
                "/api/hello",
                &bytes,
                Some("application/octet-stream"),
            ))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{mode:?}");
        assert_eq!(&response.body()[..], &bytes[..], "{mode:?}");
    }
}

#[tokio::test]
async fn malformed_payloads_get_4xx_with_a_message_and_the_server_keeps_serving() {
    let handler = start(HttpMode::Proxy).await;
    let cases: [(&str, &[u8], &str); 5] = [
        ("MyQueueFunction", b"{not json", "not valid JSON"),
        ("MyQueueFunction", b"[1,2]", "an array"),
        ("MyQueueFunction", b"{\"Data\": 7}", "`Data` is a number"),
        (
            "MyQueueFunction",
            b"{\"Data\": {}, \"Metadata\": {}}",
            "`Data.myQueueItem` is missing",
        ),
        ("order", b"{\"Data\": {\"req\": 5}}", "not an HTTP request"),
    ];
    for (function, body, expected) in cases {
        match handler.invoke_raw(function, body.to_vec()).await {
            Err(HostError::InvocationFailed { status, body, .. }) => {
                assert_eq!(status.as_u16(), 400, "{expected}");
                let text = String::from_utf8_lossy(&body);
                assert!(text.contains(expected), "{text} should say {expected}");
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
    // The host never posts to a function it does not know; a stray caller gets a 404.
    let answer = raw_post(handler.port(), "/NoSuchFunction", "{}").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(relay(&handler, "still serving").await, b"still serving");
    assert!(
        handler.exit_status().is_none(),
        "the handler is still running"
    );
}

#[tokio::test]
async fn sixty_four_concurrent_invocations_all_get_their_own_answer() {
    let handler = start(HttpMode::Proxy).await;
    let handler = &handler;
    let calls = (0..64).map(|i| async move {
        if i % 2 == 0 {
            let message = format!("message {i} {}", "z".repeat(i * 100));
            (relay(handler, &message).await, message.into_bytes())
        } else {
            let body = format!("echo {i}");
            let response = handler
                .http(request(
                    "POST",
                    "/api/hello",
                    body.as_bytes(),
                    Some("text/plain"),
                ))
                .await
                .unwrap();
            (response.body().to_vec(), body.into_bytes())
        }
    });
    for (got, expected) in futures_util::future::join_all(calls).await {
        assert_eq!(got, expected);
    }
}

/// One POST on a fresh connection, the answer as text.
async fn raw_post(port: u16, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[test]
fn a_handler_started_without_a_port_exits_with_a_clear_error() {
    let exe = &common::orders_app().executable;
    let output = std::process::Command::new(exe)
        .env_remove("FUNCTIONS_CUSTOMHANDLER_PORT")
        .env_remove("FUNCTIONS_HTTPWORKER_PORT")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "never 0: the host would not restart it"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("FUNCTIONS_CUSTOMHANDLER_PORT is not set"),
        "{stderr}"
    );
    let output = std::process::Command::new(exe)
        .env("FUNCTIONS_CUSTOMHANDLER_PORT", "seventy")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a TCP port number"));
}
