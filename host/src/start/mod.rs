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
mod dates;
mod emulator;
mod error;
mod front;
mod listing;
mod mcp;
mod options;
pub(crate) mod outputs;
mod programmatic;
mod queue;
mod queue_settings;
mod rebuild;
mod scope;
mod shared;
pub(crate) mod simulated;
mod supervisor;
pub mod timer;
mod triggers;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{Notify, broadcast, watch as tokio_watch};

pub use error::StartError;
pub use options::{HostEvent, StartOptions};
pub use rebuild::{Rebuild, Rebuilt};
pub use watch::{Changes, first_build};

use crate::storage::{Storage, StorageAccount};
use crate::{App, Handler, HostError};
use console::Console;
use emulator::{Emulator, has_non_http_trigger, start_emulator};
use listing::print_functions;
use shared::{Shared, load_app};
use triggers::Triggers;

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
}
