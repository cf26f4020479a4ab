//! The bindings the local host does not play, said once when an app is loaded: a trigger that
//! never fires here, an input the function receives no value for, an output that is only
//! shown. What it does play: HTTP, timer, queue, blob and MCP triggers; blob inputs (every
//! function kind, HTTP included) and MCP argument inputs; queue, blob and HTTP outputs.

use crate::{Binding, Function};

/// The trigger's type, lower-cased (`queuetrigger`, `httptrigger`, ...).
pub(crate) fn trigger_kind(function: &Function) -> Option<String> {
    function.trigger().map(|t| t.kind.to_ascii_lowercase())
}

const TRIGGERS: &[&str] = &[
    "httptrigger",
    "timertrigger",
    "queuetrigger",
    "blobtrigger",
    "mcptooltrigger",
    "mcpprompttrigger",
    "mcpresourcetrigger",
];
const INPUTS: &[&str] = &["blob"];
/// Inputs the MCP webhook fills from the call's arguments.
const MCP_INPUTS: &[&str] = &["mcptoolproperty", "mcppromptargument"];
const OUTPUTS: &[&str] = &["http", "queue", "blob"];

/// The input bindings of `function` other than its trigger that an invocation gets no value
/// for, each with why: `with_storage` (through a running `start`) reads blob inputs; a handler
/// started by `invoke` alone reads none.
pub(crate) fn unread_inputs(function: &Function, with_storage: bool) -> Vec<String> {
    function
        .inputs()
        .filter(|b| !b.is_trigger())
        .filter(|b| !(with_storage && INPUTS.contains(&b.kind.to_ascii_lowercase().as_str())))
        .map(|b| {
            let why = if INPUTS.contains(&b.kind.to_ascii_lowercase().as_str()) {
                "read only through a running `cargo azfn start`"
            } else {
                "not read locally"
            };
            format!(
                "`{}` ({} input): {why}; the function received no value for it",
                b.name, b.kind
            )
        })
        .collect()
}

/// One line per binding of `function` that the local host does not simulate, naming the
/// function and the binding; none for a disabled function, which never runs.
pub(crate) fn not_simulated(function: &Function) -> Vec<String> {
    if function.disabled {
        return Vec::new();
    }
    let simulated = |binding: &Binding, kinds: &[&str]| {
        kinds.contains(&binding.kind.to_ascii_lowercase().as_str())
    };
    let mut lines = Vec::new();
    for binding in &function.bindings {
        let (name, kind, f) = (&binding.name, &binding.kind, &function.name);
        if binding.is_trigger() {
            if !simulated(binding, TRIGGERS) {
                lines.push(format!(
                    "`{f}`: the {kind} trigger `{name}` does not fire locally; run the function \
                     with `cargo azfn invoke {f}`"
                ));
            }
            continue;
        }
        if binding.is_input() && !simulated(binding, INPUTS) && !simulated(binding, MCP_INPUTS) {
            lines.push(format!(
                "`{f}`: the {kind} input `{name}` is not read locally; the function receives \
                 no value for it"
            ));
        }
        if binding.is_output() && !simulated(binding, OUTPUTS) {
            lines.push(format!(
                "`{f}`: the {kind} output `{name}` is not written locally; the console \
                 shows what it would receive"
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn function(name: &str, bindings: serde_json::Value) -> Function {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("host.json"),
            r#"{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"h"}}}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::write(
            dir.path().join(name).join("function.json"),
            json!({ "bindings": bindings }).to_string(),
        )
        .unwrap();
        let app = crate::App::load(dir.path()).unwrap();
        app.function(name).unwrap().clone()
    }

    /// Issue 14: a binding the local host cannot simulate gets one line naming the function and
    /// the binding, never a silent `None`.
    #[test]
    fn each_binding_not_simulated_gets_one_line_naming_function_and_binding() {
        let f = function(
            "report",
            json!([
                {"type": "serviceBusTrigger", "direction": "in", "name": "message", "queueName": "q"},
                {"type": "blob", "direction": "in", "name": "config", "path": "c/x"},
                {"type": "table", "direction": "in", "name": "rows", "tableName": "t"},
                {"type": "cosmosDB", "direction": "in", "name": "docs"},
                {"type": "queue", "direction": "out", "name": "next", "queueName": "n"},
                {"type": "eventHub", "direction": "out", "name": "events", "eventHubName": "e"},
            ]),
        );
        let lines = not_simulated(&f);
        assert_eq!(lines.len(), 4, "{lines:#?}");
        for (line, (kind, name)) in lines.iter().zip([
            ("serviceBusTrigger trigger", "message"),
            ("table input", "rows"),
            ("cosmosDB input", "docs"),
            ("eventHub output", "events"),
        ]) {
            assert!(line.starts_with("`report`: "), "{line}");
            assert!(line.contains(&format!("{kind} `{name}`")), "{line}");
        }
    }

    #[test]
    fn an_http_function_reading_a_blob_is_fully_simulated() {
        let f = function(
            "settings",
            json!([
                {"type": "httpTrigger", "direction": "in", "name": "req"},
                {"type": "blob", "direction": "in", "name": "config", "path": "c/{id}"},
                {"type": "http", "direction": "out", "name": "res"},
            ]),
        );
        assert!(not_simulated(&f).is_empty());
    }
}
