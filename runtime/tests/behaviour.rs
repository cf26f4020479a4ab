//! Runtime behaviour through the test harness: logs, state, failures, panics, output shapes,
//! payload-mode limits and graceful shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use azfn::http::{HeaderMap, IntoResponse, Response, StatusCode, header};
use azfn::testing::{Delivered, TestClient, TestError};
use azfn::{App, Context, Out, State};

#[derive(Clone)]
struct Counter(Arc<AtomicUsize>);

#[azfn::queue_trigger(queue_name = "work")]
#[azfn::queue_output(queue_name = "done")]
async fn logged(ctx: Context, item: String, State(counter): State<Counter>) -> String {
    let n = counter.0.fetch_add(1, Ordering::SeqCst);
    tracing::info!(n, "working on {item}");
    tracing::warn!("item is {} bytes", item.len());
    format!("{} {item}", ctx.function_name())
}

fn client_with_state() -> (TestClient, Counter) {
    azfn::logging::init();
    let counter = Counter(Arc::new(AtomicUsize::new(0)));
    let client = TestClient::from_app(App::new().state(counter.clone())).unwrap();
    (client, counter)
}

#[tokio::test]
async fn logs_carry_level_and_invocation_id_and_state_is_shared() {
    let (client, counter) = client_with_state();
    let result = client
        .queue("logged", "abc")
        .invocation_id("inv-42")
        .send()
        .await
        .unwrap();
    assert_eq!(result.return_value().unwrap().text(), "logged abc");
    assert_eq!(
        result.logs(),
        [
            "INFO [inv-42] working on abc n=0",
            "WARN [inv-42] item is 3 bytes"
        ]
    );
    client.queue("logged", "x").send().await.unwrap();
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn missing_state_fails_the_invocation_with_a_message() {
    let client = TestClient::new();
    let err = client.queue("logged", "abc").send().await.unwrap_err();
    match err {
        TestError::Failed { status, message } => {
            assert_eq!(status, 500);
            assert!(message.contains("no state of type"), "{message}");
            assert!(message.contains("Counter"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("inventory is down")]
struct InventoryDown;

#[azfn::queue_trigger(queue_name = "fails")]
async fn fails(item: String) -> Result<(), InventoryDown> {
    let _ = item;
    Err(InventoryDown)
}

#[azfn::queue_trigger(queue_name = "panics")]
async fn panics(item: String) {
    panic!("cannot handle {item}");
}

#[tokio::test]
async fn errors_and_panics_fail_the_invocation_and_the_server_keeps_serving() {
    let client = TestClient::new();
    let err = client.queue("fails", "m").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("inventory is down")),
        "{err:?}"
    );
    let err = client.queue("panics", "m").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("cannot handle m")),
        "{err:?}"
    );
    // The same router still answers.
    let err = client.queue("fails", "again").send().await.unwrap_err();
    assert!(matches!(err, TestError::Failed { status: 500, .. }));
}

#[azfn::queue_trigger(queue_name = "fanout")]
async fn fanout(
    item: String,
    #[azfn::queue_output(queue_name = "many")] many: &mut Out<Vec<String>>,
    #[azfn::queue_output(queue_name = "maybe")] maybe: &mut Out<String>,
    #[azfn::queue_output(queue_name = "raw")] raw: &mut Out<Vec<u8>>,
) {
    many.set(item.split(',').map(str::to_owned).collect());
    if item.contains("keep") {
        maybe.set("kept".to_owned());
    }
    raw.set(vec![0, 255, 1]);
}

#[tokio::test]
async fn vec_outputs_write_several_items_and_unset_outputs_write_nothing() {
    let client = TestClient::new();
    let result = client.queue("fanout", "a,abcd,c").send().await.unwrap();
    assert_eq!(result.output("many").unwrap().items(), ["a", "abcd", "c"]);
    assert!(result.output("maybe").is_none());
    assert_eq!(
        result.output("raw"),
        Some(&Delivered::Bytes(vec![0, 255, 1]))
    );
    let result = client.queue("fanout", "keep").send().await.unwrap();
    assert_eq!(result.output("maybe").unwrap().text(), "kept");
}

#[azfn::http_trigger(methods = [get])]
async fn cookies() -> Response {
    let mut headers = HeaderMap::new();
    headers.append(header::SET_COOKIE, "a=1".parse().unwrap());
    headers.append(header::SET_COOKIE, "b=2".parse().unwrap());
    (headers, "two cookies").into_response()
}

#[azfn::http_trigger(methods = [get])]
async fn binary() -> Vec<u8> {
    vec![0xff, 0x00, 0xfe]
}

#[azfn::http_trigger(methods = [get])]
async fn http_panics() -> &'static str {
    panic!("boom")
}

#[azfn::http_trigger(methods = [get], route = "status/{code}")]
async fn status(azfn::http::Path(code): azfn::http::Path<u16>) -> (StatusCode, String) {
    (
        StatusCode::from_u16(code).unwrap(),
        format!("status {code}"),
    )
}

#[tokio::test]
async fn payload_mode_refuses_what_it_cannot_carry() {
    let client = TestClient::new();
    let err = client.http("cookies").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("set-cookie") && message.contains("enableProxyingHttpRequest")),
        "{err:?}"
    );
    let err = client.http("binary").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("binary")),
        "{err:?}"
    );
    let err = client.http("http_panics").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("boom")),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_status_and_route_parameters_survive_payload_mode() {
    let client = TestClient::new();
    let response = client
        .http("status")
        .get("/api/status/418")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.text(), "status 418");
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[azfn::http_trigger(methods = [get])]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(300)).await;
    "finished"
}

#[tokio::test]
async fn shutdown_drains_in_flight_requests() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(App::new().route_prefix("api").serve_with_shutdown(
        listener,
        async {
            let _ = stopped.await;
        },
    ));
    let request = tokio::spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        stream
            .write_all(b"GET /api/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let answer = request.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("finished"), "{answer}");
    server.await.unwrap().unwrap();
}

#[azfn::http_trigger(methods = [get])]
async fn stuck() -> &'static str {
    tokio::time::sleep(Duration::from_secs(120)).await;
    "never"
}

/// Issue 15 item 9: after SIGTERM the process waited for every request in flight however long
/// it took (29 s observed), while the host kills it anyway. The drain is bounded now.
#[tokio::test]
async fn shutdown_waits_for_in_flight_requests_no_longer_than_the_drain_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        App::new()
            .route_prefix("api")
            .drain_timeout(Duration::from_millis(300))
            .serve_with_shutdown(listener, async {
                let _ = stopped.await;
            }),
    );
    let _request = tokio::spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        stream
            .write_all(b"GET /api/stuck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let signalled = std::time::Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the server returns after the drain timeout, not after the stuck function")
        .unwrap()
        .unwrap();
    assert!(signalled.elapsed() >= Duration::from_millis(300));
}

#[azfn::queue_trigger(queue_name = "typed")]
#[azfn::queue_output(queue_name = "typed-out")]
async fn typed_metadata(
    azfn::Metadata(meta): azfn::Metadata<azfn::trigger::QueueMetadata>,
    item: String,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        meta.dequeue_count < 5,
        "poison after {} tries",
        meta.dequeue_count
    );
    Ok(format!("{item} try {} id {}", meta.dequeue_count, meta.id))
}

#[tokio::test]
async fn typed_metadata_and_anyhow_errors() {
    let client = TestClient::new();
    let result = client
        .queue("typed_metadata", "m")
        .metadata("DequeueCount", serde_json::json!("3"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        result.return_value().unwrap().text(),
        "m try 3 id 00000000-0000-0000-0000-000000000001"
    );
    let err = client
        .queue("typed_metadata", "m")
        .metadata("DequeueCount", serde_json::json!("5"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("poison after 5 tries")),
        "{err:?}"
    );
}

/// The `(Ctx) -> Result<(), E>` shape with a timer value.
#[azfn::queue_trigger(queue_name = "ticks")]
async fn tick(ctx: Context) -> Result<(), String> {
    tracing::info!("tick in {}", ctx.function_name());
    Ok(())
}

/// The `()` shape.
#[azfn::queue_trigger(queue_name = "nothing")]
async fn nothing() {}

#[tokio::test]
async fn the_smallest_signatures_work() {
    let client = TestClient::new();
    assert!(client.queue("tick", "x").send().await.is_ok());
    let result = client.queue("nothing", "x").send().await.unwrap();
    assert!(result.return_value().is_none());
}

/// The Go samples' shape: an HTTP function whose `$return` binding is a queue.
#[azfn::http_trigger(methods = [post])]
async fn http_with_queue_return(
    body: String,
    #[azfn::queue_output(name = "$return", queue_name = "out-queue")] message: &mut Out<String>,
) -> &'static str {
    message.set(body);
    "queued"
}

#[tokio::test]
async fn an_http_function_can_feed_a_queue_return_binding() {
    let client = TestClient::new();
    let payload = serde_json::json!({"Data": {"req": {"Url": "http://localhost/api/http_with_queue_return", "Method": "POST", "Headers": {}, "Body": "abcd"}}, "Metadata": {}});
    let result = client
        .invoke_raw("http_with_queue_return", &payload)
        .await
        .unwrap();
    assert_eq!(result.http_response().unwrap().text(), "queued");
    assert_eq!(result.return_value().unwrap().text(), "abcd");
}

/// Several outputs returned as one struct.
#[derive(azfn::Outputs)]
struct Routed {
    audit: String,
    #[output(name = "orders")]
    order_lines: Option<Vec<String>>,
}

#[azfn::queue_trigger(queue_name = "route-in")]
#[azfn::queue_output(name = "audit", queue_name = "audit")]
#[azfn::queue_output(name = "orders", queue_name = "orders")]
async fn route(item: String) -> Result<Routed, String> {
    if item.is_empty() {
        return Err("empty message".into());
    }
    Ok(Routed {
        audit: format!("routed {item}"),
        order_lines: (item != "audit-only").then(|| vec![item.clone(), "abcd".to_owned()]),
    })
}

#[tokio::test]
async fn a_returned_struct_feeds_several_outputs() {
    let client = TestClient::new();
    let result = client.queue("route", "x").send().await.unwrap();
    assert_eq!(result.output("audit").unwrap().text(), "routed x");
    assert_eq!(result.output("orders").unwrap().items(), ["x", "abcd"]);
    assert!(result.return_value().is_none());
    let result = client.queue("route", "audit-only").send().await.unwrap();
    assert!(result.output("orders").is_none());
    let err = client.queue("route", "").send().await.unwrap_err();
    assert!(
        matches!(&err, TestError::Failed { status: 500, message } if message.contains("empty message")),
        "{err:?}"
    );
}

/// A layer that counts the requests it sees in `seen`.
fn counting_layer(
    seen: &'static AtomicUsize,
) -> tower::util::MapRequestLayer<
    impl Fn(azfn::http::Request) -> azfn::http::Request + Clone + Send + Sync + 'static,
> {
    tower::util::MapRequestLayer::new(move |request: azfn::http::Request| {
        seen.fetch_add(1, Ordering::SeqCst);
        request
    })
}

static LAYER_SAW: AtomicUsize = AtomicUsize::new(0);

#[tokio::test]
async fn tower_layers_wrap_every_invocation() {
    let client = TestClient::from_app(App::new().layer(counting_layer(&LAYER_SAW))).unwrap();
    let before = LAYER_SAW.load(Ordering::SeqCst);
    client.queue("nothing", "x").send().await.unwrap();
    client
        .http("status")
        .get("/api/status/200")
        .send()
        .await
        .unwrap();
    assert_eq!(LAYER_SAW.load(Ordering::SeqCst) - before, 2);
}

static SERVED_LAYER_SAW: AtomicUsize = AtomicUsize::new(0);

/// Served over a socket, an app with a layer runs its requests through the layer (without
/// layers the server skips axum's router; this is the other way).
#[tokio::test]
async fn served_apps_with_layers_run_payloads_and_probes_through_them() {
    let layer = counting_layer(&SERVED_LAYER_SAW);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        App::new()
            .layer(layer)
            .serve_with_shutdown(listener, async {
                let _ = stopped.await;
            }),
    );
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let payload = r#"{"Data":{"item":"\"x\""},"Metadata":{}}"#;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            format!(
                "GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /nothing HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{payload}",
                payload.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).await.unwrap();
    assert_eq!(answers.matches("HTTP/1.1 200").count(), 2, "{answers}");
    assert!(answers.contains(r#""Outputs":{}"#), "{answers}");
    assert_eq!(SERVED_LAYER_SAW.load(Ordering::SeqCst), 2);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[derive(serde::Deserialize)]
struct Reading {
    temperature: f64,
}

/// A batch trigger: `cardinality = "many"` and a `Vec` parameter.
#[azfn::event_hub_trigger(
    event_hub_name = "telemetry",
    connection = "EventHub",
    cardinality = "many"
)]
#[azfn::queue_output(queue_name = "averages")]
async fn average(readings: Vec<azfn::Json<Reading>>) -> String {
    let sum: f64 = readings.iter().map(|r| r.0.temperature).sum();
    format!("{:.1}", sum / readings.len() as f64)
}

#[azfn::event_grid_trigger]
async fn on_blob_created(event: azfn::trigger::EventGridEvent) -> Result<(), String> {
    if event.event_type == "Microsoft.Storage.BlobCreated" {
        Ok(())
    } else {
        Err(format!("unexpected {}", event.event_type))
    }
}

#[tokio::test]
async fn batches_and_event_grid_events_are_typed() {
    let client = TestClient::new();
    // The host sends a batch of strings as the JSON text of an array of JSON texts.
    let batch = serde_json::json!(["{\"temperature\":20.0}", "{\"temperature\":23.0}"]).to_string();
    let result = client
        .event("average")
        .trigger_value(serde_json::Value::String(batch))
        .send()
        .await
        .unwrap();
    assert_eq!(result.return_value().unwrap().text(), "21.5");
    let event = serde_json::json!({"id": "1", "eventType": "Microsoft.Storage.BlobCreated", "subject": "/blobs/a", "data": {}});
    assert!(
        client
            .event("on_blob_created")
            .trigger_value(event)
            .send()
            .await
            .is_ok()
    );
}

#[azfn::http_trigger(methods = [get])]
async fn whoami(ctx: Context) -> String {
    let method = ctx.sys().map(|sys| sys.method_name).unwrap_or_default();
    let source = ctx.metadata_value("source").unwrap_or_default();
    format!("{} {method} {source}", ctx.function_name())
}

#[tokio::test]
async fn http_functions_read_the_invocation_metadata_on_demand() {
    let client = TestClient::new();
    let payload = serde_json::json!({
        "Data": {"req": {"Url": "http://localhost:7071/api/whoami?source=web", "Method": "GET",
                         "Headers": {"Accept": ["*/*"]}, "Identities": [{"Claims": []}]}},
        "Metadata": {"source": "\"web\"", "Query": {"source": "web"},
                     "sys": {"MethodName": "whoami", "UtcNow": "2024-10-24T21:32:17Z",
                             "RandGuid": "3f2b8a61-5d0c-4d7e-9b0a-2f7c1e4d9a10"}}
    });
    let result = client.invoke_raw("whoami", &payload).await.unwrap();
    let response = result.http_response().expect("an HTTP response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "whoami whoami \"web\"");

    // The harness sends the metadata the host sends with an HTTP trigger.
    let response = client
        .http("whoami")
        .get("/api/whoami?source=app")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text(), "whoami whoami \"app\"");

    let refused = client
        .invoke_raw(
            "whoami",
            &serde_json::json!({"Data": {"req": {"Url": "/"}}, "Metadata": [1]}),
        )
        .await;
    let e = refused.expect_err("an array is not metadata");
    assert!(e.to_string().contains("`Metadata` is an array"), "{e}");
}

#[azfn::http_trigger(methods = [get])]
async fn hello() -> &'static str {
    "hello"
}

#[azfn::http_trigger(methods = [get], route = "Greet/{name}/{page=1}")]
async fn greet(azfn::http::Path((name, page)): azfn::http::Path<(String, u32)>) -> String {
    format!("{name} {page}")
}

async fn forwarded(path: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let router = azfn::router_with_prefix("api").unwrap();
    let request = http::Request::get(path)
        .body(azfn::http::Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Issue 14 item 6: the host routes these paths to `hello` (literals ignoring case,
/// percent-decoded, a trailing `/` ignored), so the handler must answer them as `hello`.
#[tokio::test]
async fn forwarded_requests_reach_the_function_the_host_routed_them_to() {
    for path in ["/api/Hello", "/API/HELLO", "/api/%68ello", "/api/hello/"] {
        assert_eq!(
            forwarded(path).await,
            (StatusCode::OK, "hello".to_owned()),
            "{path}"
        );
    }
    // Parameters keep the request's value, decoded once; a left-out default is filled in.
    assert_eq!(
        forwarded("/api/greet/Ann%20B/?x=1").await,
        (StatusCode::OK, "Ann B 1".to_owned())
    );
    assert_eq!(
        forwarded("/API/GREET/%41nn/2").await,
        (StatusCode::OK, "Ann 2".to_owned())
    );
    // What the host would not route stays a 404.
    for path in ["/api/hell", "/hello", "/api/hello/x", "/api/greet"] {
        assert_eq!(forwarded(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Payload mode carries the request's `Url`; its route values are read the same way.
#[tokio::test]
async fn payload_mode_reads_route_values_from_a_path_the_host_matched_leniently() {
    let client = TestClient::new();
    let response = client
        .http("status")
        .get("/API/Status/418/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.text(), "status 418");
}
