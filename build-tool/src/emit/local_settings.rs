//! `local.settings.json`: the app settings `func start` uses on a developer's machine.
//!
//! The file belongs to the user once it exists (it holds connection strings), so azfn only
//! adds what is missing and never changes a value that is there: the two values the host
//! cannot run without, and every app setting a binding refers to (its `connection`, or a
//! `%NAME%` in another setting), added empty with a warning that says what to fill in.
//!
//! It lives next to the package's `Cargo.toml`, where `cargo clean` cannot reach it: created
//! there when missing, and never rewritten once it exists. Emit copies it into the app folder
//! ([`Edit::Copy`]), the additions made in the copy only, with [`COPY_MARKER`] saying where it
//! came from; a copy is replaced on the next build, a file in the app folder without the marker
//! is the user's and is never replaced. Without a project (`cargo azfn emit` on a bare
//! executable) the app folder's file is the only one, merged in place ([`Edit::InPlace`]).

use azfn_spec::record::{FunctionRecord, SourceLocation};
use serde_json::{Map, Value, json};

use crate::error::Warning;

/// The values a custom-handler app needs, and their defaults for local development.
const REQUIRED_VALUES: [(&str, &str); 2] = [
    // Without it the host does not know to start a custom handler.
    ("FUNCTIONS_WORKER_RUNTIME", "custom"),
    // Non-HTTP triggers need storage; Azurite is the local stand-in.
    ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
];

/// Binding settings whose value is the name of an app setting holding a connection.
const CONNECTION_KEYS: [&str; 2] = ["connection", "connectionStringSetting"];

/// The prefix the host also tries when it looks a connection name up.
const WEBJOBS_PREFIX: &str = "AzureWebJobs";

/// An app setting some binding needs, with its first use for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NeededSetting {
    pub(crate) name: String,
    /// Whether it names a connection (looked up with the `AzureWebJobs` prefix and `__`
    /// sub-keys too) rather than a plain value.
    connection: bool,
    function: String,
    location: SourceLocation,
    /// `the \`connection\` of binding \`msg\``.
    usage: String,
}

impl NeededSetting {
    fn describe(&self) -> String {
        format!(
            "app setting `{}` ({} of function `{}`, {})",
            self.name, self.usage, self.function, self.location
        )
    }
}

/// The app settings the bindings of `records` refer to, each once (names compared ignoring
/// case, as the host does), in the order first used.
pub(crate) fn needed_settings(records: &[FunctionRecord]) -> Vec<NeededSetting> {
    let mut needed: Vec<NeededSetting> = Vec::new();
    let mut push = |setting: NeededSetting| {
        if !needed
            .iter()
            .any(|n| n.name.eq_ignore_ascii_case(&setting.name))
        {
            needed.push(setting);
        }
    };
    for record in records {
        for binding in &record.function.bindings {
            for (key, value) in &binding.settings {
                let Some(text) = value.as_str() else {
                    continue;
                };
                let connection = CONNECTION_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
                if connection && !text.is_empty() {
                    push(NeededSetting {
                        name: text.to_owned(),
                        connection: true,
                        function: record.name.clone(),
                        location: record.source.clone(),
                        usage: format!("the `{key}` of binding `{}`", binding.name),
                    });
                }
                for name in percent_references(text) {
                    push(NeededSetting {
                        name,
                        connection: false,
                        function: record.name.clone(),
                        location: record.source.clone(),
                        usage: format!("`%…%` in `{key}` of binding `{}`", binding.name),
                    });
                }
            }
        }
    }
    needed
}

/// The names in `%NAME%` binding expressions, which the host resolves from app settings.
fn percent_references(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('%') else {
            break;
        };
        let name = &after[..end];
        let plausible = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'));
        if plausible {
            names.push(name.to_owned());
            rest = &after[end + 1..];
        } else {
            // Not a reference (`50% off`): the second `%` may open the next one.
            rest = after;
        }
    }
    names
}

/// The top-level key of the app folder's copy of a project's `local.settings.json`: its value
/// names the file it was copied from. Neither the Functions host nor `func` reads keys other
/// than `IsEncrypted`, `Values`, `Host` and `ConnectionStrings`.
pub(crate) const COPY_MARKER: &str = "CopiedByCargoAzfnFrom";

/// Where the merged settings go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edit {
    /// Into the file they were read from.
    InPlace,
    /// Into the app folder's copy; the file read is left as it is.
    Copy,
}

/// Whether `content` is a copy emit made ([`COPY_MARKER`]), which it may replace.
pub(crate) fn is_copy(content: &[u8]) -> bool {
    serde_json::from_slice::<Value>(content)
        .ok()
        .and_then(|v| v.get(COPY_MARKER).cloned())
        .is_some()
}

/// `settings` (a project's `local.settings.json`, merged) as the app folder's copy of the file
/// at `source`: the same JSON with [`COPY_MARKER`] first.
pub(super) fn as_copy(settings: &[u8], source: &str) -> Result<String, MergeError> {
    let value: Value = serde_json::from_slice(settings).map_err(MergeError::NotJson)?;
    let Value::Object(object) = value else {
        return Err(MergeError::NotObject("the top level must be a JSON object"));
    };
    let mut copy = Map::new();
    copy.insert(
        COPY_MARKER.to_owned(),
        json!(format!(
            "{source} (cargo azfn copies it here on every build: edit that file, not this copy)"
        )),
    );
    copy.extend(object.into_iter().filter(|(k, _)| k != COPY_MARKER));
    Ok(render(&Value::Object(copy)))
}

/// The `local.settings.json` of a new project: the values every custom-handler app needs.
pub(crate) fn default_file() -> String {
    render(&json!({
        "IsEncrypted": false,
        "Values": REQUIRED_VALUES
            .iter()
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect::<Map<String, Value>>(),
    }))
}

/// Why an existing file cannot be merged.
#[derive(Debug)]
pub(super) enum MergeError {
    NotJson(serde_json::Error),
    NotObject(&'static str),
}

/// What to do with `local.settings.json`.
#[derive(Debug, Default)]
pub(super) struct Merged {
    /// The new content; `None` when the file should be left as it is.
    pub(super) text: Option<String>,
    pub(super) warnings: Vec<Warning>,
}

/// Whether a setting has a usable value.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    Set,
    Empty,
    Missing,
}

fn lookup(values: &Map<String, Value>, setting: &NeededSetting) -> Lookup {
    let mut names = vec![setting.name.clone()];
    if setting.connection {
        names.push(format!("{WEBJOBS_PREFIX}{}", setting.name));
    }
    let mut found = false;
    for (key, value) in values {
        for name in &names {
            if key.eq_ignore_ascii_case(name) {
                found = true;
                if value.as_str().is_none_or(|v| !v.trim().is_empty()) {
                    return Lookup::Set;
                }
            }
            // `NAME__fullyQualifiedNamespace` and friends: an identity-based connection.
            let is_sub_key = setting.connection
                && key.len() > name.len() + 2
                && key.is_char_boundary(name.len())
                && key[..name.len()].eq_ignore_ascii_case(name)
                && key[name.len()..].starts_with("__");
            if is_sub_key {
                return Lookup::Set;
            }
        }
    }
    if found {
        Lookup::Empty
    } else {
        Lookup::Missing
    }
}

/// The new content for `local.settings.json` (shown as `path` in warnings), given its current
/// content (`None` when the file does not exist) and the settings the bindings need.
/// With [`Edit::Copy`], the text is for the app folder's copy and the warnings ask the user to
/// add what is missing to `path` themselves.
pub(super) fn merge(
    existing: Option<&[u8]>,
    needed: &[NeededSetting],
    path: &str,
    edit: Edit,
) -> Result<Merged, MergeError> {
    let mut warnings = Vec::new();
    let Some(existing) = existing else {
        let mut values: Map<String, Value> = REQUIRED_VALUES
            .iter()
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect();
        add_needed(&mut values, needed, path, Edit::InPlace, &mut warnings);
        let text = render(&json!({
            "IsEncrypted": false,
            "Values": values,
        }));
        return Ok(Merged {
            text: Some(text),
            warnings,
        });
    };
    let mut settings: Value = serde_json::from_slice(existing).map_err(MergeError::NotJson)?;
    let Some(root) = settings.as_object_mut() else {
        return Err(MergeError::NotObject("the top level must be a JSON object"));
    };
    // Encrypted values are opaque to us, and a plain one added among them would be
    // "decrypted" into garbage by the host tools; the names are still plain.
    if root.get("IsEncrypted").and_then(Value::as_bool) == Some(true) {
        let empty = Map::new();
        let values = root
            .get("Values")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for setting in needed {
            if lookup(values, setting) == Lookup::Missing {
                warnings.push(Warning(format!(
                    "{} is missing from the encrypted `{path}`; add it with `func settings add \
                     {} <value>` to run the function locally",
                    setting.describe(),
                    setting.name
                )));
            }
        }
        return Ok(Merged {
            text: None,
            warnings,
        });
    }
    let values = root
        .entry("Values")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(values) = values.as_object_mut() else {
        return Err(MergeError::NotObject("`Values` must be a JSON object"));
    };
    let before = values.clone();
    for (key, value) in REQUIRED_VALUES {
        if !values.keys().any(|k| k.eq_ignore_ascii_case(key)) {
            values.insert(key.to_owned(), json!(value));
        }
    }
    if let Some((key, runtime)) = values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(REQUIRED_VALUES[0].0))
        && runtime
            .as_str()
            .is_none_or(|r| !r.eq_ignore_ascii_case(REQUIRED_VALUES[0].1))
    {
        warnings.push(Warning(format!(
            "`{key}` is `{runtime}` in `{path}`, so `func start` will not start the handler; \
             set it to \"custom\""
        )));
    }
    add_needed(values, needed, path, edit, &mut warnings);
    let changed = *values != before;
    Ok(Merged {
        text: changed.then(|| render(&settings)),
        warnings,
    })
}

/// Adds every needed setting `values` lacks, empty, with a warning; warns about empty ones.
fn add_needed(
    values: &mut Map<String, Value>,
    needed: &[NeededSetting],
    path: &str,
    edit: Edit,
    warnings: &mut Vec<Warning>,
) {
    for setting in needed {
        let hint = if setting.connection {
            format!(
                "a connection string (or add `{}__<property>` settings for an identity-based \
                 connection)",
                setting.name
            )
        } else {
            "its value".to_owned()
        };
        match lookup(values, setting) {
            Lookup::Set => {}
            Lookup::Empty => warnings.push(Warning(format!(
                "{} is empty in `{path}`; set it to {hint} to run the function locally",
                setting.describe()
            ))),
            Lookup::Missing if edit == Edit::Copy => {
                values.insert(setting.name.clone(), json!(""));
                warnings.push(Warning(format!(
                    "{} is missing from `{path}`; add it there, set to {hint}, to run the \
                     function locally, and add it to the Function App's settings",
                    setting.describe()
                )));
            }
            Lookup::Missing => {
                values.insert(setting.name.clone(), json!(""));
                warnings.push(Warning(format!(
                    "{} was missing from `{path}` and has been added empty; set it to {hint} \
                     to run the function locally, and add it to the Function App's settings",
                    setting.describe()
                )));
            }
        }
    }
}

fn render(value: &Value) -> String {
    let mut text =
        serde_json::to_string_pretty(value).expect("a parsed JSON value always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::{http_record, queue_record};

    fn merged(existing: &str, needed: &[NeededSetting]) -> (Option<Value>, Vec<String>) {
        let merged = merge(
            Some(existing.as_bytes()),
            needed,
            "app/local.settings.json",
            Edit::InPlace,
        )
        .unwrap();
        (
            merged.text.map(|t| serde_json::from_str(&t).unwrap()),
            merged.warnings.into_iter().map(|w| w.0).collect(),
        )
    }

    fn with_connection(name: &str, connection: &str) -> FunctionRecord {
        let mut record = queue_record(name);
        for binding in &mut record.function.bindings {
            binding
                .settings
                .insert("connection".to_owned(), json!(connection));
        }
        record
    }

    #[test]
    fn a_new_project_gets_the_file_emit_would_create() {
        let merged = merge(None, &[], "x", Edit::InPlace).unwrap();
        assert_eq!(merged.text.unwrap(), default_file());
    }

    #[test]
    fn creates_the_default_file() {
        let merged = merge(None, &[], "x", Edit::InPlace).unwrap();
        let value: Value = serde_json::from_str(&merged.text.unwrap()).unwrap();
        assert_eq!(
            value,
            json!({
                "IsEncrypted": false,
                "Values": {
                    "FUNCTIONS_WORKER_RUNTIME": "custom",
                    "AzureWebJobsStorage": "UseDevelopmentStorage=true"
                }
            })
        );
        assert!(merged.warnings.is_empty());
    }

    #[test]
    fn adds_only_missing_values_and_keeps_user_values_and_keys() {
        let (value, warnings) = merged(
            r#"{"IsEncrypted": false,
                "Values": {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=me", "MY_KEY": "1"},
                "Host": {"LocalHttpPort": 7072}}"#,
            &[],
        );
        assert_eq!(
            value.unwrap(),
            json!({
                "IsEncrypted": false,
                "Values": {
                    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=me",
                    "MY_KEY": "1",
                    "FUNCTIONS_WORKER_RUNTIME": "custom"
                },
                "Host": {"LocalHttpPort": 7072}
            })
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn never_overwrites_a_user_value_even_a_wrong_one() {
        let (value, warnings) = merged(
            r#"{"Values": {"FUNCTIONS_WORKER_RUNTIME": "node", "AzureWebJobsStorage": ""}}"#,
            &[],
        );
        assert!(value.is_none());
        assert_eq!(
            warnings,
            [
                "`FUNCTIONS_WORKER_RUNTIME` is `\"node\"` in `app/local.settings.json`, so `func \
              start` will not start the handler; set it to \"custom\""
            ]
        );
    }

    #[test]
    fn creates_values_when_missing() {
        let (value, _) = merged(r#"{"IsEncrypted": false}"#, &[]);
        let value = value.unwrap();
        assert_eq!(value["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");
        assert_eq!(
            value["Values"]["AzureWebJobsStorage"],
            "UseDevelopmentStorage=true"
        );
    }

    #[test]
    fn leaves_encrypted_files_alone_but_names_missing_settings() {
        let needed = needed_settings(&[with_connection("q", "MyStorage")]);
        let (value, warnings) = merged(
            r#"{"IsEncrypted": true, "Values": {"X": "CfDJ8..."}}"#,
            &needed,
        );
        assert!(value.is_none());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("missing from the encrypted `app/local.settings.json`; add it with `func settings add MyStorage <value>`"), "{warnings:?}");
    }

    #[test]
    fn refuses_files_it_cannot_merge_without_losing_data() {
        assert!(matches!(
            merge(Some(b"{\"Values\": {"), &[], "x", Edit::InPlace),
            Err(MergeError::NotJson(_))
        ));
        assert!(matches!(
            merge(Some(b"[]"), &[], "x", Edit::InPlace),
            Err(MergeError::NotObject(reason)) if reason.contains("top level")
        ));
        assert!(matches!(
            merge(Some(br#"{"Values": "x"}"#), &[], "x", Edit::InPlace),
            Err(MergeError::NotObject(reason)) if reason.contains("`Values`")
        ));
    }

    #[test]
    fn every_connection_and_percent_reference_is_needed_once() {
        let mut timer = http_record("tick");
        timer.function.bindings[0].kind = "timerTrigger".to_owned();
        timer.function.bindings[0]
            .settings
            .insert("schedule".to_owned(), json!("%TickSchedule%"));
        let records = [
            with_connection("a", "MyStorage"),
            with_connection("b", "mystorage"),
            queue_record("c"),
            timer,
        ];
        let needed = needed_settings(&records);
        let names: Vec<&str> = needed.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["MyStorage", "AzureWebJobsStorage", "TickSchedule"]);
        assert_eq!(
            needed[0].describe(),
            "app setting `MyStorage` (the `connection` of binding `item` of function `a`, src/main.rs:1:1)"
        );
        assert_eq!(
            needed[2].describe(),
            "app setting `TickSchedule` (`%…%` in `schedule` of binding `req` of function `tick`, src/main.rs:1:1)"
        );
    }

    #[test]
    fn percent_references_need_a_plausible_name() {
        assert_eq!(percent_references("%A% and %B_c.d%"), ["A", "B_c.d"]);
        assert_eq!(percent_references("50% off %X%"), ["X"]);
        assert!(percent_references("100%").is_empty());
        assert!(percent_references("%%").is_empty());
    }

    #[test]
    fn missing_connections_are_added_empty_with_a_warning() {
        let needed = needed_settings(&[with_connection("q", "MyStorage")]);
        let created = merge(None, &needed, "app/local.settings.json", Edit::InPlace).unwrap();
        let value: Value = serde_json::from_str(&created.text.unwrap()).unwrap();
        assert_eq!(value["Values"]["MyStorage"], "");
        assert_eq!(created.warnings.len(), 1);
        assert_eq!(
            created.warnings[0].0,
            "app setting `MyStorage` (the `connection` of binding `item` of function `q`, \
             src/main.rs:1:1) was missing from `app/local.settings.json` and has been added \
             empty; set it to a connection string (or add `MyStorage__<property>` settings for \
             an identity-based connection) to run the function locally, and add it to the \
             Function App's settings"
        );
        // Next time it is there, but still empty: the warning stays until it is filled in.
        let (value, warnings) = merged(&serde_json::to_string(&value).unwrap(), &needed);
        assert!(value.is_none());
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("app setting `MyStorage` ("),
            "{warnings:?}"
        );
        assert!(
            warnings[0].contains("is empty in `app/local.settings.json`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn connections_are_found_the_ways_the_host_finds_them() {
        let needed = needed_settings(&[with_connection("q", "Storage")]);
        for (key, value) in [
            ("Storage", "UseDevelopmentStorage=true"),
            ("storage", "x"),
            ("AzureWebJobsStorage", "x"),
            (
                "Storage__queueServiceUri",
                "https://me.queue.core.windows.net",
            ),
            ("AzureWebJobsStorage__accountName", "me"),
        ] {
            // An empty `AzureWebJobsStorage` does not count, so only `key` can satisfy it.
            let mut values =
                json!({"FUNCTIONS_WORKER_RUNTIME": "custom", "AzureWebJobsStorage": ""});
            values[key] = json!(value);
            let existing = json!({ "Values": values }).to_string();
            let (changed, warnings) = merged(&existing, &needed);
            assert!(changed.is_none(), "{key}");
            assert!(warnings.is_empty(), "{key}: {warnings:?}");
        }
        let existing = json!({"Values": {"Storagex": "x", "FUNCTIONS_WORKER_RUNTIME": "custom", "AzureWebJobsStorage": ""}}).to_string();
        let (value, warnings) = merged(&existing, &needed);
        // `AzureWebJobsStorage` is there but empty, which counts as not set.
        assert!(value.is_none());
        assert!(warnings[0].contains("is empty"), "{warnings:?}");
    }
}
