//! The `host.json` that tells the Functions host how to start the handler, merged with the
//! user's own settings.
//!
//! The user's keys are kept as written (`logging`, `functionTimeout`, `extensions`,
//! `concurrency`, other `customHandler` keys such as `port`, ...). azfn owns the keys that
//! must agree with the binary: `version`, `customHandler.description` (which executable to
//! start) and the HTTP mode (`customHandler.enableProxyingHttpRequest` and
//! `enableForwardingHttpRequest`). Where the user set one of those differently, azfn's value
//! wins and a warning says so. The extension bundle is added when a binding needs it; a
//! bundle the user declared is kept, version range included.
//!
//! `configurationProfile` must agree with the binary too: an app that serves a self-hosted MCP
//! server (`App::mcp_server`) gets `mcp-custom-handler`, whose settings (no route prefix,
//! proxying, one catch-all route to the handler: [`azfn_spec::profile`]) the host applies
//! itself, so they are not written out; an app with functions cannot run under an HTTP profile
//! (the host refuses `function.json` functions beside its routes), so a user's such profile is
//! left out with a warning. The routes' authorization level stays the user's
//! (`customHandler.http.DefaultAuthorizationLevel`, `function` when unset).
//!
//! The host reads its configuration keys ignoring case, so they are matched ignoring case here
//! too: a user's `CustomHandler` is the same section as `customHandler`.

use azfn_spec::profile::{self, CONFIGURATION_PROFILE_KEY, SelfHostedServer};
use azfn_spec::record::FunctionRecord;
use serde_json::{Map, Value, json};

use super::routes::DEFAULT_ROUTE_PREFIX;
use crate::config::UserHostJson;
use crate::error::{ConfigError, ConfigSource, Warning};

/// The extension bundle that provides every non-HTTP binding (queues, blobs, timers, ...).
const BUNDLE_ID: &str = "Microsoft.Azure.Functions.ExtensionBundle";
/// Bundle v4 is the one the current (v4) host supports.
const BUNDLE_VERSION: &str = "[4.*, 5.0.0)";

/// The only `host.json` schema version the v4 host (and custom handlers) support.
const VERSION: &str = "2.0";

/// The merged `host.json` and what the emit step needs from it.
#[derive(Debug)]
pub(crate) struct HostJson {
    /// Pretty-printed, with a final newline.
    pub(crate) text: String,
    /// `extensions.http.routePrefix`, or the host's default.
    pub(crate) route_prefix: String,
    /// The user's settings azfn replaced.
    pub(crate) warnings: Vec<Warning>,
}

/// The `host.json` for an app whose executable is `executable` (a file name in the app
/// folder) and whose functions are `records`, merged with the user's settings.
pub(crate) fn host_json(
    executable: &str,
    records: &[FunctionRecord],
    self_hosted: Option<&SelfHostedServer>,
    user: Option<&UserHostJson>,
) -> Result<HostJson, ConfigError> {
    // The host only proxies the HTTP request (instead of wrapping it in a JSON payload) for
    // functions whose only input is an httpTrigger and only output is http; asking for it
    // without such a function changes nothing, so the flag is left out to keep the file minimal.
    // A self-hosted server's profile sets it itself.
    let proxy = self_hosted.is_none() && records.iter().any(|r| r.function.is_http_in_and_out());
    let needs_bundle = records.iter().any(|r| {
        r.function
            .bindings
            .iter()
            .any(|b| azfn_spec::catalog::needs_extension_bundle(&b.kind))
    });

    let mut merger = Merger {
        source: user.map(|u| &u.source),
        warnings: Vec::new(),
    };
    let mut root = Map::new();
    // `version` first, where people look for it.
    root.insert("version".to_owned(), json!(VERSION));
    // Next to `version`: it decides how the rest is read.
    if let Some(server) = self_hosted {
        root.insert(
            CONFIGURATION_PROFILE_KEY.to_owned(),
            json!(server.profile.clone()),
        );
    }
    if let Some(user) = user {
        for (key, value) in &user.value {
            if key.eq_ignore_ascii_case(CONFIGURATION_PROFILE_KEY) {
                let theirs = value.as_str().map(profile::profile);
                let theirs = match theirs {
                    Some(Ok(theirs)) => theirs,
                    _ => {
                        return Err(ConfigError::HostJsonShape {
                            origin: user.source.clone(),
                            key: format!("`{key}`"),
                            expected: "one of the host's profiles: \"\", \"default\", \
                                       \"mcp-custom-handler\", \"web-app-custom-handler\"",
                        });
                    }
                };
                match self_hosted {
                    Some(server)
                        if theirs.name != server.profile || key != CONFIGURATION_PROFILE_KEY =>
                    {
                        merger.replaced(
                            key,
                            value,
                            &json!(server.profile),
                            "this app serves a self-hosted MCP server",
                        );
                    }
                    Some(_) => {}
                    None if theirs.route_prefix.is_some() => {
                        merger.replaced(
                            key,
                            value,
                            &Value::Null,
                            "the host runs no function.json function under this profile, and \
                             this app's are functions (a self-hosted MCP server is served with \
                             `App::mcp_server`)",
                        );
                    }
                    None => {
                        root.insert(key.clone(), value.clone());
                    }
                }
                continue;
            }
            if key.eq_ignore_ascii_case("version") {
                if value != VERSION {
                    merger.replaced(
                        key,
                        value,
                        &json!(VERSION),
                        "the Functions v4 host only runs custom handlers with host.json \
                         version 2.0",
                    );
                }
                continue;
            }
            root.insert(key.clone(), value.clone());
        }
    }

    let custom_handler = merger.object_entry(&mut root, "customHandler", "customHandler")?;
    let description = json!({ "defaultExecutablePath": executable });
    merger.set_owned(
        custom_handler,
        "customHandler.",
        "description",
        Some(description),
        "it must start this app's executable",
    );
    merger.set_owned(
        custom_handler,
        "customHandler.",
        "enableProxyingHttpRequest",
        proxy.then_some(json!(true)),
        if self_hosted.is_some() {
            "the mcp-custom-handler profile turns proxying on itself"
        } else if proxy {
            "an HTTP function of this app can be proxied, and the azfn runtime serves every mode"
        } else {
            "no function of this app is HTTP-in/HTTP-out, so there is nothing to proxy"
        },
    );
    merger.set_owned(
        custom_handler,
        "customHandler.",
        "enableForwardingHttpRequest",
        None,
        "azfn chooses the HTTP mode: proxying, which current hosts prefer over forwarding",
    );

    if needs_bundle {
        let bundle = merger.object_entry(&mut root, "extensionBundle", "extensionBundle")?;
        // The user's bundle is kept as declared: a pinned range or a preview bundle is a
        // deliberate choice. Only what the host requires is filled in.
        if get_ci(bundle, "id").is_none() {
            bundle.insert("id".to_owned(), json!(BUNDLE_ID));
        }
        if get_ci(bundle, "version").is_none() {
            bundle.insert("version".to_owned(), json!(BUNDLE_VERSION));
        }
    }

    // The profile's settings come after host.json's.
    let profile_prefix = self_hosted
        .and_then(|server| profile::profile(&server.profile).ok())
        .and_then(|p| p.route_prefix);
    let route_prefix = match profile_prefix {
        Some(prefix) => prefix.to_owned(),
        None => merger.route_prefix(&root)?,
    };
    let mut text =
        serde_json::to_string_pretty(&Value::Object(root)).expect("a JSON value always serializes");
    text.push('\n');
    Ok(HostJson {
        text,
        route_prefix,
        warnings: merger.warnings,
    })
}

/// The first key of `map` equal to `key` ignoring ASCII case.
fn key_ci(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned()
}

fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    key_ci(map, key).and_then(|k| map.get(&k))
}

/// Merges one app's `host.json`, collecting warnings about replaced user settings.
struct Merger<'a> {
    source: Option<&'a ConfigSource>,
    warnings: Vec<Warning>,
}

impl Merger<'_> {
    /// The object at `key` of `map`, created when missing (appended at the end).
    fn object_entry<'m>(
        &self,
        map: &'m mut Map<String, Value>,
        key: &str,
        dotted: &str,
    ) -> Result<&'m mut Map<String, Value>, ConfigError> {
        let key = key_ci(map, key).unwrap_or_else(|| key.to_owned());
        let value = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
        match (value, self.source) {
            (Value::Object(object), _) => Ok(object),
            (_, source) => Err(ConfigError::HostJsonShape {
                origin: source
                    .cloned()
                    .expect("only the user's settings can hold a non-object"),
                key: format!("`{dotted}`"),
                expected: "a JSON object",
            }),
        }
    }

    /// Sets (or, for `None`, removes) a key azfn owns, warning when the user had set it to
    /// something else. Every spelling of the key that differs in case is replaced too.
    fn set_owned(
        &mut self,
        map: &mut Map<String, Value>,
        dotted_parent: &str,
        key: &str,
        ours: Option<Value>,
        why: &str,
    ) {
        let spellings: Vec<String> = map
            .keys()
            .filter(|k| k.eq_ignore_ascii_case(key))
            .cloned()
            .collect();
        let mut position = None;
        for spelling in spellings {
            let index = map.keys().position(|k| *k == spelling);
            let theirs = map.shift_remove(&spelling).expect("listed above");
            position = position.or(index);
            let same = match &ours {
                Some(ours) => &theirs == ours && spelling == key,
                // `false` is what an absent flag means.
                None => theirs == Value::Bool(false),
            };
            if !same {
                let shown = ours.clone().unwrap_or(Value::Null);
                let why = if shown == theirs {
                    // Only the spelling differs; say so rather than "X, but azfn writes X".
                    format!("the key is spelled `{key}`")
                } else {
                    why.to_owned()
                };
                self.replaced(&format!("{dotted_parent}{spelling}"), &theirs, &shown, &why);
            }
        }
        if let Some(ours) = ours {
            match position {
                // Where the user had it, so a diff of the file stays small.
                Some(index) if index <= map.len() => {
                    map.shift_insert(index, key.to_owned(), ours);
                }
                _ => {
                    map.insert(key.to_owned(), ours);
                }
            }
        }
    }

    fn replaced(&mut self, key: &str, theirs: &Value, ours: &Value, why: &str) {
        let source = self
            .source
            .map_or_else(|| "the user's settings".to_owned(), ToString::to_string);
        let action = if ours.is_null() {
            "azfn leaves it out".to_owned()
        } else {
            format!("azfn writes `{ours}`")
        };
        self.warnings.push(Warning(format!(
            "`{key}` is `{theirs}` in {source}, but {action}: {why}; remove it from {source}"
        )));
    }

    /// `extensions.http.routePrefix` of the merged file.
    fn route_prefix(&self, root: &Map<String, Value>) -> Result<String, ConfigError> {
        let shape = |key: &str, expected| ConfigError::HostJsonShape {
            origin: self
                .source
                .cloned()
                .expect("only the user's settings set extensions"),
            key: format!("`{key}`"),
            expected,
        };
        let Some(extensions) = get_ci(root, "extensions") else {
            return Ok(DEFAULT_ROUTE_PREFIX.to_owned());
        };
        let extensions = extensions
            .as_object()
            .ok_or_else(|| shape("extensions", "a JSON object"))?;
        let Some(http) = get_ci(extensions, "http") else {
            return Ok(DEFAULT_ROUTE_PREFIX.to_owned());
        };
        let http = http
            .as_object()
            .ok_or_else(|| shape("extensions.http", "a JSON object"))?;
        match get_ci(http, "routePrefix") {
            None => Ok(DEFAULT_ROUTE_PREFIX.to_owned()),
            Some(Value::String(prefix)) => Ok(prefix.clone()),
            Some(_) => Err(shape(
                "extensions.http.routePrefix",
                "a string (`\"\"` for no prefix)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{http_record, queue_record};
    use std::path::PathBuf;

    fn parsed(executable: &str, records: &[FunctionRecord]) -> Value {
        serde_json::from_str(&host_json(executable, records, None, None).unwrap().text).unwrap()
    }

    fn user(value: Value) -> UserHostJson {
        UserHostJson {
            source: ConfigSource::File(PathBuf::from("app/host.json")),
            value: value.as_object().unwrap().clone(),
        }
    }

    fn merged(records: &[FunctionRecord], value: Value) -> (Value, Vec<String>, String) {
        let host = host_json("app", records, None, Some(&user(value))).unwrap();
        let warnings = host.warnings.iter().map(ToString::to_string).collect();
        (
            serde_json::from_str(&host.text).unwrap(),
            warnings,
            host.route_prefix,
        )
    }

    fn mcp_server() -> SelfHostedServer {
        serde_json::from_str(azfn_spec::profile::MCP_DECLARATION_JSON).unwrap()
    }

    #[test]
    fn a_self_hosted_server_gets_the_profile_and_nothing_the_profile_sets() {
        let host = host_json("mcp-app", &[], Some(&mcp_server()), None).unwrap();
        assert_eq!(host.route_prefix, "");
        assert_eq!(
            serde_json::from_str::<Value>(&host.text).unwrap(),
            json!({
                "version": "2.0",
                "configurationProfile": "mcp-custom-handler",
                "customHandler": {"description": {"defaultExecutablePath": "mcp-app"}}
            })
        );
    }

    #[test]
    fn a_self_hosted_server_keeps_the_users_authorization_level_and_drops_their_flags() {
        let value = json!({
            "configurationProfile": "default",
            "customHandler": {
                "enableProxyingHttpRequest": true,
                "http": {"DefaultAuthorizationLevel": "anonymous"}
            }
        });
        let host = host_json("app", &[], Some(&mcp_server()), Some(&user(value))).unwrap();
        let parsed: Value = serde_json::from_str(&host.text).unwrap();
        assert_eq!(parsed["configurationProfile"], "mcp-custom-handler");
        assert_eq!(
            parsed["customHandler"]["http"]["DefaultAuthorizationLevel"],
            "anonymous"
        );
        assert!(
            parsed["customHandler"]
                .get("enableProxyingHttpRequest")
                .is_none()
        );
        let warnings: Vec<String> = host.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("self-hosted MCP server"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("profile turns proxying on"),
            "{warnings:?}"
        );
    }

    #[test]
    fn an_app_of_functions_loses_an_http_profile_and_keeps_the_default_one() {
        let (host, warnings, prefix) = merged(
            &[http_record("h")],
            json!({"configurationProfile": "MCP-Custom-Handler"}),
        );
        assert!(host.get("configurationProfile").is_none(), "{host}");
        assert_eq!(prefix, "api");
        assert!(
            warnings[0].contains("runs no function.json function"),
            "{warnings:?}"
        );
        let (host, warnings, _) = merged(
            &[http_record("h")],
            json!({"configurationProfile": "default"}),
        );
        assert_eq!(host["configurationProfile"], "default");
        assert!(warnings.is_empty(), "{warnings:?}");
        let err = host_json(
            "app",
            &[http_record("h")],
            None,
            Some(&user(json!({"configurationProfile": "mcp"}))),
        )
        .unwrap_err();
        assert!(err.to_string().contains("configurationProfile"), "{err}");
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
        let host = host_json("app", &[], None, None).unwrap();
        assert!(host.text.starts_with("{\n  \"version\": \"2.0\""));
        assert_eq!(host.route_prefix, "api");
        assert!(host.warnings.is_empty());
    }

    #[test]
    fn the_users_keys_are_kept_in_their_order() {
        let (host, warnings, prefix) = merged(
            &[http_record("h")],
            json!({
                "version": "2.0",
                "logging": {"logLevel": {"default": "Warning"}},
                "functionTimeout": "00:10:00",
                "extensions": {"http": {"routePrefix": "", "maxConcurrentRequests": 10}},
                "concurrency": {"dynamicConcurrencyEnabled": true},
                "customHandler": {"port": 8080}
            }),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(prefix, "");
        assert_eq!(
            host,
            json!({
                "version": "2.0",
                "logging": {"logLevel": {"default": "Warning"}},
                "functionTimeout": "00:10:00",
                "extensions": {"http": {"routePrefix": "", "maxConcurrentRequests": 10}},
                "concurrency": {"dynamicConcurrencyEnabled": true},
                "customHandler": {
                    "port": 8080,
                    "description": {"defaultExecutablePath": "app"},
                    "enableProxyingHttpRequest": true
                }
            })
        );
        let keys: Vec<&String> = host.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "version",
                "logging",
                "functionTimeout",
                "extensions",
                "concurrency",
                "customHandler"
            ]
        );
    }

    #[test]
    fn owned_keys_set_differently_are_replaced_with_a_warning() {
        let (host, warnings, _) = merged(
            &[http_record("h")],
            json!({
                "version": "1.0",
                "customHandler": {
                    "description": {"defaultExecutablePath": "run.sh", "arguments": ["x"]},
                    "enableForwardingHttpRequest": true,
                    "enableProxyingHttpRequest": false
                }
            }),
        );
        assert_eq!(host["version"], "2.0");
        assert_eq!(
            host["customHandler"],
            json!({
                "description": {"defaultExecutablePath": "app"},
                "enableProxyingHttpRequest": true
            })
        );
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
        assert_eq!(
            warnings[0],
            "`version` is `\"1.0\"` in `app/host.json`, but azfn writes `\"2.0\"`: the Functions \
             v4 host only runs custom handlers with host.json version 2.0; remove it from \
             `app/host.json`"
        );
        assert!(warnings[1].starts_with("`customHandler.description` is `{\"defaultExecutablePath\":\"run.sh\",\"arguments\":[\"x\"]}` in `app/host.json`, but azfn writes `{\"defaultExecutablePath\":\"app\"}`"), "{}", warnings[1]);
        assert!(
            warnings[2].starts_with("`customHandler.enableProxyingHttpRequest` is `false`"),
            "{}",
            warnings[2]
        );
        assert!(warnings[3].contains("`customHandler.enableForwardingHttpRequest` is `true` in `app/host.json`, but azfn leaves it out"), "{}", warnings[3]);
    }

    #[test]
    fn owned_keys_already_right_or_false_need_no_warning() {
        let (_, warnings, _) = merged(
            &[queue_record("q")],
            json!({
                "customHandler": {
                    "description": {"defaultExecutablePath": "app"},
                    "enableProxyingHttpRequest": false,
                    "enableForwardingHttpRequest": false
                }
            }),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn keys_are_matched_ignoring_case_like_the_host_does() {
        let (host, warnings, prefix) = merged(
            &[http_record("h")],
            json!({
                "CustomHandler": {"Description": {"defaultExecutablePath": "app"}},
                "Extensions": {"HTTP": {"RoutePrefix": "v1"}}
            }),
        );
        assert_eq!(prefix, "v1");
        assert_eq!(
            host["CustomHandler"],
            json!({"description": {"defaultExecutablePath": "app"}, "enableProxyingHttpRequest": true})
        );
        assert!(host.get("customHandler").is_none(), "{host}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0],
            "`customHandler.Description` is `{\"defaultExecutablePath\":\"app\"}` in \
             `app/host.json`, but azfn writes `{\"defaultExecutablePath\":\"app\"}`: the key is \
             spelled `description`; remove it from `app/host.json`"
        );
    }

    #[test]
    fn the_users_bundle_and_its_version_range_are_kept() {
        let bundle = json!({"id": "Microsoft.Azure.Functions.ExtensionBundle.Preview", "version": "[4.29.0, 5.0.0)"});
        let (host, warnings, _) = merged(&[queue_record("q")], json!({"extensionBundle": bundle}));
        assert_eq!(host["extensionBundle"], bundle);
        assert!(warnings.is_empty());
        // A bundle without a version gets the default range; one the app does not need stays.
        let (host, _, _) = merged(
            &[queue_record("q")],
            json!({"extensionBundle": {"id": BUNDLE_ID}}),
        );
        assert_eq!(host["extensionBundle"]["version"], BUNDLE_VERSION);
        let (host, _, _) = merged(&[http_record("h")], json!({"extensionBundle": bundle}));
        assert_eq!(host["extensionBundle"], bundle);
    }

    #[test]
    fn settings_of_the_wrong_shape_are_errors_naming_the_key_and_file() {
        for (value, key) in [
            (json!({"customHandler": "x"}), "`customHandler`"),
            (json!({"extensionBundle": []}), "`extensionBundle`"),
            (json!({"extensions": 1}), "`extensions`"),
            (json!({"extensions": {"http": true}}), "`extensions.http`"),
            (
                json!({"extensions": {"http": {"routePrefix": 1}}}),
                "`extensions.http.routePrefix`",
            ),
        ] {
            let err = host_json("app", &[queue_record("q")], None, Some(&user(value))).unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{key} in `app/host.json` must be ")),
                "{text}"
            );
        }
    }
}
