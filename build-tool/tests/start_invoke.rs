//! `cargo azfn invoke` with every `--example`, with a handler started for it and through a
//! running `start`.

mod start_support;

use std::time::Duration;

use azfn_host::invoke_once::{ExampleKind, InvokeInput, InvokeOptions, Received, invoke};
use serde_json::{Value, json};
use start_support::{FixtureApp, azurite, eventually, orders_app, queue_contents, start};

fn name(kind: ExampleKind) -> String {
    format!("{kind:?}Function")
}

/// One function per trigger kind; handler.py echoes `Data` as the return value.
fn fixture() -> FixtureApp {
    let functions: Vec<(String, Value)> = ExampleKind::ALL
        .into_iter()
        .map(|kind| {
            let mut bindings =
                vec![json!({"type": kind.trigger_type(), "direction": "in", "name": "input"})];
            if kind == ExampleKind::Http {
                bindings.push(json!({"type": "http", "direction": "out", "name": "res"}));
            }
            (name(kind), Value::Array(bindings))
        })
        .collect();
    let borrowed: Vec<(&str, Value)> = functions
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let config: serde_json::Map<String, Value> = ExampleKind::ALL
        .into_iter()
        .map(|kind| (name(kind), json!({"return": "$data", "logs": ["echoing"]})))
        .collect();
    FixtureApp::new(&borrowed, json!({ "functions": config }), json!({}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_a_host_shaped_payload() {
    let app = fixture();
    for kind in ExampleKind::ALL {
        let function = name(kind);
        let report = invoke(&InvokeOptions::for_app(
            app.path(),
            &function,
            InvokeInput::Example(kind),
        ))
        .await
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(report.succeeded, "{kind:?}: {:?}", report.error);
        assert_eq!(report.logs, ["echoing"]);
        let sent = &app.requests_of(&function)[0]["payload"];
        assert_eq!(sent["Metadata"]["sys"]["MethodName"], function.as_str());
        let value = &sent["Data"]["input"];
        assert_eq!(
            report.return_value.as_ref().unwrap()["input"],
            *value,
            "{kind:?}"
        );
        match kind {
            ExampleKind::Http => {
                assert_eq!(value["Method"], "POST");
                assert!(value["Headers"]["Content-Type"].is_array());
            }
            ExampleKind::Timer => assert_eq!(value["IsPastDue"], false),
            // A list travels as a JSON string holding the array (§2.3).
            ExampleKind::CosmosDb => {
                let documents: Value = serde_json::from_str(value.as_str().unwrap()).unwrap();
                assert!(documents.is_array(), "{documents}");
            }
            // Text triggers are JSON-encoded twice.
            _ => {
                let text: String = serde_json::from_str(value.as_str().unwrap())
                    .unwrap_or_else(|e| panic!("{kind:?}: {value}: {e}"));
                assert!(!text.is_empty());
            }
        }
        assert!(report.render().contains("Succeeded"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_replaces_the_trigger_value() {
    let app = fixture();
    let queue = name(ExampleKind::Queue);
    invoke(&InvokeOptions::for_app(
        app.path(),
        &queue,
        InvokeInput::Data("abcd".into()),
    ))
    .await
    .unwrap();
    assert_eq!(
        app.requests_of(&queue)[0]["payload"]["Data"]["input"],
        "\"abcd\""
    );
    let http = name(ExampleKind::Http);
    invoke(&InvokeOptions::for_app(
        app.path(),
        &http,
        InvokeInput::Data("raw body".into()),
    ))
    .await
    .unwrap();
    assert_eq!(
        app.requests_of(&http)[0]["payload"]["Data"]["input"]["Body"],
        "raw body"
    );
    let err = invoke(&InvokeOptions::for_app(
        app.path(),
        &name(ExampleKind::Timer),
        InvokeInput::Data("not json".into()),
    ))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("TimerInfo"), "{err}");
    let err = invoke(&InvokeOptions::for_app(
        app.path(),
        "Nope",
        InvokeInput::Default,
    ))
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("QueueFunction"),
        "lists the functions: {err}"
    );
}

/// Issue 14 item 5: `cargo azfn invoke get_item --example http` on a routed function gave 500
/// "Wrong number of path arguments": there was no way to give `invoke` a path, method, query,
/// headers or body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_function_is_invoked_with_the_request_given() {
    let app = FixtureApp::new(
        &[(
            "get_item",
            json!([
                {"type": "httpTrigger", "direction": "in", "name": "req", "route": "items/{id}",
                 "methods": ["get", "put"]},
                {"type": "http", "direction": "out", "name": "res"}
            ]),
        )],
        json!({"functions": {"get_item": {"return": "$data"}}}),
        json!({}),
    );
    // No path for a route with a parameter: a message that says what to give.
    let error = invoke(&InvokeOptions::for_app(
        app.path(),
        "get_item",
        InvokeInput::Example(ExampleKind::Http),
    ))
    .await
    .unwrap_err();
    assert!(error.to_string().contains("--path /api/items/1"), "{error}");

    let mut http = azfn_host::invoke_once::HttpInput::default();
    http.method = Some("put".into());
    http.path = Some("/api/items/7".into());
    http.query = vec![("verbose".into(), "yes please".into())];
    http.headers = vec![("X-Trace".into(), "abc".into())];
    http.body = Some("new name".into());
    let report = invoke(&InvokeOptions::for_app(
        app.path(),
        "get_item",
        InvokeInput::Http(http),
    ))
    .await
    .unwrap();
    assert!(report.succeeded, "{:?}", report.error);
    let sent = &app.requests_of("get_item")[0]["payload"];
    let req = &sent["Data"]["req"];
    assert_eq!(req["Method"], "PUT");
    assert_eq!(
        req["Url"],
        "http://localhost:7071/api/items/7?verbose=yes%20please"
    );
    assert_eq!(req["Params"], json!({"id": "7"}));
    assert_eq!(req["Query"], json!({"verbose": "yes please"}));
    // Kestrel reports a header it does not know in the spelling received (lower case here).
    assert_eq!(req["Headers"]["x-trace"], json!(["abc"]));
    assert_eq!(req["Body"], "new name");
    assert_eq!(sent["Metadata"]["id"], "\"7\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_running_start_outputs_land_in_azurite() {
    let azurite = azurite().await;
    let host = start(&orders_app(), &azurite).await;
    let mut options = InvokeOptions::for_app(
        "unused",
        "MyQueueFunction",
        InvokeInput::Data("via invoke".into()),
    );
    options.port = Some(host.port());
    let report = invoke(&options).await.unwrap();
    assert!(report.succeeded, "{:?}", report.error);
    let returned = report
        .outputs
        .iter()
        .find(|o| o.binding == "$return")
        .unwrap();
    assert_eq!(returned.kind, "queue");
    assert!(
        matches!(&returned.received, Received::Bytes { utf8: Some(t), .. } if t == "via invoke"),
        "{:?}",
        returned.received
    );
    assert_eq!(report.written.len(), 1, "{:?}", report.written);
    let storage = host.storage(None).unwrap();
    let messages = eventually(Duration::from_secs(5), || {
        let storage = storage.clone();
        async move {
            let m = queue_contents(&storage, "messages-outgoing").await;
            (!m.is_empty()).then_some(m)
        }
    })
    .await;
    assert_eq!(messages, vec![b"via invoke".to_vec()]);
    host.shutdown().await;
    azurite.stop().await;
}

/// Issue 14 item 14: the local host's management endpoints ran any function, a queue-triggered
/// one included, for a request with `Origin: http://evil.example`. A page the developer has open
/// can send that request; only local programs (no `Origin`, `Host` of this machine, a JSON
/// POST) may invoke now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_page_cannot_invoke_functions_through_the_management_endpoints() {
    use http_body_util::BodyExt as _;
    let azurite = azurite().await;
    let host = start(&orders_app(), &azurite).await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let post = |path: &str, headers: &[(&str, &str)], body: &str| {
        let mut request = http::Request::post(format!("http://127.0.0.1:{}{path}", host.port()));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(http_body_util::Full::new(bytes::Bytes::from(
                body.to_owned(),
            )))
            .unwrap();
        let client = client.clone();
        async move {
            let response = client.request(request).await.unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let json = ("content-type", "application/json");
    let evil = ("origin", "http://evil.example");
    for (path, body) in [
        ("/admin/functions/MyQueueFunction", r#"{"input":"forged"}"#),
        (
            "/.azfn/invoke/MyQueueFunction",
            r#"{"Data":{},"Metadata":{}}"#,
        ),
    ] {
        let (status, text) = post(path, &[json, evil], body).await;
        assert_eq!(status, 403, "{path}: {text}");
        assert!(text.contains("Origin"), "{text}");
        // A form post, which a page can send without asking.
        let (status, _) = post(path, &[("content-type", "text/plain")], body).await;
        assert_eq!(status, 403, "{path}");
    }
    // A local program still can.
    let (status, text) = post(
        "/admin/functions/MyQueueFunction",
        &[json],
        r#"{"input":"local"}"#,
    )
    .await;
    assert_eq!(status, 202, "{text}");
    host.shutdown().await;
    azurite.stop().await;
}

/// Issue 14 item 2: `cargo azfn invoke save_note --data first` with
/// `path = "notes/{queueTrigger}.txt"` failed through a running `start` ("No value for named
/// parameter 'queueTrigger'") and succeeded without one: the two paths built different binding
/// data. Both now succeed, and through `start` the blob lands where Azure would put it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_resolves_queue_trigger_in_output_paths_with_or_without_start() {
    let app = FixtureApp::new(
        &[(
            "save_note",
            json!([
                {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "notes-in"},
                {"type": "blob", "direction": "out", "name": "note", "path": "notes/{queueTrigger}.txt"}
            ]),
        )],
        json!({"functions": {"save_note": {"outputs": {"note": "saved note"}}}}),
        json!({}),
    );
    let alone = invoke(&InvokeOptions::for_app(
        app.path(),
        "save_note",
        InvokeInput::Data("first".into()),
    ))
    .await
    .unwrap();
    assert!(alone.succeeded, "{:?}", alone.error);

    let azurite = azurite().await;
    let host = start(app.path(), &azurite).await;
    let mut options =
        InvokeOptions::for_app("unused", "save_note", InvokeInput::Data("first".into()));
    options.port = Some(host.port());
    let report = invoke(&options).await.unwrap();
    assert!(report.succeeded, "{:?}", report.error);
    assert_eq!(report.written.len(), 1, "{:?}", report.written);
    assert!(
        report.written[0].contains("notes/first.txt"),
        "{:?}",
        report.written
    );
    let storage = host.storage(None).unwrap();
    let blob = storage
        .download_blob("notes", "first.txt")
        .await
        .unwrap()
        .expect("notes/first.txt is written");
    assert_eq!(&blob[..], b"saved note");
    host.shutdown().await;
    azurite.stop().await;
}

/// Without `start` nothing is written, but an output path Azure could not resolve fails the
/// invocation as it does through `start`: both use the same binding data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresolvable_output_path_fails_without_start_too() {
    let app = FixtureApp::new(
        &[(
            "save_note",
            json!([
                {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "notes-in"},
                {"type": "blob", "direction": "out", "name": "note", "path": "notes/{missing}.txt"}
            ]),
        )],
        json!({"functions": {"save_note": {"outputs": {"note": "saved note"}}}}),
        json!({}),
    );
    let report = invoke(&InvokeOptions::for_app(
        app.path(),
        "save_note",
        InvokeInput::Data(r#"{"name":"first"}"#.into()),
    ))
    .await
    .unwrap();
    assert!(!report.succeeded);
    let error = report.error.unwrap();
    assert!(
        error.contains("No value for named parameter 'missing'"),
        "{error}"
    );
}

/// Issue 14: never a silent `None`. `invoke` without a running `start` reads no input binding,
/// and says so; through `start` the blob input is read and only the kinds it does not play are
/// named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_names_the_inputs_the_function_received_no_value_for() {
    let app = FixtureApp::new(
        &[(
            "enrich",
            json!([
                {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "enrich-in"},
                {"type": "blob", "direction": "in", "name": "config", "path": "config/settings.txt"},
                {"type": "table", "direction": "in", "name": "rows", "tableName": "orders"}
            ]),
        )],
        json!({}),
        json!({}),
    );
    let alone = invoke(&InvokeOptions::for_app(
        app.path(),
        "enrich",
        InvokeInput::Data("x".into()),
    ))
    .await
    .unwrap();
    assert_eq!(
        alone.not_read,
        [
            "`config` (blob input): read only through a running `cargo azfn start`; the \
             function received no value for it",
            "`rows` (table input): not read locally; the function received no value for it",
        ]
    );
    assert!(alone.render().contains("  input `config` (blob input)"));

    let azurite = azurite().await;
    let host = start(app.path(), &azurite).await;
    let mut options = InvokeOptions::for_app("unused", "enrich", InvokeInput::Data("x".into()));
    options.port = Some(host.port());
    let through = invoke(&options).await.unwrap();
    assert!(through.succeeded, "{:?}", through.error);
    assert_eq!(
        through.not_read,
        ["`rows` (table input): not read locally; the function received no value for it"]
    );
    let sent = app.requests_of("enrich").pop().unwrap();
    assert_eq!(sent["payload"]["Data"]["config"], json!("null"));
    host.shutdown().await;
    azurite.stop().await;
}
