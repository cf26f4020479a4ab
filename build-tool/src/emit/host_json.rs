//! The `host.json` that tells the Functions host how to start the handler.

use azfn::metadata::FunctionRecord;
use serde::Serialize;

/// The extension bundle that provides every non-HTTP binding (queues, blobs, timers, ...).
const BUNDLE_ID: &str = "Microsoft.Azure.Functions.ExtensionBundle";
/// Bundle v4 is the one the current (v4) host supports.
const BUNDLE_VERSION: &str = "[4.*, 5.0.0)";

/// Binding types built into the host; any other type needs the extension bundle.
const BUILT_IN_BINDINGS: [&str; 2] = ["httpTrigger", "http"];

// Structs rather than `json!` so the keys keep the order people expect to read (`version`
// first); serde_json's map sorts them.
#[derive(Serialize)]
struct HostJson<'a> {
    version: &'static str,
    #[serde(rename = "customHandler")]
    custom_handler: CustomHandler<'a>,
    #[serde(rename = "extensionBundle", skip_serializing_if = "Option::is_none")]
    extension_bundle: Option<ExtensionBundle>,
}

#[derive(Serialize)]
struct CustomHandler<'a> {
    description: Description<'a>,
    #[serde(
        rename = "enableProxyingHttpRequest",
        skip_serializing_if = "std::ops::Not::not"
    )]
    enable_proxying_http_request: bool,
}

#[derive(Serialize)]
struct Description<'a> {
    #[serde(rename = "defaultExecutablePath")]
    default_executable_path: &'a str,
}

#[derive(Serialize)]
struct ExtensionBundle {
    id: &'static str,
    version: &'static str,
}

/// The pretty-printed `host.json` for an app whose executable is `executable` (a file name in
/// the app folder) and whose functions are `records`.
pub(super) fn host_json(executable: &str, records: &[FunctionRecord]) -> String {
    // The host only proxies the HTTP request (instead of wrapping it in a JSON payload) for
    // functions whose only input is an httpTrigger and only output is http; asking for it
    // without such a function changes nothing, so the flag is left out to keep the file minimal.
    let proxy = records.iter().any(|r| r.function.is_http_in_and_out());
    let needs_bundle = records.iter().any(|r| {
        r.function
            .bindings
            .iter()
            .any(|b| !BUILT_IN_BINDINGS.contains(&b.kind.as_str()))
    });
    let host = HostJson {
        version: "2.0",
        custom_handler: CustomHandler {
            description: Description {
                default_executable_path: executable,
            },
            enable_proxying_http_request: proxy,
        },
        extension_bundle: needs_bundle.then_some(ExtensionBundle {
            id: BUNDLE_ID,
            version: BUNDLE_VERSION,
        }),
    };
    let mut text =
        serde_json::to_string_pretty(&host).expect("plain structs of strings always serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{http_record, queue_record};
    use serde_json::{Value, json};

    fn parsed(executable: &str, records: &[FunctionRecord]) -> Value {
        serde_json::from_str(&host_json(executable, records)).unwrap()
    }

    #[test]
    fn http_only_app_proxies_and_needs_no_bundle() {
        let host = parsed("orders", &[http_record("hello")]);
        assert_eq!(
            host,
            json!({
                "version": "2.0",
                "customHandler": {
                    "description": {"defaultExecutablePath": "orders"},
                    "enableProxyingHttpRequest": true
                }
            })
        );
    }

    #[test]
    fn queue_only_app_needs_the_bundle_and_does_not_proxy() {
        let host = parsed("orders.exe", &[queue_record("q")]);
        assert_eq!(
            host,
            json!({
                "version": "2.0",
                "customHandler": {"description": {"defaultExecutablePath": "orders.exe"}},
                "extensionBundle": {
                    "id": "Microsoft.Azure.Functions.ExtensionBundle",
                    "version": "[4.*, 5.0.0)"
                }
            })
        );
    }

    #[test]
    fn mixed_app_sets_both() {
        let host = parsed("app", &[queue_record("q"), http_record("h")]);
        assert_eq!(host["customHandler"]["enableProxyingHttpRequest"], true);
        assert_eq!(
            host["extensionBundle"]["id"],
            "Microsoft.Azure.Functions.ExtensionBundle"
        );
    }

    #[test]
    fn http_trigger_with_an_extra_output_is_not_proxied_but_needs_the_bundle() {
        let mut order = http_record("order");
        let queue_out = queue_record("x").function.bindings[1].clone();
        order.function.bindings.push(queue_out);
        let host = parsed("app", &[order]);
        assert!(
            host["customHandler"]
                .get("enableProxyingHttpRequest")
                .is_none()
        );
        assert!(host.get("extensionBundle").is_some());
    }

    #[test]
    fn version_comes_first() {
        assert!(host_json("app", &[]).starts_with("{\n  \"version\": \"2.0\""));
    }
}
