//! `local.settings.json`: the app settings `func start` uses on a developer's machine.
//!
//! The file belongs to the user once it exists (it holds connection strings), so azfn only
//! adds the two values the host cannot run without, and never changes one that is there.

use serde_json::{Map, Value, json};

/// The values a custom-handler app needs, and their defaults for local development.
const REQUIRED_VALUES: [(&str, &str); 2] = [
    // Without it the host does not know to start a custom handler.
    ("FUNCTIONS_WORKER_RUNTIME", "custom"),
    // Non-HTTP triggers need storage; Azurite is the local stand-in.
    ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
];

/// Why an existing file cannot be merged.
#[derive(Debug)]
pub(super) enum MergeError {
    NotJson(serde_json::Error),
    NotObject(&'static str),
}

/// The new content for `local.settings.json`, given its current content (`None` when the file
/// does not exist); `Ok(None)` when the file should be left as it is.
pub(super) fn merge(existing: Option<&[u8]>) -> Result<Option<String>, MergeError> {
    let Some(existing) = existing else {
        let values: Map<String, Value> = REQUIRED_VALUES
            .iter()
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect();
        return Ok(Some(render(&json!({
            "IsEncrypted": false,
            "Values": values,
        }))));
    };
    let mut settings: Value = serde_json::from_slice(existing).map_err(MergeError::NotJson)?;
    let Some(root) = settings.as_object_mut() else {
        return Err(MergeError::NotObject("the top level must be a JSON object"));
    };
    // Encrypted values are opaque to us, and a plain one added among them would be
    // "decrypted" into garbage by the host tools.
    if root.get("IsEncrypted").and_then(Value::as_bool) == Some(true) {
        return Ok(None);
    }
    let values = root
        .entry("Values")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(values) = values.as_object_mut() else {
        return Err(MergeError::NotObject("`Values` must be a JSON object"));
    };
    let mut changed = false;
    for (key, value) in REQUIRED_VALUES {
        if !values.contains_key(key) {
            values.insert(key.to_owned(), json!(value));
            changed = true;
        }
    }
    Ok(changed.then(|| render(&settings)))
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

    fn merged(existing: &str) -> Value {
        let text = merge(Some(existing.as_bytes())).unwrap().expect("a change");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn creates_the_default_file() {
        let text = merge(None).unwrap().unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
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
    }

    #[test]
    fn adds_only_missing_values_and_keeps_user_values_and_keys() {
        let value = merged(
            r#"{"IsEncrypted": false,
                "Values": {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=me", "MY_KEY": "1"},
                "Host": {"LocalHttpPort": 7072}}"#,
        );
        assert_eq!(
            value,
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
    }

    #[test]
    fn never_overwrites_a_user_value_even_a_wrong_one() {
        let existing =
            r#"{"Values": {"FUNCTIONS_WORKER_RUNTIME": "node", "AzureWebJobsStorage": ""}}"#;
        assert!(merge(Some(existing.as_bytes())).unwrap().is_none());
    }

    #[test]
    fn creates_values_when_missing() {
        let value = merged(r#"{"IsEncrypted": false}"#);
        assert_eq!(value["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");
        assert_eq!(
            value["Values"]["AzureWebJobsStorage"],
            "UseDevelopmentStorage=true"
        );
    }

    #[test]
    fn leaves_encrypted_files_alone() {
        let existing = r#"{"IsEncrypted": true, "Values": {"X": "CfDJ8..."}}"#;
        assert!(merge(Some(existing.as_bytes())).unwrap().is_none());
    }

    #[test]
    fn refuses_files_it_cannot_merge_without_losing_data() {
        assert!(matches!(
            merge(Some(b"{\"Values\": {")),
            Err(MergeError::NotJson(_))
        ));
        assert!(matches!(
            merge(Some(b"[]")),
            Err(MergeError::NotObject(reason)) if reason.contains("top level")
        ));
        assert!(matches!(
            merge(Some(br#"{"Values": "x"}"#)),
            Err(MergeError::NotObject(reason)) if reason.contains("`Values`")
        ));
    }
}
