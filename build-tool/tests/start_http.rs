//! `cargo azfn start`'s HTTP front door on the orders example, in all three HTTP modes
//! (CONTRACT §4): routes with the `api` prefix, methods, the body limit, and the queue output
//! of `order` written to Azurite.

mod start_support;

use std::time::Duration;

use azfn_host::HttpMode;
use azfn_host::start::StartOptions;
use serde_json::json;
use start_support::{
    FixtureApp, StartProcess, azurite, eventually, get_text, http, orders_app, queue_contents,
    start_with,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_answers_in_payload_forward_and_proxy_mode() {
    let azurite = azurite().await;
    let app = orders_app();
    for (round, mode) in [HttpMode::Payload, HttpMode::Forward, HttpMode::Proxy]
        .into_iter()
        .enumerate()
    {
        let host = start_with(
            StartOptions::for_app(&app)
                .http_mode(mode)
                .env("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", "4096"),
            &azurite,
        )
        .await;
        let url = host.url();

        let (status, _, body) = http("GET", &format!("{url}/api/hello"), "", &[]).await;
        assert_eq!((status, &body[..]), (200, &b"hello world"[..]), "{mode}");

        let (status, _, body) = http(
            "POST",
            &format!("{url}/api/hello"),
            "zażółć gęślą jaźń",
            &[],
        )
        .await;
        assert_eq!(status, 200, "{mode}");
        assert_eq!(std::str::from_utf8(&body).unwrap(), "zażółć gęślą jaźń");

        // The host answers 404 for an unknown route and for a method the function refuses.
        let (status, _, _) = http("GET", &format!("{url}/api/nothing"), "", &[]).await;
        assert_eq!(status, 404, "{mode}");
        let (status, _, _) = http("GET", &format!("{url}/api/order"), "", &[]).await;
        assert_eq!(status, 404, "{mode}: `order` only takes POST");

        // FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MiB unless set: 413 beyond it.
        let (status, _, _) = http("POST", &format!("{url}/api/hello"), vec![b'x'; 5000], &[]).await;
        assert_eq!(status, 413, "{mode}");

        // `order` has a queue output, so it is always invoked with the payload (§4), and
        // the host writes its message to the `orders` queue.
        let order = format!(r#"{{"id":{round},"quantity":2,"color":"black"}}"#);
        let (status, _, body) = http(
            "POST",
            &format!("{url}/api/order"),
            order.clone(),
            &[("content-type", "application/json")],
        )
        .await;
        assert_eq!((status, &body[..]), (200, &b"Order enqueued"[..]), "{mode}");
        let storage = host.storage(None).unwrap();
        let messages = eventually(Duration::from_secs(10), || {
            let storage = storage.clone();
            async move {
                let m = queue_contents(&storage, "orders").await;
                (m.len() > round).then_some(m)
            }
        })
        .await;
        let message: serde_json::Value = serde_json::from_slice(&messages[round]).unwrap();
        assert_eq!(
            message,
            serde_json::from_str::<serde_json::Value>(&order).unwrap()
        );
        host.shutdown().await;
    }
    azurite.stop().await;
}

/// Issue 14 item 3: under `cargo azfn start` an HTTP function's blob input was silently empty
/// (the function saw `None`, the console said "Succeeded"). The host invokes a function with
/// any binding besides `httpTrigger` and `http` with a payload whatever the HTTP mode
/// (`DefaultHttpWorkerService.InvokeAsync`, `IsHttpInAndOutFunction`), with its inputs in
/// `Data`: here in forwarding mode, through the front door and through `cargo azfn invoke`'s
/// endpoint, the blob's path resolved from the route.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_function_receives_its_blob_input_in_every_http_mode() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[(
            "settings",
            json!([
                {"type": "httpTrigger", "direction": "in", "name": "req",
                 "methods": ["get", "post"], "route": "settings/{id}"},
                {"type": "blob", "direction": "in", "name": "config",
                 "path": "config/{id}.txt"},
                {"type": "http", "direction": "out", "name": "res"},
            ]),
        )],
        json!({"functions": {"settings": {"outputs": {"res": {"statusCode": 200, "body": "ok"}}}}}),
        json!({}),
    );
    for (round, mode) in [HttpMode::Payload, HttpMode::Forward, HttpMode::Proxy]
        .into_iter()
        .enumerate()
    {
        let host = start_with(StartOptions::for_app(app.path()).http_mode(mode), &azurite).await;
        let storage = host.storage(None).unwrap();
        storage.create_container("config").await.unwrap();
        storage
            .upload_blob(
                "config",
                "42.txt",
                bytes::Bytes::from_static(b"colour=blue"),
            )
            .await
            .unwrap();
        let url = host.url();
        let (status, _, body) = http("GET", &format!("{url}/api/settings/42"), "", &[]).await;
        assert_eq!((status, &body[..]), (200, &b"ok"[..]), "{mode:?}");
        let (status, _, _) = http("GET", &format!("{url}/api/settings/7"), "", &[]).await;
        assert_eq!(status, 200, "{mode:?}");
        let requests = app.requests_of("settings");
        assert_eq!(requests.len(), 2 * round + 2, "{mode:?}");
        let data = &requests[2 * round]["payload"]["Data"];
        assert_eq!(data["config"], json!("\"colour=blue\""), "{mode:?}: {data}");
        // A missing blob is `null` (the string "null", §2.3), not a missing entry.
        let data = &requests[2 * round + 1]["payload"]["Data"];
        assert_eq!(data["config"], json!("null"), "{mode:?}: {data}");
        host.shutdown().await;
    }

    // `cargo azfn invoke settings --path /api/settings/42` through the running host.
    let host = start_with(StartOptions::for_app(app.path()), &azurite).await;
    let mut request = azfn_host::invoke_once::HttpInput::default();
    request.path = Some("/api/settings/42".into());
    let envelope = azfn_host::invoke_once::envelope(
        host.app().function("settings").unwrap(),
        &azfn_host::invoke_once::InvokeInput::Http(request),
    )
    .unwrap();
    let (status, _, body) = http(
        "POST",
        &format!("{}/.azfn/invoke/settings", host.url()),
        envelope.to_string(),
        &[("content-type", "application/json")],
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let last = app.requests_of("settings").pop().unwrap();
    assert_eq!(last["payload"]["Data"]["config"], json!("\"colour=blue\""));
    host.shutdown().await;
    azurite.stop().await;
}

/// Issue 14: a binding the local host cannot simulate gets one line at start naming the function
/// and the binding, never a silent `None`; the invocations themselves say nothing more of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_the_local_host_does_not_play_is_named_once_at_start() {
    let app = FixtureApp::new(
        &[(
            "report",
            json!([
                {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get"]},
                {"type": "table", "direction": "in", "name": "rows", "tableName": "orders"},
                {"type": "http", "direction": "out", "name": "res"},
            ]),
        )],
        json!({"functions": {"report": {"outputs": {"res": {"statusCode": 200, "body": "ok"}}}}}),
        json!({}),
    );
    let mut host = StartProcess::spawn(
        app.path(),
        &["--app-dir", app.path().to_str().unwrap(), "--port", "0"],
    );
    let url = host.url(Duration::from_secs(60)).await;
    for _ in 0..2 {
        assert_eq!(
            get_text(&format!("{url}/api/report")).await,
            Some((200, "ok".to_owned()))
        );
    }
    host.wait_for("two invocations", Duration::from_secs(10), |log| {
        (log.matches("Executed 'Functions.report' (Succeeded")
            .count()
            == 2)
            .then_some(())
    })
    .await;
    let line = "`report`: the table input `rows` is not read locally; the function receives no \
                value for it";
    assert_eq!(host.count(line), 1, "{}", host.log());
    assert_eq!(host.count("`rows`"), 1, "{}", host.log());
}
