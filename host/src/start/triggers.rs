//! The trigger loops of one app (timers, queue pollers, blob watchers), and the reload that
//! swaps an app for the next one.
//!
//! A reload goes the way the Functions host restarts on a change of the app: the listeners
//! of the old app stop taking work, the invocations they have in flight finish on the old
//! handler, then the handler is restarted with the new app and the new app's listeners
//! start. A timer starts as on any host start (`runOnStartup` fires again, a monitored
//! schedule is checked for a missed or changed occurrence), a queue poller polls the queue
//! the new app names, and a blob watcher scans the new container. A queue message is never
//! lost on the way: one in flight is either completed and deleted, or, when its invocation
//! fails because of the reload, put back on the queue at once.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch as tokio_watch;

use super::emulator::{
    Emulator, emulator_listening, has_non_http_trigger, needs_storage, start_emulator,
    uses_development_storage,
};
use super::listing::print_functions;
use super::options::HostEvent;
use super::scope::Scope;
use super::shared::Shared;
use super::simulated::trigger_kind;
use crate::App;

/// How long a reload waits for the invocations in flight before it restarts the handler
/// under them.
const DRAIN: Duration = Duration::from_secs(30);
/// After this, a reload says what it waits for.
const DRAIN_NOTICE: Duration = Duration::from_secs(1);

/// The running trigger loops of one app.
pub(crate) struct Triggers {
    cancel: tokio_watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Triggers {
    /// No loops (an app whose triggers cannot run).
    fn none() -> Triggers {
        Triggers {
            cancel: tokio_watch::channel(false).0,
            tasks: Vec::new(),
        }
    }

    /// Starts a loop for each enabled timer, queue and blob trigger of `app`.
    pub(crate) fn spawn(shared: &Arc<Shared>, app: &Arc<App>) -> Triggers {
        let mut triggers = Triggers::none();
        for function in app.functions() {
            if function.disabled {
                continue;
            }
            let scope = Scope::new(shared.clone(), app.clone(), triggers.cancel.subscribe());
            let name = function.name.clone();
            let task = match trigger_kind(function).as_deref() {
                Some("queuetrigger") => tokio::spawn(super::queue::poll(scope, name)),
                Some("timertrigger") => tokio::spawn(super::timer::run(scope, name)),
                Some("blobtrigger") => tokio::spawn(super::blob::watch(scope, name)),
                _ => continue,
            };
            triggers.tasks.push(task);
        }
        triggers
    }

    /// Tells the loops to stop taking work and waits for their invocations in flight, for at
    /// most [`DRAIN`]; loops still busy then are left to finish on their own.
    async fn stop(mut self, shared: &Shared) {
        self.cancel.send_replace(true);
        let all = futures_util::future::join_all(std::mem::take(&mut self.tasks));
        tokio::pin!(all);
        if tokio::time::timeout(DRAIN_NOTICE, &mut all).await.is_ok() {
            return;
        }
        shared.console().info(format_args!(
            "Waiting for the invocations in flight to finish before reloading (at most {} s)",
            DRAIN.as_secs()
        ));
        if tokio::time::timeout(DRAIN - DRAIN_NOTICE, &mut all)
            .await
            .is_err()
        {
            shared.console().warn(format_args!(
                "Invocations still running after {} s: reloading anyway. They fail when the \
                 handler restarts, and their queue messages go back to the queue.",
                DRAIN.as_secs()
            ));
        }
    }
}

impl Drop for Triggers {
    fn drop(&mut self) {
        self.cancel.send_replace(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Applies the reloaded apps of `requests` one after the other (only the newest of those
/// waiting counts) until the host stops: stops `triggers`, swaps the app in, restarts the
/// handler, starts the storage emulator if the new app needs it, and starts the new app's
/// triggers.
pub(crate) async fn reload(
    shared: Arc<Shared>,
    mut triggers: Triggers,
    mut requests: UnboundedReceiver<App>,
) {
    loop {
        let mut app = tokio::select! {
            app = requests.recv() => match app {
                Some(app) => app,
                None => break,
            },
            _ = shared.stopped() => break,
        };
        while let Ok(newer) = requests.try_recv() {
            app = newer;
        }
        triggers.stop(&shared).await;
        if shared.stopping() {
            return;
        }
        let old = shared.app();
        let app = Arc::new(app);
        shared.set_app(app.clone());
        // Settings may have changed with the app.
        shared
            .storage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        print_functions(&shared);
        shared.reload.notify_one();
        triggers = if prepare_storage(&shared, &old, &app).await {
            create_storage(&shared, &app).await;
            Triggers::spawn(&shared, &app)
        } else {
            Triggers::none()
        };
        shared.emit(HostEvent::Reloaded);
    }
    // The host stops: the loops end by themselves, their invocations in flight first.
    triggers.stop(&shared).await;
}

/// Creates the queues and blob containers the app's triggers and storage outputs name (a trigger
/// queue's `-poison` queue too), so that a message can be put on a trigger's queue as soon as
/// the host runs, as on a provisioned account; Azure's storage outputs create theirs on first
/// write. Names built from binding expressions are left to that first write. A failure is
/// reported and the trigger's own loop reports it again as it polls.
pub(crate) async fn create_storage(shared: &Shared, app: &App) {
    for function in app.functions().iter().filter(|f| !f.disabled) {
        let trigger_kind = trigger_kind(function);
        for binding in &function.bindings {
            let kind = binding.kind.to_ascii_lowercase();
            let is_trigger = function.trigger().is_some_and(|t| std::ptr::eq(t, binding));
            let (queues, container): (Vec<String>, Option<String>) = match kind.as_str() {
                "queuetrigger" | "queue" => {
                    let Some(name) = binding.setting_str("queueName") else {
                        continue;
                    };
                    let Ok(name) = shared.resolve_settings(name) else {
                        continue;
                    };
                    let mut queues = vec![name.clone()];
                    if is_trigger && trigger_kind.as_deref() == Some("queuetrigger") {
                        queues.push(format!("{name}-poison"));
                    }
                    (queues, None)
                }
                "blobtrigger" | "blob" if binding.is_output() || is_trigger => {
                    let Some(path) = binding.setting_str("path") else {
                        continue;
                    };
                    let Ok(path) = shared.resolve_settings(path) else {
                        continue;
                    };
                    let container = path.split('/').next().unwrap_or_default().to_owned();
                    (Vec::new(), Some(container))
                }
                _ => continue,
            };
            let fixed = |name: &String| !name.is_empty() && !name.contains(['{', '}']);
            let Ok(storage) = shared.storage(binding.setting_str("connection")) else {
                continue;
            };
            for queue in queues.iter().filter(|q| fixed(q)) {
                if let Err(error) = storage.create_queue(queue).await {
                    shared.console().warn(format_args!(
                        "`{}`: cannot create queue `{queue}`: {error}",
                        function.name
                    ));
                }
            }
            if let Some(container) = container.filter(fixed)
                && let Err(error) = storage.create_container(&container).await
            {
                shared.console().warn(format_args!(
                    "`{}`: cannot create container `{container}`: {error}",
                    function.name
                ));
            }
        }
    }
}

/// Storage for a reloaded app, as `start` prepares it at start-up: Azurite is started when
/// the new app needs it and it is not running (the previous app did not need it, or it was
/// not reachable then). Whether the new app's non-HTTP triggers can run.
pub(crate) async fn prepare_storage(shared: &Shared, old: &App, new: &App) -> bool {
    let has_ours = shared
        .azurite
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    if has_ours {
        return true;
    }
    let development = shared
        .development
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let needed_before = shared.options.start_azurite
        && needs_storage(old)
        && uses_development_storage(old, &shared.env);
    if needed_before && emulator_listening(&development) {
        // Said at start-up already.
        return true;
    }
    match start_emulator(
        &shared.options,
        new,
        &shared.env,
        &development,
        shared.console(),
    )
    .await
    {
        Emulator::NotNeeded | Emulator::Listening => true,
        Emulator::Started(started) => {
            *shared
                .development
                .write()
                .unwrap_or_else(|e| e.into_inner()) = started.account();
            shared
                .storage
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            *shared.azurite.lock().unwrap_or_else(|e| e.into_inner()) = Some(started);
            true
        }
        Emulator::Failed(error) if has_non_http_trigger(new) => {
            shared.console().error(format_args!(
                "{error}\nThe triggers other than HTTP do not run without storage (the Functions \
                 host refuses to start them); HTTP functions do. Save a change to try again."
            ));
            false
        }
        Emulator::Failed(error) => {
            shared.console().warn(format_args!(
                "{error}\nHTTP functions run, but their storage outputs will fail."
            ));
            true
        }
    }
}
