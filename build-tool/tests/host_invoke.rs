//! Payload-mode invocations: the envelope the handler sees (§2.1) and every rule the host
//! applies to the answer (§3).

mod host_support;

use azfn_host::{Delivered, HostError, encode_text};
use host_support::{TestApp, body_json, header, header_names, json_answer, start};
use serde_json::{Map, Value, json};

/// A queue-triggered function with every kind of output the rules distinguish.
fn outputs_app(answer: Value) -> TestApp {
    let t = TestApp::new();
    t.function(
        "worker",
        json!([
            {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "in"},
            {"type": "queue", "direction": "out", "name": "text", "queueName": "a"},
            {"type": "blob", "direction": "out", "name": "raw", "path": "c/x", "dataType": "binary"},
            {"type": "queue", "direction": "out", "name": "many", "queueName": "b"},
            {"type": "queue", "direction": "out", "name": "$return", "queueName": "r"}
        ]),
    );
    t.config(json!({"responses": {"POST /worker": answer}}));
    t
}

async fn invoke(t: &TestApp) -> Result<azfn_host::Invocation, HostError> {
    let handler = start(&t.load()).await;
    let mut data = Map::new();
    data.insert("msg".into(), encode_text("hello"));
    handler.invoke("worker", data, Map::new()).await
}

#[tokio::test]
async fn envelope_is_a_chunked_post_with_the_hosts_headers() {
    let t = TestApp::new();
    t.function(
        "QueueWorker",
        json!([{"type": "queueTrigger", "direction": "in", "name": "myQueueItem", "queueName": "q"}]),
    );
    let handler = start(&t.load()).await;
    let mut data = Map::new();
    data.insert("myQueueItem".into(), encode_text("aaaaa"));
    let mut metadata = Map::new();
    metadata.insert("DequeueCount".into(), json!("1"));
    metadata.insert("QueueTrigger".into(), json!("dropped: ends with trigger"));
    metadata.insert("Missing".into(), Value::Null);
    let invocation = handler
        .invoke("QueueWorker", data, metadata.clone())
        .await
        .unwrap();
    handler
        .invoke("QueueWorker", Map::new(), metadata)
        .await
        .unwrap();

    let requests = t.requests();
    let first = &requests[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/QueueWorker");
    assert_eq!(first["version"], "HTTP/1.1");
    assert_eq!(header(first, "Transfer-Encoding"), Some("chunked"));
    assert_eq!(header(first, "Content-Length"), None);
    assert!(first["chunks"].as_u64().unwrap() >= 2, "{first}");
    assert_eq!(
        header(first, "X-Azure-Functions-HostVersion"),
        Some(handler.host_version())
    );
    assert_eq!(
        header(first, "X-Azure-Functions-InvocationId"),
        Some(invocation.invocation_id.as_str())
    );
    assert_eq!(
        header(first, "User-Agent"),
        Some(format!("Azure-Functions-Host/{}", handler.host_version()).as_str())
    );
    assert_eq!(
        header(first, "Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        header(first, "Host"),
        Some(format!("127.0.0.1:{}", handler.port()).as_str())
    );
    assert!(header(first, "traceparent").is_some_and(|t| t.starts_with("00-")));
    assert!(header_names(first).contains(&"X-Azure-Functions-Invocationid".to_string()));

    let body = body_json(first);
    assert_eq!(body["Data"], json!({"myQueueItem": "\"aaaaa\""}));
    let meta = body["Metadata"].as_object().unwrap();
    assert_eq!(meta["DequeueCount"], "1");
    assert!(!meta.contains_key("QueueTrigger") && !meta.contains_key("Missing"));
    assert_eq!(meta["sys"]["MethodName"], "QueueWorker");
    assert_eq!(meta["sys"]["UtcNow"].as_str().unwrap().len(), 28);
    // Both invocations travelled on one keep-alive connection.
    assert_eq!(requests[0]["client_port"], requests[1]["client_port"]);
    assert_ne!(
        header(&requests[0], "X-Azure-Functions-InvocationId"),
        header(&requests[1], "X-Azure-Functions-InvocationId")
    );
}

#[tokio::test]
async fn raw_bodies_are_sent_byte_for_byte() {
    let t = TestApp::new();
    t.function(
        "Cleanup",
        json!([{"type": "timerTrigger", "direction": "in", "name": "myTimer", "schedule": "0 * * * * *"}]),
    );
    let handler = start(&t.load()).await;
    let vector = r#"{"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"Cleanup","UtcNow":"2024-10-24T22:00:00.0052119Z","RandGuid":"35e6e68c-5583-436c-a277-5aec2b416ba8"}}}"#;
    handler.invoke_raw("Cleanup", vector).await.unwrap();
    assert_eq!(host_support::body(&t.last_request()), vector.as_bytes());
    assert!(matches!(
        handler.invoke_raw("Nope", "{}").await,
        Err(HostError::UnknownFunction(_))
    ));
}

#[tokio::test]
async fn base64_strings_become_bytes_unless_the_binding_is_binary() {
    let t = outputs_app(json_answer(json!({
        "Outputs": {
            "text": "abcd",
            "raw": "abcd",
            "many": ["abcd", {"id": 1}],
            "unknown": "ignored",
            "TEXT": "keys are case-sensitive"
        },
        "Logs": ["one", 2, true, null],
        "ReturnValue": "hello world"
    })));
    let invocation = invoke(&t).await.unwrap();
    assert_eq!(
        invocation.output("text"),
        Some(&Delivered::Bytes(vec![0x69, 0xb7, 0x1d]))
    );
    assert_eq!(
        invocation.output("raw"),
        Some(&Delivered::Text("abcd".into()))
    );
    assert_eq!(
        invocation.output("many"),
        Some(&Delivered::Items(vec![json!("abcd"), json!({"id": 1})]))
    );
    assert_eq!(
        invocation.output("$return"),
        Some(&Delivered::Text("hello world".into()))
    );
    assert_eq!(invocation.outputs.len(), 4);
    assert_eq!(invocation.logs, ["one", "2", "true", "[null]"]);
}

#[tokio::test]
async fn values_that_are_not_strings_pass_unchanged_and_nulls_set_nothing() {
    let t = outputs_app(json_answer(json!({
        "outputs": {"text": {"a": 1}, "raw": 5, "many": null},
        "returnvalue": "test"
    })));
    let invocation = invoke(&t).await.unwrap();
    assert_eq!(
        invocation.output("text"),
        Some(&Delivered::Json(json!({"a": 1})))
    );
    assert_eq!(invocation.output("raw"), Some(&Delivered::Json(json!(5))));
    assert_eq!(invocation.output("many"), None);
    // Member names are case-insensitive; "test" is valid base64.
    assert_eq!(
        invocation.output("$return"),
        Some(&Delivered::Bytes(vec![0xb5, 0xeb, 0x2d]))
    );
    assert!(invocation.logs.is_empty());
}

#[tokio::test]
async fn a_non_success_status_fails_the_invocation_and_ignores_the_body() {
    let t = outputs_app(json!({
        "status": 500,
        "headers": [["Content-Type", "application/json"]],
        "body_json": {"Outputs": {"text": "x"}, "Logs": ["lost"]}
    }));
    let err = invoke(&t).await.unwrap_err();
    assert!(
        matches!(&err, HostError::InvocationFailed { status, .. } if status.as_u16() == 500),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "Response status code does not indicate success: 500 (Internal Server Error)."
    );
}

#[tokio::test]
async fn only_json_media_types_are_read() {
    let t = outputs_app(json!({
        "status": 200,
        "headers": [["Content-Type", "text/plain"]],
        "body": "{\"Outputs\":{}}"
    }));
    let err = invoke(&t).await.unwrap_err();
    assert!(matches!(err, HostError::InvalidMediaType { .. }), "{err}");

    let t = outputs_app(json!({"status": 200, "body": "{\"Outputs\":{}}"}));
    assert!(matches!(
        invoke(&t).await,
        Err(HostError::InvalidMediaType {
            content_type: None,
            ..
        })
    ));

    let t = outputs_app(json!({
        "status": 200,
        "headers": [["Content-Type", "text/json; charset=utf-8"]],
        "body": "{\"Outputs\":{\"text\":\"plain text\"}}"
    }));
    let invocation = invoke(&t).await.unwrap();
    assert_eq!(
        invocation.output("text").and_then(Delivered::as_text),
        Some("plain text")
    );
}

#[tokio::test]
async fn empty_and_null_bodies_would_hang_the_host() {
    for answer in [
        json!({"status": 200, "headers": [["Content-Type", "application/json"]], "body": ""}),
        json!({"status": 200, "headers": [["Content-Type", "application/json"]], "body": "null"}),
        // No JSON reader and Content-Length: 0 is also a null result, not a media type error.
        json!({"status": 204, "headers": [["Content-Type", "text/html"]], "body": ""}),
    ] {
        let t = outputs_app(answer.clone());
        let err = invoke(&t).await.unwrap_err();
        assert!(matches!(err, HostError::NullResult), "{answer}: {err}");
    }
}

#[tokio::test]
async fn malformed_results_are_deserialization_errors() {
    for body in [
        json!({"Logs": [{"level": "info"}]}),
        json!({"Outputs": ["not", "a", "map"]}),
        json!([1, 2]),
    ] {
        let t = outputs_app(json_answer(body.clone()));
        let err = invoke(&t).await.unwrap_err();
        assert!(
            matches!(err, HostError::Deserialize { .. }),
            "{body}: {err}"
        );
    }
    // Unknown members are ignored.
    let t = outputs_app(json_answer(json!({"key1": "value"})));
    assert!(invoke(&t).await.unwrap().outputs.is_empty());
}

fn http_app(answer: Value, return_binding: bool) -> TestApp {
    let t = TestApp::new();
    let out = if return_binding { "$return" } else { "res" };
    t.function(
        "order",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req"},
            {"type": "http", "direction": "out", "name": out},
            {"type": "queue", "direction": "out", "name": "message", "queueName": "orders"}
        ]),
    );
    t.config(json!({"responses": {"POST /order": json_answer(answer)}}));
    t
}

async fn invoke_order(t: &TestApp) -> Result<azfn_host::Invocation, HostError> {
    let handler = start(&t.load()).await;
    handler.invoke("order", Map::new(), Map::new()).await
}

#[tokio::test]
async fn http_output_object_is_rendered_like_the_host() {
    // vectors/http-output.response.json
    let t = http_app(
        json!({
            "Outputs": {
                "res": {
                    "statusCode": 201,
                    "headers": {"Content-Type": "application/json", "Location": "/api/orders/1005", "X-Request-Id": "abc123"},
                    "body": "{\"id\":1005,\"status\":\"accepted\"}"
                },
                "message": "{\"orderId\":1005}"
            },
            "Logs": ["order 1005 accepted"],
            "ReturnValue": null
        }),
        false,
    );
    let invocation = invoke_order(&t).await.unwrap();
    let res = invocation.http().unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(res.content_type(), Some("application/json; charset=utf-8"));
    assert_eq!(res.headers["location"], "/api/orders/1005");
    assert_eq!(res.headers["x-request-id"], "abc123");
    assert_eq!(res.text(), "{\"id\":1005,\"status\":\"accepted\"}");
    assert_eq!(
        invocation.output("message"),
        Some(&Delivered::Text("{\"orderId\":1005}".into()))
    );
    assert_eq!(invocation.logs, ["order 1005 accepted"]);
}

#[tokio::test]
async fn http_output_defaults_and_the_ignored_status_member() {
    let t = http_app(
        json!({"Outputs": {"res": {"status": 404, "StatusCode": "202 ", "Body": {"a": [1]}}}}),
        false,
    );
    let res = invoke_order(&t).await.unwrap().http().unwrap().clone();
    assert_eq!(res.status, 202);
    assert_eq!(res.content_type(), Some("text/plain; charset=utf-8"));
    assert_eq!(res.text(), "{\n  \"a\": [\n    1\n  ]\n}");

    let t = http_app(
        json!({"Outputs": {"res": "{\"status\": 404, \"body\": \"x\"}"}}),
        false,
    );
    let res = invoke_order(&t).await.unwrap().http().unwrap().clone();
    assert_eq!((res.status.as_u16(), res.text().as_ref()), (200, "x"));

    // The key missing while Outputs exists: the host's empty object.
    let t = http_app(json!({"Outputs": {}}), false);
    let res = invoke_order(&t).await.unwrap().http().unwrap().clone();
    assert_eq!((res.status.as_u16(), res.text().as_ref()), (200, "{}"));

    let t = http_app(
        json!({"Outputs": {"res": {"statusCode": 204, "body": null}}}),
        false,
    );
    let res = invoke_order(&t).await.unwrap().http().unwrap().clone();
    assert_eq!(res.status, 204);
    assert!(res.body.is_empty());
}

#[tokio::test]
async fn unwritable_http_outputs() {
    let t = http_app(json!({"Outputs": {"res": "not json at all"}}), false);
    let err = invoke_order(&t).await.unwrap_err();
    assert!(matches!(err, HostError::HttpOutput { .. }), "{err}");

    let t = http_app(
        json!({"Outputs": {"res": {"body": "x", "headers": {"X-List": ["a", "b"]}}}}),
        false,
    );
    let res = invoke_order(&t).await.unwrap().http().unwrap().clone();
    assert_eq!(res.status, 500);
    assert!(res.problem.is_some());
}

#[tokio::test]
async fn return_binding_http_honours_status_and_writes_json_compactly() {
    // vectors/http-return-binding.response.json
    let t = http_app(
        json!({
            "Outputs": {},
            "Logs": [],
            "ReturnValue": {"status": 404, "body": {"error": "not found"}, "headers": {"Content-Type": "application/json"}}
        }),
        true,
    );
    let invocation = invoke_order(&t).await.unwrap();
    let res = invocation.http_outputs.get("$return").unwrap();
    assert_eq!(res.status, 404);
    assert_eq!(res.content_type(), Some("application/json; charset=utf-8"));
    assert_eq!(res.text(), r#"{"error":"not found"}"#);
}
