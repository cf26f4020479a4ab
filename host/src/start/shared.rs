//! The state one running host shares between the supervisor, the front door, the trigger loops
//! and the watcher, and how an invocation's end is reported.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tokio::sync::{Notify, broadcast, watch as tokio_watch};

use super::console::Console;
use super::error::StartError;
use super::options::{HostEvent, StartOptions};
use crate::storage::{Azurite, Storage, StorageAccount};
use crate::{App, Handler, HandlerOptions, HostError};

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
    pub(super) fn into_error(self) -> StartError {
        match self {
            StopReason::GaveUp { last_error } => StartError::RestartsExhausted { last_error },
            StopReason::Requested(reason) => StartError::Stopped { reason },
        }
    }
}

/// State shared by the supervisor, the front door and the trigger loops.
pub(crate) struct Shared {
    /// Itself, for work that outlives a borrowed `&Shared` (background invocations).
    pub(super) this: std::sync::Weak<Shared>,
    pub(super) app: RwLock<Arc<App>>,
    pub(super) options: StartOptions,
    /// The front door's port.
    pub(super) port: u16,
    pub(super) handler: tokio_watch::Sender<Option<Running>>,
    pub(super) events: broadcast::Sender<HostEvent>,
    pub(super) stop: tokio_watch::Sender<Option<StopReason>>,
    /// Tells the supervisor to restart the handler with the current app.
    pub(super) reload: Notify,
    /// Reloaded apps, for [`super::triggers::reload`], which swaps them in.
    pub(super) reloads: tokio::sync::mpsc::UnboundedSender<App>,
    pub(super) storage: Mutex<HashMap<String, Storage>>,
    pub(super) development: RwLock<StorageAccount>,
    /// The Azurite this host started, if any.
    pub(super) azurite: Mutex<Option<Azurite>>,
    pub(super) env: BTreeMap<String, String>,
    pub(super) console: Console,
    pub(super) host_id: String,
}

impl Shared {
    pub(crate) fn app(&self) -> Arc<App> {
        self.app.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn set_app(&self, app: Arc<App>) {
        *self.app.write().unwrap_or_else(|e| e.into_inner()) = app;
    }

    /// Queues a reloaded app: [`super::triggers::reload`] stops the old triggers, then swaps it in.
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
    pub(super) fn stop_reason(&self) -> StopReason {
        self.stop
            .borrow()
            .clone()
            .unwrap_or_else(|| StopReason::Requested(String::new()))
    }

    /// The Azurite this host started, now the caller's to stop.
    pub(super) fn take_azurite(&self) -> Option<Azurite> {
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

pub(super) fn load_app(options: &StartOptions) -> Result<App, HostError> {
    let mut app = App::load(&options.app_dir)?;
    if let Some(mode) = options.http_mode {
        app.set_http_mode(mode);
    }
    Ok(app)
}

/// Prints `Executed ...` and emits the event.
pub(crate) fn finish(
    shared: &Shared,
    function: &str,
    invocation_id: &str,
    started: Instant,
    result: Result<Vec<String>, String>,
) -> Result<(), String> {
    let console = shared.console();
    let duration = started.elapsed().as_millis();
    match &result {
        Ok(written) => {
            for line in written {
                console.info(format_args!("  {line}"));
            }
            console.info(format_args!(
                "Executed 'Functions.{function}' (Succeeded, Id={invocation_id}, Duration={duration}ms)"
            ));
        }
        Err(error) => {
            console.error(format_args!(
                "Executed 'Functions.{function}' (Failed, Id={invocation_id}, Duration={duration}ms)\n{error}"
            ));
        }
    }
    shared.emit(HostEvent::Invoked {
        function: function.to_string(),
        invocation_id: invocation_id.to_string(),
        succeeded: result.is_ok(),
        error: result.as_ref().err().cloned(),
    });
    result.map(|_| ())
}
