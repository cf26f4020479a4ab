//! The function record: what the macros compile into the handler binary for each annotated
//! function, and how the runtime and `cargo azfn` read it back.
//!
//! Every annotated function carries one *record*: its `function.json` plus where it was written.
//! The record is the single source of truth. The runtime decodes it at start-up to route and
//! encode, and `cargo azfn emit` finds the same bytes by scanning the executable file, without
//! running it, so a handler cross-compiled for another OS emits the same app folder.
//!
//! A record is framed so that it can be found in any object format (ELF, PE, Mach-O):
//!
//! ```text
//! RECORD_MAGIC (16 bytes) | JSON length (u32, little endian) | JSON (UTF-8) | RECORD_END (8 bytes)
//! ```
//!
//! Generated code frames its record at compile time with [`encode_record`]; tests, benches and
//! fake executables frame one at run time with [`frame`]. Both write through the same function.
//!
//! ```
//! use azfn_spec::record::{frame, scan_records};
//!
//! let json = r#"{"format":1,"name":"hello","rust_fn":"hello",
//!     "source":{"file":"src/main.rs","line":3,"column":1},
//!     "function":{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}}"#;
//! let mut executable = b"\x7fELF".to_vec();
//! executable.extend_from_slice(&frame(json));
//! let records = scan_records(&executable).unwrap();
//! assert_eq!(records[0].function.trigger().unwrap().kind, "httpTrigger");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::catalog::Direction;
use crate::catalog::is_trigger_binding;

/// Bytes that open every record. The NULs and the version byte make an accidental match in
/// ordinary string data very unlikely; a match is still only accepted if the frame is whole.
pub const RECORD_MAGIC: [u8; 16] = *b"\0azfn:function\x01\0";

/// Bytes that close every record.
pub const RECORD_END: [u8; 8] = *b"\0azfn;\x01\0";

/// The version of the record's JSON layout, stored in [`FunctionRecord::format`].
pub const RECORD_FORMAT: u32 = 1;

const HEADER_LEN: usize = RECORD_MAGIC.len() + 4;

/// Length in bytes of the framed record for a JSON text of `json_len` bytes.
pub const fn record_len(json_len: usize) -> usize {
    HEADER_LEN + json_len + RECORD_END.len()
}

/// Frames `json` as a record at compile time. `N` must be [`record_len`]`(json.len())`.
///
/// # Panics
///
/// At compile time, when `N` is wrong or the JSON is longer than `u32::MAX` bytes.
pub const fn encode_record<const N: usize>(json: &str) -> [u8; N] {
    assert!(N == record_len(json.len()), "record length mismatch");
    let mut out = [0u8; N];
    write_frame(&mut out, json.as_bytes());
    out
}

/// Total length of `parts`, for [`concat()`]'s array length.
///
/// Records whose JSON is only known once types are resolved (an MCP tool's `toolProperties`,
/// built from its argument type's associated consts) are joined at compile time from pieces by
/// these two functions: the same loop [`encode_record`] already runs, so no crate for it.
pub const fn concat_len(parts: &[&str]) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < parts.len() {
        len += parts[i].len();
        i += 1;
    }
    len
}

/// `parts` joined, at compile time. `N` must be [`concat_len`]`(parts)`; the bytes are UTF-8
/// (each part is a `str`), which [`concat_str`] turns back into a `str`.
///
/// # Panics
///
/// At compile time, when `N` is wrong.
pub const fn concat<const N: usize>(parts: &[&str]) -> [u8; N] {
    assert!(N == concat_len(parts), "concatenation length mismatch");
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        copy_at(&mut out, at, parts[i].as_bytes());
        at += parts[i].len();
        i += 1;
    }
    out
}

/// The text of [`concat()`]'s bytes.
///
/// # Panics
///
/// At compile time, when the bytes are not UTF-8 (they always are, being joined `str`s).
pub const fn concat_str(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("joined parts of strings are UTF-8"),
    }
}

/// Frames `json` as a record at run time, byte for byte as [`encode_record`] does.
///
/// # Panics
///
/// When the JSON is longer than `u32::MAX` bytes.
pub fn frame(json: &str) -> Vec<u8> {
    let mut out = vec![0u8; record_len(json.len())];
    write_frame(&mut out, json.as_bytes());
    out
}

/// Writes the frame of `json` into `out`, which is exactly [`record_len`]`(json.len())` long.
/// `const` so that [`encode_record`] and [`frame`] share it.
const fn write_frame(out: &mut [u8], json: &[u8]) {
    write_frame_with(out, &RECORD_MAGIC, json);
}

/// [`write_frame`] under another magic: the app-level declarations of
/// [`crate::profile`] are framed the same way, so that they are found the same way.
pub(crate) const fn write_frame_with(out: &mut [u8], magic: &[u8; 16], json: &[u8]) {
    assert!(json.len() <= u32::MAX as usize, "record too long");
    copy_at(out, 0, magic);
    copy_at(out, magic.len(), &(json.len() as u32).to_le_bytes());
    copy_at(out, HEADER_LEN, json);
    copy_at(out, HEADER_LEN + json.len(), &RECORD_END);
}

/// `out[at..at + bytes.len()].copy_from_slice(bytes)`, which is not `const`.
const fn copy_at(out: &mut [u8], at: usize, bytes: &[u8]) {
    let mut i = 0;
    while i < bytes.len() {
        out[at + i] = bytes[i];
        i += 1;
    }
}

/// What went wrong while reading a record.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The bytes do not form a whole record frame.
    #[error("truncated or corrupt function record")]
    BadFrame,
    /// The frame is whole but its JSON does not describe a function.
    #[error("function record is not valid: {0}")]
    BadJson(#[from] serde_json::Error),
    /// The record was written by a newer or older azfn than this one reads.
    #[error(
        "function record format {found} is not supported (expected {RECORD_FORMAT}); \
         build the handler and the tool from the same azfn version"
    )]
    UnsupportedFormat {
        /// The format number found in the record.
        found: u32,
    },
}

/// Decodes one framed record, as produced by [`encode_record`].
pub fn decode_record(bytes: &[u8]) -> Result<FunctionRecord, RecordError> {
    let json = frame_json(bytes).ok_or(RecordError::BadFrame)?;
    if bytes.len() != record_len(json.len()) {
        return Err(RecordError::BadFrame);
    }
    parse_record_json(json)
}

fn parse_record_json(json: &[u8]) -> Result<FunctionRecord, RecordError> {
    #[derive(Deserialize)]
    struct FormatOnly {
        format: u32,
    }
    let FormatOnly { format } = serde_json::from_slice(json)?;
    if format != RECORD_FORMAT {
        return Err(RecordError::UnsupportedFormat { found: format });
    }
    Ok(serde_json::from_slice(json)?)
}

/// The JSON inside a frame that starts at `bytes[0]`, if the frame is whole.
fn frame_json(bytes: &[u8]) -> Option<&[u8]> {
    frame_json_with(bytes, &RECORD_MAGIC)
}

/// [`frame_json`] under another magic.
pub(crate) fn frame_json_with<'a>(bytes: &'a [u8], magic: &[u8; 16]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic)?;
    let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let json = rest.get(4..4usize.checked_add(len)?)?;
    let end = rest.get(4 + len..4 + len + RECORD_END.len())?;
    (end == RECORD_END).then_some(json)
}

/// Finds every function record in the bytes of an executable (or any file).
///
/// Identical records are reported once (a linker may keep a copy per codegen unit). Frames
/// that are not whole are skipped: the magic may appear in unrelated data. A whole frame whose
/// JSON is invalid is an error, since it can only come from a mismatched azfn version.
pub fn scan_records(binary: &[u8]) -> Result<Vec<FunctionRecord>, RecordError> {
    let mut records: Vec<FunctionRecord> = Vec::new();
    for start in memchr::memmem::find_iter(binary, &RECORD_MAGIC) {
        let Some(json) = frame_json(&binary[start..]) else {
            continue;
        };
        let record = parse_record_json(json)?;
        if !records.contains(&record) {
            records.push(record);
        }
    }
    Ok(records)
}

/// Everything the macros know about one function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionRecord {
    /// Layout version, [`RECORD_FORMAT`].
    pub format: u32,
    /// The Azure function name: the folder name and the payload-mode path `/{name}`.
    pub name: String,
    /// The Rust function that implements it.
    pub rust_fn: String,
    /// Where the attribute was written, for error messages.
    pub source: SourceLocation,
    /// The exact content of the emitted `function.json`.
    pub function: FunctionJson,
}

/// A place in the user's source code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// Path of the source file as the compiler saw it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The content of a `function.json` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionJson {
    /// Trigger first, then the other bindings in declaration order.
    pub bindings: Vec<Binding>,
    /// Function-level settings other than `bindings` (`disabled`, `retry`, ...).
    #[serde(flatten)]
    pub settings: Map<String, Value>,
}

/// One entry of `function.json`'s `bindings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// Binding type, e.g. `httpTrigger`, `queue`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Which way the data flows.
    pub direction: Direction,
    /// The key in `Data` (inputs) or `Outputs` (outputs); `$return` for the return value.
    pub name: String,
    /// Every other setting, with its `function.json` spelling.
    #[serde(flatten)]
    pub settings: Map<String, Value>,
}

/// The binding name that receives a function's return value.
pub const RETURN_BINDING: &str = "$return";

impl Binding {
    /// True for the function's trigger, by the host's rule ([`is_trigger_binding`]).
    pub fn is_trigger(&self) -> bool {
        is_trigger_binding(&self.kind, self.direction)
    }

    /// The `dataType` setting, if any.
    pub fn data_type(&self) -> Option<&str> {
        self.settings.get("dataType").and_then(Value::as_str)
    }

    /// True when the host hands values to and from this binding unchanged (`dataType: binary`).
    pub fn is_binary(&self) -> bool {
        self.data_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("binary"))
    }

    /// A string setting, if present.
    pub fn setting_str(&self, key: &str) -> Option<&str> {
        self.settings.get(key).and_then(Value::as_str)
    }
}

impl FunctionJson {
    /// The trigger binding (the macros guarantee exactly one).
    pub fn trigger(&self) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.is_trigger())
    }

    /// The binding named `name` (binding names are matched exactly, as the host matches
    /// `Outputs` keys).
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// The bindings the host writes to, in order.
    pub fn outputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(|b| matches!(b.direction, Direction::Out | Direction::InOut))
    }

    /// True when the host may forward or proxy real HTTP requests to this function
    /// ([`is_http_in_and_out`]).
    pub fn is_http_in_and_out(&self) -> bool {
        is_http_in_and_out(self.bindings.iter().map(|b| (b.direction, b.kind.as_str())))
    }
}

/// The host's `IsHttpInAndOutFunction` (CONTRACT §4), for bindings given as `(direction,
/// type)`: exactly one input binding (direction not `out`), an `httpTrigger`, and exactly one
/// output binding (direction not `in`), of type `http`, the types compared ignoring case
/// (`FunctionMetadataExtensions.IsHttpInAndOutFunction`, `FunctionMetadata.InputBindings`).
/// Only such functions are forwarded or proxied; every other function gets the JSON payload.
pub fn is_http_in_and_out<'a>(bindings: impl IntoIterator<Item = (Direction, &'a str)>) -> bool {
    let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
    for (direction, kind) in bindings {
        if direction != Direction::Out {
            inputs.push(kind);
        }
        if direction != Direction::In {
            outputs.push(kind);
        }
    }
    matches!(inputs.as_slice(), [i] if i.eq_ignore_ascii_case("httpTrigger"))
        && matches!(outputs.as_slice(), [o] if o.eq_ignore_ascii_case("http"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_joins_at_compile_time() {
        const PARTS: &[&str] = &["[", "\"a\"", ",", "\"\u{e9}\"", "]"];
        const BYTES: [u8; concat_len(PARTS)] = concat(PARTS);
        const TEXT: &str = concat_str(&BYTES);
        assert_eq!(TEXT, "[\"a\",\"\u{e9}\"]");
        assert_eq!(concat_len(&[]), 0);
    }

    #[test]
    fn http_in_and_out_counts_bindings_as_the_host_does() {
        use Direction::{In, InOut, Out};
        assert!(is_http_in_and_out([(In, "httpTrigger"), (Out, "http")]));
        assert!(is_http_in_and_out([(In, "HTTPTRIGGER"), (Out, "HTTP")]));
        // An `inout` binding is an input and an output.
        assert!(!is_http_in_and_out([
            (In, "httpTrigger"),
            (Out, "http"),
            (InOut, "blob")
        ]));
        assert!(!is_http_in_and_out([
            (In, "httpTrigger"),
            (Out, "http"),
            (Out, "queue")
        ]));
        assert!(!is_http_in_and_out([(In, "httpTrigger")]));
    }

    fn sample_json() -> String {
        serde_json::json!({
            "format": RECORD_FORMAT,
            "name": "hello",
            "rust_fn": "hello",
            "source": {"file": "src/main.rs", "line": 3, "column": 1},
            "function": {"bindings": [
                {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},
                {"type": "http", "direction": "out", "name": "res"}
            ]}
        })
        .to_string()
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let json = sample_json();
        // `encode_record` is const; `frame` checks the run-time path.
        const JSON: &str = r#"{"format":1,"name":"a","rust_fn":"a","source":{"file":"f","line":1,"column":1},"function":{"bindings":[]}}"#;
        static RECORD: [u8; record_len(JSON.len())] = encode_record(JSON);
        let record = decode_record(&RECORD).unwrap();
        assert_eq!(record.name, "a");
        let framed = frame(&json);
        let decoded = decode_record(&framed).unwrap();
        assert_eq!(decoded.name, "hello");
        assert!(decoded.function.is_http_in_and_out());
    }

    #[test]
    fn frame_writes_the_documented_layout_as_encode_record_does() {
        const JSON: &str = "{}";
        const RECORD: [u8; record_len(JSON.len())] = encode_record(JSON);
        let mut expected = RECORD_MAGIC.to_vec();
        expected.extend_from_slice(&2u32.to_le_bytes());
        expected.extend_from_slice(b"{}");
        expected.extend_from_slice(&RECORD_END);
        assert_eq!(frame(JSON), expected);
        assert_eq!(RECORD[..], expected[..]);
    }

    #[test]
    fn scan_finds_records_among_noise_and_skips_broken_frames() {
        let good = frame(&sample_json());
        let mut binary = b"garbage\0\x01".to_vec();
        binary.extend_from_slice(&RECORD_MAGIC); // a magic with no frame after it
        binary.extend_from_slice(b"\xff\xff\xff\x7f");
        binary.extend_from_slice(&good);
        binary.extend_from_slice(b"more");
        binary.extend_from_slice(&good); // duplicates are reported once
        let records = scan_records(&binary).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "hello");
    }

    #[test]
    fn truncated_frame_is_rejected() {
        let good = frame(&sample_json());
        assert!(matches!(
            decode_record(&good[..good.len() - 1]),
            Err(RecordError::BadFrame)
        ));
        assert!(scan_records(&good[..good.len() - 1]).unwrap().is_empty());
    }

    #[test]
    fn other_format_versions_are_refused_with_a_clear_error() {
        let json = sample_json().replace("\"format\":1", "\"format\":99");
        let err = scan_records(&frame(&json)).unwrap_err();
        assert!(err.to_string().contains("format 99"), "{err}");
    }

    #[test]
    fn binding_settings_round_trip_through_function_json() {
        let text = r#"{"bindings":[{"type":"queue","direction":"out","name":"message","queueName":"orders","connection":"AzureWebJobsStorage"}]}"#;
        let f: FunctionJson = serde_json::from_str(text).unwrap();
        assert_eq!(f.bindings[0].setting_str("queueName"), Some("orders"));
        let back: Value = serde_json::to_value(&f).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn the_trigger_is_found_as_the_host_finds_it() {
        // A generic trigger whose type the user spelled in another case is still the trigger,
        // and an output whose type happens to end in "Trigger" is not.
        let text = r#"{"bindings":[
            {"type":"redisListTRIGGER","direction":"in","name":"entry"},
            {"type":"auditTrigger","direction":"out","name":"audit"}
        ]}"#;
        let f: FunctionJson = serde_json::from_str(text).unwrap();
        assert_eq!(f.trigger().map(|b| b.name.as_str()), Some("entry"));
        assert!(!f.bindings[1].is_trigger());
    }
}
