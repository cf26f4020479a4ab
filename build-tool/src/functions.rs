//! `cargo azfn functions`: an app's functions as the host will see them, read from the
//! records in the executable: trigger, route (with the route prefix) and bindings.

use std::path::Path;

use azfn_spec::record::{Binding, Direction, FunctionRecord};
use serde_json::{Value, json};

use crate::emit::routes::{HttpRoute, full_path};

/// Binding settings that say *what* a binding reads or writes, in order of preference.
const TARGET_SETTINGS: [&str; 11] = [
    "queueName",
    "path",
    "schedule",
    "topicName",
    "eventHubName",
    "containerName",
    "collectionName",
    "tableName",
    "hubName",
    "commandText",
    "topic",
];

/// One app to list.
#[derive(Debug)]
pub(crate) struct Listing<'a> {
    /// The app's name (its binary).
    pub(crate) app: &'a str,
    /// The executable the records were read from.
    pub(crate) executable: &'a Path,
    /// The route prefix of the app's merged `host.json`.
    pub(crate) route_prefix: &'a str,
    pub(crate) records: &'a [FunctionRecord],
}

/// The functions of `apps` as an aligned, human-readable table per app.
pub(crate) fn table(apps: &[Listing<'_>]) -> String {
    let mut out = String::new();
    for (index, listing) in apps.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{} ({}), route prefix `{}`\n",
            listing.app,
            listing.executable.display(),
            listing.route_prefix
        ));
        let mut rows = vec![[
            "NAME".to_owned(),
            "TRIGGER".to_owned(),
            "ROUTE".to_owned(),
            "BINDINGS".to_owned(),
        ]];
        for record in listing.records {
            let trigger = record
                .function
                .trigger()
                .map_or_else(|| "-".to_owned(), describe_trigger);
            let route = HttpRoute::of(record).map_or_else(
                || "-".to_owned(),
                |route| {
                    format!(
                        "{} {}",
                        route.methods_label(),
                        full_path(listing.route_prefix, &route.template)
                    )
                },
            );
            let bindings: Vec<String> = record
                .function
                .bindings
                .iter()
                .filter(|b| !b.is_trigger())
                .map(describe_binding)
                .collect();
            let bindings = if bindings.is_empty() {
                "-".to_owned()
            } else {
                bindings.join(", ")
            };
            rows.push([record.name.clone(), trigger, route, bindings]);
        }
        let widths: Vec<usize> = (0..3)
            .map(|col| {
                rows.iter()
                    .map(|r| r[col].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in rows {
            let mut line = String::new();
            for (col, cell) in row.iter().enumerate() {
                if col < 3 {
                    line.push_str(&format!("{cell:<width$}  ", width = widths[col]));
                } else {
                    line.push_str(cell);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `queueTrigger messages-incoming`, `httpTrigger anonymous`.
fn describe_trigger(trigger: &Binding) -> String {
    let detail = if trigger.kind == "httpTrigger" {
        Some(trigger.setting_str("authLevel").unwrap_or("function"))
    } else {
        target(trigger)
    };
    match detail {
        Some(detail) => format!("{} {detail}", trigger.kind),
        None => trigger.kind.clone(),
    }
}

/// `out queue message (orders)`.
fn describe_binding(binding: &Binding) -> String {
    let direction = match binding.direction {
        Direction::In => "in",
        Direction::Out => "out",
        Direction::InOut => "inout",
    };
    let mut text = format!("{direction} {} {}", binding.kind, binding.name);
    if let Some(target) = target(binding) {
        text.push_str(&format!(" ({target})"));
    }
    text
}

fn target(binding: &Binding) -> Option<&str> {
    TARGET_SETTINGS
        .iter()
        .find_map(|key| binding.setting_str(key))
}

/// The functions of `apps` as JSON: an array with one object per app.
///
/// Each app has `app`, `executable`, `routePrefix` and `functions`; each function has
/// `name`, `rustFn`, `source` (`file`, `line`, `column`), `trigger` (the trigger's type),
/// `route` (`{"methods": [...] or null for every method, "path": "/api/..."}`, or `null`
/// when not HTTP-triggered) and `bindings` (exactly as in its `function.json`).
pub(crate) fn json(apps: &[Listing<'_>]) -> Value {
    let apps: Vec<Value> = apps
        .iter()
        .map(|listing| {
            let functions: Vec<Value> = listing
                .records
                .iter()
                .map(|record| {
                    let route = HttpRoute::of(record).map(|route| {
                        json!({
                            "methods": route.methods.as_ref().map(|m| {
                                m.iter().map(|m| m.to_ascii_uppercase()).collect::<Vec<_>>()
                            }),
                            "path": full_path(listing.route_prefix, &route.template),
                        })
                    });
                    json!({
                        "name": record.name,
                        "rustFn": record.rust_fn,
                        "source": record.source,
                        "trigger": record.function.trigger().map(|t| t.kind.clone()),
                        "route": route,
                        "bindings": record.function.bindings,
                    })
                })
                .collect();
            json!({
                "app": listing.app,
                "executable": listing.executable,
                "routePrefix": listing.route_prefix,
                "functions": functions,
            })
        })
        .collect();
    Value::Array(apps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{http_record, queue_record};

    fn listing(records: &[FunctionRecord], prefix: &'static str) -> String {
        table(&[Listing {
            app: "orders",
            executable: Path::new("target/debug/orders"),
            route_prefix: prefix,
            records,
        }])
    }

    #[test]
    fn the_table_aligns_trigger_route_and_bindings() {
        let records = [queue_record("MyQueueFunction"), http_record("hello")];
        assert_eq!(
            listing(&records, "api"),
            "orders (target/debug/orders), route prefix `api`\n\
             NAME             TRIGGER               ROUTE           BINDINGS\n\
             MyQueueFunction  queueTrigger in       -               out queue $return (out)\n\
             hello            httpTrigger function  GET /api/hello  out http res\n"
        );
    }

    #[test]
    fn routes_carry_the_prefix_and_several_apps_are_separated() {
        let records = [http_record("hello")];
        let text = table(&[
            Listing {
                app: "a",
                executable: Path::new("a"),
                route_prefix: "",
                records: &records,
            },
            Listing {
                app: "b",
                executable: Path::new("b"),
                route_prefix: "v1/api",
                records: &records,
            },
        ]);
        assert!(text.contains("GET /hello "), "{text}");
        assert!(text.contains("GET /v1/api/hello "), "{text}");
        assert!(
            text.contains("out http res\n\nb (b), route prefix `v1/api`\n"),
            "{text}"
        );
    }

    #[test]
    fn json_lists_every_binding_and_the_route() {
        let records = [queue_record("q"), http_record("hello")];
        let value = json(&[Listing {
            app: "orders",
            executable: Path::new("bin/orders"),
            route_prefix: "api",
            records: &records,
        }]);
        assert_eq!(value[0]["app"], "orders");
        assert_eq!(value[0]["executable"], "bin/orders");
        assert_eq!(value[0]["routePrefix"], "api");
        let q = &value[0]["functions"][0];
        assert_eq!(q["name"], "q");
        assert_eq!(q["trigger"], "queueTrigger");
        assert_eq!(q["route"], Value::Null);
        assert_eq!(
            q["source"],
            json!({"file": "src/main.rs", "line": 1, "column": 1})
        );
        assert_eq!(
            q["bindings"],
            serde_json::to_value(&records[0].function.bindings).unwrap()
        );
        let hello = &value[0]["functions"][1];
        assert_eq!(
            hello["route"],
            json!({"methods": ["GET"], "path": "/api/hello"})
        );
    }
}
