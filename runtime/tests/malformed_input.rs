//! Payloads the host would never send, and bodies no client should, each answered with a 4xx
//! and a message: never a dropped connection, never "function panicked" for a function that did
//! not run, and the server keeps serving (issue 15, items 1 to 3).

mod support;

use azfn::http::{Body, Bytes, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// `GET /api/hello`.
#[azfn::http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello() -> &'static str {
    "hello world"
}

/// Reads its message as JSON.
#[azfn::queue_trigger(queue_name = "json-in")]
#[azfn::queue_output(queue_name = "json-out")]
async fn parse_json(item: serde_json::Value) -> String {
    item.to_string()
}

/// Reads its message as text.
#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::queue_output(queue_name = "outgoing")]
async fn relay(item: String) -> String {
    item
}

/// Posts `body` to `/{function}` in payload mode, as the host would; the status and the text.
async fn post(function: &str, body: impl Into<Bytes>) -> (StatusCode, String) {
    let router = azfn::App::new().into_router().unwrap();
    let request = Request::post(format!("/{function}"))
        .header("content-type", "application/json")
        .body(Body::from(body.into()))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn assert_refused(status: StatusCode, text: &str, case: &str) {
    assert!(status.is_client_error(), "{case}: {status} {text}");
    assert!(!text.contains("panicked"), "{case}: {text}");
}

#[tokio::test]
async fn an_http_trigger_url_without_a_path_is_read_as_the_root() {
    for url in ["http://localhost:7071", "http://", "://", "http://[::1"] {
        let payload =
            format!(r#"{{"Data":{{"req":{{"Url":"{url}","Method":"GET"}}}},"Metadata":{{}}}}"#);
        let (status, text) = post("hello", payload).await;
        // The function runs: the request reached it with the path `/`.
        assert_eq!(status, StatusCode::OK, "{url}: {text}");
        assert!(text.contains("hello world"), "{url}: {text}");
    }
}

#[tokio::test]
async fn more_headers_than_a_header_map_holds_are_refused() {
    let headers: Vec<String> = (0..40_000).map(|i| format!(r#""x-h{i}":["v"]"#)).collect();
    let payload = format!(
        r#"{{"Data":{{"req":{{"Url":"http://h/api/hello","Method":"GET","Headers":{{{}}}}}}},"Metadata":{{}}}}"#,
        headers.join(",")
    );
    let (status, text) = post("hello", payload).await;
    assert_refused(status, &text, "40,000 headers");
    assert!(text.contains("more headers"), "{text}");
    // The server keeps serving.
    let ok = r#"{"Data":{"req":{"Url":"http://h/api/hello","Method":"GET"}},"Metadata":{}}"#;
    assert_eq!(post("hello", ok).await.0, StatusCode::OK);
}

#[tokio::test]
async fn data_values_serde_json_refuses_fail_the_invocation_as_bad_input() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let cases = [
        ("nested 200 deep", deep),
        ("a number beyond f64", "1e400".to_owned()),
        ("an invalid \\u escape", r#""\udc00x""#.to_owned()),
    ];
    for (case, value) in cases {
        let payload = format!(r#"{{"Data":{{"item":{value}}},"Metadata":{{}}}}"#);
        let (status, text) = post("parse_json", payload).await;
        assert_refused(status, &text, case);
        assert!(text.contains("Data.item"), "{case}: {text}");
    }
    // Read as text, a value too deep for serde_json is still exactly what the host sent.
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let payload = format!(r#"{{"Data":{{"item":{deep}}},"Metadata":{{}}}}"#);
    let (status, text) = post("relay", payload).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains(&serde_json::to_string(&deep).unwrap()),
        "{text}"
    );
}

#[test]
fn a_json_body_with_invalid_utf8_in_a_skipped_field_is_refused() {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        id: u64,
        quantity: u32,
        color: String,
    }
    let body = b"{\"id\":1,\"quantity\":2,\"color\":\"red\",\"note\":\"\xff\"}";
    let rejection = azfn::Json::<Order>::from_bytes(body)
        .err()
        .expect("refused");
    assert_eq!(
        azfn::http::IntoResponse::into_response(rejection).status(),
        StatusCode::BAD_REQUEST
    );
}

/// Answers with the length of the body it read as text.
#[azfn::http_trigger(methods = ["post"], auth_level = "anonymous")]
async fn echo_length(body: String) -> String {
    body.len().to_string()
}

/// Issue 15: `hello(body: String)` answered 413 to a 2.1 MB body in both modes (axum's 2 MB
/// default), where the host forwards up to 100 MiB.
#[tokio::test]
async fn bodies_up_to_the_hosts_limit_reach_the_function_in_both_modes() {
    let body = "x".repeat(2_100_000);
    // Payload mode, as the host sends it.
    let client = azfn::testing::TestClient::new();
    let response = client
        .http("echo_length")
        .post("/api/echo_length")
        .header("content-type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.text(), "2100000");
    // Forwarding mode: the request itself.
    let router = azfn::App::new().into_router().unwrap();
    let request = Request::post("/api/echo_length")
        .header("content-type", "text/plain")
        .body(Body::from(body))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], b"2100000");
}

#[tokio::test]
async fn a_body_over_the_hosts_limit_gets_413_naming_it() {
    let limit = azfn::limits::request_body_limit();
    let router = azfn::App::new().into_router().unwrap();
    let request = Request::post("/api/echo_length")
        .header("content-type", "text/plain")
        .body(Body::from(vec![b'x'; limit + 1]))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&limit.to_string()), "{text}");
    assert!(text.contains("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"), "{text}");
}

#[tokio::test]
async fn a_payload_over_what_the_handler_reads_gets_413_saying_so() {
    // A payload-mode body far past the limit: refused as too large, not as a bad shape.
    let limit = azfn::limits::request_body_limit();
    let payload = format!(
        r#"{{"Data":{{"item":"{}"}},"Metadata":{{}}}}"#,
        "x".repeat(limit * 2)
    );
    let (status, text) = post("relay", payload).await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("larger than"), "{text}");
    assert!(!text.contains("must be a JSON object"), "{text}");
}

/// Issue 15 item 7: an object-valued input read as `String` came back with
/// `12345678901234567890123` turned into `1.2345678901234568e+22` and `1.10` into `1.1`.
#[tokio::test]
async fn json_read_as_text_is_the_exact_text_the_host_sent() {
    let object = r#"{"n": 12345678901234567890123, "p": 1.10}"#;
    for item in [
        object.to_owned(),
        // The same JSON, as the host encodes a JSON string value (§2.3).
        serde_json::to_string(object).unwrap(),
    ] {
        let payload = format!(r#"{{"Data":{{"item":{item}}},"Metadata":{{}}}}"#);
        let (status, text) = post("relay", payload).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        let returned = answer["ReturnValue"].as_str().unwrap();
        assert!(
            returned.contains("12345678901234567890123") && returned.contains("1.10"),
            "{item}: {returned}"
        );
    }
}

/// Sends `requests` on one connection to a served app and reads until the server closes it.
async fn exchange(requests: &[u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let served = support::Served::start().await;
    let mut stream = tokio::net::TcpStream::connect(served.address)
        .await
        .unwrap();
    stream.write_all(requests).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await;
    served.stop().await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Issue 15 item 10: early answers (an unknown function, a body over the limit) closed the
/// connection without reading the chunked body, so the host's client could see a reset instead
/// of the status. The body is read, and the connection serves the next request.
#[tokio::test]
async fn an_early_answer_reads_the_body_and_keeps_the_connection() {
    // A body of 1 MiB in 64 KiB chunks: more than the server has read when it answers.
    let mut requests =
        b"POST /NoSuchFunction HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..16 {
        requests.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        requests.extend_from_slice(&[b'x'; 64 * 1024]);
        requests.extend_from_slice(b"\r\n");
    }
    requests.extend_from_slice(b"0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let answer = exchange(&requests).await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 2, "{answer}");
    assert!(answer.contains("HTTP/1.1 200"), "{answer}");
}
