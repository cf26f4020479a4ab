//! Inputs read and outputs written around an invocation: blob inputs, queue and blob outputs
//! (CONTRACT §3.3), and the binding expressions in their paths.

use azfn_spec::expression::{BindingData, SystemClock};
use bytes::Bytes;
use serde_json::{Map, Value};

use super::queue_settings::QueueSettings;
use super::shared::Shared;
use crate::{Binding, Delivered, Function, Invocation, RETURN_BINDING, encode_bytes, encode_text};

/// Resolves `%Setting%` and `{expression}` in a binding property as the host does
/// ([`azfn_spec::expression::resolve`]): `{rand-guid}`, `{DateTime}` and `sys` are built in;
/// anything else must be in the trigger's binding data, or the invocation fails, as in Azure.
pub(crate) fn resolve(
    shared: &Shared,
    data: &BindingData,
    template: &str,
) -> Result<String, String> {
    resolve_with(data, template, &|name| shared.setting(name))
}

/// [`resolve`] with app settings from `setting`.
fn resolve_with(
    data: &BindingData,
    template: &str,
    setting: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    azfn_spec::expression::resolve(template, data, setting, &SystemClock)
        .map_err(|e| format!("{e} (binding expression in `{template}`)"))
}

/// Where a queue or blob output binding writes for this invocation: its `queueName`, or its
/// `path` checked as `container/blob`; `None` for the kinds not written locally. `start`
/// writes there, and `invoke` without `start` checks that it can be resolved, so both fail
/// alike when Azure would.
pub(crate) fn output_target(
    binding: &Binding,
    data: &BindingData,
    setting: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, String> {
    let label = if binding.name == RETURN_BINDING {
        "$return".to_string()
    } else {
        format!("`{}`", binding.name)
    };
    let (key, what) = match binding.kind.to_ascii_lowercase().as_str() {
        "queue" => ("queueName", "queue"),
        "blob" => ("path", "blob"),
        _ => return Ok(None),
    };
    let template = binding
        .setting_str(key)
        .ok_or_else(|| format!("{what} output {label} has no `{key}`"))?;
    let target = resolve_with(data, template, setting)?;
    if what == "blob" {
        split_blob_path(&target)?;
    }
    Ok(Some(target))
}

/// `container/blob` split at the first slash, checked as the blob extension does
/// ([`azfn_spec::names::parse_blob_path`]).
pub(crate) fn split_blob_path(path: &str) -> Result<(&str, &str), String> {
    azfn_spec::names::parse_blob_path(path)
        .map(|p| (p.container, p.blob))
        .map_err(|e| e.message)
}

/// The `Data` entries of a function's input bindings other than the trigger: blobs are read
/// from storage (a missing blob is JSON `null`, sent as the string `"null"`, §2.3). Other input
/// types are not simulated and are left out; [`super::simulated`] says so once, when the app is
/// loaded. An error names the binding and fails the invocation, as in Azure.
pub(crate) async fn read_inputs(
    shared: &Shared,
    function: &Function,
    data: &BindingData,
) -> Result<Map<String, Value>, String> {
    let mut inputs = Map::new();
    for binding in function
        .inputs()
        .filter(|b| !b.is_trigger() && b.kind.eq_ignore_ascii_case("blob"))
    {
        let value = read_blob_input(shared, binding, data)
            .await
            .map_err(|e| format!("blob input `{}`: {e}", binding.name))?;
        inputs.insert(binding.name.clone(), value);
    }
    Ok(inputs)
}

async fn read_blob_input(
    shared: &Shared,
    binding: &Binding,
    data: &BindingData,
) -> Result<Value, String> {
    let path = binding.setting_str("path").ok_or("it has no `path`")?;
    let path = resolve(shared, data, path)?;
    let (container, name) = split_blob_path(&path)?;
    let storage = shared.storage(binding.setting_str("connection"))?;
    let content = storage
        .download_blob(container, name)
        .await
        .map_err(|e| e.to_string())?;
    Ok(match content {
        None => crate::encode_value(&Value::Null),
        Some(bytes) if binding.is_binary() => encode_bytes(&bytes),
        Some(bytes) => encode_text(&String::from_utf8_lossy(&bytes)),
    })
}

/// The items a binding receives, as bytes: one for a value, one per element of an array
/// (elements are never base64-decoded, §3.3); objects and numbers as their JSON text.
fn items(delivered: &Delivered) -> Vec<Bytes> {
    let json = |v: &Value| -> Bytes {
        match v {
            Value::String(s) => Bytes::from(s.clone()),
            other => Bytes::from(other.to_string()),
        }
    };
    match delivered {
        Delivered::Bytes(b) => vec![Bytes::from(b.clone())],
        Delivered::Text(t) => vec![Bytes::from(t.clone())],
        Delivered::Json(v) => vec![json(v)],
        Delivered::Items(values) => values.iter().map(json).collect(),
    }
}

/// Writes what each output binding received to storage, as the host's bindings would;
/// returns one line per binding for the console. An error fails the invocation, as a
/// binding error after the function does in the host.
pub(crate) async fn write_outputs(
    shared: &Shared,
    function: &Function,
    invocation: &Invocation,
    data: &BindingData,
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (name, delivered) in &invocation.outputs {
        let Some(binding) = function.output(name) else {
            continue;
        };
        let kind = binding.kind.to_ascii_lowercase();
        let label = if name == RETURN_BINDING {
            "$return".to_string()
        } else {
            format!("`{name}`")
        };
        match kind.as_str() {
            "http" => {}
            "queue" => {
                let queue =
                    output_target(binding, data, &|name| shared.setting(name))?.unwrap_or_default();
                let storage = shared.storage(binding.setting_str("connection"))?;
                let encoding = QueueSettings::from_app(&shared.app()).encoding;
                let messages = items(delivered);
                for message in &messages {
                    storage
                        .put_message(&queue, message, encoding)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                written.push(format!(
                    "{label} → queue `{queue}`: {} message(s)",
                    messages.len()
                ));
            }
            "blob" => {
                let path =
                    output_target(binding, data, &|name| shared.setting(name))?.unwrap_or_default();
                let (container, blob) = split_blob_path(&path)?;
                let storage = shared.storage(binding.setting_str("connection"))?;
                let content = match delivered {
                    Delivered::Items(values) => {
                        Bytes::from(Value::Array(values.clone()).to_string())
                    }
                    other => items(other).into_iter().next().unwrap_or_default(),
                };
                let length = content.len();
                storage
                    .upload_blob(container, blob, content)
                    .await
                    .map_err(|e| e.to_string())?;
                written.push(format!("{label} → blob `{path}` ({length} bytes)"));
            }
            _ => written.push(format!(
                "{label} ({}) is not simulated locally; it would receive {}",
                binding.kind,
                describe(delivered)
            )),
        }
    }
    Ok(written)
}

/// A short human description of what a binding receives.
pub(crate) fn describe(delivered: &Delivered) -> String {
    match delivered {
        Delivered::Bytes(b) => match std::str::from_utf8(b) {
            Ok(text) => format!("{} bytes: {text:?}", b.len()),
            Err(_) => format!("{} bytes (not UTF-8)", b.len()),
        },
        Delivered::Text(t) => format!("text {t:?}"),
        Delivered::Json(v) => format!("JSON {v}"),
        Delivered::Items(items) => {
            format!("{} item(s): {}", items.len(), Value::Array(items.clone()))
        }
    }
}
