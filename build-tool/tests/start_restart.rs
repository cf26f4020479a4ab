//! The handler's exit codes and the host's restart rules (CONTRACT §1.5).

mod start_support;

use std::time::Duration;

use azfn_host::invoke_once::{InvokeInput, InvokeOptions, invoke};
use azfn_host::start::{Host, HostEvent};
use serde_json::json;
use start_support::{FixtureApp, azurite, start, wait_for};

fn fixture() -> FixtureApp {
    let queue =
        |q: &str| json!([{"type": "queueTrigger", "direction": "in", "name": "m", "queueName": q}]);
    FixtureApp::new(
        &[
            ("Crash", queue("crash")),
            ("Exit0", queue("exit0")),
            ("Restart", queue("restart")),
            ("Fine", queue("fine")),
        ],
        json!({"functions": {"Crash": {"exit": 3}, "Exit0": {"exit": 0}, "Restart": {"exit": 200},
                             "Fine": {"return": "ok"}}}),
        json!({}),
    )
}

/// `cargo azfn invoke FUNCTION --example queue` through the running host.
async fn call(host: &Host, function: &str) -> bool {
    let mut options = InvokeOptions::for_app("unused", function, InvokeInput::Data("x".into()));
    options.port = Some(host.port());
    invoke(&options).await.expect("the host answers").succeeded
}

fn started(e: &HostEvent) -> Option<u32> {
    match e {
        HostEvent::HandlerStarted { generation, .. } => Some(*generation),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_handler_is_restarted_until_the_third_error() {
    let azurite = azurite().await;
    let app = fixture();
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();

    assert!(
        !call(&host, "Crash").await,
        "the invocation in flight fails"
    );
    let exited = wait_for(&mut events, Duration::from_secs(10), |e| match e {
        HostEvent::HandlerExited { code, restarting } => Some((*code, *restarting)),
        _ => None,
    })
    .await;
    assert_eq!(exited, (Some(3), true));
    assert_eq!(
        wait_for(&mut events, Duration::from_secs(30), started).await,
        2
    );
    assert!(call(&host, "Fine").await, "the new handler serves");

    // Exit code 200 asks for a restart and is not an error.
    assert!(!call(&host, "Restart").await);
    assert_eq!(
        wait_for(&mut events, Duration::from_secs(30), started).await,
        3
    );

    assert!(!call(&host, "Crash").await);
    assert_eq!(
        wait_for(&mut events, Duration::from_secs(30), started).await,
        4
    );
    // The third error within 30 minutes: the host shuts down.
    assert!(!call(&host, "Crash").await);
    let reason = tokio::time::timeout(Duration::from_secs(10), host.stopped())
        .await
        .expect("the host gives up");
    assert!(
        reason.contains("Exceeded http worker restart retry count"),
        "{reason}"
    );
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_code_zero_is_not_restarted() {
    let azurite = azurite().await;
    let app = fixture();
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    assert!(!call(&host, "Exit0").await);
    let exited = wait_for(&mut events, Duration::from_secs(10), |e| match e {
        HostEvent::HandlerExited { code, restarting } => Some((*code, *restarting)),
        _ => None,
    })
    .await;
    assert_eq!(exited, (Some(0), false));
    let restarted = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            if let Ok(HostEvent::HandlerStarted { .. }) = events.recv().await {
                return;
            }
        }
    })
    .await;
    assert!(restarted.is_err(), "no new handler after exit code 0");
    assert!(!call(&host, "Fine").await, "invocations fail from now on");
    host.shutdown().await;
    azurite.stop().await;
}
