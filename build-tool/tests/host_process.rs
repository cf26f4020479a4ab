//! Starting the handler like the host: readiness polling, environment, arguments, output and
//! process lifetime (CONTRACT §1).

mod host_support;

use std::time::{Duration, Instant};

use azfn_host::{Handler, HandlerOptions, HostError, LineKind, LogLevel, OutputStream};
use host_support::{TestApp, options, start};
use serde_json::json;

fn queue_function(t: &TestApp) {
    t.function(
        "work",
        json!([{"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "q"}]),
    );
}

#[tokio::test]
async fn waits_for_a_handler_that_listens_late() {
    let t = TestApp::new();
    queue_function(&t);
    t.config(json!({"delay_ms": 300}));
    let started = Instant::now();
    let handler = start(&t.load()).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "ready before the handler listened: {:?}",
        started.elapsed()
    );
    assert_eq!(handler.ping().await.unwrap(), http::StatusCode::OK);
    assert!(handler.exit_status().is_none());
}

#[tokio::test]
async fn gives_up_when_the_handler_never_listens() {
    let t = TestApp::new();
    queue_function(&t);
    t.config(json!({"delay_ms": 10_000, "stderr": ["still booting"]}));
    let started = Instant::now();
    let err = Handler::start(
        &t.load(),
        HandlerOptions::new().init_timeout(Duration::from_millis(400)),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, HostError::NotReady { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("Initializing HttpWorker timed out."),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn reports_an_exit_before_readiness_with_the_last_stderr_lines() {
    let t = TestApp::new();
    queue_function(&t);
    t.config(json!({"exit_code": 3, "stderr": ["one", "two", "three", "four"]}));
    let err = Handler::start(&t.load(), options()).await.unwrap_err();
    match &err {
        HostError::Exited {
            status,
            stderr_tail,
        } => {
            assert_eq!(status.code(), Some(3));
            assert_eq!(stderr_tail, &["two", "three", "four"]);
        }
        other => panic!("expected Exited, got {other}"),
    }
}

/// Issue 14 item 10: forgetting `azfn::run()` ended in "custom handler exited (exit status: 0)"
/// with no hint.
#[tokio::test]
async fn a_handler_that_exits_with_0_before_serving_gets_a_hint_about_azfn_run() {
    let t = TestApp::new();
    queue_function(&t);
    t.config(json!({"exit_code": 0}));
    let err = Handler::start(&t.load(), options()).await.unwrap_err();
    assert!(matches!(err, HostError::Exited { .. }), "{err}");
    assert!(err.to_string().contains("azfn::run()"), "{err}");
    // Any other code is its own story.
    t.config(json!({"exit_code": 3}));
    let err = Handler::start(&t.load(), options()).await.unwrap_err();
    assert!(!err.to_string().contains("azfn::run()"), "{err}");
}

#[tokio::test]
async fn environment_working_directory_and_arguments() {
    let t = TestApp::new();
    queue_function(&t);
    std::fs::create_dir(t.path().join("run")).unwrap();
    t.custom_handler(json!({
        "description": {
            "defaultExecutablePath": "python3",
            "arguments": [
                "%FUNCTIONS_APP_ROOT_PATH%/handler.py",
                "--port %FUNCTIONS_CUSTOMHANDLER_PORT%",
                "--greeting=%GREETING%",
                "--missing=%AZFN_SURELY_UNDEFINED%"
            ],
            "workingDirectory": "run"
        }
    }));
    t.settings(json!({"FROM_SETTINGS": "yes", "GREETING": "hello"}));
    let app = t.load();
    let handler = Handler::start(&app, options().env("FROM_OPTIONS", "also"))
        .await
        .unwrap();

    let startup = t.startup();
    let port = handler.port().to_string();
    let root = app.root().to_str().unwrap();
    let argv: Vec<&str> = startup["argv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        argv,
        [
            format!("{root}/handler.py").as_str(),
            "--port",
            port.as_str(),
            "--greeting=hello",
            "--missing="
        ]
    );
    assert_eq!(
        startup["cwd"].as_str().unwrap(),
        app.root()
            .join("run")
            .canonicalize()
            .unwrap()
            .to_str()
            .unwrap()
    );
    let env = &startup["env"];
    assert_eq!(env["FUNCTIONS_CUSTOMHANDLER_PORT"], json!(port));
    assert_eq!(env["FUNCTIONS_HTTPWORKER_PORT"], json!(port));
    assert_eq!(env["FUNCTIONS_APP_ROOT_PATH"], json!(root));
    let worker_id = env["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"].as_str().unwrap();
    assert_eq!(worker_id.len(), 36);
    assert_eq!(env["FUNCTIONS_HTTPWORKER_ID"], json!(worker_id));
    assert_eq!(handler.launch().worker_id, worker_id);
    assert_eq!(env["FROM_SETTINGS"], json!("yes"));
    assert_eq!(env["FROM_OPTIONS"], json!("also"));
    assert!(
        env["PATH"].is_string(),
        "the host's environment is inherited"
    );
}

#[tokio::test]
async fn output_lines_are_classified_like_the_host_does() {
    let t = TestApp::new();
    queue_function(&t);
    t.config(json!({
        "stdout": ["plain info", "LanguageWorkerConsoleLog system line", "azfuncjsonlog:{\"a\":1}"],
        "stderr": ["something broke", "WARNING: careful"]
    }));
    let handler = start(&t.load()).await;
    let listening = handler
        .wait_for_output(Duration::from_secs(5), |l| {
            l.text.starts_with("listening on")
        })
        .await;
    assert!(listening.is_some());

    let lines = handler.output();
    let find = |text: &str| lines.iter().find(|l| l.text == text).unwrap().clone();
    let info = find("plain info");
    assert_eq!(
        (info.stream, info.level, info.kind),
        (OutputStream::Stdout, LogLevel::Information, LineKind::User)
    );
    assert_eq!(find(" system line").kind, LineKind::System);
    assert_eq!(find("azfuncjsonlog:{\"a\":1}").kind, LineKind::Tooling);
    assert_eq!(find("something broke").level, LogLevel::Error);
    assert_eq!(find("WARNING: careful").level, LogLevel::Warning);
    assert_eq!(
        handler.stderr_lines(),
        ["something broke", "WARNING: careful"]
    );
}

#[tokio::test]
async fn kill_and_drop_end_the_process() {
    let t = TestApp::new();
    queue_function(&t);
    let handler = start(&t.load()).await;
    let status = handler.kill().await.expect("exit status");
    assert!(!status.success());
    assert_eq!(handler.exit_status(), Some(status));
    // Refused, or reset on the pooled connection if the probe's socket had not been reaped yet.
    assert!(matches!(
        handler.ping().await,
        Err(HostError::Transport { .. })
    ));

    let handler = start(&t.load()).await;
    let url = format!("127.0.0.1:{}", handler.port());
    drop(handler);
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(&url).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the handler survived its Handler"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
