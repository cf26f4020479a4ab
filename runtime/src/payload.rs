//! Decoding of invocation payloads (contract §2).

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::PayloadError;
use crate::metadata::Binding;
use crate::output::Json;

/// The body the host POSTs to `/{FunctionName}`: `{"Data": {...}, "Metadata": {...}}`.
///
/// Values stay where they are in the body, as ranges of it, and are parsed only when a function
/// asks for them: the host sends much the function never reads (an HTTP request's
/// `Identities`, most metadata), and building or copying all of it was the largest cost of an
/// invocation.
#[derive(Debug, Default)]
pub struct InvocationRequest {
    body: Bytes,
    data: Vec<(String, Range<usize>)>,
    metadata: Option<Range<usize>>,
}

impl InvocationRequest {
    /// Parses a payload. Member names are matched case-insensitively, as Newtonsoft does on the
    /// host's side; a missing `Data` or `Metadata` is empty (the host always sends both, but a
    /// hand-written test payload may not), a `null` one too.
    pub fn parse(body: &[u8]) -> Result<Self, PayloadError> {
        Self::from_bytes(Bytes::copy_from_slice(body))
    }

    /// Parses a payload without copying it: values are kept as ranges of `body`.
    pub fn from_bytes(body: Bytes) -> Result<Self, PayloadError> {
        Self::parse_reading_http(body, None).map(|(request, _)| request)
    }

    /// Parses a payload and, in the same pass, turns the HTTP trigger value `Data.{http_trigger}`
    /// into a request. That value is then not kept: scanning JSON is most of an invocation's
    /// cost, so nothing is read twice.
    pub(crate) fn parse_http(
        body: Bytes,
        http_trigger: &str,
    ) -> Result<(Self, http::Request<axum::body::Body>), PayloadError> {
        let (request, trigger) = Self::parse_reading_http(body, Some(http_trigger))?;
        let trigger = trigger.ok_or_else(|| PayloadError::MissingInput {
            binding: http_trigger.to_owned(),
        })?;
        Ok((request, http_request_from_parts(http_trigger, trigger)?))
    }

    fn parse_reading_http(
        body: Bytes,
        http_trigger: Option<&str>,
    ) -> Result<(Self, Option<HttpTriggerParts>), PayloadError> {
        // A value of the wrong kind is reported as such, not as a JSON syntax error.
        let problem = Cell::new(None);
        // UTF-8 is checked once, for the whole body: parsed from bytes, serde_json checks every
        // string it reads again, which showed in profiles.
        let text = std::str::from_utf8(&body).map_err(|e| {
            PayloadError::NotJson(serde::de::Error::custom(format_args!(
                "it is not UTF-8 text (the bytes from {} are not)",
                e.valid_up_to()
            )))
        })?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let parsed = DeserializeSeed::deserialize(
            ObjectOrNullSeed(ObjectOrNull {
                what: "the body",
                problem: &problem,
                null_allowed: false,
                members: TopLevelMembers {
                    problem: &problem,
                    http_trigger,
                    body: &body,
                },
            }),
            &mut deserializer,
        )
        .and_then(|parsed| deserializer.end().map(|()| parsed));
        let (data, metadata, trigger) = match (parsed, problem.take()) {
            (_, Some(Problem::WrongKind(what, kind))) => {
                return Err(PayloadError::BadShape(format!("{what} is {kind}")));
            }
            (Err(e), Some(Problem::HttpTrigger)) => {
                return Err(PayloadError::HttpRequest {
                    binding: http_trigger.unwrap_or_default().to_owned(),
                    reason: e.to_string(),
                });
            }
            (Err(e), None) => return Err(PayloadError::NotJson(e)),
            (Ok(parsed), _) => parsed,
        };
        Ok((
            Self {
                body,
                data,
                metadata,
            },
            trigger,
        ))
    }

    /// The raw JSON text of input binding `name` in `Data`.
    pub fn raw_data(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, range)| self.text(range))
    }

    /// Input binding `name` in `Data`, parsed (still encoded by §2.3; see [`decode_value`]).
    ///
    /// An error when the value, skipped over while the payload was read, is JSON serde_json
    /// refuses as a value: nested deeper than 128, a number beyond `f64`, a broken `\u` escape.
    pub fn data(&self, name: &str) -> Result<Option<Value>, PayloadError> {
        self.raw_data(name)
            .map(|text| {
                serde_json::from_str(text).map_err(|e| PayloadError::Input {
                    binding: name.to_owned(),
                    expected: "a JSON value",
                    reason: e.to_string(),
                })
            })
            .transpose()
    }

    /// The binding names present in `Data`, in order.
    pub fn data_names(&self) -> impl Iterator<Item = &str> {
        self.data.iter().map(|(key, _)| key.as_str())
    }

    /// The raw JSON text of `Metadata`, if it was sent.
    pub fn raw_metadata(&self) -> Option<&str> {
        self.metadata.as_ref().map(|range| self.text(range))
    }

    /// Takes `Metadata` out, raw, for the invocation context (a view of the body, not a copy).
    pub(crate) fn take_metadata(&mut self) -> Option<Bytes> {
        self.metadata.take().map(|range| self.body.slice(range))
    }

    fn text(&self, range: &Range<usize>) -> &str {
        std::str::from_utf8(&self.body[range.clone()])
            .expect("ranges hold the JSON values found while parsing, which are UTF-8")
    }
}

/// `text` as bytes: a view of `payload` when it was borrowed from it (no copy), else its own.
fn view_or_copy(payload: &Bytes, text: Cow<'_, str>) -> Bytes {
    match text {
        Cow::Borrowed(borrowed) if payload.as_ptr_range().contains(&borrowed.as_ptr()) => {
            payload.slice_ref(borrowed.as_bytes())
        }
        Cow::Borrowed(other) => Bytes::copy_from_slice(other.as_bytes()),
        Cow::Owned(owned) => Bytes::from(owned),
    }
}

/// Where `part`, a slice of `whole`, starts and ends in it.
fn range_in(whole: &[u8], part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

/// Why a payload that is valid JSON was refused, found while it was read.
#[derive(Clone, Copy, Debug)]
enum Problem {
    /// A part (`the body`, `` `Data` ``) was not an object but this kind of value.
    WrongKind(&'static str, &'static str),
    /// The HTTP trigger value did not have the shape of §2.4.
    HttpTrigger,
}

/// What the top level yields: `Data`'s members, `Metadata`, the HTTP trigger if asked for.
type Sections = (
    Vec<(String, Range<usize>)>,
    Option<Range<usize>>,
    Option<HttpTriggerParts>,
);

/// What to do with the members of an object that [`ObjectOrNull`] accepted.
trait Members<'de>: Sized {
    type Value: Default;
    fn read<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error>;
}

/// Accepts an object (read by `M`) or, when allowed, `null` (the default value); any other
/// kind is recorded as a [`Problem`] for a clear error.
struct ObjectOrNull<'k, M> {
    what: &'static str,
    problem: &'k Cell<Option<Problem>>,
    null_allowed: bool,
    members: M,
}

impl<M> ObjectOrNull<'_, M> {
    fn wrong<E: serde::de::Error, T>(&self, kind: &'static str) -> Result<T, E> {
        self.problem.set(Some(Problem::WrongKind(self.what, kind)));
        Err(E::custom(format_args!("{} is {kind}", self.what)))
    }
}

impl<'de, M: Members<'de>> Visitor<'de> for ObjectOrNull<'_, M> {
    type Value = M::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} to be an object", self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.members.read(map)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        if self.null_allowed {
            Ok(M::Value::default())
        } else {
            self.wrong("null")
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        self.wrong("an array")
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        self.wrong("a string")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        self.wrong("a boolean")
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.wrong("a number")
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.wrong("a number")
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.wrong("a number")
    }
}

/// The payload's top level: `Data` and `Metadata` are read, the rest skipped.
struct TopLevelMembers<'k> {
    problem: &'k Cell<Option<Problem>>,
    http_trigger: Option<&'k str>,
    body: &'k Bytes,
}

impl<'de> Members<'de> for TopLevelMembers<'_> {
    type Value = Sections;

    fn read<A: MapAccess<'de>>(self, mut map: A) -> Result<Sections, A::Error> {
        let (mut data, mut metadata, mut trigger) = Sections::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if key.eq_ignore_ascii_case("Data") {
                (data, trigger) = map.next_value_seed(ObjectOrNullSeed(ObjectOrNull {
                    what: "`Data`",
                    problem: self.problem,
                    null_allowed: true,
                    members: DataMembers {
                        problem: self.problem,
                        http_trigger: self.http_trigger,
                        body: self.body,
                    },
                }))?;
            } else if key.eq_ignore_ascii_case("Metadata") {
                let raw: Option<&'de RawValue> = map.next_value()?;
                metadata = match raw {
                    Some(raw) if raw_kind(raw) == "an object" => {
                        Some(range_in(self.body, raw.get()))
                    }
                    Some(raw) => {
                        let kind = raw_kind(raw);
                        self.problem
                            .set(Some(Problem::WrongKind("`Metadata`", kind)));
                        return Err(serde::de::Error::custom(format_args!(
                            "`Metadata` is {kind}"
                        )));
                    }
                    None => None,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok((data, metadata, trigger))
    }
}

/// Reads a value with an [`ObjectOrNull`] visitor.
struct ObjectOrNullSeed<'k, M>(ObjectOrNull<'k, M>);

impl<'de, M: Members<'de>> DeserializeSeed<'de> for ObjectOrNullSeed<'_, M> {
    type Value = M::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<M::Value, D::Error> {
        deserializer.deserialize_any(self.0)
    }
}

/// `Data`'s members, kept as ranges of the body, except the HTTP trigger's value when one is
/// asked for.
struct DataMembers<'k> {
    problem: &'k Cell<Option<Problem>>,
    http_trigger: Option<&'k str>,
    body: &'k Bytes,
}

impl<'de> Members<'de> for DataMembers<'_> {
    type Value = (Vec<(String, Range<usize>)>, Option<HttpTriggerParts>);

    fn read<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Not sized up front: an HTTP function's `Data` often holds nothing but its trigger,
        // which is not kept here.
        let mut members = Vec::new();
        let mut trigger = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if self.http_trigger == Some(&*key) {
                let parts = map
                    .next_value_seed(HttpTriggerSeed { body: self.body })
                    .inspect_err(|_| self.problem.set(Some(Problem::HttpTrigger)))?;
                trigger = Some(parts);
            } else {
                let raw: &'de RawValue = map.next_value()?;
                members.push((key.into_owned(), range_in(self.body, raw.get())));
            }
        }
        Ok((members, trigger))
    }
}

/// What kind of JSON value `raw` holds, for error messages, from its first character.
pub(crate) fn raw_kind(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Parses a metadata object kept raw; `None` or an unreadable one is empty.
pub(crate) fn parse_metadata(raw: Option<&[u8]>) -> Map<String, Value> {
    raw.and_then(|raw| serde_json::from_slice(raw).ok())
        .unwrap_or_default()
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A `Data` or `Metadata` value after undoing the host's encoding (§2.3).
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedValue {
    /// A .NET string (the host JSON-encodes it once more inside a JSON string).
    Text(String),
    /// A JSON document: an object as sent, or an array/number/bool the host sent as JSON text.
    Json(Value),
    /// A `null` input (e.g. a missing blob), sent as the text `null`.
    Null,
    /// A string that is not JSON text: binary data as base64, or a payload written by hand in
    /// the older documented form. Kept as is.
    Raw(String),
}

/// Undoes the host's encoding of one value. Objects arrive as objects; everything else arrives
/// as a JSON string whose content is the JSON text of the value.
pub fn decode_value(value: &Value) -> DecodedValue {
    match value {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::String(text)) => DecodedValue::Text(text),
            Ok(Value::Null) => DecodedValue::Null,
            Ok(json) => DecodedValue::Json(json),
            Err(_) => DecodedValue::Raw(s.clone()),
        },
        Value::Null => DecodedValue::Null,
        other => DecodedValue::Json(other.clone()),
    }
}

/// Types that a trigger or input binding's value can be read as.
#[diagnostic::on_unimplemented(
    message = "a binding value cannot be read as `{Self}`",
    label = "unsupported input type",
    note = "use `String` for text, `Vec<u8>` or `bytes::Bytes` for bytes, `azfn::Json<T>` for \
            JSON, `serde_json::Value`, or an `Option` of one"
)]
pub trait FromBindingValue: Sized {
    /// A short description of the type for error messages.
    const EXPECTED: &'static str;

    /// Reads the value of `binding`; `None` when `Data` has no entry for it.
    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String>;

    /// Reads the value of `binding` from its JSON text in the payload (`None`: no entry). The
    /// default parses it and calls [`FromBindingValue::from_binding_value`]; text types read
    /// the text itself, so that a JSON value handed over as text keeps the host's exact bytes
    /// (a parse and a re-serialization would turn `1.10` into `1.1`).
    fn from_raw_binding_value(binding: &Binding, raw: Option<&str>) -> Result<Self, String> {
        let value = raw
            .map(serde_json::from_str::<Value>)
            .transpose()
            .map_err(|e| format!("the value is not JSON serde_json can read: {e}"))?;
        Self::from_binding_value(binding, value.as_ref())
    }
}

/// The text a string binding value stands for, taken from its JSON text without parsing the
/// JSON inside it: an object or array sent as is (§2.3) is its own text; a JSON string holds
/// the value's JSON text, which is a string's content when that is a JSON string too. `None`
/// for JSON text this does not cover (a bare number), left to the parsing path.
fn exact_text(raw: &str) -> Option<Result<String, String>> {
    let trimmed = raw.trim();
    if trimmed.starts_with(['{', '[']) {
        return Some(Ok(trimmed.to_owned()));
    }
    let inner: String = serde_json::from_str(trimmed).ok()?;
    if let Ok(text) = serde_json::from_str::<String>(&inner) {
        return Some(Ok(text));
    }
    if inner.trim() == "null" {
        return Some(Err("the value is null; use `Option<String>`".into()));
    }
    Some(Ok(inner))
}

fn required(value: Option<&Value>) -> Result<&Value, String> {
    value.ok_or_else(|| "the value is missing".to_owned())
}

impl FromBindingValue for String {
    const EXPECTED: &'static str = "text (`String`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            let bytes = base64_bytes(value)?;
            return String::from_utf8(bytes).map_err(|_| "the bytes are not UTF-8 text".into());
        }
        match decode_value(value) {
            DecodedValue::Text(text) | DecodedValue::Raw(text) => Ok(text),
            DecodedValue::Json(json) => Ok(json.to_string()),
            DecodedValue::Null => Err("the value is null; use `Option<String>`".into()),
        }
    }

    fn from_raw_binding_value(binding: &Binding, raw: Option<&str>) -> Result<Self, String> {
        match raw {
            Some(raw) if !binding.is_binary() => match exact_text(raw) {
                Some(text) => text,
                None => Self::from_binding_value(binding, Some(&parse_raw(raw)?)),
            },
            _ => Self::from_binding_value(binding, raw.map(parse_raw).transpose()?.as_ref()),
        }
    }
}

fn parse_raw(raw: &str) -> Result<Value, String> {
    serde_json::from_str(raw).map_err(|e| format!("the value is not JSON serde_json can read: {e}"))
}

fn base64_bytes(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(s) => BASE64
            .decode(s.as_bytes())
            .map_err(|e| format!("`dataType: binary` value is not base64: {e}")),
        other => Err(format!(
            "`dataType: binary` value should be a base64 string, found {}",
            json_kind(other)
        )),
    }
}

impl FromBindingValue for Vec<u8> {
    const EXPECTED: &'static str = "bytes (`Vec<u8>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            return base64_bytes(value);
        }
        String::from_binding_value(binding, Some(value)).map(String::into_bytes)
    }
}

impl FromBindingValue for Bytes {
    const EXPECTED: &'static str = "bytes (`Bytes`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        Vec::<u8>::from_binding_value(binding, value).map(Bytes::from)
    }
}

impl FromBindingValue for Value {
    const EXPECTED: &'static str = "JSON (`serde_json::Value`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let value = required(value)?;
        if binding.is_binary() {
            let bytes = base64_bytes(value)?;
            return serde_json::from_slice(&bytes).map_err(|e| e.to_string());
        }
        match decode_value(value) {
            DecodedValue::Json(json) => Ok(json),
            DecodedValue::Null => Ok(Value::Null),
            // A .NET string holding JSON text (queue messages, blobs read as text).
            DecodedValue::Text(text) | DecodedValue::Raw(text) => {
                serde_json::from_str(&text).map_err(|e| format!("the text is not JSON: {e}"))
            }
        }
    }
}

impl<T: DeserializeOwned> FromBindingValue for Json<T> {
    const EXPECTED: &'static str = "JSON (`Json<T>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let json = Value::from_binding_value(binding, value)?;
        serde_json::from_value(json)
            .map(Json)
            .map_err(|e| e.to_string())
    }
}

/// One element of a batch (`cardinality: many`, a Cosmos DB trigger's documents, a SQL
/// trigger's changes): `Vec<String>`, `Vec<azfn::Json<T>>` for any `T: Deserialize`,
/// `Vec<serde_json::Value>`, `Vec<SqlChange<T>>`. (`Vec<u8>` stays bytes, which is why a plain
/// `Vec<T>` of documents is spelled `Vec<azfn::Json<T>>`.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an item of a batch",
    label = "not a batch item",
    note = "read a batch of documents as `Vec<azfn::Json<{Self}>>` (or `azfn::Json<Vec<{Self}>>`); \
            `Vec<String>` and `Vec<serde_json::Value>` work too"
)]
pub trait BatchItem: Sized {
    /// Reads one element of the batch's JSON array.
    fn from_batch_element(element: Value) -> Result<Self, String>;
}

impl BatchItem for String {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        match element {
            Value::String(text) => Ok(text),
            other => Ok(other.to_string()),
        }
    }
}

impl BatchItem for Value {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        Ok(element)
    }
}

impl<T: DeserializeOwned> BatchItem for Json<T> {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        // Event Hubs and Service Bus batches of strings hold each message as JSON text.
        let element = match element {
            Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
            other => other,
        };
        serde_json::from_value(element)
            .map(Json)
            .map_err(|e| e.to_string())
    }
}

/// The advice for a value that is not a batch: only the triggers that take `cardinality`
/// send single items unless told otherwise.
fn batch_hint(binding: &Binding) -> &'static str {
    if azfn_spec::catalog::takes_cardinality(&binding.kind)
        && binding.setting_str("cardinality") != Some("many")
    {
        " (set `cardinality = \"many\"` on the trigger)"
    } else {
        ""
    }
}

/// A batch trigger (`cardinality: many`): the host sends the array as JSON text (§2.3).
impl<T: BatchItem> FromBindingValue for Vec<T> {
    const EXPECTED: &'static str = "a batch (`Vec<_>`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let hint = batch_hint(binding);
        let json = Value::from_binding_value(binding, value)
            .map_err(|e| format!("{e}; a batch is a JSON array{hint}"))?;
        match json {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_batch_element(item).map_err(|e| format!("item {i}: {e}")))
                .collect(),
            other => Err(format!(
                "a batch is a JSON array, found {}{hint}",
                json_kind(&other)
            )),
        }
    }
}

impl<T: FromBindingValue> FromBindingValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) if !binding.is_binary() && decode_value(v) == DecodedValue::Null => Ok(None),
            Some(v) => T::from_binding_value(binding, Some(v)).map(Some),
        }
    }

    fn from_raw_binding_value(binding: &Binding, raw: Option<&str>) -> Result<Self, String> {
        let Some(raw) = raw else { return Ok(None) };
        let is_null = |text: &str| text.trim() == "null";
        let encoded_null = serde_json::from_str::<String>(raw).is_ok_and(|inner| is_null(&inner));
        if is_null(raw) || (!binding.is_binary() && encoded_null) {
            return Ok(None);
        }
        T::from_raw_binding_value(binding, Some(raw)).map(Some)
    }
}

/// The fields of the HTTP trigger's value (§2.4) that make the request, read in the payload's
/// single pass. `Query`, `Params` and `Identities` are not read: the query is in `Url`, route
/// values come from routing, and the identities (the bulk of the value) are skipped without
/// being built. Text that needs no unescaping stays a view of the payload, not a copy.
#[derive(Debug, Default)]
pub(crate) struct HttpTriggerParts {
    url: Option<Bytes>,
    method: Option<http::Method>,
    headers: http::HeaderMap,
    body: Option<HttpBody>,
}

/// The trigger's `Body`: text as sent, or the JSON text of an object an older host parsed.
#[derive(Debug)]
enum HttpBody {
    Text(Bytes),
    Json(String),
}

/// Reads the HTTP trigger's value; `body` is the whole payload, which borrowed text is a view of.
struct HttpTriggerSeed<'k> {
    body: &'k Bytes,
}

impl<'de> DeserializeSeed<'de> for HttpTriggerSeed<'_> {
    type Value = HttpTriggerParts;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HttpTriggerSeed<'_> {
    type Value = HttpTriggerParts;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an HTTP request object (`Url`, `Method`, `Headers`, `Body`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        let mut parts = HttpTriggerParts::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if key.eq_ignore_ascii_case("Url") {
                let url: Option<Text<'de>> = map.next_value()?;
                parts.url = url.map(|Text(url)| view_or_copy(self.body, url));
            } else if key.eq_ignore_ascii_case("Method") {
                let method: Option<Text<'de>> = map.next_value()?;
                parts.method = method
                    .map(|Text(m)| {
                        let parsed = if m.bytes().any(|b| b.is_ascii_lowercase()) {
                            http::Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                        } else {
                            http::Method::from_bytes(m.as_bytes())
                        };
                        parsed.map_err(|_| {
                            A::Error::custom(format_args!("`Method` {m:?} is not an HTTP method"))
                        })
                    })
                    .transpose()?;
            } else if key.eq_ignore_ascii_case("Headers") {
                map.next_value_seed(HostHeaders {
                    headers: &mut parts.headers,
                    body: self.body,
                })?;
            } else if key.eq_ignore_ascii_case("Body") {
                let body: Option<BodyText<'de>> = map.next_value()?;
                parts.body = body.map(|body| match body {
                    BodyText::Text(text) => HttpBody::Text(view_or_copy(self.body, text)),
                    BodyText::Json(json) => HttpBody::Json(json),
                });
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(parts)
    }
}

/// `Body` as read: a string, or any other JSON value as its text.
enum BodyText<'a> {
    Text(Cow<'a, str>),
    Json(String),
}

impl<'de> serde::Deserialize<'de> for BodyText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Body;
        impl<'de> Visitor<'de> for Body {
            type Value = BodyText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a request body")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Text(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Json(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Json(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Json(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<BodyText<'de>, E> {
                Ok(BodyText::Json(Value::from(v).to_string()))
            }
            // Older hosts parsed JSON bodies into objects; keep their text.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BodyText<'de>, A::Error> {
                let value = <Value as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(BodyText::Json(value.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<BodyText<'de>, A::Error> {
                let value = <Value as serde::Deserialize>::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(BodyText::Json(value.to_string()))
            }
        }
        deserializer.deserialize_any(Body)
    }
}

/// The trigger's `Headers`, read straight into a [`http::HeaderMap`]: each name maps to an
/// array of values (a single string and `null` are accepted too; numbers and booleans become
/// their JSON text).
struct HostHeaders<'h> {
    headers: &'h mut http::HeaderMap,
    body: &'h Bytes,
}

impl<'de> DeserializeSeed<'de> for HostHeaders<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HostHeaders<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of header names to arrays of values")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // No reserve without a size hint (serde_json gives none): a guess of 8 allocates past
        // the allocator's per-thread cache on every request, while growing from the map's
        // first allocation (6 entries) is rarely needed.
        if let Some(size) = map.size_hint() {
            self.headers.reserve(size);
        }
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                serde::de::Error::custom(format_args!("header name {name:?} is invalid"))
            })?;
            map.next_value_seed(HeaderValues {
                name,
                headers: self.headers,
                body: self.body,
            })?;
        }
        Ok(())
    }
}

/// The values of one header, appended to `headers` as they are read.
struct HeaderValues<'h> {
    name: http::HeaderName,
    headers: &'h mut http::HeaderMap,
    body: &'h Bytes,
}

impl HeaderValues<'_> {
    fn append<E: serde::de::Error>(&mut self, value: Cow<'_, str>) -> Result<(), E> {
        let value = http::HeaderValue::from_maybe_shared(view_or_copy(self.body, value))
            .map_err(|_| E::custom(format_args!("header {} has an invalid value", self.name)))?;
        // `HeaderMap` holds at most 32,768 entries and panics past that.
        self.headers
            .try_append(self.name.clone(), value)
            .map_err(|_| E::custom("the request has more headers than an HTTP request can hold"))?;
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for HeaderValues<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HeaderValues<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the values of header {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Option<ScalarText<'de>>>()? {
            if let Some(ScalarText(value)) = value {
                self.append(value)?;
            }
        }
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_borrowed_str<E: serde::de::Error>(mut self, value: &'de str) -> Result<(), E> {
        self.append(Cow::Borrowed(value))
    }

    fn visit_str<E: serde::de::Error>(mut self, value: &str) -> Result<(), E> {
        self.append(Cow::Owned(value.to_owned()))
    }

    fn visit_bool<E: serde::de::Error>(mut self, value: bool) -> Result<(), E> {
        self.append(Cow::Borrowed(if value { "true" } else { "false" }))
    }

    fn visit_i64<E: serde::de::Error>(mut self, value: i64) -> Result<(), E> {
        self.append(Cow::Owned(value.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(mut self, value: u64) -> Result<(), E> {
        self.append(Cow::Owned(value.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(mut self, value: f64) -> Result<(), E> {
        self.append(Cow::Owned(Value::from(value).to_string()))
    }
}

/// A JSON string, borrowed from the payload unless it had escapes to undo (serde's own
/// `Cow<str>` always copies).
struct Text<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> Visitor<'de> for Str {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Str)
    }
}

/// A header value written as a string, number or boolean, as text.
struct ScalarText<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for ScalarText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = ScalarText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a header value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ScalarText<'de>, E> {
                Ok(ScalarText(Cow::Owned(Value::from(v).to_string())))
            }
        }
        deserializer.deserialize_any(Text)
    }
}

/// The HTTP trigger's value (§2.4), turned back into a request.
fn http_request_from_parts(
    binding: &str,
    parts: HttpTriggerParts,
) -> Result<http::Request<axum::body::Body>, PayloadError> {
    let bad = |reason: String| PayloadError::HttpRequest {
        binding: binding.to_owned(),
        reason,
    };
    let url = parts.url.unwrap_or_else(|| Bytes::from_static(b"/"));
    let url_text = std::str::from_utf8(&url).expect("`Url` was read as a JSON string");
    let (authority, path_and_query) = split_url(url_text);
    let uri = if path_and_query.starts_with('/') {
        // A view of `Url` when the path is part of it; `split_url` answers `/` for a URL
        // without a path, which is not.
        http::Uri::from_maybe_shared(view_or_copy(&url, Cow::Borrowed(path_and_query)))
    } else {
        http::Uri::try_from(format!("/{path_and_query}"))
    }
    .map_err(|e| bad(format!("`Url` {url_text:?} has an invalid path: {e}")))?;
    let mut headers = parts.headers;
    if !headers.contains_key(http::header::HOST)
        && let Some(authority) = authority
        && let Ok(v) =
            http::HeaderValue::from_maybe_shared(view_or_copy(&url, Cow::Borrowed(authority)))
    {
        headers.insert(http::header::HOST, v);
    }
    let body = match parts.body {
        None => Bytes::new(),
        Some(HttpBody::Text(text)) if is_base64_content_type(&headers) => Bytes::from(
            BASE64
                .decode(&text)
                .map_err(|e| bad(format!("binary `Body` is not base64: {e}")))?,
        ),
        Some(HttpBody::Text(text)) => text,
        Some(HttpBody::Json(json)) => Bytes::from(json),
    };
    let mut request = http::Request::new(axum::body::Body::from(body));
    crate::limits::apply(&mut request);
    *request.method_mut() = parts.method.unwrap_or(http::Method::GET);
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// The host base64-encodes bodies of exactly these content types (§2.4).
fn is_base64_content_type(headers: &http::HeaderMap) -> bool {
    let Some(value) = crate::http_json::media_type(headers) else {
        return false;
    };
    let starts_with = |prefix: &[u8]| {
        value
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    starts_with(b"application/octet-stream") || starts_with(b"multipart/")
}

/// Splits `scheme://authority/path?query` into the authority and `/path?query`.
fn split_url(url: &str) -> (Option<&str>, &str) {
    // A byte scan: `split_once("://")` builds a substring searcher, which showed in profiles.
    let scheme_end = url.as_bytes().windows(3).position(|w| w == b"://");
    if let Some(rest) = scheme_end.map(|end| &url[end + 3..]) {
        let cut = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(cut);
        let tail = if tail.is_empty() { "/" } else { tail };
        (Some(authority), tail)
    } else {
        (None, url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Direction;

    fn binding(binary: bool) -> Binding {
        let mut settings = Map::new();
        if binary {
            settings.insert("dataType".into(), "binary".into());
        }
        Binding {
            kind: "queueTrigger".into(),
            direction: Direction::In,
            name: "item".into(),
            settings,
        }
    }

    #[test]
    fn strings_are_decoded_twice() {
        let v = Value::String("\"abcd\"".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "abcd"
        );
        let v = Value::String("\"1234\"".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "1234"
        );
    }

    #[test]
    fn the_documented_unencoded_form_is_read_as_text() {
        let v = Value::String("{ message: \"Message sent\" }".into());
        assert_eq!(
            String::from_binding_value(&binding(false), Some(&v)).unwrap(),
            "{ message: \"Message sent\" }"
        );
    }

    #[test]
    fn null_is_none_for_options_and_an_error_for_strings() {
        let v = Value::String("null".into());
        assert_eq!(
            Option::<String>::from_binding_value(&binding(false), Some(&v)).unwrap(),
            None
        );
        assert!(String::from_binding_value(&binding(false), Some(&v)).is_err());
        assert_eq!(
            Option::<String>::from_binding_value(&binding(false), None).unwrap(),
            None
        );
    }

    #[test]
    fn batches_are_arrays_of_items() {
        let v = Value::String(r#"["a","{\"id\":1}"]"#.into());
        assert_eq!(
            Vec::<String>::from_binding_value(&binding(false), Some(&v)).unwrap(),
            ["a", "{\"id\":1}"]
        );
        let docs: Vec<Json<serde_json::Map<String, Value>>> = Vec::from_binding_value(
            &binding(false),
            Some(&Value::String(r#"[{"id":1},"{\"id\":2}"]"#.into())),
        )
        .unwrap();
        assert_eq!(docs[1].0["id"], 2);
        let single = Value::String("\"x\"".into());
        let mut event_hub = binding(false);
        event_hub.kind = "eventHubTrigger".into();
        let e = Vec::<String>::from_binding_value(&event_hub, Some(&single)).unwrap_err();
        assert!(e.contains("set `cardinality = \"many\"`"), "{e}");
        // Triggers without a `cardinality` setting get no advice they cannot follow.
        for kind in ["queueTrigger", "sqlTrigger"] {
            let mut other = binding(false);
            other.kind = kind.into();
            let e = Vec::<String>::from_binding_value(&other, Some(&single)).unwrap_err();
            assert!(e.contains("a batch is a JSON array"), "{e}");
            assert!(!e.contains("cardinality"), "{kind}: {e}");
        }
    }

    #[test]
    fn binary_values_are_base64() {
        let v = Value::String("aGVsbG8=".into());
        assert_eq!(
            Vec::<u8>::from_binding_value(&binding(true), Some(&v)).unwrap(),
            b"hello"
        );
        let v = Value::String("not base64!".into());
        assert!(Vec::<u8>::from_binding_value(&binding(true), Some(&v)).is_err());
    }

    #[test]
    fn payload_shape_errors_are_explained() {
        assert!(matches!(
            InvocationRequest::parse(b"{"),
            Err(PayloadError::NotJson(_))
        ));
        let e = InvocationRequest::parse(b"[]").unwrap_err();
        assert!(e.to_string().contains("an array"), "{e}");
        let e = InvocationRequest::parse(br#"{"Data": 3}"#).unwrap_err();
        assert!(e.to_string().contains("`Data` is a number"), "{e}");
        let ok = InvocationRequest::parse(br#"{"data": {"a": 1}}"#).unwrap();
        assert_eq!(ok.data("a").unwrap(), Some(Value::from(1)));
        assert!(ok.raw_metadata().is_none());
    }

    #[test]
    fn base64_bodies_are_recognised_by_content_type_in_any_case() {
        let with = |value: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_str(value).unwrap(),
            );
            is_base64_content_type(&headers)
        };
        assert!(with("application/octet-stream"));
        assert!(with(" Application/Octet-Stream; x=1"));
        assert!(with("multipart/form-data; boundary=b"));
        assert!(with("MULTIPART/mixed"));
        assert!(!with("application/json"));
        assert!(!with("application/octet"));
        assert!(!with("text/multipart/"));
        assert!(!is_base64_content_type(&http::HeaderMap::new()));
    }

    fn http(payload: &str) -> Result<http::Request<axum::body::Body>, PayloadError> {
        InvocationRequest::parse_http(Bytes::copy_from_slice(payload.as_bytes()), "req")
            .map(|(_, request)| request)
    }

    async fn body_of(request: http::Request<axum::body::Body>) -> Bytes {
        axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_http_trigger_becomes_a_request_in_the_same_pass() {
        let payload = r#"{"Data":{"req":{"Url":"http://localhost:7071/api/x?a=1","Method":"post",
            "Headers":{"Accept":["*/*"],"X-Many":["a","b\u0041",null,7,true],"X-One":"solo",
            "X-None":null},"Identities":[{"Claims":[]}],"Body":"caf\u00e9 \"q\""},
            "other":{"k":[1,2]}},"Metadata":{"sys":{"MethodName":"x"}}}"#;
        let (parsed, request) =
            InvocationRequest::parse_http(Bytes::copy_from_slice(payload.as_bytes()), "req")
                .unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), "/api/x?a=1");
        let headers = request.headers();
        assert_eq!(headers["host"], "localhost:7071");
        assert_eq!(headers["accept"], "*/*");
        let many: Vec<_> = headers.get_all("x-many").iter().collect();
        assert_eq!(many, ["a", "bA", "7", "true"]);
        assert_eq!(headers["x-one"], "solo");
        assert!(!headers.contains_key("x-none"));
        assert_eq!(body_of(request).await, "café \"q\"".as_bytes());
        // The trigger is consumed; the other inputs and the metadata stay, as ranges.
        let mut parsed = parsed;
        assert_eq!(parsed.data_names().collect::<Vec<_>>(), ["other"]);
        assert_eq!(parsed.raw_data("other"), Some(r#"{"k":[1,2]}"#));
        assert_eq!(parsed.raw_metadata(), Some(r#"{"sys":{"MethodName":"x"}}"#));
        assert_eq!(
            Value::Object(parse_metadata(parsed.take_metadata().as_deref())),
            serde_json::json!({"sys": {"MethodName": "x"}})
        );
        let (mut absent, _) = InvocationRequest::parse_http(
            Bytes::from_static(br#"{"Data":{"req":{}},"Metadata":null}"#),
            "req",
        )
        .unwrap();
        assert!(absent.take_metadata().is_none());
    }

    #[tokio::test]
    async fn http_bodies_of_every_shape_arrive_as_bytes() {
        let octet = http(
            r#"{"Data":{"req":{"Url":"/u","Headers":{"Content-Type":["application/octet-stream"]},"Body":"AAH/"}}}"#,
        )
        .unwrap();
        assert_eq!(body_of(octet).await, [0u8, 1, 255].as_slice());
        let object = http(r#"{"Data":{"req":{"Url":"/u","Body":{"a":[1,"x"]}}}}"#).unwrap();
        assert_eq!(body_of(object).await, r#"{"a":[1,"x"]}"#.as_bytes());
        let null = http(r#"{"Data":{"req":{"Url":"/u","Body":null}}}"#).unwrap();
        assert!(body_of(null).await.is_empty());
        let number = http(r#"{"Data":{"req":{"Body":12.5}}}"#).unwrap();
        assert_eq!(number.uri(), "/");
        assert_eq!(number.method(), http::Method::GET);
        assert_eq!(body_of(number).await, "12.5".as_bytes());
    }

    #[test]
    fn malformed_http_triggers_are_refused_with_the_reason() {
        let cases = [
            (
                r#"{"Data":{"req":{"Method":"NOT A METHOD"}}}"#,
                "is not an HTTP method",
            ),
            (
                r#"{"Data":{"req":{"Headers":{"bad name":["x"]}}}}"#,
                "header name",
            ),
            (
                r#"{"Data":{"req":{"Headers":{"X":["a\nb"]}}}}"#,
                "invalid value",
            ),
            (r#"{"Data":{"req":{"Headers":3}}}"#, "header"),
            (r#"{"Data":{"req":[1]}}"#, "HTTP request object"),
            (r#"{"Data":{"req":{"Url":"http://h/a b"}}}"#, "invalid path"),
            (
                r#"{"Data":{"req":{"Headers":{"Content-Type":["multipart/form-data"]},"Body":"%%"}}}"#,
                "not base64",
            ),
        ];
        for (payload, expected) in cases {
            match http(payload) {
                Err(e @ PayloadError::HttpRequest { .. }) => {
                    assert!(e.to_string().contains(expected), "{payload}: {e}")
                }
                other => panic!("{payload}: {other:?}"),
            }
        }
        assert!(matches!(
            http(r#"{"Data":{"other":1}}"#),
            Err(PayloadError::MissingInput { .. })
        ));
        assert!(matches!(
            http(r#"{"Data":{"req":{"Url":"/"}}"#),
            Err(PayloadError::NotJson(_))
        ));
        let e = http(r#"{"Data":{},"Metadata":[]}"#).unwrap_err();
        assert!(e.to_string().contains("`Metadata` is an array"), "{e}");
        let e = InvocationRequest::parse(br#"{"Data":null,"Metadata":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("`Metadata` is a string"), "{e}");
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://h:1/api/x?a=1"),
            (Some("h:1"), "/api/x?a=1")
        );
        assert_eq!(split_url("http://h?a=1"), (Some("h"), "?a=1"));
        assert_eq!(split_url("http://h"), (Some("h"), "/"));
        assert_eq!(split_url("/api/x"), (None, "/api/x"));
    }
}
