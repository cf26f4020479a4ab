//! Queue triggers against Azurite: the orders round trip, retries to the poison queue, the
//! host's base64 rules for output values (CONTRACT §3.3), and the payload of §2.3/§2.5.

mod start_support;

use std::time::Duration;

use azfn_host::start::HostEvent;
use azfn_host::storage::MessageEncoding;
use serde_json::json;
use start_support::{FixtureApp, azurite, eventually, orders_app, queue_contents, start, wait_for};

/// Issue 14 item 4: the README's queue walkthrough failed verbatim on a fresh Azurite
/// (`QueueNotFound`): nobody had created `messages-incoming`. Once the host runs, the queues and
/// containers the app's triggers and outputs name exist, the trigger's poison queue too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queues_the_app_names_exist_once_the_host_runs() {
    let azurite = azurite().await;
    let host = start(&orders_app(), &azurite).await;
    let storage = host.storage(None).unwrap();
    for queue in [
        "messages-incoming",
        "messages-incoming-poison",
        "messages-outgoing",
        "orders",
    ] {
        assert!(storage.queue_exists(queue).await.unwrap(), "{queue}");
    }
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_on_messages_incoming_reaches_messages_outgoing() {
    let azurite = azurite().await;
    let host = start(&orders_app(), &azurite).await;
    let storage = host.storage(None).unwrap();
    // "abcd" is valid base64: a handler that sent it as is would see it decoded by the host.
    for text in ["hello queue", "abcd", "{\"a\":1}"] {
        storage
            .put_message(
                "messages-incoming",
                text.as_bytes(),
                MessageEncoding::Base64,
            )
            .await
            .unwrap();
    }
    let mut out = eventually(Duration::from_secs(20), || {
        let storage = storage.clone();
        async move {
            let m = queue_contents(&storage, "messages-outgoing").await;
            (m.len() == 3).then_some(m)
        }
    })
    .await;
    out.sort();
    assert_eq!(
        out,
        vec![
            b"abcd".to_vec(),
            b"hello queue".to_vec(),
            b"{\"a\":1}".to_vec()
        ]
    );
    let left = eventually(Duration::from_secs(10), || {
        let storage = storage.clone();
        async move {
            let m = storage
                .peek_messages("messages-incoming", 32)
                .await
                .unwrap();
            m.is_empty().then_some(m)
        }
    })
    .await;
    assert!(left.is_empty(), "processed messages are deleted");
    host.shutdown().await;
    azurite.stop().await;
}

fn fixture() -> FixtureApp {
    FixtureApp::new(
        &[
            (
                "Fail",
                json!([{"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "work-items"}]),
            ),
            (
                "Trap",
                json!([
                    {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "trap-in"},
                    {"type": "queue", "direction": "out", "name": "out", "queueName": "trap-out"},
                    {"type": "queue", "direction": "out", "name": "$return", "queueName": "trap-return"}
                ]),
            ),
        ],
        json!({"functions": {
            "Fail": {"status": 500},
            "Trap": {"outputs": {"out": "abcd"}, "return": ["abcd", {"n": 1}]}
        }}),
        json!({"queues": {"maxPollingInterval": "00:00:00.200", "visibilityTimeout": "00:00:00"}}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_message_is_retried_five_times_then_poisoned() {
    let azurite = azurite().await;
    let app = fixture();
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    let storage = host.storage(None).unwrap();
    storage
        .put_message("work-items", b"doomed", MessageEncoding::Base64)
        .await
        .unwrap();
    let (queue, poison) = wait_for(&mut events, Duration::from_secs(30), |e| match e {
        HostEvent::Poisoned {
            queue,
            poison_queue,
            ..
        } => Some((queue.clone(), poison_queue.clone())),
        _ => None,
    })
    .await;
    assert_eq!(
        (queue.as_str(), poison.as_str()),
        ("work-items", "work-items-poison")
    );
    assert_eq!(
        queue_contents(&storage, "work-items-poison").await,
        vec![b"doomed".to_vec()]
    );
    assert!(
        storage
            .peek_messages("work-items", 32)
            .await
            .unwrap()
            .is_empty()
    );
    let tries: Vec<String> = app
        .requests_of("Fail")
        .iter()
        .map(|r| {
            r["payload"]["Metadata"]["DequeueCount"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(tries, ["1", "2", "3", "4", "5"], "maxDequeueCount is 5");

    // A message that is not base64 cannot be decoded: the extension poisons it at once.
    storage
        .send_message("work-items", "not base64!")
        .await
        .unwrap();
    wait_for(&mut events, Duration::from_secs(15), |e| {
        matches!(e, HostEvent::Poisoned { .. }).then_some(())
    })
    .await;
    assert_eq!(app.requests_of("Fail").len(), 5, "never invoked");
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputs_are_written_by_the_hosts_base64_rule() {
    let azurite = azurite().await;
    let app = fixture();
    let host = start(app.path(), &azurite).await;
    let storage = host.storage(None).unwrap();
    storage
        .put_message("trap-in", b"hello", MessageEncoding::Base64)
        .await
        .unwrap();
    let out = eventually(Duration::from_secs(15), || {
        let storage = storage.clone();
        async move {
            let m = queue_contents(&storage, "trap-out").await;
            (!m.is_empty()).then_some(m)
        }
    })
    .await;
    // The handler wrote the string "abcd"; the host decoded it as base64 (§3.3).
    assert_eq!(out, vec![vec![0x69, 0xb7, 0x1d]]);
    // An array is several messages, its elements never decoded.
    let mut returned = eventually(Duration::from_secs(15), || {
        let storage = storage.clone();
        async move {
            let m = queue_contents(&storage, "trap-return").await;
            (m.len() == 2).then_some(m)
        }
    })
    .await;
    returned.sort();
    assert_eq!(returned, vec![b"abcd".to_vec(), b"{\"n\":1}".to_vec()]);

    // The payload the handler got: §2.3's double encoding and string metadata.
    let request = &app.requests_of("Trap")[0]["payload"];
    assert_eq!(request["Data"]["item"], "\"hello\"");
    assert_eq!(request["Metadata"]["DequeueCount"], "1");
    let id = request["Metadata"]["Id"].as_str().unwrap();
    assert!(id.starts_with('"') && id.ends_with('"'), "{id}");
    assert!(request["Metadata"].get("QueueTrigger").is_none());
    assert_eq!(request["Metadata"]["sys"]["MethodName"], "Trap");
    let inserted = request["Metadata"]["InsertionTime"].as_str().unwrap();
    assert!(
        inserted.ends_with("+00:00") && inserted.len() == 25,
        "{inserted}"
    );
    host.shutdown().await;
    azurite.stop().await;
}

/// Issue 14 item 1: Azure resolves `{name}` in an output path from the top-level properties
/// of a JSON queue message (and `{a.b}` from its nested objects); the local host answered
/// "No value for named parameter 'name'".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_message_fills_the_output_paths_binding_expressions() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[(
            "SaveNote",
            json!([
                {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "notes-in"},
                {"type": "blob", "direction": "out", "name": "note", "path": "notes/{name}.txt"},
                {"type": "blob", "direction": "out", "name": "copy", "path": "notes/{meta.id}/{Name}.txt"}
            ]),
        )],
        json!({"functions": {"SaveNote": {"outputs": {"note": "saved note", "copy": "a copy"}}}}),
        json!({"queues": {"maxPollingInterval": "00:00:00.200"}}),
    );
    let host = start(app.path(), &azurite).await;
    let storage = host.storage(None).unwrap();
    storage
        .put_message(
            "notes-in",
            br#"{"name":"second","text":"hi","meta":{"id":"x7"}}"#,
            MessageEncoding::Base64,
        )
        .await
        .unwrap();
    for (blob, content) in [("second.txt", "saved note"), ("x7/second.txt", "a copy")] {
        let found = eventually(Duration::from_secs(20), || {
            let storage = storage.clone();
            async move { storage.download_blob("notes", blob).await.ok().flatten() }
        })
        .await;
        assert_eq!(&found[..], content.as_bytes(), "notes/{blob}");
    }
    host.shutdown().await;
    azurite.stop().await;
}
