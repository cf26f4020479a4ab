//! Starting the handler process and watching it (CONTRACT §1).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::{Notify, oneshot, watch};

use super::HostError;
use super::app::App;
use super::client::{HttpClient, OutBody, new_client};
use super::dotnet::{expand_environment_variables, parse_arguments, remove_unexpanded_variables};
use azfn_spec::expression::new_guid;

/// The host version the simulation claims to be, in `X-Azure-Functions-HostVersion` and
/// `User-Agent` (the contract's reference host, 4.1037.0).
pub const DEFAULT_HOST_VERSION: &str = "4.1037.0.0";

/// The readiness budget when host.json sets no `initializationTimeout` (§1.4).
pub const DEFAULT_INIT_TIMEOUT: Duration = Duration::from_secs(30);

/// How often readiness is probed (`WorkerReadyCheckPollingIntervalMilliseconds`).
pub const READY_POLL_INTERVAL: Duration = Duration::from_millis(25);

/// The request body limit for HTTP triggers (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` overrides it).
pub const DEFAULT_MAX_REQUEST_BODY: u64 = 100 * 1024 * 1024;

/// How to run the handler. Everything has the host's default; the setters only exist for
/// what tests and `cargo azfn start` need to vary.
#[derive(Clone, Debug)]
pub struct HandlerOptions {
    init_timeout: Option<Duration>,
    invocation_timeout: Option<Duration>,
    host_version: String,
    env: Vec<(OsString, OsString)>,
    inherit_env: bool,
    echo: bool,
    port: Option<u16>,
    pub(crate) traceparent: bool,
    on_output: Option<OutputCallback>,
}

/// A function called with every output line as it arrives (see [`HandlerOptions::on_output`]).
#[derive(Clone)]
struct OutputCallback(Arc<dyn Fn(&OutputLine) + Send + Sync>);

impl std::fmt::Debug for OutputCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputCallback")
    }
}

impl Default for HandlerOptions {
    fn default() -> Self {
        HandlerOptions {
            init_timeout: None,
            invocation_timeout: None,
            host_version: DEFAULT_HOST_VERSION.to_string(),
            env: Vec::new(),
            inherit_env: true,
            echo: false,
            port: None,
            traceparent: true,
            on_output: None,
        }
    }
}

impl HandlerOptions {
    /// The defaults: inherit this process's environment, 30 s readiness budget (or host.json's
    /// `initializationTimeout`), a free port, no echo.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the readiness budget. As in the host it counts the 25 ms sleeps between
    /// probes, so wall time is a little longer.
    pub fn init_timeout(mut self, timeout: Duration) -> Self {
        self.init_timeout = Some(timeout);
        self
    }

    /// Overrides how long one invocation may take (default: functionTimeout + 1 minute, §5).
    pub fn invocation_timeout(mut self, timeout: Duration) -> Self {
        self.invocation_timeout = Some(timeout);
        self
    }

    /// The host version to announce (default [`DEFAULT_HOST_VERSION`]).
    pub fn host_version(mut self, version: impl Into<String>) -> Self {
        self.host_version = version.into();
        self
    }

    /// Adds a variable to the host's environment, as if it had been exported before
    /// `func start`: it overrides the inherited value, wins over local.settings.json and takes
    /// part in `%VAR%` expansion. (Rust 2024 makes `std::env::set_var` unsafe; use this.)
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Whether the host's environment starts from this process's (default `true`).
    pub fn inherit_env(mut self, inherit: bool) -> Self {
        self.inherit_env = inherit;
        self
    }

    /// Echo the handler's output lines to this process's stderr as they arrive.
    pub fn echo(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    /// Use this port instead of a free one (like host.json's `customHandler.port`).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Calls `callback` with every output line, classified, as it arrives: how
    /// `cargo azfn start` shows the handler's output with the host's levels while it runs.
    pub fn on_output(mut self, callback: impl Fn(&OutputLine) + Send + Sync + 'static) -> Self {
        self.on_output = Some(OutputCallback(Arc::new(callback)));
        self
    }

    /// Whether invocation requests carry a `traceparent` header (default `true`: real captures
    /// show one, the contract marks its presence uncertain, and handlers must tolerate it).
    pub fn traceparent(mut self, send: bool) -> Self {
        self.traceparent = send;
        self
    }
}

/// Exactly how the handler process is (or would be) started: the result of §1.1–§1.3.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Launch {
    /// The executable, resolved like .NET's `Process.Start` (a bare name is left for the
    /// `PATH` lookup).
    pub program: PathBuf,
    /// `ProcessStartInfo.Arguments`: the single string the host builds, after `%VAR%` handling.
    pub argument_string: String,
    /// `argv[1..]`, split from [`Launch::argument_string`] by .NET's rules.
    pub args: Vec<String>,
    /// The process's current directory.
    pub working_dir: PathBuf,
    /// The complete environment of the process.
    pub env: BTreeMap<OsString, OsString>,
    /// The port it must listen on.
    pub port: u16,
    /// `FUNCTIONS_CUSTOMHANDLER_WORKER_ID`.
    pub worker_id: String,
}

impl Launch {
    /// Works out the command line, directory and environment for `app` without starting
    /// anything.
    ///
    /// Environment precedence follows core tools: the host's own environment (this process's,
    /// plus [`HandlerOptions::env`]) wins over local.settings.json `Values` ("Skipping '…' from
    /// local settings as it's already defined in current environment variables"), and the
    /// five `FUNCTIONS_*` variables of §1.3 override both.
    pub fn plan(app: &App, options: &HandlerOptions, port: u16, worker_id: &str) -> Launch {
        let config = app.handler_config();
        let root = app.root();

        let mut env: BTreeMap<OsString, OsString> = if options.inherit_env {
            std::env::vars_os().collect()
        } else {
            BTreeMap::new()
        };
        for (k, v) in &options.env {
            env.insert(k.clone(), v.clone());
        }
        for (k, v) in app.settings() {
            let key = OsString::from(k);
            if env.get(&key).is_none_or(|existing| existing.is_empty()) {
                env.insert(key, OsString::from(v));
            }
        }
        let expand = |text: &str| {
            expand_environment_variables(text, |name| {
                env.get(OsStr::new(name))
                    .map(|v| v.to_string_lossy().into_owned())
            })
        };

        let join = |base: &Path, p: &str| -> PathBuf {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let worker_dir = config
            .worker_directory
            .as_deref()
            .map_or_else(|| root.to_path_buf(), |d| join(root, d));
        let working_dir = config
            .working_directory
            .as_deref()
            .map_or_else(|| root.to_path_buf(), |d| join(root, d));

        let mut executable = expand(&config.default_executable_path);
        if !Path::new(&executable).is_absolute() {
            let candidate = worker_dir.join(&executable);
            if candidate.is_file() {
                executable = candidate.to_string_lossy().into_owned();
            }
        }

        // `DefaultWorkerProcessFactory.GetArguments`: each element env-expanded and appended
        // after a space, unquoted; the worker path quoted.
        let mut argument_string = String::new();
        for arg in &config.arguments {
            argument_string.push(' ');
            argument_string.push_str(&expand(arg));
        }
        if let Some(worker_path) = &config.default_worker_path {
            argument_string.push_str(&format!(" \"{}\"", expand(worker_path)));
        }
        for arg in &config.worker_arguments {
            argument_string.push(' ');
            argument_string.push_str(&expand(arg));
        }

        let root_text = root.to_string_lossy().into_owned();
        let port_text = port.to_string();
        let injected = [
            ("FUNCTIONS_CUSTOMHANDLER_PORT", port_text.as_str()),
            ("FUNCTIONS_HTTPWORKER_PORT", port_text.as_str()),
            ("FUNCTIONS_CUSTOMHANDLER_WORKER_ID", worker_id),
            ("FUNCTIONS_HTTPWORKER_ID", worker_id),
            ("FUNCTIONS_APP_ROOT_PATH", root_text.as_str()),
        ];
        for (key, value) in injected {
            env.insert(key.into(), value.into());
            let pattern = format!("%{key}%");
            executable = executable.replace(&pattern, value);
            argument_string = argument_string.replace(&pattern, value);
        }
        let argument_string = remove_unexpanded_variables(&argument_string);
        let args = parse_arguments(&argument_string);

        Launch {
            program: resolve_program(&executable, root),
            argument_string,
            args,
            working_dir,
            env,
            port,
            worker_id: worker_id.to_string(),
        }
    }
}

/// .NET's `Process.ResolvePath`, with the host's current directory being the app root (as
/// under `func start`): an absolute path is used as is; a relative one is looked up in the
/// current directory; a bare name not found there is left for the `PATH` search.
fn resolve_program(executable: &str, root: &Path) -> PathBuf {
    let path = Path::new(executable);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let in_root = root.join(path);
    if in_root.is_file() || path.components().count() > 1 {
        in_root
    } else {
        path.to_path_buf()
    }
}

/// Where an output line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// The level the host logs a line at (§1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Every stdout line.
    Information,
    /// A stderr line containing `warn` in any case.
    Warning,
    /// Any other stderr line.
    Error,
}

/// Which log category the host sends a line to (§1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Ordinary output: user logs (`Host.Function.Console`).
    User,
    /// A line that started with `LanguageWorkerConsoleLog` (the prefix is removed from `text`).
    System,
    /// A line that starts with `azfuncjsonlog:`, for tooling.
    Tooling,
}

/// One line of the handler's output, classified as the host would.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputLine {
    /// stdout or stderr.
    pub stream: OutputStream,
    /// The host's log level for it.
    pub level: LogLevel,
    /// The log category.
    pub kind: LineKind,
    /// The text, without the line ending (and without the system-log prefix).
    pub text: String,
    /// When it arrived, relative to the process start.
    pub at: Duration,
}

impl OutputLine {
    fn classify(stream: OutputStream, raw: String, at: Duration) -> OutputLine {
        let (kind, text) = if let Some(rest) = raw.strip_prefix("LanguageWorkerConsoleLog") {
            (LineKind::System, rest.to_string())
        } else if raw.starts_with("azfuncjsonlog:") {
            (LineKind::Tooling, raw)
        } else {
            (LineKind::User, raw)
        };
        let level = match stream {
            OutputStream::Stdout => LogLevel::Information,
            OutputStream::Stderr if text.to_lowercase().contains("warn") => LogLevel::Warning,
            OutputStream::Stderr => LogLevel::Error,
        };
        OutputLine {
            stream,
            level,
            kind,
            text,
            at,
        }
    }
}

struct OutputLog {
    lines: Mutex<Vec<OutputLine>>,
    changed: Notify,
    open_streams: AtomicUsize,
    started: Instant,
    echo: bool,
    callback: Option<OutputCallback>,
}

impl OutputLog {
    fn push(&self, stream: OutputStream, raw: String) {
        let line = OutputLine::classify(stream, raw, self.started.elapsed());
        if self.echo {
            let tag = match line.stream {
                OutputStream::Stdout => "out",
                OutputStream::Stderr => "err",
            };
            eprintln!("[handler {tag}] {}", line.text);
        }
        if let Some(callback) = &self.callback {
            (callback.0)(&line);
        }
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
        self.changed.notify_waiters();
    }

    fn snapshot(&self) -> Vec<OutputLine> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn closed(&self) -> bool {
        self.open_streams.load(Ordering::Acquire) == 0
    }

    fn stderr_tail(&self, n: usize) -> Vec<String> {
        let lines = self.snapshot();
        let stderr: Vec<String> = lines
            .into_iter()
            .filter(|l| l.stream == OutputStream::Stderr)
            .map(|l| l.text)
            .collect();
        stderr[stderr.len().saturating_sub(n)..].to_vec()
    }
}

async fn pump(reader: impl AsyncRead + Unpin, stream: OutputStream, log: Arc<OutputLog>) {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                log.push(stream, String::from_utf8_lossy(&buf).into_owned());
            }
        }
    }
    log.open_streams.fetch_sub(1, Ordering::AcqRel);
    log.changed.notify_waiters();
}

/// A running custom handler, started the way the host starts it.
///
/// Dropping the `Handler` kills the process (the host's `Process.Kill()`, SIGKILL on Unix).
/// The simulation does not restart a handler that exits (the host restarts on any exit code
/// but 0 and stops after three failures, §1.5); [`Handler::exit_status`] tells tests what
/// happened instead.
pub struct Handler {
    pub(crate) app: Arc<App>,
    pub(crate) launch: Launch,
    pub(crate) options: HandlerOptions,
    pub(crate) client: HttpClient,
    pub(crate) max_request_body: u64,
    output: Arc<OutputLog>,
    status: watch::Receiver<Option<ExitStatus>>,
    kill: Mutex<Option<oneshot::Sender<()>>>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler")
            .field("program", &self.launch.program)
            .field("port", &self.launch.port)
            .field("exit_status", &self.exit_status())
            .finish_non_exhaustive()
    }
}

impl Handler {
    /// Starts the handler of `app` and waits until it answers `GET /` (§1.4).
    ///
    /// Fails with [`HostError::Exited`] if the process ends first (with its last stderr
    /// lines), or [`HostError::NotReady`] when the budget runs out; the process is killed in
    /// both cases.
    pub async fn start(app: &App, options: HandlerOptions) -> Result<Handler, HostError> {
        let port = match options.port.or(app.handler_config().port) {
            Some(port) => {
                // The host validates a fixed port by binding it (H+ `HttpWorkerOptionsSetup`).
                std::net::TcpListener::bind(("127.0.0.1", port))
                    .map_err(|source| HostError::PortUnavailable { port, source })?;
                port
            }
            None => free_port()?,
        };
        let launch = Launch::plan(app, &options, port, &new_guid());
        ensure_executable(&launch.program);

        let mut command = tokio::process::Command::new(&launch.program);
        command
            .args(&launch.args)
            .current_dir(&launch.working_dir)
            .env_clear()
            .envs(&launch.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|source| HostError::Spawn {
            program: launch.program.clone(),
            source,
        })?;

        let output = Arc::new(OutputLog {
            lines: Mutex::new(Vec::new()),
            changed: Notify::new(),
            open_streams: AtomicUsize::new(2),
            started: Instant::now(),
            echo: options.echo,
            callback: options.on_output.clone(),
        });
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(pump(stdout, OutputStream::Stdout, output.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(pump(stderr, OutputStream::Stderr, output.clone()));
        }

        let (status_tx, status) = watch::channel(None);
        let (kill_tx, kill_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            // A dropped sender (the Handler went away) counts as a kill request too.
            let status = tokio::select! {
                status = child.wait() => status,
                _ = kill_rx => {
                    let _ = child.start_kill();
                    child.wait().await
                }
            };
            if let Ok(status) = status {
                let _ = status_tx.send(Some(status));
            }
        });

        let max_request_body = launch
            .env
            .get(OsStr::new("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"))
            .and_then(|v| v.to_str()?.trim().parse().ok())
            .unwrap_or(DEFAULT_MAX_REQUEST_BODY);
        let init_timeout = options
            .init_timeout
            .or(app.handler_config().initialization_timeout)
            .unwrap_or(DEFAULT_INIT_TIMEOUT);
        let handler = Handler {
            app: Arc::new(app.clone()),
            launch,
            options,
            client: new_client(),
            max_request_body,
            output,
            status,
            kill: Mutex::new(Some(kill_tx)),
        };
        handler.wait_until_ready(init_timeout).await?;
        Ok(handler)
    }

    async fn wait_until_ready(&self, budget: Duration) -> Result<(), HostError> {
        let mut status = self.status.clone();
        let mut slept = Duration::ZERO;
        loop {
            // Copied out first: a watch guard held across the await would make `start` !Send.
            let exited = *status.borrow_and_update();
            if let Some(exit) = exited {
                return Err(self.exited(exit).await);
            }
            // A server that accepts but never answers stalls the host's probe; bound it by the
            // whole budget so the simulation cannot hang.
            let probe = tokio::time::timeout(budget, self.ping());
            let outcome = tokio::select! {
                outcome = probe => outcome,
                _ = exit_changed(&mut status) => continue,
            };
            match outcome {
                Ok(Err(HostError::Transport { connect: true, .. })) => {}
                // Any answer, and any failure other than a refused connection, means ready.
                Ok(_) => return Ok(()),
                Err(_) => break,
            }
            if slept >= budget {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(READY_POLL_INTERVAL) => {}
                _ = exit_changed(&mut status) => {}
            }
            slept += READY_POLL_INTERVAL;
        }
        Err(HostError::NotReady {
            port: self.launch.port,
            timeout: budget,
            stderr_tail: self.output.stderr_tail(3),
        })
    }

    async fn exited(&self, status: ExitStatus) -> HostError {
        // Let the readers drain what the process wrote before it died.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while !self.output.closed() {
                let changed = self.output.changed.notified();
                if self.output.closed() {
                    break;
                }
                changed.await;
            }
        })
        .await;
        HostError::Exited {
            status,
            stderr_tail: self.output.stderr_tail(3),
        }
    }

    /// `GET /` as the readiness probe and the host's health ping send it; returns the status.
    pub async fn ping(&self) -> Result<http::StatusCode, HostError> {
        let request = http::Request::get(format!("{}/", self.base_url()))
            .body(OutBody::empty())
            .map_err(|e| HostError::transport(&e, false))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| HostError::transport(&e, e.is_connect()))?;
        Ok(response.status())
    }

    /// The app this handler serves (with the HTTP mode it was started with).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// How the process was started.
    pub fn launch(&self) -> &Launch {
        &self.launch
    }

    /// The port the handler listens on.
    pub fn port(&self) -> u16 {
        self.launch.port
    }

    /// `http://127.0.0.1:{port}`, the only address the host uses.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.launch.port)
    }

    /// The host version this handler is told about.
    pub fn host_version(&self) -> &str {
        &self.options.host_version
    }

    /// Every output line so far, in arrival order per stream.
    pub fn output(&self) -> Vec<OutputLine> {
        self.output.snapshot()
    }

    /// The stdout lines so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.lines_of(OutputStream::Stdout)
    }

    /// The stderr lines so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.lines_of(OutputStream::Stderr)
    }

    fn lines_of(&self, stream: OutputStream) -> Vec<String> {
        self.output()
            .into_iter()
            .filter(|l| l.stream == stream)
            .map(|l| l.text)
            .collect()
    }

    /// Waits until an output line satisfies `predicate` and returns it; `None` on timeout or
    /// when both streams closed without one.
    pub async fn wait_for_output(
        &self,
        timeout: Duration,
        mut predicate: impl FnMut(&OutputLine) -> bool,
    ) -> Option<OutputLine> {
        tokio::time::timeout(timeout, async {
            loop {
                let changed = self.output.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                if let Some(line) = self.output.snapshot().into_iter().find(&mut predicate) {
                    return Some(line);
                }
                if self.output.closed() {
                    return None;
                }
                changed.await;
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// How the process ended, if it has.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        *self.status.borrow()
    }

    /// Waits for the process to end by itself, up to `timeout`.
    pub async fn wait(&self, timeout: Duration) -> Option<ExitStatus> {
        let mut status = self.status.clone();
        tokio::time::timeout(timeout, async {
            loop {
                if let Some(s) = *status.borrow_and_update() {
                    return Some(s);
                }
                if status.changed().await.is_err() {
                    return *status.borrow();
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// Kills the process (SIGKILL, like the host) and returns how it ended.
    pub async fn kill(&self) -> Option<ExitStatus> {
        let sender = self.kill.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(sender) = sender {
            let _ = sender.send(());
        }
        self.wait(Duration::from_secs(10)).await
    }

    pub(crate) fn invocation_timeout(&self) -> Duration {
        self.options.invocation_timeout.unwrap_or_else(|| {
            // §5: functionTimeout + 1 minute; "unbounded" is int.MaxValue milliseconds.
            self.app
                .function_timeout()
                .map_or(Duration::from_millis(i32::MAX as u64), |t| {
                    t + Duration::from_secs(60)
                })
        })
    }
}

/// Resolves when the exit status changes; never, if the supervisor is gone without one (so a
/// `select!` on it cannot spin).
async fn exit_changed(status: &mut watch::Receiver<Option<ExitStatus>>) {
    if status.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn free_port() -> Result<u16, HostError> {
    // `WorkerUtilities.GetUnusedTcpPort`: bind 127.0.0.1:0, read the port, release it.
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// Core tools (and the host on Linux Consumption) add user-execute permission to the
/// executable when it is missing, e.g. after a zip made on Windows.
fn ensure_executable(program: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(program)
            && meta.is_file()
            && meta.permissions().mode() & 0o100 == 0
        {
            let mut permissions = meta.permissions();
            permissions.set_mode(permissions.mode() | 0o100);
            let _ = std::fs::set_permissions(program, permissions);
        }
    }
    #[cfg(not(unix))]
    let _ = program;
}
