//! Encoding of output values by the host's rules (contract §3.3 and §3.4).
//!
//! The host runs every output string of a binding without `dataType: binary` through
//! `Convert.FromBase64String`, and when that succeeds the binding receives the decoded bytes.
//! So the text `abcd` written naively reaches a queue as the three bytes `69 B7 1D`. azfn
//! therefore sends, for every single value:
//!
//! * text that .NET could read as base64 (only base64 letters, `=` and white space): the base64
//!   of its UTF-8 bytes, which the host decodes back to exactly that text;
//! * any other text as is: one character outside that set makes .NET reject it, so it reaches
//!   the binding unchanged;
//! * bytes: always base64, which the host decodes to the bytes;
//! * JSON: its compact text, by the text rule (objects and arrays contain `{` or `[` and so go
//!   as readable text; scalars such as `1234` are protected like any text).
//!
//! The test is deliberately wider than .NET's (it ignores length and padding): sending a string
//! as base64 when .NET would not have decoded it is still exact, so the only way to be wrong
//! would be to call a string safe that .NET decodes, and a single foreign character rules that
//! out.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

use crate::error::OutputError;
use crate::metadata::Binding;
use crate::output::OutputValue;

/// True when `text` contains only characters that .NET's `Convert.FromBase64String` accepts.
pub fn could_be_base64(text: &str) -> bool {
    text.bytes().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t' | b'\r' | b'\n')
    })
}

fn protect_text(text: String) -> Value {
    if could_be_base64(&text) {
        Value::String(BASE64.encode(text.as_bytes()))
    } else {
        Value::String(text)
    }
}

fn json_text(value: &Value) -> String {
    // Infallible: a `serde_json::Value` always serializes.
    value.to_string()
}

/// The JSON value to put under `Outputs[binding.name]` (or `ReturnValue`) so that the binding
/// receives exactly `value`.
pub fn encode_output(binding: &Binding, value: OutputValue) -> Result<Value, OutputError> {
    let binary = binding.is_binary();
    match value {
        OutputValue::Many(items) => items
            .into_iter()
            .map(|item| encode_item(binding, item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        OutputValue::Text(text) if binary => Ok(Value::String(text)),
        OutputValue::Json(json) if binary => Ok(Value::String(json_text(&json))),
        OutputValue::JsonText(text) if binary => Ok(Value::String(text)),
        OutputValue::Bytes(_) if binary => Err(OutputError::BytesToBinaryBinding {
            binding: binding.name.clone(),
        }),
        OutputValue::Text(text) => Ok(protect_text(text)),
        OutputValue::Json(json) => Ok(protect_text(json_text(&json))),
        OutputValue::JsonText(text) => Ok(protect_text(text)),
        OutputValue::Bytes(bytes) => Ok(Value::String(BASE64.encode(&bytes))),
    }
}

/// One element of an array output. The host hands array elements to the binding without the
/// base64 step (the cast to string fails for the array as a whole), so text goes as is and
/// bytes cannot be expressed.
fn encode_item(binding: &Binding, item: OutputValue) -> Result<Value, OutputError> {
    match item {
        OutputValue::Text(text) => Ok(Value::String(text)),
        OutputValue::Json(json) => Ok(Value::String(json_text(&json))),
        OutputValue::JsonText(text) => Ok(Value::String(text)),
        OutputValue::Bytes(_) => Err(OutputError::Unrepresentable {
            binding: binding.name.clone(),
            reason: "the host does not base64-decode items of a multi-item output, so bytes \
                     cannot be written there; write one item, or text"
                .into(),
        }),
        OutputValue::Many(_) => Err(OutputError::Unrepresentable {
            binding: binding.name.clone(),
            reason: "nested lists of items cannot be written".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Direction;
    use bytes::Bytes;

    fn queue(binary: bool) -> Binding {
        let mut settings = serde_json::Map::new();
        if binary {
            settings.insert("dataType".into(), "binary".into());
        }
        Binding {
            kind: "queue".into(),
            direction: Direction::Out,
            name: "out".into(),
            settings,
        }
    }

    /// What the host's `GetBindingValue` does to a value (§3.3): decode base64 when it can.
    /// .NET ignores white space and requires whole 4-character groups with padding at the end.
    fn host_delivers(binding: &Binding, sent: &Value) -> Vec<u8> {
        let Value::String(s) = sent else {
            panic!("single values are sent as strings, got {sent}")
        };
        if !binding.is_binary() {
            let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            if let Ok(bytes) = BASE64.decode(compact.as_bytes()) {
                return bytes;
            }
        }
        s.as_bytes().to_vec()
    }

    #[test]
    fn every_text_reaches_the_binding_exactly() {
        let texts = [
            "abcd",
            "true",
            "1234",
            "",
            "test",
            "Zm9v",
            "hello world",
            "a b c d",
            "QUJD\nREVG",
            "{\"id\":1}",
            "zażółć 🦀",
            "line\nbreak",
            "====",
        ];
        for text in texts {
            for binary in [false, true] {
                let binding = queue(binary);
                let sent = encode_output(&binding, OutputValue::Text(text.into())).unwrap();
                assert_eq!(
                    host_delivers(&binding, &sent),
                    text.as_bytes(),
                    "text {text:?} binary={binary} sent as {sent}"
                );
            }
        }
    }

    #[test]
    fn bytes_and_json_reach_the_binding_exactly() {
        let binding = queue(false);
        let raw = Bytes::from_static(&[0, 159, 146, 150, 255]);
        let sent = encode_output(&binding, OutputValue::Bytes(raw.clone())).unwrap();
        assert_eq!(host_delivers(&binding, &sent), raw);
        for json in [
            serde_json::json!({"id": 1005, "color": "black"}),
            serde_json::json!(1234),
            serde_json::json!(true),
            serde_json::json!("abcd"),
            serde_json::json!([1, 2]),
        ] {
            let sent = encode_output(&binding, OutputValue::Json(json.clone())).unwrap();
            assert_eq!(host_delivers(&binding, &sent), json.to_string().as_bytes());
        }
    }

    #[test]
    fn readable_text_stays_readable_on_the_wire() {
        let sent = encode_output(&queue(false), OutputValue::Text("hello, world".into())).unwrap();
        assert_eq!(sent, "hello, world");
        let sent = encode_output(
            &queue(false),
            OutputValue::Json(serde_json::json!({"id": 1})),
        )
        .unwrap();
        assert_eq!(sent, "{\"id\":1}");
    }

    #[test]
    fn bytes_cannot_go_to_a_binary_binding() {
        let err = encode_output(&queue(true), OutputValue::Bytes(Bytes::from_static(b"x")));
        assert!(matches!(err, Err(OutputError::BytesToBinaryBinding { .. })));
    }

    #[test]
    fn many_items_are_sent_as_an_array_of_plain_strings() {
        let sent = encode_output(
            &queue(false),
            OutputValue::Many(vec![
                OutputValue::Text("abcd".into()),
                OutputValue::Json(serde_json::json!({"a": 1})),
            ]),
        )
        .unwrap();
        assert_eq!(sent, serde_json::json!(["abcd", "{\"a\":1}"]));
        let err = encode_output(
            &queue(false),
            OutputValue::Many(vec![OutputValue::Bytes(Bytes::from_static(b"x"))]),
        );
        assert!(matches!(err, Err(OutputError::Unrepresentable { .. })));
    }
}
