//! `cargo azfn start`: the Functions host on a laptop, without .NET.
//!
//! [`Host::start`] hosts an emitted app folder the way the Functions host does, on top of the
//! simulated host of this crate: it starts the handler and restarts it by the exit-code
//! rules of CONTRACT §1.5, serves HTTP functions on `127.0.0.1:PORT` in the app's HTTP mode
//! (§4), fires timers on their NCRONTAB schedule, polls storage queues and blob containers in
//! Azurite, and writes queue and blob outputs by the host's §3.3 rules. `cargo azfn start` adds
//! the build, `--watch` (through [`Rebuild`]) and Ctrl-C around it. A reload ([`Host::restart`], or a rebuild
//! under `--watch`) replaces the whole app: HTTP routes, the handler and the trigger loops.
//!
//! ```no_run
//! use azfn_host::start::{Host, HostEvent, StartOptions};
//!
//! # async fn demo() -> Result<(), azfn_host::start::StartError> {
//! let host = Host::start(StartOptions::for_app("target/azfn/orders").port(0)).await?;
//! let mut events = host.subscribe();
//! println!("listening on {}", host.url());
//! while let Ok(event) = events.recv().await {
//!     if let HostEvent::Invoked { function, succeeded, .. } = event {
//!         println!("{function}: {succeeded}");
//!     }
//! }
//! host.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Faithful, and not
//!
//! What the real host does and this one does too, and where it differs, is listed in
//! `docs/running-locally.md` and next to each rule in the code.

mod blob;
mod console;
mod error;
mod front;
pub(crate) mod outputs;
mod queue;
mod simulated;
mod supervisor;
pub mod timer;
mod triggers;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{Notify, broadcast, watch as tokio_watch};

pub use error::StartError;
pub use watch::{Changes, Rebuild, Rebuilt, first_build};

use crate::storage::{Azurite, AzuriteOptions, Storage, StorageAccount, StorageError};
use crate::{App, Function, Handler, HandlerOptions, HostError, HttpMode};
use console::Console;
use triggers::Triggers;

/// What to host and how.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StartOptions {
    /// The emitted app folder.
    pub app_dir: PathBuf,
    /// How to rebuild it for `--watch` (what produced `app_dir`); `None` disables watching.
    pub rebuild: Option<Arc<dyn Rebuild>>,
    /// The front door's port (`func start`'s 7071 by default; 0 picks a free one).
    pub port: u16,
    /// Overrides the HTTP mode host.json selects, so one app can be tried in all three.
    pub http_mode: Option<HttpMode>,
    /// What `UseDevelopmentStorage=true` reaches (default: the emulator's ports 10000/10001).
    pub development_storage: Option<StorageAccount>,
    /// Start Azurite when `UseDevelopmentStorage=true` is used and nothing listens there.
    pub start_azurite: bool,
    /// Variables added to the host's environment (they win over local.settings.json).
    pub env: Vec<(String, String)>,
    /// Print nothing on stdout.
    pub quiet: bool,
    /// Overrides the handler's readiness budget (host.json's `initializationTimeout`, 30 s).
    pub init_timeout: Option<Duration>,
}

impl StartOptions {
    /// Host an already emitted folder on port 7071, starting Azurite if needed.
    pub fn for_app(app_dir: impl Into<PathBuf>) -> StartOptions {
        StartOptions {
            app_dir: app_dir.into(),
            rebuild: None,
            port: 7071,
            http_mode: None,
            development_storage: None,
            start_azurite: true,
            env: Vec::new(),
            quiet: false,
            init_timeout: None,
        }
    }

    /// Sets the port (0: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the HTTP mode.
    pub fn http_mode(mut self, mode: HttpMode) -> Self {
        self.http_mode = Some(mode);
        self
    }

    /// Uses this account for `UseDevelopmentStorage=true` (and never starts Azurite).
    pub fn development_storage(mut self, account: StorageAccount) -> Self {
        self.development_storage = Some(account);
        self.start_azurite = false;
        self
    }

    /// Adds a variable to the host's environment.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Prints nothing.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }
}

/// Something the host did, for tests and tools ([`Host::subscribe`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum HostEvent {
    /// A handler process answered `GET /` (`generation` counts from 1).
    HandlerStarted {
        /// How many handlers were started before this one, plus one.
        generation: u32,
        /// Its port.
        port: u16,
    },
    /// The handler process ended.
    HandlerExited {
        /// Its exit code (`None`: killed by a signal).
        code: Option<i32>,
        /// Whether the host starts a new one (§1.5: not after exit code 0).
        restarting: bool,
    },
    /// A handler failed to start (not ready in time, or exited first).
    HandlerFailed {
        /// The host's message.
        message: String,
    },
    /// A function ran (any trigger).
    Invoked {
        /// The function.
        function: String,
        /// The invocation id.
        invocation_id: String,
        /// Whether the invocation succeeded, outputs written included.
        succeeded: bool,
        /// Why it failed.
        error: Option<String>,
    },
    /// A queue message was moved to the poison queue.
    Poisoned {
        /// The queue it came from.
        queue: String,
        /// Where it went.
        poison_queue: String,
        /// Its id.
        message_id: String,
    },
    /// The app folder was reloaded (a rebuild under `--watch`, or [`Host::restart`]): the
    /// triggers of the previous app have stopped, their invocations in flight are over, the
    /// handler is being restarted and the new app's triggers run (waiting for it).
    Reloaded,
    /// The host stopped by itself.
    Stopped {
        /// Why.
        reason: String,
    },
}

/// The handler process that runs, and the app it was started for.
#[derive(Clone)]
pub(crate) struct Running {
    pub(crate) handler: Arc<Handler>,
    pub(crate) app: Arc<App>,
}

/// Why the host stops.
#[derive(Clone, Debug)]
pub(crate) enum StopReason {
    /// Asked for: Ctrl-C, [`Host::shutdown`], the host dropped.
    Requested(String),
    /// The handler failed three times in a row (CONTRACT §1.5).
    GaveUp {
        /// The last failure.
        last_error: String,
    },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Requested(reason) => f.write_str(reason),
            StopReason::GaveUp { last_error } => write!(
                f,
                "Exceeded http worker restart retry count. Shutting down Functions Host (last error: {last_error})"
            ),
        }
    }
}

impl StopReason {
    fn into_error(self) -> StartError {
        match self {
            StopReason::GaveUp { last_error } => StartError::RestartsExhausted { last_error },
            StopReason::Requested(reason) => StartError::Stopped { reason },
        }
    }
}

/// State shared by the supervisor, the front door and the trigger loops.
pub(crate) struct Shared {
    /// Itself, for work that outlives a borrowed `&Shared` (background invocations).
    this: std::sync::Weak<Shared>,
    app: RwLock<Arc<App>>,
    options: StartOptions,
    /// The front door's port.
    port: u16,
    handler: tokio_watch::Sender<Option<Running>>,
    events: broadcast::Sender<HostEvent>,
    stop: tokio_watch::Sender<Option<StopReason>>,
    /// Tells the supervisor to restart the handler with the current app.
    reload: Notify,
    /// Reloaded apps, for [`triggers::reload`], which swaps them in.
    reloads: tokio::sync::mpsc::UnboundedSender<App>,
    storage: Mutex<HashMap<String, Storage>>,
    development: RwLock<StorageAccount>,
    /// The Azurite this host started, if any.
    azurite: Mutex<Option<Azurite>>,
    env: BTreeMap<String, String>,
    console: Console,
    host_id: String,
}

impl Shared {
    pub(crate) fn app(&self) -> Arc<App> {
        self.app.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_app(&self, app: Arc<App>) {
        *self.app.write().unwrap_or_else(|e| e.into_inner()) = app;
    }

    /// Queues a reloaded app: [`triggers::reload`] stops the old triggers, then swaps it in.
    pub(crate) fn request_reload(&self, app: App) {
        let _ = self.reloads.send(app);
    }

    pub(crate) fn console(&self) -> &Console {
        &self.console
    }

    pub(crate) fn emit(&self, event: HostEvent) {
        let _ = self.events.send(event);
    }

    pub(crate) fn host_id(&self) -> &str {
        &self.host_id
    }

    /// Asks everything to stop; the first reason wins.
    pub(crate) fn stop(&self, reason: impl Into<String>) {
        self.stop_for(StopReason::Requested(reason.into()));
    }

    /// Stops for `reason`, unless a stop was already asked for.
    pub(crate) fn stop_for(&self, reason: StopReason) {
        self.stop.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(reason);
                true
            } else {
                false
            }
        });
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stop.borrow().is_some()
    }

    /// Resolves once a stop was asked for.
    pub(crate) async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        let _ = stop.wait_for(Option::is_some).await;
    }

    /// Why the host stops (empty while it runs).
    fn stop_reason(&self) -> StopReason {
        self.stop
            .borrow()
            .clone()
            .unwrap_or_else(|| StopReason::Requested(String::new()))
    }

    /// The Azurite this host started, now the caller's to stop.
    fn take_azurite(&self) -> Option<Azurite> {
        self.azurite
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// An app setting: the host's environment first, then local.settings.json `Values`
    /// (core tools' precedence).
    pub(crate) fn setting(&self, name: &str) -> Option<String> {
        self.env
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .or_else(|| self.app().settings().get(name).cloned())
    }

    /// Replaces `%Name%` with app settings, as the host does in binding properties
    /// ([`azfn_spec::expression::resolve_app_settings`]).
    pub(crate) fn resolve_settings(&self, text: &str) -> Result<String, String> {
        azfn_spec::expression::resolve_app_settings(text, |name| self.setting(name)).map_err(|e| {
            format!("{e} (app settings are local.settings.json Values or the environment)")
        })
    }

    /// The storage account behind a binding's `connection` (default `AzureWebJobsStorage`),
    /// looked up like the host: the setting itself, then `AzureWebJobs<name>`.
    pub(crate) fn storage(&self, connection: Option<&str>) -> Result<Storage, String> {
        let name = connection
            .filter(|c| !c.is_empty())
            .unwrap_or("AzureWebJobsStorage");
        if let Some(storage) = self
            .storage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
        {
            return Ok(storage.clone());
        }
        let value = self
            .setting(name)
            .or_else(|| self.setting(&format!("AzureWebJobs{name}")))
            .ok_or_else(|| {
                format!(
                    "Storage account connection string '{name}' does not exist. Make sure that it \
                     is a defined App Setting (local.settings.json `Values`)."
                )
            })?;
        let mut account = StorageAccount::parse(&value).map_err(|e| format!("`{name}`: {e}"))?;
        if account.is_development() && account == StorageAccount::development() {
            account = self
                .development
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
        }
        let storage = Storage::new(account).map_err(|e| format!("`{name}`: {e}"))?;
        self.storage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), storage.clone());
        Ok(storage)
    }

    /// The current app's handler, waiting while one is being (re)started: like invocations
    /// that arrive before the dispatcher is ready (§1.4), for at most 4 × the readiness
    /// budget.
    pub(crate) async fn handler(&self) -> Result<Arc<Handler>, HostError> {
        loop {
            if let Some(handler) = self.handler_for(&self.app()).await? {
                return Ok(handler);
            }
            // Reloaded meanwhile: the new app's handler is the one to wait for.
        }
    }

    /// The handler started for `app`, waiting as [`Shared::handler`] does; `Ok(None)` as soon
    /// as `app` is no longer the current app (a reload replaced it), since a handler for it
    /// never starts again.
    pub(crate) async fn handler_for(
        &self,
        app: &Arc<App>,
    ) -> Result<Option<Arc<Handler>>, HostError> {
        let mut slot = self.handler.subscribe();
        let budget = self
            .options
            .init_timeout
            .or(app.handler_config().initialization_timeout)
            .unwrap_or(crate::DEFAULT_INIT_TIMEOUT)
            * 4;
        let started_for_app = |slot: &Option<Running>| {
            slot.as_ref()
                .filter(|running| Arc::ptr_eq(&running.app, app))
                .map(|running| running.handler.clone())
        };
        let waited = tokio::time::timeout(
            budget,
            slot.wait_for(|slot| started_for_app(slot).is_some() || !Arc::ptr_eq(&self.app(), app)),
        )
        .await;
        match waited {
            Ok(Ok(slot)) => Ok(started_for_app(&slot)),
            _ => Err(HostError::Transport {
                message: "Initialization timed out and host is shutting down".into(),
                connect: true,
            }),
        }
    }

    pub(crate) fn handler_options(&self) -> HandlerOptions {
        let console = self.console.clone();
        let mut options = HandlerOptions::new().on_output(move |line| console.handler_line(line));
        for (k, v) in &self.options.env {
            options = options.env(k, v);
        }
        if let Some(timeout) = self.options.init_timeout {
            options = options.init_timeout(timeout);
        }
        if self.options.port != 0 {
            // What `func start` announces to the handler as the site's host name.
            options = options.env(
                "WEBSITE_HOSTNAME",
                format!("localhost:{}", self.options.port),
            );
        }
        options
    }

    /// Loads the app folder with the HTTP mode override applied.
    pub(crate) fn load_app(&self) -> Result<App, HostError> {
        load_app(&self.options)
    }
}

fn load_app(options: &StartOptions) -> Result<App, HostError> {
    let mut app = App::load(&options.app_dir)?;
    if let Some(mode) = options.http_mode {
        app.set_http_mode(mode);
    }
    Ok(app)
}

/// A running host. Dropping it without [`Host::shutdown`] stops it too, less tidily.
pub struct Host {
    shared: Arc<Shared>,
    port: u16,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("port", &self.port)
            .field("app", &self.shared.options.app_dir)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// Loads the app folder, makes sure its storage is reachable (starting Azurite for
    /// `UseDevelopmentStorage=true` when nothing listens on its ports), starts the handler
    /// and waits for its first readiness, then serves HTTP and runs the triggers.
    pub async fn start(options: StartOptions) -> Result<Host, StartError> {
        Host::start_watching(options, None).await
    }

    /// [`Host::start`], watching the sources with `changes` (made before the first build, see
    /// [`first_build`]) when `options.rebuild` is set, or with a new watcher.
    pub async fn start_watching(
        options: StartOptions,
        changes: Option<watch::Changes>,
    ) -> Result<Host, StartError> {
        let app = load_app(&options)?;
        let console = Console::new(options.quiet);
        let mut env: BTreeMap<String, String> = std::env::vars().collect();
        env.extend(options.env.iter().cloned());

        let mut development = options
            .development_storage
            .clone()
            .unwrap_or_else(StorageAccount::development);
        let mut azurite = None;
        match start_emulator(&options, &app, &env, &development, &console).await {
            Emulator::NotNeeded | Emulator::Listening => {}
            Emulator::Started(started) => {
                development = started.account();
                azurite = Some(started);
            }
            Emulator::Failed(error) => {
                if has_non_http_trigger(&app) {
                    // The host refuses to start non-HTTP triggers without storage.
                    return Err(StartError::Storage(error));
                }
                console.warn(format_args!(
                    "{error}\nHTTP functions run, but their storage outputs will fail."
                ));
            }
        }

        let port = options.port;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| StartError::Bind { port, source })?;
        let port = listener.local_addr()?.port();

        let (handler, _) = tokio_watch::channel(None);
        let (events, _) = broadcast::channel(1024);
        let (stop, _) = tokio_watch::channel(None);
        let (reloads, reload_requests) = tokio::sync::mpsc::unbounded_channel();
        let host_id = host_id(&options.app_dir);
        let shared = Arc::new_cyclic(|this| Shared {
            this: this.clone(),
            app: RwLock::new(Arc::new(app)),
            options,
            port,
            handler,
            events,
            stop,
            reload: Notify::new(),
            reloads,
            storage: Mutex::new(HashMap::new()),
            development: RwLock::new(development),
            azurite: Mutex::new(azurite),
            env,
            console,
            host_id,
        });

        let mut host = Host {
            shared: shared.clone(),
            port,
            tasks: Vec::new(),
        };
        print_functions(&shared);

        // Under --watch the sources are watched from the start, so that a first handler that
        // cannot start waits for a fixed build like any later one.
        let watching = match shared.options.rebuild.clone() {
            Some(build) => {
                let changes = match changes {
                    Some(changes) => changes,
                    None => watch::Changes::new(build.as_ref())?,
                };
                host.tasks
                    .push(watch::spawn(shared.clone(), build, changes));
                true
            }
            None => false,
        };

        // The first start is awaited so that errors in the app show before anything runs.
        let mut reload_requests = reload_requests;
        let mut started = shared.handler.subscribe();
        host.tasks
            .push(tokio::spawn(supervisor::supervise(shared.clone())));
        loop {
            tokio::select! {
                _ = started.wait_for(Option::is_some) => break,
                Some(app) = reload_requests.recv(), if watching => {
                    // Nothing runs yet but the failing handler: swap the app in and let the
                    // supervisor, waiting for a rebuild, start the new one.
                    let old = shared.app();
                    let app = Arc::new(app);
                    shared.set_app(app.clone());
                    shared.storage.lock().unwrap_or_else(|e| e.into_inner()).clear();
                    print_functions(&shared);
                    triggers::prepare_storage(&shared, &old, &app).await;
                    shared.reload.notify_one();
                }
                _ = shared.stopped() => {
                    let reason = shared.stop_reason();
                    host.shutdown().await;
                    return Err(reason.into_error());
                }
            }
        }

        host.tasks
            .push(tokio::spawn(front::serve(listener, shared.clone())));
        triggers::create_storage(&shared, &shared.app()).await;
        let triggers = Triggers::spawn(&shared, &shared.app());
        host.tasks.push(tokio::spawn(triggers::reload(
            shared.clone(),
            triggers,
            reload_requests,
        )));
        shared.console.info(format_args!(
            "Host started. Listening on http://localhost:{port}/ (Ctrl+C to stop)"
        ));
        Ok(host)
    }

    /// The front door's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The app as loaded (after the last reload).
    pub fn app(&self) -> Arc<App> {
        self.shared.app()
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<HostEvent> {
        self.shared.events.subscribe()
    }

    /// The current handler, waiting while it restarts.
    pub async fn handler(&self) -> Result<Arc<Handler>, HostError> {
        self.shared.handler().await
    }

    /// The storage behind a connection setting (default `AzureWebJobsStorage`).
    pub fn storage(&self, connection: Option<&str>) -> Result<Storage, StartError> {
        self.shared
            .storage(connection)
            .map_err(|m| StartError::Storage(crate::storage::StorageError::Azurite(m)))
    }

    /// Reloads the app folder, as `--watch` does after a rebuild: in the background, the
    /// triggers of the previous app stop and their invocations in flight finish, the handler
    /// is restarted without counting an error, and the triggers of the reloaded app start
    /// ([`HostEvent::Reloaded`] tells when). An error only when the folder does not load.
    pub fn restart(&self) -> Result<(), StartError> {
        let app = self.shared.load_app()?;
        self.shared.request_reload(app);
        Ok(())
    }

    /// Resolves when the host stops by itself (e.g. restarts exhausted), with the reason.
    pub async fn stopped(&self) -> String {
        self.shared.stopped().await;
        self.shared.stop_reason().to_string()
    }

    /// [`Host::stopped`], as the error `start` ends with.
    pub async fn stopped_error(&self) -> StartError {
        self.shared.stopped().await;
        self.shared.stop_reason().into_error()
    }

    /// Stops triggers, the front door and the handler (and Azurite, if it was started here).
    pub async fn shutdown(mut self) {
        self.shared.stop("shutdown requested");
        for task in self.tasks.drain(..) {
            // The supervisor kills the handler on stop; give it a moment, then abort the rest.
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        let running = self.shared.handler.borrow().clone();
        if let Some(running) = running {
            running.handler.kill().await;
        }
        let azurite = self.shared.take_azurite();
        if let Some(azurite) = azurite {
            azurite.stop().await;
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.shared.stop("host dropped");
        for task in &self.tasks {
            task.abort();
        }
        // Killed when dropped.
        drop(self.shared.take_azurite());
    }
}

fn print_functions(shared: &Shared) {
    let app = shared.app();
    let console = &shared.console;
    console.plain("\nFunctions:\n");
    for function in app.functions() {
        let line = match app.url_path(function) {
            Some(path) => {
                let methods = function
                    .methods()
                    .map(|m| m.join(","))
                    .unwrap_or_else(|| "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS".into());
                format!(
                    "        {}: [{methods}] http://localhost:{}{path}",
                    function.name, shared.port
                )
            }
            None => format!(
                "        {}: {}",
                function.name,
                function.trigger().map_or("", |t| t.kind.as_str())
            ),
        };
        let disabled = if function.disabled { " (disabled)" } else { "" };
        console.plain(format_args!("{line}{disabled}\n"));
    }
    for function in app.functions() {
        for line in simulated::not_simulated(function) {
            console.warn(line);
        }
    }
    // The mode only matters, and is only worth a line, when some HTTP function could use it.
    if app.functions().iter().any(|f| f.is_http_in_and_out()) {
        console.plain(format_args!(
            "HTTP functions without other bindings are reached in {} mode.\n",
            app.http_mode()
        ));
    }
}

/// Whether the app needs storage: a trigger other than HTTP, a queue or blob output, or a blob
/// input.
fn needs_storage(app: &App) -> bool {
    has_non_http_trigger(app)
        || app.functions().iter().any(|f| {
            f.bindings
                .iter()
                .any(|b| !b.is_trigger() && is_storage_binding(&b.kind))
        })
}

fn has_non_http_trigger(app: &App) -> bool {
    app.functions()
        .iter()
        .any(|f| trigger_kind(f).is_some_and(|k| k != "httptrigger"))
}

/// Whether `AzureWebJobsStorage` (the environment first, then local.settings.json) is
/// `UseDevelopmentStorage=true`.
fn uses_development_storage(app: &App, env: &BTreeMap<String, String>) -> bool {
    env.get("AzureWebJobsStorage")
        .or_else(|| app.settings().get("AzureWebJobsStorage"))
        .is_some_and(|v| StorageAccount::parse(v).is_ok_and(|a| a == StorageAccount::development()))
}

/// Whether something accepts connections on the queue port of `account`.
fn emulator_listening(account: &StorageAccount) -> bool {
    account
        .queue_authority()
        .is_some_and(|a| std::net::TcpStream::connect(a).is_ok())
}

/// What [`start_emulator`] found or did.
enum Emulator {
    /// The app needs no emulator (or `start_azurite` is off).
    NotNeeded,
    /// Something already listens on the emulator's ports.
    Listening,
    /// Azurite was started.
    Started(Azurite),
    /// Azurite could not be started.
    Failed(StorageError),
}

/// Starts Azurite on the emulator's ports, with its data beside the app folder, when the app
/// needs storage, `AzureWebJobsStorage` is `UseDevelopmentStorage=true` and nothing listens
/// at `development` yet.
async fn start_emulator(
    options: &StartOptions,
    app: &App,
    env: &BTreeMap<String, String>,
    development: &StorageAccount,
    console: &Console,
) -> Emulator {
    if !(options.start_azurite && needs_storage(app) && uses_development_storage(app, env)) {
        return Emulator::NotNeeded;
    }
    if emulator_listening(development) {
        console.info(format_args!(
            "Using the storage emulator already listening at {}",
            development.queue_endpoint()
        ));
        return Emulator::Listening;
    }
    let location = options
        .app_dir
        .parent()
        .unwrap_or(&options.app_dir)
        .join(".azurite");
    match Azurite::start(AzuriteOptions::default_ports(location.clone())).await {
        Ok(started) => {
            console.info(format_args!(
                "Started Azurite (data in {}): blobs on 127.0.0.1:{}, queues on 127.0.0.1:{}",
                location.display(),
                started.blob_port(),
                started.queue_port()
            ));
            Emulator::Started(started)
        }
        Err(error) => Emulator::Failed(error),
    }
}

/// The trigger's type, lower-cased (`queuetrigger`, `httptrigger`, ...).
pub(crate) fn trigger_kind(function: &Function) -> Option<String> {
    function.trigger().map(|t| t.kind.to_ascii_lowercase())
}

fn is_storage_binding(kind: &str) -> bool {
    matches!(kind.to_ascii_lowercase().as_str(), "queue" | "blob")
}

/// The host id the timer and blob triggers key their state by: the host derives it from the
/// site name; locally from the folder name, lower case, at most 32 characters.
fn host_id(app_dir: &Path) -> String {
    let name = app_dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_else(|| "app".into());
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut id = format!("azfn-local-{cleaned}");
    id.truncate(32);
    id.trim_end_matches('-').to_string()
}

/// `DateTimeOffset` as the host sends it in Metadata (§2.3): second precision, `+00:00`.
pub(crate) fn format_offset(time: time::OffsetDateTime) -> String {
    let t = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Now, `2026-11-23T19:35:17.123Z`, for console lines.
pub(crate) fn now_iso_millis() -> String {
    azfn_spec::expression::format_datetime(
        time::OffsetDateTime::now_utc(),
        "yyyy-MM-ddTHH:mm:ss.fffK",
    )
    .expect("a valid .NET date format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ids_are_short_and_clean() {
        assert_eq!(
            host_id(Path::new("target/azfn/orders")),
            "azfn-local-orders"
        );
        assert!(host_id(Path::new("/x/A very long app folder name indeed")).len() <= 32);
    }

    #[test]
    fn offsets_have_second_precision() {
        let t = time::macros::datetime!(2024-10-31 21:32:17.5 UTC);
        assert_eq!(format_offset(t), "2024-10-31T21:32:17+00:00");
    }
}
