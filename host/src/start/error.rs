//! The one error type of `cargo azfn start` and `cargo azfn invoke`.

use std::path::PathBuf;

use crate::HostError;
use crate::storage::StorageError;

/// Everything that stops `start` or `invoke`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Building or emitting the app failed (cargo's own diagnostics are already on stderr).
    #[error(transparent)]
    Build(Box<dyn std::error::Error + Send + Sync>),

    /// The app folder cannot be loaded or its handler cannot be run.
    #[error(transparent)]
    Host(#[from] HostError),

    /// Storage (Azurite) is needed and not reachable, or a request to it failed.
    #[error(transparent)]
    Storage(#[from] StorageError),

    /// The build produced several apps; `start` hosts one.
    #[error(
        "several binaries have functions ({}): choose one with `--bin NAME`",
        apps.join(", ")
    )]
    SeveralApps {
        /// The binaries.
        apps: Vec<String>,
    },

    /// The front door's port is taken.
    #[error(
        "cannot listen on 127.0.0.1:{port}: {source}; is another `func start` or `cargo azfn start` \
         running? Choose another port with `--port`"
    )]
    Bind {
        /// The port.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },

    /// The handler failed three times within 30 minutes of each other, and the host gave up
    /// as the real one does (CONTRACT §1.5; the Functions host logs "Exceeded http worker
    /// restart retry count").
    #[error(
        "the custom handler failed 3 times in a row, less than 30 minutes apart, so the host \
         shut down as the Functions host does; the last failure: {last_error}"
    )]
    RestartsExhausted {
        /// The last failure, as the host reported it.
        last_error: String,
    },

    /// The host was stopped before its handler ever ran.
    #[error("the host stopped before the custom handler was ready: {reason}")]
    Stopped {
        /// Why.
        reason: String,
    },

    /// `invoke` named a function the app does not have.
    #[error("function `{name}` does not exist in this app; it has: {}", available.join(", "))]
    UnknownFunction {
        /// The name asked for.
        name: String,
        /// The app's functions.
        available: Vec<String>,
    },

    /// `invoke` input that does not fit the function.
    #[error("{0}")]
    Input(String),

    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// Watching the sources failed.
    #[error("cannot watch {} for changes: {source}", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The watcher's error.
        source: notify::Error,
    },

    /// The invocation failed (the handler answered outside 2xx, or the host rejected its
    /// answer); the message is the host's.
    #[error("the invocation of `{function}` failed: {message}")]
    InvocationFailed {
        /// The function.
        function: String,
        /// Why, in the host's words.
        message: String,
    },

    /// Any other I/O failure (the async runtime, the console).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
