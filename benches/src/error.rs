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
    /// The two handlers did not give the same answer to the same invocation.
    #[error(
        "azfn and the baseline answer the order invocation differently:\n  azfn:     {azfn}\n  baseline: {baseline}"
    )]
    Mismatch {
        /// azfn's response body.
        azfn: String,
        /// The baseline's response body.
        baseline: String,
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
