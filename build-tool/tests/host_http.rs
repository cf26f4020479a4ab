//! The HTTP front door: payload requests (§2.4), rendering (§3.4), forwarding (§4.1) and
//! proxying (§4.2), run against the same handler.

mod host_support;

use azfn_host::{HostError, HttpMode, HttpTrace};
use bytes::Bytes;
use host_support::{TestApp, body, body_json, header, json_answer, start};
use http::{Request, StatusCode};
use serde_json::{Value, json};

fn request(method: &str, uri: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("Host", "localhost:7071")
        .header("User-Agent", "curl/8.5.0")
}

fn trace(response: &http::Response<Bytes>) -> &HttpTrace {
    response
        .extensions()
        .get::<HttpTrace>()
        .expect("every response has a trace")
}

/// `GetProduct` (GET `products/{id:int}`), `echo` (any method, HTTP in and out) and `order`
/// (HTTP plus a queue output, so never forwarded).
fn shop() -> TestApp {
    let t = TestApp::new();
    t.function(
        "GetProduct",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "route": "products/{id:int}", "methods": ["get"]},
            {"type": "http", "direction": "out", "name": "res"}
        ]),
    );
    t.function(
        "echo",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "request"},
            {"type": "http", "direction": "out", "name": "$return"}
        ]),
    );
    t.function(
        "order",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["post"]},
            {"type": "http", "direction": "out", "name": "res"},
            {"type": "queue", "direction": "out", "name": "message", "queueName": "orders"}
        ]),
    );
    t.config(json!({"responses": {
        "POST /GetProduct": json_answer(json!({"Outputs": {"res": {"statusCode": 200, "body": "product 42"}}})),
        "POST /order": json_answer(json!({
            "Outputs": {"res": {"statusCode": "201", "headers": {"Location": "/api/order/1"}, "body": "Order enqueued"},
                        "message": "{\"id\":1}"},
            "Logs": ["enqueued"]
        })),
        "POST /echo": json_answer(json!({"ReturnValue": {"body": "payload echo"}})),
        "/api/echo": {
            "status": 418,
            "headers": [["Content-Type", "text/teapot"], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
            "body": "short and stout"
        },
        "/api/redirect": {"status": 302, "headers": [["Location", "/elsewhere"]], "body": ""}
    }}));
    t.function(
        "redirect",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req"},
            {"type": "http", "direction": "out", "name": "res"}
        ]),
    );
    t
}

#[tokio::test]
async fn payload_mode_builds_data_req_and_metadata() {
    let t = shop();
    let handler = start(&t.load()).await;
    let response = handler
        .http(
            request("GET", "/api/products/42?tag=red&tag=green")
                .header("x-functions-key", "k")
                .header("Accept", "application/json")
                .header("Accept", "text/plain")
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "product 42");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let trace = trace(&response);
    assert_eq!(trace.mode, Some(HttpMode::Payload));
    assert_eq!(trace.function.as_deref(), Some("GetProduct"));

    let sent = t.last_request();
    assert_eq!(
        (sent["method"].as_str(), sent["path"].as_str()),
        (Some("POST"), Some("/GetProduct"))
    );
    let envelope = body_json(&sent);
    let req = &envelope["Data"]["req"];
    assert_eq!(
        req["Url"],
        "http://localhost:7071/api/products/42?tag=red&tag=green"
    );
    assert_eq!(req["Method"], "GET");
    assert_eq!(req["Query"], json!({"tag": "red,green"}));
    assert_eq!(req["Params"], json!({"id": "42"}));
    assert_eq!(req["Headers"]["Host"], json!(["localhost:7071"]));
    assert_eq!(req["Headers"]["User-Agent"], json!(["curl/8.5.0"]));
    assert_eq!(
        req["Headers"]["Accept"],
        json!(["application/json", "text/plain"])
    );
    assert_eq!(req["Headers"]["x-functions-key"], json!(["k"]));
    assert_eq!(req["Identities"][0]["IsAuthenticated"], false);
    assert!(req.get("Body").is_none(), "no Content-Length, no Body");

    let meta = &envelope["Metadata"];
    assert_eq!(meta["id"], "\"42\"");
    assert_eq!(meta["tag"], "\"green\"");
    assert_eq!(meta["Query"], json!({"tag": "green"}));
    assert_eq!(meta["Headers"]["Accept"], "application/json,text/plain");
    assert_eq!(meta["sys"]["MethodName"], "GetProduct");
}

#[tokio::test]
async fn payload_bodies_text_base64_and_chunked() {
    let t = shop();
    let handler = start(&t.load()).await;
    let post = |content_type: &str, body: &'static [u8]| {
        request("POST", "/api/order")
            .header("Content-Type", content_type)
            .body(Bytes::from_static(body))
            .unwrap()
    };

    let response = handler
        .http(post("application/json", br#"{"id":1005}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/order/1");
    assert_eq!(response.body(), "Order enqueued");
    let invocation = trace(&response).invocation.clone().unwrap();
    assert_eq!(invocation.logs, ["enqueued"]);
    assert!(invocation.output("message").is_some());
    let req = body_json(&t.last_request())["Data"]["req"].clone();
    assert_eq!(req["Body"], r#"{"id":1005}"#);
    assert_eq!(req["Headers"]["Content-Length"], json!(["11"]));

    handler
        .http(post("application/octet-stream", b"\x89PNG\r\n\x1a\n"))
        .await
        .unwrap();
    assert_eq!(
        body_json(&t.last_request())["Data"]["req"]["Body"],
        "iVBORw0KGgo="
    );

    handler
        .http(post("multipart/form-data; boundary=x", b"--x--"))
        .await
        .unwrap();
    assert_eq!(
        body_json(&t.last_request())["Data"]["req"]["Body"],
        "LS14LS0="
    );

    let chunked = request("POST", "/api/order")
        .header("Transfer-Encoding", "chunked")
        .body(Bytes::from_static(b"lost"))
        .unwrap();
    handler.http(chunked).await.unwrap();
    assert!(
        body_json(&t.last_request())["Data"]["req"]
            .get("Body")
            .is_none()
    );
}

#[tokio::test]
async fn routing_limits_and_failures() {
    let t = shop();
    t.settings(json!({"FUNCTIONS_REQUEST_BODY_SIZE_LIMIT": "10"}));
    let handler = start(&t.load()).await;
    let status = |response: &http::Response<Bytes>| response.status().as_u16();

    let wrong_method = request("POST", "/api/products/42")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(status(&handler.http(wrong_method).await.unwrap()), 404);
    let not_int = request("GET", "/api/products/abc")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(status(&handler.http(not_int).await.unwrap()), 404);
    let no_prefix = request("GET", "/products/42").body(Bytes::new()).unwrap();
    assert_eq!(status(&handler.http(no_prefix).await.unwrap()), 404);
    let big = request("POST", "/api/order")
        .body(Bytes::from_static(b"eleven byte"))
        .unwrap();
    assert_eq!(status(&handler.http(big).await.unwrap()), 413);
    let requests_before = t.requests().len();

    t.config(json!({"responses": {"POST /order": {"status": 503, "body": "down"}}}));
    let failing = start(&t.load()).await;
    let response = failing
        .http(request("POST", "/api/order").body(Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(status(&response), 500);
    assert!(response.body().is_empty());
    assert!(matches!(
        trace(&response).error.as_deref(),
        Some(HostError::InvocationFailed { .. })
    ));
    assert_eq!(
        requests_before, 0,
        "rejected requests never reach the handler"
    );

    t.config(json!({"responses": {"POST /order": {"status": 200, "headers": [["Content-Type", "application/json"]], "body": "null"}}}));
    let hanging = start(&t.load()).await;
    let result = hanging
        .http(request("POST", "/api/order").body(Bytes::new()).unwrap())
        .await;
    assert!(matches!(result, Err(HostError::NullResult)));
}

#[tokio::test]
async fn forwarding_mode_resends_the_original_request() {
    let t = shop();
    let app = t.load().with_http_mode(HttpMode::Forward);
    let handler = start(&app).await;
    let response = handler
        .http(
            request("PUT", "/api/echo?b=1&a=x%20y&B=2")
                .header("Content-Type", "text/plain")
                .header("Content-Encoding", "identity")
                .header("X-Custom", "kept")
                .body(Bytes::from_static(b"hello"))
                .unwrap(),
        )
        .await
        .unwrap();
    // Relayed as is, non-2xx included, with both cookies.
    assert_eq!(response.status(), 418);
    assert_eq!(response.body(), "short and stout");
    assert_eq!(response.headers()["content-type"], "text/teapot");
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
    assert_eq!(trace(&response).mode, Some(HttpMode::Forward));

    let sent = t.last_request();
    assert_eq!(sent["method"], "PUT");
    assert_eq!(sent["path"], "/api/echo?b=1,2&a=x%20y");
    assert_eq!(header(&sent, "Host"), Some("localhost:7071"));
    assert_eq!(
        header(&sent, "User-Agent"),
        Some(format!("curl/8.5.0 Azure-Functions-Host/{}", handler.host_version()).as_str())
    );
    assert_eq!(
        header(&sent, "X-Azure-Functions-InvocationId"),
        trace(&response).invocation_id.as_deref()
    );
    assert_eq!(header(&sent, "X-Custom"), Some("kept"));
    assert_eq!(header(&sent, "Content-Type"), Some("text/plain"));
    assert_eq!(header(&sent, "Content-Length"), Some("5"));
    assert_eq!(
        header(&sent, "Content-Encoding"),
        None,
        "content headers are dropped"
    );
    assert_eq!(body(&sent), b"hello");

    // Redirects are relayed, not followed.
    let redirect = handler
        .http(request("GET", "/api/redirect").body(Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.headers()["location"], "/elsewhere");

    // A chunked upload has no body to forward, and .NET refuses the copied header.
    let chunked = request("POST", "/api/echo")
        .header("Transfer-Encoding", "chunked")
        .body(Bytes::from_static(b"data"))
        .unwrap();
    let response = handler.http(chunked).await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(matches!(
        trace(&response).error.as_deref(),
        Some(HostError::ChunkedWithoutContent)
    ));

    // A function with another output still gets the payload, even in forwarding mode.
    let response = handler
        .http(request("POST", "/api/order").body(Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(trace(&response).mode, Some(HttpMode::Payload));
    assert_eq!(t.last_request()["path"], "/order");
}

#[tokio::test]
async fn proxy_mode_passes_path_query_and_body_through() {
    let t = shop();
    let app = t.load().with_http_mode(HttpMode::Proxy);
    let handler = start(&app).await;
    let response = handler
        .http(
            request("POST", "/api/echo?b=1&a=x%20y&B=2")
                .header("Transfer-Encoding", "chunked")
                .header("Connection", "keep-alive, X-Hop")
                .header("X-Hop", "dropped")
                .header("Proxy-Authorization", "dropped")
                .header("X-Azure-Functions-InvocationId", "spoofed")
                .body(Bytes::from_static(b"streamed body"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.body(), "short and stout");

    let sent = t.last_request();
    let id = trace(&response).invocation_id.clone().unwrap();
    assert_eq!(sent["path"], "/api/echo?b=1&a=x%20y&B=2");
    assert_eq!(
        header(&sent, "Host"),
        Some(format!("127.0.0.1:{}", handler.port()).as_str())
    );
    assert_eq!(header(&sent, "X-Forwarded-Host"), Some("localhost:7071"));
    assert_eq!(header(&sent, "X-Forwarded-Proto"), Some("http"));
    assert_eq!(header(&sent, "X-Forwarded-For"), Some("127.0.0.1"));
    assert_eq!(
        header(&sent, "X-Azure-Functions-InvocationId"),
        Some(id.as_str())
    );
    assert_eq!(header(&sent, "x-ms-invocation-id"), Some(id.as_str()));
    assert_eq!(header(&sent, "User-Agent"), Some("curl/8.5.0"));
    assert_eq!(header(&sent, "X-Hop"), None);
    assert_eq!(header(&sent, "Proxy-Authorization"), None);
    assert_eq!(header(&sent, "Transfer-Encoding"), Some("chunked"));
    assert_eq!(body(&sent), b"streamed body");
}

#[tokio::test]
async fn one_app_in_all_three_modes() {
    let t = shop();
    let mut seen: Vec<(HttpMode, Value)> = Vec::new();
    for mode in [HttpMode::Payload, HttpMode::Forward, HttpMode::Proxy] {
        let handler = start(&t.load().with_http_mode(mode)).await;
        let response = handler
            .http(request("GET", "/api/echo?q=1").body(Bytes::new()).unwrap())
            .await
            .unwrap();
        let expected = if mode == HttpMode::Payload {
            (200, "payload echo")
        } else {
            (418, "short and stout")
        };
        assert_eq!(
            (response.status().as_u16(), response.body().as_ref()),
            (expected.0, expected.1.as_bytes())
        );
        seen.push((mode, t.last_request()["path"].clone()));
    }
    assert_eq!(
        seen,
        [
            (HttpMode::Payload, json!("/echo")),
            (HttpMode::Forward, json!("/api/echo?q=1")),
            (HttpMode::Proxy, json!("/api/echo?q=1")),
        ]
    );
}
