//! How the host puts a value into an invocation's `Data` or `Metadata` (CONTRACT §2.3), for the
//! code that plays the host's part: the local host and `azfn::testing`.
//!
//! The host serializes each value as a .NET object: JSON objects stay objects, and everything
//! else (strings, numbers, arrays, null) becomes a JSON string holding its JSON text, so a queue
//! message `aaaaa` travels as `"\"aaaaa\""`. Binary data (`dataType: binary`) travels as a
//! base64 string.

use base64::Engine as _;
use serde_json::Value;

/// Encodes a binding value as the host does in `Data` and `Metadata`.
///
/// ```
/// use azfn_spec::encoding::encode_value;
/// use serde_json::json;
/// assert_eq!(encode_value(&json!({"a": 1})), json!({"a": 1}));
/// assert_eq!(encode_value(&json!(12)), json!("12"));
/// assert_eq!(encode_value(&json!("aaaaa")), json!("\"aaaaa\""));
/// ```
pub fn encode_value(value: &Value) -> Value {
    match value {
        Value::Object(_) => value.clone(),
        other => Value::String(other.to_string()),
    }
}

/// Encodes a text trigger or input value (a queue message, a blob read as a string): the double
/// encoding of a .NET string.
pub fn encode_text(text: &str) -> Value {
    Value::String(Value::String(text.to_owned()).to_string())
}

/// Encodes binary data (`dataType: binary`, or a blob read as bytes): a base64 string.
pub fn encode_bytes(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}
