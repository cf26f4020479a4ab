//! Shared fixtures for the `start_*` test binaries: Azurite, the orders example built and
//! emitted once, and small app folders whose handler is `handler.py`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use cargo_azfn::start::{Host, HostEvent, StartOptions};
use cargo_azfn::storage::{Azurite, AzuriteOptions, MessageEncoding, Storage, find_azurite};
use serde_json::{Value, json};
use tokio::sync::broadcast;

const HANDLER_PY: &str = include_str!("handler.py");

/// Installs Azurite from npm with `.ci/install-azurite` when it is missing, once per test
/// binary, so that `cargo test --workspace` needs no set-up step of its own.
fn install_azurite() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if find_azurite().is_some() {
            return;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/install-azurite");
        match std::process::Command::new("bash")
            .arg(&script)
            .stdout(std::process::Stdio::null())
            .status()
        {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!("{} failed ({status})", script.display()),
            Err(e) => eprintln!("cannot run {}: {e}", script.display()),
        }
    });
}

/// Starts an in-memory Azurite on free ports, installing it first if needed. Without Azurite
/// (no Node.js to install it with) the test fails when `CI=true` and is skipped, with the
/// reason printed, elsewhere.
pub(crate) async fn azurite() -> Option<Azurite> {
    install_azurite();
    let Some(bin) = find_azurite() else {
        let message = "Azurite is not installed: run `.ci/install-azurite` (needs Node.js and \
                       npm) or set AZURITE_BIN";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        eprintln!("skipped: {message}");
        return None;
    };
    let mut options = AzuriteOptions::ephemeral();
    options.bin = Some(bin);
    Some(Azurite::start(options).await.expect("Azurite starts"))
}

/// The orders example, built with `cargo_azfn::build` and emitted once per test binary.
pub(crate) fn orders_app() -> PathBuf {
    static APP: OnceLock<PathBuf> = OnceLock::new();
    APP.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let out = root.join("target/azfn-tests/start-orders");
        let reports = cargo_azfn::build(&cargo_azfn::BuildOptions {
            manifest_path: Some(root.join("examples/orders/Cargo.toml")),
            out_dir: Some(out.clone()),
            ..Default::default()
        })
        .expect("examples/orders builds and emits");
        assert_eq!(reports.len(), 1);
        out
    })
    .clone()
}

/// Hosts `app_dir` on a free port against `azurite`.
pub(crate) async fn start(app_dir: &Path, azurite: &Azurite) -> Host {
    start_with(StartOptions::for_app(app_dir), azurite).await
}

pub(crate) async fn start_with(options: StartOptions, azurite: &Azurite) -> Host {
    Host::start(
        options
            .port(0)
            .development_storage(azurite.account())
            .quiet(true),
    )
    .await
    .expect("the host starts")
}

/// Waits for the first event that `pick` accepts.
pub(crate) async fn wait_for<T>(
    events: &mut broadcast::Receiver<HostEvent>,
    timeout: Duration,
    mut pick: impl FnMut(&HostEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(timeout, async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("event stream ended: {e}"),
            }
        }
    })
    .await
    .expect("the expected host event within the timeout")
}

/// Polls `check` every 100 ms until it returns `Some`.
pub(crate) async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    timeout: Duration,
    mut check: impl FnMut() -> F,
) -> T {
    tokio::time::timeout(timeout, async {
        loop {
            if let Some(found) = check().await {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the condition within the timeout")
}

/// The decoded contents of every message on a queue (base64, the host's encoding).
pub(crate) async fn queue_contents(storage: &Storage, queue: &str) -> Vec<Vec<u8>> {
    storage
        .peek_messages(queue, 32)
        .await
        .expect("peek")
        .into_iter()
        .map(|m| m.content(MessageEncoding::Base64).expect("base64 message"))
        .collect()
}

/// An app folder whose handler is `handler.py`.
pub(crate) struct FixtureApp {
    dir: tempfile::TempDir,
}

impl FixtureApp {
    /// `functions`: name → bindings; `config`: handler.py's behaviour; `extensions`: host.json
    /// `extensions`.
    pub(crate) fn new(functions: &[(&str, Value)], config: Value, extensions: Value) -> FixtureApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let write = |relative: &str, value: &Value| {
            let path = dir.path().join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        };
        std::fs::write(dir.path().join("handler.py"), HANDLER_PY).unwrap();
        write(
            "host.json",
            &json!({
                "version": "2.0",
                "customHandler": {"description": {
                    "defaultExecutablePath": "python3", "arguments": ["handler.py"]}},
                "extensions": extensions,
            }),
        );
        write(
            "local.settings.json",
            &json!({"IsEncrypted": false, "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "custom",
                "AzureWebJobsStorage": "UseDevelopmentStorage=true"}}),
        );
        write("handler_config.json", &config);
        for (name, bindings) in functions {
            write(
                &format!("{name}/function.json"),
                &json!({"bindings": bindings}),
            );
        }
        FixtureApp { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every invocation handler.py recorded, oldest first: `{function, payload}`.
    pub(crate) fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path().join("requests.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The recorded invocations of one function.
    pub(crate) fn requests_of(&self, function: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["function"] == function)
            .collect()
    }
}

/// A plain HTTP/1.1 client for the front door.
pub(crate) async fn http(
    method: &str,
    url: &str,
    body: impl Into<bytes::Bytes>,
    headers: &[(&str, &str)],
) -> (u16, http::HeaderMap, bytes::Bytes) {
    use http_body_util::{BodyExt, Full};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let mut request = http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = client
        .request(request.body(Full::new(body.into())).unwrap())
        .await
        .expect("the front door answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body)
}
