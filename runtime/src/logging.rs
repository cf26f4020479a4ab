//! Logging set-up for the handler process.
//!
//! The host reads the handler's stdout as Information and its stderr as Error, or as Warning
//! when a line contains "warn" (contract §1.6). Writing `WARN` and `ERROR` events to stderr and
//! the rest to stdout therefore keeps every level intact in the host's logs.

use tracing_subscriber::fmt::writer::MakeWriterExt as _;

/// Installs the process-wide subscriber, unless the application installed its own.
pub(crate) fn init() {
    let writer = std::io::stderr
        .with_max_level(tracing::Level::WARN)
        .or_else(std::io::stdout);
    // The host stamps each line with its own time; a second timestamp is noise.
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .try_init();
}
