//! Shared fixtures for the `start_*` test binaries: Azurite, the orders example built and
//! emitted once, and small app folders whose handler is `handler.py`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use azfn_host::start::{Host, HostEvent, StartOptions};
use azfn_host::storage::{Azurite, AzuriteOptions, MessageEncoding, Storage, find_azurite};
use serde_json::{Value, json};
use tokio::sync::broadcast;

const HANDLER_PY: &str = include_str!("handler.py");

/// What to do when Azurite is neither installed nor installable here.
const INSTALL_AZURITE: &str = "Azurite, the Azure Storage emulator, is needed by the `cargo azfn \
     start` tests: install Node.js and npm (Debian and Ubuntu: `apt-get install nodejs npm`), \
     then run `.ci/install-azurite` in the repository, or set AZURITE_BIN to an azurite \
     executable";

/// The `azurite` executable. When it is missing it is installed from npm with
/// `.ci/install-azurite` (into `<target-dir>/azurite`, where [`find_azurite`] looks), once per
/// test binary, so that `cargo test --workspace` needs no set-up step of its own. When it can
/// be neither found nor installed, the test fails saying what to install: it never passes
/// without having run.
pub(crate) fn azurite_bin() -> PathBuf {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(find_or_install_azurite)
        .clone()
        .unwrap_or_else(|reason| panic!("{reason}\n{INSTALL_AZURITE}"))
}

fn find_or_install_azurite() -> Result<PathBuf, String> {
    if let Some(bin) = find_azurite() {
        return Ok(bin);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/install-azurite");
    // The script prints the executable's path on stdout; npm's output and the script's own
    // error go to stderr, which the test shows when it fails.
    let output = std::process::Command::new("bash")
        .arg(&script)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed ({})", script.display(), output.status));
    }
    let printed = String::from_utf8_lossy(&output.stdout);
    let bin = PathBuf::from(printed.trim());
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "{} printed {printed:?}, which is not an executable",
            script.display()
        ))
    }
}

/// Starts an in-memory Azurite on free ports, installing it first if needed (see
/// [`azurite_bin`]).
pub(crate) async fn azurite() -> Azurite {
    let mut options = AzuriteOptions::ephemeral();
    options.bin = Some(azurite_bin());
    Azurite::start(options).await.expect("Azurite starts")
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

    /// Writes (or rewrites) the function.json of `name`.
    pub(crate) fn set_function(&self, name: &str, bindings: Value) {
        let dir = self.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let text = serde_json::to_string_pretty(&json!({"bindings": bindings})).unwrap();
        std::fs::write(dir.join("function.json"), text).unwrap();
    }

    /// Removes the function `name`.
    pub(crate) fn remove_function(&self, name: &str) {
        std::fs::remove_dir_all(self.path().join(name)).unwrap();
    }

    /// Rewrites handler.py's configuration, which the next handler started reads.
    pub(crate) fn set_config(&self, config: Value) {
        let text = serde_json::to_string_pretty(&config).unwrap();
        std::fs::write(self.path().join("handler_config.json"), text).unwrap();
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
    try_http(method, url, body, headers)
        .await
        .expect("the front door answers")
}

/// [`http`], with the error instead of a panic when nothing answers.
pub(crate) async fn try_http(
    method: &str,
    url: &str,
    body: impl Into<bytes::Bytes>,
    headers: &[(&str, &str)],
) -> Result<(u16, http::HeaderMap, bytes::Bytes), String> {
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
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, headers, body))
}

/// `GET url`: the status and the body as text; `None` when nothing answers within 30 s.
pub(crate) async fn get_text(url: &str) -> Option<(u16, String)> {
    let answer = tokio::time::timeout(Duration::from_secs(30), try_http("GET", url, "", &[]));
    match answer.await {
        Ok(Ok((status, _, body))) => Some((status, String::from_utf8_lossy(&body).into_owned())),
        _ => None,
    }
}

/// The target directory the projects of `cargo azfn new` build into (`tests/new.rs` uses it
/// too): azfn and its dependencies are compiled there once for all of them.
pub(crate) fn new_projects_target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("build-tool/ is inside the workspace")
        .join("target/azfn-new-projects")
}

/// Creates the project of `cargo azfn new --template http` at `path` (its `azfn` dependency is
/// the workspace's `runtime/`, by absolute path) with the workspace's `Cargo.lock`, so that it
/// builds with the versions already compiled in [`new_projects_target_dir`]. Returns its
/// manifest.
pub(crate) fn new_http_project(path: &Path) -> PathBuf {
    use cargo_azfn::scaffold::{NewOptions, Template, new_project};
    let report = new_project(&NewOptions {
        path: path.to_owned(),
        name: None,
        template: Template::Http,
    })
    .expect("cargo azfn new --template http");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), report.dir.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    report.dir.join("Cargo.toml")
}

/// `cargo azfn start ARGS`, run as a child process in a process group of its own, its stdout
/// and stderr collected into one log. Dropping it stops the whole group the way Ctrl-C in a
/// terminal does (the host, the handler and a `cargo build` under way), and kills what is
/// still running 10 s later; so a failing test leaves nothing behind. The log is printed
/// when the test fails, so assertions need not print it.
pub(crate) struct StartProcess {
    child: std::process::Child,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl StartProcess {
    /// Starts `cargo azfn start ARGS` in `dir`, without colors.
    pub(crate) fn spawn(dir: &Path, args: &[&str]) -> StartProcess {
        StartProcess::spawn_with_env(dir, args, &[])
    }

    /// `cargo azfn start --watch` on the project of `manifest`, any free port, building into
    /// `target`, with `env` added to its environment.
    pub(crate) fn watch(
        manifest: &Path,
        target: &Path,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> StartProcess {
        let project = manifest.parent().expect("a manifest is in its project");
        StartProcess::spawn_with_env(
            project,
            &[
                "--watch",
                "--port",
                "0",
                "--manifest-path",
                manifest.to_str().expect("a UTF-8 path"),
                "--target-dir",
                target.to_str().expect("a UTF-8 path"),
            ],
            env,
        )
    }

    /// [`StartProcess::spawn`], with `env` added to its environment.
    pub(crate) fn spawn_with_env(
        dir: &Path,
        args: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> StartProcess {
        use std::process::{Command, Stdio};
        let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-azfn"));
        command
            .args(["azfn", "start"])
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .env_remove("CARGO_TERM_COLOR")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("cargo-azfn starts");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        collect_lines(stdout, log.clone());
        collect_lines(stderr, log.clone());
        StartProcess { child, log }
    }

    /// Everything printed so far, stdout and stderr interleaved by line.
    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many lines printed so far contain `text`.
    pub(crate) fn count(&self, text: &str) -> usize {
        self.log().lines().filter(|l| l.contains(text)).count()
    }

    /// Waits until `pick` finds what it looks for in the log; fails, with the log, when
    /// `timeout` passes first or the process exits.
    pub(crate) async fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut pick: impl FnMut(&str) -> Option<T>,
    ) -> T {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(found) = pick(&self.log()) {
                return found;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // The readers may still hold its last lines.
                tokio::time::sleep(Duration::from_millis(200)).await;
                if let Some(found) = pick(&self.log()) {
                    return found;
                }
                panic!("cargo azfn start exited ({status}) before {what}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {what} within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails when the process has exited.
    pub(crate) fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("cargo azfn start exited ({status})");
        }
    }

    /// Waits for `Host started. Listening on http://localhost:PORT/` and returns
    /// `http://127.0.0.1:PORT`.
    pub(crate) async fn url(&mut self, timeout: Duration) -> String {
        const STARTED: &str = "Host started. Listening on http://localhost:";
        self.wait_for("start of the host", timeout, |log| {
            let rest = &log[log.find(STARTED)? + STARTED.len()..];
            let port: u16 = rest[..rest.find('/')?].parse().ok()?;
            Some(format!("http://127.0.0.1:{port}"))
        })
        .await
    }
}

fn collect_lines(
    stream: impl std::io::Read + Send + 'static,
    log: std::sync::Arc<std::sync::Mutex<String>>,
) {
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        for line in std::io::BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
            log.push_str(&line);
            log.push('\n');
        }
    });
}

impl Drop for StartProcess {
    fn drop(&mut self) {
        let pid = self.child.id();
        if matches!(self.child.try_wait(), Ok(None)) {
            signal_group(pid, "INT");
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while matches!(self.child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Whatever the interrupt left running: the host itself, its handler, cargo.
        signal_group(pid, "KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- cargo azfn start printed ---\n{}", self.log());
        }
    }
}

/// Sends `signal` to the process group `pgid`.
fn signal_group(pgid: u32, signal: &str) {
    #[cfg(unix)]
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}"), "--".into(), format!("-{pgid}")])
        .stderr(std::process::Stdio::null())
        .status();
    #[cfg(not(unix))]
    let _ = (pgid, signal);
}
