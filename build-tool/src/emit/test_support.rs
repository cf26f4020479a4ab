//! Function records for unit tests, shaped like the ones the macros produce.

use azfn_spec::record::{FunctionRecord, RECORD_FORMAT};
use serde_json::json;

/// An HTTP function named `name` defined at `file:line:1`.
pub(crate) fn record(name: &str, file: &str, line: u32) -> FunctionRecord {
    serde_json::from_value(json!({
        "format": RECORD_FORMAT,
        "name": name,
        "rust_fn": name.to_lowercase(),
        "source": {"file": file, "line": line, "column": 1},
        "function": {"bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get"]},
            {"type": "http", "direction": "out", "name": "res"}
        ]}
    }))
    .expect("a valid record")
}

/// An HTTP-in, HTTP-out function.
pub(crate) fn http_record(name: &str) -> FunctionRecord {
    record(name, "src/main.rs", 1)
}

/// A queue-triggered function whose return value goes to a queue.
pub(crate) fn queue_record(name: &str) -> FunctionRecord {
    serde_json::from_value(json!({
        "format": RECORD_FORMAT,
        "name": name,
        "rust_fn": name,
        "source": {"file": "src/main.rs", "line": 1, "column": 1},
        "function": {"bindings": [
            {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "in", "connection": "AzureWebJobsStorage"},
            {"type": "queue", "direction": "out", "name": "$return", "queueName": "out", "connection": "AzureWebJobsStorage"}
        ]}
    }))
    .expect("a valid record")
}
