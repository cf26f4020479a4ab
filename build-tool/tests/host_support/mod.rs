//! Shared fixtures for the `host_*` test binaries: an app folder in a temporary directory whose
//! custom handler is `handler.py`, a small Python server that records what it receives.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use azfn_host::{App, Handler, HandlerOptions};
use serde_json::{Value, json};

const HANDLER_PY: &str = include_str!("handler.py");

/// An app folder under construction.
pub(crate) struct TestApp {
    dir: tempfile::TempDir,
}

impl TestApp {
    /// host.json runs `python3 handler.py`; the handler answers every invocation with an
    /// empty success until [`TestApp::config`] says otherwise.
    pub(crate) fn new() -> TestApp {
        let app = TestApp {
            dir: tempfile::tempdir().expect("temporary directory"),
        };
        std::fs::write(app.path().join("handler.py"), HANDLER_PY).unwrap();
        app.custom_handler(json!({
            "description": {"defaultExecutablePath": "python3", "arguments": ["handler.py"]}
        }));
        app.config(json!({}));
        app
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write_json(&self, relative: &str, value: &Value) -> &TestApp {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        self
    }

    /// Replaces host.json with one holding this `customHandler` section.
    pub(crate) fn custom_handler(&self, section: Value) -> &TestApp {
        self.host_json(json!({"version": "2.0", "customHandler": section}))
    }

    pub(crate) fn host_json(&self, host: Value) -> &TestApp {
        self.write_json("host.json", &host)
    }

    pub(crate) fn function(&self, name: &str, bindings: Value) -> &TestApp {
        self.write_json(
            &format!("{name}/function.json"),
            &json!({"bindings": bindings}),
        )
    }

    pub(crate) fn settings(&self, values: Value) -> &TestApp {
        self.write_json(
            "local.settings.json",
            &json!({"IsEncrypted": false, "Values": values}),
        )
    }

    /// What handler.py does: `responses` keyed by `"METHOD /path"` or `"/path"`, each
    /// `{status, headers: [[name, value]], body | body_json | body_b64, content_length,
    /// delay_ms, stdout, stderr}`; start-up `delay_ms`, `stdout`, `stderr`, `exit_code`.
    pub(crate) fn config(&self, config: Value) -> &TestApp {
        self.write_json("handler_config.json", &config)
    }

    pub(crate) fn load(&self) -> App {
        App::load(self.path()).expect("app folder loads")
    }

    /// Every request handler.py recorded (readiness probes excluded), oldest first.
    pub(crate) fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path().join("requests.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The last recorded request.
    pub(crate) fn last_request(&self) -> Value {
        self.requests()
            .pop()
            .expect("the handler received a request")
    }

    /// What handler.py saw at start-up: `argv`, `cwd`, `env`.
    pub(crate) fn startup(&self) -> Value {
        let text = std::fs::read_to_string(self.path().join("startup.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// Options for tests: a generous budget (CI machines are slow to start Python) and the
/// handler's output echoed, so that a failing test shows it.
pub(crate) fn options() -> HandlerOptions {
    HandlerOptions::new()
        .init_timeout(Duration::from_secs(20))
        .echo(true)
}

pub(crate) async fn start(app: &App) -> Handler {
    Handler::start(app, options())
        .await
        .expect("handler starts")
}

/// The value of a recorded request's header (first match, any case).
pub(crate) fn header<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["headers"]
        .as_array()?
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h[1].as_str())
}

/// Every recorded header name, as sent.
pub(crate) fn header_names(request: &Value) -> Vec<String> {
    request["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| h[0].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A recorded request's body.
pub(crate) fn body(request: &Value) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(request["body_b64"].as_str().unwrap())
        .unwrap()
}

/// A recorded request's body parsed as JSON.
pub(crate) fn body_json(request: &Value) -> Value {
    serde_json::from_slice(&body(request)).expect("JSON body")
}

/// A handler.py response spec answering with this JSON, as `application/json`.
pub(crate) fn json_answer(body: Value) -> Value {
    json!({"status": 200, "headers": [["Content-Type", "application/json"]], "body_json": body})
}
