//! What can stop a benchmark run.

use std::path::PathBuf;

/// Why the suite could not measure something. Every variant says which step failed, so a
/// broken run is never mistaken for a slow one.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A contract vector or another input file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A contract vector is not JSON.
    #[error("{path} is not JSON: {source}")]
    Vector {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// Building or emitting the example app failed.
    #[error("cargo azfn build of the example failed: {0}")]
    BuildApp(#[from] cargo_azfn::BuildError),
    /// Building the hand-written baseline failed.
    #[error("building the baseline handler failed: {0}")]
    BuildBaseline(String),
    /// A handler process could not be started or stopped.
    #[error("{handler}: {what}: {source}")]
    Process {
        /// Which handler.
        handler: String,
        /// What was being done.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A handler exited, or never became ready.
    #[error("{handler}: {reason}")]
    Handler {
        /// Which handler.
        handler: String,
        /// What happened.
        reason: String,
    },
    /// A request failed, or was answered with something other than the expected response.
    #[error("{handler}: {reason}")]
    Request {
        /// Which handler.
        handler: String,
        /// What went wrong.
        reason: String,
    },
    /// Another handler did not give azfn's answer to the same invocation.
    #[error(
        "azfn and {handler} answer the order invocation differently:\n  azfn: {azfn}\n  {handler}: {other}"
    )]
    Mismatch {
        /// The other handler.
        handler: String,
        /// azfn's response body.
        azfn: String,
        /// The other handler's response body.
        other: String,
    },
    /// A program the suite needs is missing and could not be installed.
    #[error("{tool}: {reason}")]
    Tool {
        /// The program.
        tool: &'static str,
        /// Why it is missing, and what to do.
        reason: String,
    },
    /// The emit step failed on the generated 200-function binary.
    #[error("emit of the generated 200-function binary failed: {0}")]
    Emit(#[from] cargo_azfn::EmitError),
    /// Any other I/O failure (temporary files, the Tokio runtime).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
}
