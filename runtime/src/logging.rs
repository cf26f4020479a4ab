//! Logging: `tracing` is how a function logs, and every level survives the trip to the host.
//!
//! The host gives the handler three channels (contract §1.6 and §3.6):
//!
//! | channel | host log level | what azfn sends there |
//! | --- | --- | --- |
//! | `Logs` of the invocation response | Information, attached to the invocation | every event emitted while a payload-mode invocation runs, prefixed with its level and the invocation id |
//! | stderr | Error, or Warning when the line contains "warn" | every `WARN` and `ERROR` event (as well as in `Logs`), so their level is kept |
//! | stdout | Information | events outside invocations (start-up, forwarded HTTP requests) |
//!
//! [`init`] installs this for `azfn::run`. An application that sets up its own subscriber adds
//! [`layer`] to it to keep the per-invocation `Logs`.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tokio::task::futures::TaskLocalFuture;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt::writer::MakeWriterExt as _;
use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// At most this many entries go into one invocation's `Logs`; a function that logs in a loop
/// must not make its response unbounded.
const MAX_LOG_ENTRIES: usize = 1000;

tokio::task_local! {
    static INVOCATION_LOGS: LogBuffer;
}

/// The log lines of one invocation.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogBuffer {
    inner: Arc<Mutex<LogState>>,
}

#[derive(Debug, Default)]
struct LogState {
    invocation_id: Option<Arc<str>>,
    lines: Vec<String>,
    dropped: usize,
}

impl LogState {
    fn id(&self) -> &str {
        self.invocation_id.as_deref().unwrap_or("-")
    }
}

impl LogBuffer {
    pub(crate) fn new(invocation_id: Option<Arc<str>>) -> Self {
        let buffer = Self::default();
        buffer.lock().invocation_id = invocation_id;
        buffer
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, level: &Level, text: String) {
        let mut state = self.lock();
        if state.lines.len() >= MAX_LOG_ENTRIES {
            state.dropped += 1;
            return;
        }
        let line = format!("{level} [{}] {text}", state.id());
        state.lines.push(line);
    }

    /// The lines, with a last one counting any that did not fit.
    pub(crate) fn take(&self) -> Vec<String> {
        let mut state = self.lock();
        let mut lines = std::mem::take(&mut state.lines);
        if state.dropped > 0 {
            lines.push(format!(
                "WARN [{}] {} more log lines of this invocation were dropped (limit {MAX_LOG_ENTRIES})",
                state.id(),
                state.dropped
            ));
            state.dropped = 0;
        }
        lines
    }

    /// Runs `future` with its events collected into this buffer. A plain function, not an
    /// `async fn`: that would hold `future` twice in its state (argument and awaitee), and the
    /// invocation future is allocated per request.
    pub(crate) fn scope<F: Future>(self, future: F) -> TaskLocalFuture<LogBuffer, F> {
        INVOCATION_LOGS.scope(self, future)
    }
}

fn in_invocation() -> bool {
    INVOCATION_LOGS.try_with(|_| ()).is_ok()
}

/// The layer that collects events emitted during an invocation into its `Logs`.
pub fn layer<S: Subscriber>() -> impl Layer<S> {
    InvocationLogLayer
}

struct InvocationLogLayer;

impl<S: Subscriber> Layer<S> for InvocationLogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: LayerContext<'_, S>) {
        let _ = INVOCATION_LOGS.try_with(|buffer| {
            let mut visitor = TextVisitor::default();
            event.record(&mut visitor);
            buffer.push(event.metadata().level(), visitor.finish());
        });
    }
}

/// Renders an event as `message key=value ...`.
#[derive(Default)]
struct TextVisitor {
    message: String,
    fields: String,
}

impl TextVisitor {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else if self.message.is_empty() {
            self.fields.trim_start().to_owned()
        } else {
            format!("{}{}", self.message, self.fields)
        }
    }
}

impl Visit for TextVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

/// The most verbose level logged, from `AZFN_LOG` or `RUST_LOG` when either is just a level
/// name (`debug`, `warn`, ...), else `info`.
fn max_level() -> tracing::level_filters::LevelFilter {
    ["AZFN_LOG", "RUST_LOG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find_map(|v| v.trim().parse().ok())
        .unwrap_or(tracing::level_filters::LevelFilter::INFO)
}

/// Installs the process-wide subscriber described in the module documentation, unless the
/// application installed one already.
pub fn init() {
    let writer = std::io::stderr
        .with_max_level(Level::WARN)
        .or_else(std::io::stdout);
    // Inside an invocation, events below WARN are in `Logs` already; printing them to stdout
    // too would show each of them twice in the host's logs.
    let console_filter = filter_fn(|meta| *meta.level() <= Level::WARN || !in_invocation());
    // The host stamps each line with its own time; a second timestamp is noise.
    let console = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_filter(console_filter);
    let _ = tracing_subscriber::registry()
        .with(max_level())
        .with(console)
        .with(InvocationLogLayer)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_inside_an_invocation_are_collected_with_level_and_id() {
        let subscriber = tracing_subscriber::registry().with(InvocationLogLayer);
        let _guard = tracing::subscriber::set_default(subscriber);
        let buffer = LogBuffer::new(Some("inv-1".into()));
        buffer
            .clone()
            .scope(async {
                tracing::info!(order = 7, "accepted");
                tracing::warn!("low stock");
            })
            .await;
        tracing::info!("outside");
        assert_eq!(
            buffer.take(),
            ["INFO [inv-1] accepted order=7", "WARN [inv-1] low stock"]
        );
    }

    #[tokio::test]
    async fn a_flood_of_events_is_capped() {
        let subscriber = tracing_subscriber::registry().with(InvocationLogLayer);
        let _guard = tracing::subscriber::set_default(subscriber);
        let buffer = LogBuffer::new(None);
        buffer
            .clone()
            .scope(async {
                for i in 0..MAX_LOG_ENTRIES + 5 {
                    tracing::info!(i);
                }
            })
            .await;
        let lines = buffer.take();
        assert_eq!(lines.len(), MAX_LOG_ENTRIES + 1);
        assert!(lines.last().unwrap().contains("5 more log lines"));
    }
}
