//! The one error type of the simulated host.

use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

/// Everything that can go wrong while loading an app, running its handler or invoking it.
///
/// Variants are named after the condition. Where the real host has a message for the same
/// condition, the `Display` text repeats it so that output reads like `func start` output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// A file of the app folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// `host.json`, `local.settings.json` or a `function.json` is not valid JSON.
    #[error("{} is not valid JSON: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        source: serde_json::Error,
    },

    /// The app folder is readable but describes something the host refuses to run.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong, in the host's words where it has some.
        message: String,
    },

    /// An HTTP trigger's `route` is not a template the host accepts.
    #[error("function `{function}`: invalid route template `{template}`: {message}")]
    Route {
        /// The function.
        function: String,
        /// The template as written.
        template: String,
        /// What is wrong with it.
        message: String,
    },

    /// A fixed `customHandler.port` is already taken.
    #[error("Unable to bind to port {port}: {source}")]
    PortUnavailable {
        /// The port from host.json or the options.
        port: u16,
        /// The bind error.
        source: std::io::Error,
    },

    /// The handler process could not be started at all.
    #[error("cannot start custom handler `{}`: {source}", program.display())]
    Spawn {
        /// The resolved executable.
        program: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },

    /// The handler did not answer `GET /` within the initialization budget.
    #[error(
        "Initializing HttpWorker timed out. (no HTTP answer on 127.0.0.1:{port} within {timeout:?}){}",
        tail(stderr_tail)
    )]
    NotReady {
        /// The port the handler was told to listen on.
        port: u16,
        /// The budget that ran out.
        timeout: Duration,
        /// The last lines the handler wrote to stderr, oldest first.
        stderr_tail: Vec<String>,
    },

    /// The handler process exited before it became ready, or before an invocation finished.
    #[error(
        "custom handler exited ({status}){}{}",
        exit_hint(status),
        tail(stderr_tail)
    )]
    Exited {
        /// How it exited.
        status: ExitStatus,
        /// The last three lines it wrote to stderr: the host's error message for this event.
        stderr_tail: Vec<String>,
    },

    /// No function of that name exists in the app.
    #[error("function `{0}` does not exist in this app")]
    UnknownFunction(String),

    /// The request to the handler failed at the HTTP level (connection refused or reset,
    /// malformed response). The host fails the invocation with an `HttpRequestException`.
    #[error("request to the custom handler failed: {message}")]
    Transport {
        /// What the HTTP client reported, with its causes.
        message: String,
        /// True when no connection could be made (the host's `SocketException` case).
        connect: bool,
    },

    /// The handler answered outside 200–299 (§3.1). Body, outputs and logs are ignored.
    #[error("Response status code does not indicate success: {} ({}).", status.as_u16(), status.canonical_reason().unwrap_or("Unknown"))]
    InvocationFailed {
        /// The status the handler sent.
        status: StatusCode,
        /// The body it sent, kept for diagnostics only: the host never reads it.
        body: Bytes,
    },

    /// The handler's success response is not `application/json` or `text/json` (§3.2).
    #[error("Invalid HttpResponseMessage: No MediaTypeFormatter is available to read an object of type 'HttpScriptInvocationResult' from content with media type '{}'.\n {}", content_type.as_deref().unwrap_or("application/octet-stream"), String::from_utf8_lossy(body))]
    InvalidMediaType {
        /// The `Content-Type` it sent, if any.
        content_type: Option<String>,
        /// The body it sent.
        body: Bytes,
    },

    /// The handler's success body is empty or the literal `null` (§3.2). The real host never
    /// completes such an invocation: it stays pending until `functionTimeout`, which then
    /// restarts the handler. The simulation reports it at once instead of hanging.
    #[error(
        "the custom handler answered with an empty or `null` body: the host would leave this invocation pending until functionTimeout"
    )]
    NullResult,

    /// The handler's success body is JSON of the wrong shape (§3.2, §3.6).
    #[error(
        "Invalid HttpResponseMessage: {reason}\n {}",
        String::from_utf8_lossy(body)
    )]
    Deserialize {
        /// What does not fit.
        reason: String,
        /// The body it sent.
        body: Bytes,
    },

    /// An `http` output in `Outputs` is not an object or a string holding one (§3.4).
    #[error(
        "Output body should have 'StatusCode', 'Status', 'Body', and 'Headers' (binding `{binding}`: {reason})"
    )]
    HttpOutput {
        /// The output binding.
        binding: String,
        /// What does not fit.
        reason: String,
    },

    /// An input binding other than the trigger could not be read before the invocation (its
    /// path does not resolve, storage refuses): the host fails the invocation, and the handler
    /// is not called.
    #[error("Exception while executing function: Functions.{function}: {message}")]
    InputBinding {
        /// The function.
        function: String,
        /// What went wrong, naming the binding.
        message: String,
    },

    /// Forwarding mode copied `Transfer-Encoding: chunked` onto a request that has no body
    /// (§4.1): .NET's `HttpClient` refuses to send it.
    #[error(
        "'Transfer-Encoding: chunked' header can not be used when content object is not specified."
    )]
    ChunkedWithoutContent,

    /// The handler took longer than the invocation timeout (functionTimeout + 1 minute).
    #[error("the custom handler did not answer within {0:?}")]
    Timeout(Duration),

    /// Any other I/O failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn tail(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(": {}", lines.join(" | "))
    }
}

impl HostError {
    pub(crate) fn transport(error: &(dyn std::error::Error + 'static), connect: bool) -> Self {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        HostError::Transport { message, connect }
    }
}

/// What a handler that exits with 0 most likely lacks: a handler written with azfn serves until
/// it is stopped, unless its `main` forgot to start the server.
fn exit_hint(status: &ExitStatus) -> &'static str {
    if status.success() {
        "; a handler exits with 0 before serving when its `main` does not call `azfn::run()` \
         (the Functions host never restarts a handler that exits with 0)"
    } else {
        ""
    }
}
