//! What `start` is asked to host and how ([`StartOptions`]), and what it reports while it runs
//! ([`HostEvent`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::rebuild::Rebuild;
use crate::HttpMode;
use crate::storage::StorageAccount;

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

/// Something the host did, for tests and tools ([`Host::subscribe`](super::Host::subscribe)).
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
    /// The app folder was reloaded (a rebuild under `--watch`, or [`Host::restart`](super::Host::restart)): the
    /// triggers of the previous app have stopped, their invocations in flight are over, the
    /// handler is being restarted and the new app's triggers run (waiting for it).
    Reloaded,
    /// The host stopped by itself.
    Stopped {
        /// Why.
        reason: String,
    },
}
