//! host.json `extensions.queues`: how the queue extension polls, retries and encodes messages.

use std::time::Duration;

use azfn_spec::timespan::TimeSpan;
use serde_json::Value;

use crate::storage::MessageEncoding;
use crate::{App, get_ci};

/// host.json `extensions.queues`, with the extension's defaults.
#[derive(Clone, Debug)]
pub(crate) struct QueueSettings {
    pub(crate) batch_size: u32,
    pub(crate) max_dequeue_count: u32,
    pub(crate) max_polling_interval: Duration,
    pub(crate) visibility_timeout: Duration,
    pub(crate) encoding: MessageEncoding,
}

/// The shortest poll interval (`QueuePollingIntervals.Minimum`).
pub(super) const MIN_POLLING_INTERVAL: Duration = Duration::from_millis(100);

impl QueueSettings {
    pub(crate) fn from_app(app: &App) -> QueueSettings {
        let section = app
            .host_json()
            .as_object()
            .and_then(|h| get_ci(h, "extensions"))
            .and_then(Value::as_object)
            .and_then(|e| get_ci(e, "queues"))
            .and_then(Value::as_object);
        let get = |key: &str| section.and_then(|s| get_ci(s, key));
        let number = |key: &str, default: u32| {
            get(key)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()))
                .map_or(default, |n| n as u32)
        };
        let span = |key: &str, default: Duration| {
            get(key)
                .and_then(|v| match v {
                    Value::String(s) => TimeSpan::parse(s).and_then(TimeSpan::to_duration),
                    // A bare number is milliseconds for maxPollingInterval in host.json v2.
                    Value::Number(n) => n.as_u64().map(Duration::from_millis),
                    _ => None,
                })
                .unwrap_or(default)
        };
        QueueSettings {
            batch_size: number("batchSize", 16).clamp(1, 32),
            max_dequeue_count: number("maxDequeueCount", 5).max(1),
            // The extension's default is one minute; `func start` (Development) uses 2 s, and
            // so does this local host.
            max_polling_interval: span("maxPollingInterval", Duration::from_secs(2))
                .max(MIN_POLLING_INTERVAL),
            visibility_timeout: span("visibilityTimeout", Duration::ZERO),
            encoding: get("messageEncoding")
                .and_then(Value::as_str)
                .and_then(MessageEncoding::parse)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_extensions() {
        let dir = std::env::temp_dir().join(format!("azfn-queue-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("host.json"),
            r#"{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"x"}},
               "extensions":{"queues":{"maxDequeueCount":2,"maxPollingInterval":"00:00:00.500","messageEncoding":"none"}}}"#,
        )
        .unwrap();
        let settings = QueueSettings::from_app(&App::load(&dir).unwrap());
        assert_eq!(settings.max_dequeue_count, 2);
        assert_eq!(settings.batch_size, 16);
        assert_eq!(settings.max_polling_interval, Duration::from_millis(500));
        assert_eq!(settings.visibility_timeout, Duration::ZERO);
        assert_eq!(settings.encoding, MessageEncoding::None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
