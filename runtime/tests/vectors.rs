//! Every request vector of `fixtures/contract-vectors/`, sent through the real router to
//! functions shaped like the ones that produced it, and the answers read by the host's rules.

use std::path::PathBuf;

use azfn::http::{Bytes, HeaderMap, Json, Method, Path, Query, Uri};
use azfn::payload::{DecodedValue, FromBindingValue, InvocationRequest, decode_value};
use azfn::{Context, Out};
use http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// The contract vectors: `fixtures/contract-vectors/` at the workspace root, inside the
/// repository (see its README.md and `CONTRACT.md`).
fn vectors_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runtime/ is inside the workspace")
        .join("fixtures/contract-vectors")
}

fn vector(name: &str) -> Vec<u8> {
    let path = vectors_dir().join(name);
    let pretty = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The files are pretty-printed; the host sends compact JSON.
    serde_json::to_vec(&serde_json::from_slice::<Value>(&pretty).unwrap()).unwrap()
}

async fn invoke(function: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let router = azfn::router_with_prefix("api").unwrap();
    let request = Request::post(format!("/{function}"))
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "x-azure-functions-invocationid",
            "7c1b6b36-0d3e-4b8f-9c55-0ad5c8a1c001",
        )
        .body(azfn::http::Body::from(body))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    if status.is_success() {
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "the host reads only JSON"
        );
    }
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).expect("every answer is JSON");
    (status, value)
}

/// The HTTP output object's body, as the caller would get it.
fn http_body(response: &Value, binding: &str) -> String {
    response["Outputs"][binding]["body"]
        .as_str()
        .unwrap_or_else(|| panic!("no http output in {response}"))
        .to_owned()
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

#[azfn::http_trigger(methods = [post])]
async fn order(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(order): Json<Order>,
    #[azfn::queue_output(queue_name = "orders")] message: &mut Out<azfn::Json<Order>>,
) -> String {
    let summary = format!(
        "{method} {uri} {} {}",
        headers["content-type"].to_str().unwrap(),
        order.color
    );
    message.set(azfn::Json(order));
    summary
}

#[tokio::test]
async fn http_trigger_vector_reaches_the_function_as_a_request() {
    let (status, response) = invoke("order", vector("http-trigger.request.json")).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(
        http_body(&response, "res"),
        "POST /api/order?source=web application/json black"
    );
    assert_eq!(response["Outputs"]["res"]["statusCode"], 200);
    // Not base64-decodable (it has `{`), so it is sent as readable JSON text.
    assert_eq!(
        response["Outputs"]["message"],
        "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"
    );
    assert_eq!(response["ReturnValue"], Value::Null);
    assert!(response["Logs"].is_array());
}

#[tokio::test]
async fn documented_order_vector_with_query_as_a_string_still_works() {
    let (status, response) = invoke("order", vector("docs-order.request.json")).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(
        http_body(&response, "res"),
        "POST /api/order application/json black"
    );
}

#[azfn::http_trigger(name = "GetProduct", methods = [get], route = "products/{id:int}")]
async fn get_product(
    Path(id): Path<u32>,
    Query(query): Query<Vec<(String, String)>>,
    ctx: Context,
) -> String {
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{id} {} {}",
        query.join(","),
        ctx.invocation_id().unwrap_or("none")
    )
}

#[tokio::test]
async fn route_parameters_and_query_reach_axum_extractors() {
    let (status, response) =
        invoke("GetProduct", vector("http-trigger-get-route.request.json")).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    // The raw query of `Url` is kept, repeated keys included, as in proxy mode.
    assert_eq!(
        http_body(&response, "res"),
        "42 tag=red,tag=green 7c1b6b36-0d3e-4b8f-9c55-0ad5c8a1c001"
    );
}

#[azfn::http_trigger(methods = [post])]
async fn upload(body: Bytes) -> String {
    body.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn octet_stream_bodies_arrive_as_the_original_bytes() {
    let (status, response) = invoke("upload", vector("http-trigger-octet.request.json")).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(http_body(&response, "res"), "89504e470d0a1a0a");
}

#[azfn::queue_trigger(name = "QueueWorker", queue_name = "work")]
#[azfn::queue_output(queue_name = "done")]
async fn queue_worker(
    ctx: Context,
    #[trigger(name = "myQueueItem")] item: azfn::Json<Value>,
) -> String {
    format!(
        "{} dequeued={} id={} retry={:?}",
        item.0["orderId"],
        ctx.metadata_value("DequeueCount").unwrap(),
        ctx.metadata_value("Id").unwrap().as_str().unwrap(),
        ctx.retry_context()
            .map(|r| (r.retry_count, r.max_retry_count)),
    )
}

fn base64_text(value: &Value) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.as_str().unwrap())
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn queue_trigger_vector_is_decoded_twice_and_metadata_typed() {
    let (status, response) = invoke("QueueWorker", vector("queue-trigger.request.json")).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    let sent = &response["ReturnValue"];
    let text = sent.as_str().unwrap();
    // Has spaces and `=`, `:`: not base64 to .NET, so sent readable.
    assert_eq!(
        text,
        "1005 dequeued=1 id=8c3f1f8e-3b1f-4a77-9d6c-5b2a1e0f9c44 retry=None"
    );
}

#[tokio::test]
async fn retry_context_is_exposed() {
    let body = vector("queue-trigger-retry.request.json");
    // The retry vector carries a plain-text message; read it as JSON text to reuse the worker.
    let mut payload: Value = serde_json::from_slice(&body).unwrap();
    payload["Data"]["myQueueItem"] = json!("\"{\\\"orderId\\\":7}\"");
    let (status, response) = invoke("QueueWorker", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert!(
        response["ReturnValue"]
            .as_str()
            .unwrap()
            .ends_with("retry=Some((1, 2))"),
        "{response}"
    );
}

#[tokio::test]
async fn a_payload_for_another_binding_name_is_refused_with_the_missing_field() {
    let mut payload: Value = serde_json::from_slice(&vector("queue-trigger.request.json")).unwrap();
    payload["Data"]
        .as_object_mut()
        .unwrap()
        .remove("myQueueItem");
    let (status, response) = invoke("QueueWorker", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response["error"],
        "`Data.myQueueItem` is missing from the invocation payload"
    );
    payload["Data"]["myQueueItem"] = json!("\"not json\"");
    let (status, response) = invoke("QueueWorker", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        response["error"]
            .as_str()
            .unwrap()
            .starts_with("`Data.myQueueItem` cannot be read as JSON"),
        "{response}"
    );
}

#[tokio::test]
async fn a_payload_that_is_not_utf8_is_refused_with_where_it_stops_being_text() {
    let mut payload = vector("http-trigger.request.json");
    let at = payload.windows(5).position(|w| w == b"black").unwrap();
    payload[at] = 0xff;
    let (status, response) = invoke("order", payload).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = response["error"].as_str().unwrap();
    assert!(
        error.starts_with("invocation payload is not valid JSON"),
        "{error}"
    );
    assert!(error.contains(&format!("from {at}")), "{error}");
}

#[tokio::test]
async fn json_bodies_past_axums_default_limit_reach_the_function() {
    // axum's `Json` refuses bodies over 2 MB; the host accepts up to 100 MB, so azfn's does too.
    let mut payload: Value = serde_json::from_slice(&vector("http-trigger.request.json")).unwrap();
    let color = "x".repeat(3 * 1024 * 1024);
    payload["Data"]["req"]["Body"] =
        json!(json!({"id": 1, "quantity": 2, "color": color}).to_string());
    let (status, response) = invoke("order", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{}", &response.to_string()[..200]);
    assert!(http_body(&response, "res").ends_with(&color));
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_the_functions_422_not_a_failed_invocation() {
    let mut payload: Value = serde_json::from_slice(&vector("http-trigger.request.json")).unwrap();
    payload["Data"]["req"]["Body"] = json!(r#"{"id": "1005"}"#);
    let (status, response) = invoke("order", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["Outputs"]["res"]["statusCode"], 422);
    assert_eq!(
        http_body(&response, "res"),
        "Failed to deserialize the JSON body into the target type: id: invalid type: string \"1005\", \
         expected u64 at line 1 column 13"
    );
    assert!(response["Outputs"].get("message").is_none());
}

#[test]
fn every_request_vector_decodes() {
    let names = [
        "http-trigger.request.json",
        "http-trigger-get-route.request.json",
        "http-trigger-octet.request.json",
        "queue-trigger.request.json",
        "queue-trigger-retry.request.json",
        "timer-trigger.request.json",
        "blob-trigger-binary.request.json",
        "queue-trigger-with-array-input.request.json",
        "docs-queue.request.json",
        "docs-order.request.json",
    ];
    for name in names {
        let request =
            InvocationRequest::parse(&vector(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(request.data_names().next().is_some(), "{name}");
    }
    let timer = InvocationRequest::parse(&vector("timer-trigger.request.json")).unwrap();
    assert_eq!(
        decode_value(&timer.data("myTimer").unwrap().unwrap()),
        DecodedValue::Json(
            json!({"Schedule": {"AdjustForDST": true}, "ScheduleStatus": null, "IsPastDue": false})
        )
    );
    let lookup =
        InvocationRequest::parse(&vector("queue-trigger-with-array-input.request.json")).unwrap();
    assert_eq!(
        decode_value(&lookup.data("myQueueItem").unwrap().unwrap()),
        DecodedValue::Text("a1".into())
    );
    assert_eq!(
        decode_value(&lookup.data("inputDocs").unwrap().unwrap()),
        DecodedValue::Json(json!([{"id": "a1", "name": "first"}, {"id": "a2", "name": "second"}]))
    );
    assert_eq!(
        decode_value(&lookup.data("missingBlob").unwrap().unwrap()),
        DecodedValue::Null
    );
    let docs = InvocationRequest::parse(&vector("docs-queue.request.json")).unwrap();
    assert_eq!(
        decode_value(&docs.data("myQueueItem").unwrap().unwrap()),
        DecodedValue::Raw("{ message: \"Message sent\" }".into())
    );
}

#[test]
fn binary_blob_vector_decodes_to_its_bytes() {
    let blob = InvocationRequest::parse(&vector("blob-trigger-binary.request.json")).unwrap();
    let binding: azfn::metadata::Binding = serde_json::from_value(
        json!({"type": "blobTrigger", "direction": "in", "name": "myBlob", "dataType": "binary", "path": "samples-workitems/{name}"}),
    )
    .unwrap();
    let bytes =
        Vec::<u8>::from_binding_value(&binding, blob.data("myBlob").unwrap().as_ref()).unwrap();
    assert_eq!(bytes, b"hello from blob\n");
}

#[azfn::queue_trigger(name = "Echo", queue_name = "echo-in")]
#[azfn::queue_output(queue_name = "echo-out")]
async fn echo(#[trigger(name = "myQueueItem")] item: String) -> String {
    item
}

#[tokio::test]
async fn base64_looking_return_values_are_sent_as_their_base64() {
    for text in ["abcd", "true", "1234", "Zm9v", "", "a b c d"] {
        let payload =
            json!({"Data": {"myQueueItem": serde_json::to_string(text).unwrap()}, "Metadata": {}});
        let (status, response) = invoke("Echo", serde_json::to_vec(&payload).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(base64_text(&response["ReturnValue"]), text, "{response}");
    }
    let payload = json!({"Data": {"myQueueItem": "\"héllo, wörld\""}, "Metadata": {}});
    let (_, response) = invoke("Echo", serde_json::to_vec(&payload).unwrap()).await;
    assert_eq!(response["ReturnValue"], "héllo, wörld");
}
