//! Payloads the host would never send, and bodies no client should, each answered with a 4xx
//! and a message: never a dropped connection, never "function panicked" for a function that did
//! not run, and the server keeps serving (issue 15, items 1 to 3).

use azfn::http::{Body, Bytes, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// `GET /api/hello`.
#[azfn::http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello() -> &'static str {
    "hello world"
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
        let (status, text) = post("relay", payload).await;
        assert_refused(status, &text, case);
        assert!(text.contains("Data.item"), "{case}: {text}");
    }
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
