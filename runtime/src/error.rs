//! Errors of the runtime, each named after the condition it reports.

use std::fmt;

/// A boxed error from user code: anything that converts into it works as a function's `E`,
/// including every `std::error::Error`, `anyhow::Error`, `String` and `&str`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Neither port variable is set: the handler was not started by the Functions host.
    #[error(
        "FUNCTIONS_CUSTOMHANDLER_PORT is not set; the Functions host sets it when it starts the \
         handler (run the app with `func start`, or set the variable to test by hand)"
    )]
    PortMissing,
    /// The port variable does not hold a TCP port number.
    #[error("{variable}={value:?} is not a TCP port number (expected 1-65535)")]
    PortInvalid {
        /// The variable that was read.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// Binding the listening socket failed.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address we tried.
        address: std::net::SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The compiled-in function metadata is inconsistent.
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
    /// Serving failed after start.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Why an invocation payload could not be bound to the function's parameters.
///
/// These answer `400 Bad Request`: the host fails the invocation and the trigger retries it
/// (and eventually moves a queue message to its poison queue), so nothing is lost silently.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// The request body is not JSON.
    #[error("invocation payload is not valid JSON: {0}")]
    NotJson(serde_json::Error),
    /// The request body is JSON but not an object with `Data` and `Metadata` objects.
    #[error("invocation payload must be a JSON object with `Data` and `Metadata` objects: {0}")]
    BadShape(String),
    /// The request body is larger than the handler reads (answered `413 Payload Too Large`).
    #[error(
        "invocation payload is larger than {limit} bytes: the host's request body limit \
         (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`, {body_limit} bytes) with room for the envelope \
         and base64"
    )]
    TooLarge {
        /// The largest payload read, in bytes.
        limit: usize,
        /// The host's request body limit the payload limit is made from, in bytes.
        body_limit: usize,
    },
    /// The request body could not be read (the connection failed mid-body).
    #[error("invocation payload could not be read: {0}")]
    Unreadable(String),
    /// The binding the function reads is absent from `Data`.
    #[error("`Data.{binding}` is missing from the invocation payload")]
    MissingInput {
        /// The binding name.
        binding: String,
    },
    /// The binding's value cannot become the parameter's type.
    #[error("`Data.{binding}` cannot be read as {expected}: {reason}")]
    Input {
        /// The binding name.
        binding: String,
        /// The Rust type that was asked for.
        expected: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The trigger metadata cannot become the type a function asked for (`Metadata<T>`).
    #[error("`Metadata` cannot be read as {expected}: {reason}")]
    Metadata {
        /// The Rust type that was asked for.
        expected: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// An input binding of an HTTP function could not be read (the message says which and why).
    #[error("{0}")]
    HttpInput(String),
    /// The HTTP trigger value is not an HTTP request object.
    #[error("`Data.{binding}` is not an HTTP request: {reason}")]
    HttpRequest {
        /// The binding name.
        binding: String,
        /// What was wrong.
        reason: String,
    },
}

/// Why an invocation failed after its payload was bound.
///
/// These answer `500`: the host fails the invocation, and the trigger's retry rules apply.
#[derive(Debug)]
pub enum InvocationError {
    /// The function returned an error.
    Function(BoxError),
    /// The function panicked.
    Panic(String),
    /// An output value cannot be written through the custom-handler contract.
    Output(OutputError),
}

impl fmt::Display for InvocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Function(e) => {
                write!(f, "function returned an error: {e}")?;
                let mut source = e.source();
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
            Self::Panic(msg) => write!(f, "function panicked: {msg}"),
            Self::Output(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for InvocationError {}

impl From<OutputError> for InvocationError {
    fn from(e: OutputError) -> Self {
        Self::Output(e)
    }
}

/// Why an output value cannot be sent to the host.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Serializing a JSON output failed.
    #[error("output `{binding}` could not be serialized as JSON: {source}")]
    Json {
        /// The binding name.
        binding: String,
        /// serde_json's reason.
        source: serde_json::Error,
    },
    /// The function set an output that function.json does not declare.
    #[error("output `{binding}` is not declared by the function")]
    Undeclared {
        /// The binding name.
        binding: String,
    },
    /// Bytes cannot reach a `dataType: binary` binding unchanged: the host passes strings through
    /// as text there, so only text can be written exactly.
    #[error(
        "output `{binding}` has `dataType: binary`, where the host writes strings as text and \
         cannot receive raw bytes; remove `dataType` from the binding to write bytes"
    )]
    BytesToBinaryBinding {
        /// The binding name.
        binding: String,
    },
    /// Several items were written where the host expects one, or the reverse.
    #[error("output `{binding}`: {reason}")]
    Unrepresentable {
        /// The binding name.
        binding: String,
        /// What cannot be represented.
        reason: String,
    },
    /// An HTTP response that payload mode cannot carry.
    #[error(
        "HTTP response for `{binding}` cannot be sent in payload mode: {reason}; enable \
         `enableProxyingHttpRequest` (the default azfn emits) for full HTTP"
    )]
    HttpResponse {
        /// The binding name.
        binding: String,
        /// What the host's HTTP output object cannot express.
        reason: String,
    },
}
