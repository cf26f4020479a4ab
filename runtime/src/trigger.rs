//! Typed trigger values and metadata, so a function never reads the host's encodings.
//!
//! Take the metadata of the trigger as a parameter, `Metadata(meta): Metadata<QueueMetadata>`,
//! and a timer's value as `TimerInfo`. Any `T: Deserialize` works with [`Metadata`]: every
//! entry is first decoded by the host's rules (§2.3: `"1"` is the number 1, `"\"abc\""` the
//! text `abc`), then deserialized.
//!
//! | trigger | metadata | value |
//! | --- | --- | --- |
//! | `queueTrigger` | [`QueueMetadata`] | |
//! | `blobTrigger` | [`BlobMetadata`] | |
//! | `serviceBusTrigger` | [`ServiceBusMetadata`] | |
//! | `eventHubTrigger` | [`EventHubMetadata`] | |
//! | `kafkaTrigger` | [`KafkaMetadata`]; [`KafkaBatchMetadata`] with `cardinality = "many"` | |
//! | `rabbitMQTrigger` | [`RabbitMqMetadata`] | |
//! | `timerTrigger` | | [`TimerInfo`] |
//! | `eventGridTrigger` | | [`EventGridEvent`] |
//! | `sqlTrigger` | | `Vec<SqlChange<T>>` ([`SqlChange`]) |
//! | `cosmosDBTrigger` | | `Vec<Json<T>>` or `Json<Vec<T>>` (the changed documents) |

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::error::PayloadError;
use crate::invocation::{FromInvocation, Invocation, InvocationFailure};
use crate::metadata::Binding;
use crate::payload::{BatchItem, DecodedValue, FromBindingValue, decode_value};

/// The trigger metadata decoded into `T` (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata<T>(pub T);

/// Decodes every entry of a `Metadata` object by the host's rules.
pub fn decode_metadata(raw: &Map<String, Value>) -> Map<String, Value> {
    raw.iter()
        .map(|(key, value)| {
            let decoded = match decode_value(value) {
                DecodedValue::Text(t) | DecodedValue::Raw(t) => Value::String(t),
                DecodedValue::Json(j) => j,
                DecodedValue::Null => Value::Null,
            };
            (key.clone(), decoded)
        })
        .collect()
}

impl<T: DeserializeOwned> FromInvocation for Metadata<T> {
    fn from_invocation(invocation: &Invocation, _: &str) -> Result<Self, InvocationFailure> {
        let decoded = decode_metadata(invocation.context().raw_metadata());
        serde_json::from_value(Value::Object(decoded))
            .map(Metadata)
            .map_err(|e| {
                PayloadError::Metadata {
                    expected: std::any::type_name::<T>(),
                    reason: e.to_string(),
                }
                .into()
            })
    }
}

/// A point in time the host sent either as a `DateTimeOffset` (`2024-10-31T21:32:17+00:00`) or
/// as a zone-less `DateTime` (`2019-10-01T00:00:00`, taken as UTC, which is what the host's
/// `DateTime` values are).
fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_timestamp(&text).map_err(serde::de::Error::custom)
}

fn optional_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OffsetDateTime>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_timestamp(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn parse_timestamp(text: &str) -> Result<OffsetDateTime, String> {
    let zone_less = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .or_else(|_| time::PrimitiveDateTime::parse(text, zone_less).map(|t| t.assume_utc()))
        .map_err(|e| format!("{text:?} is not a timestamp: {e}"))
}

/// Writes a point in time as RFC 3339 (`2024-10-31T21:32:17Z`), the form [`parse_timestamp`]
/// reads back.
fn serialize_timestamp<S: serde::Serializer>(
    time: &OffsetDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let text = time.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

fn serialize_optional_timestamp<S: serde::Serializer>(
    time: &Option<OffsetDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serialize_timestamp(time, serializer),
        None => serializer.serialize_none(),
    }
}

/// Metadata of a Storage queue message (`queueTrigger`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct QueueMetadata {
    /// How many times this message has been dequeued, this time included.
    pub dequeue_count: u32,
    /// The message id.
    pub id: String,
    /// The receipt that deletes or updates this dequeue of the message.
    pub pop_receipt: String,
    /// When the message was put on the queue.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub insertion_time: Option<OffsetDateTime>,
    /// When the message expires.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub expiration_time: Option<OffsetDateTime>,
    /// When the message becomes visible again if not deleted.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub next_visible_time: Option<OffsetDateTime>,
}

/// Metadata of a new or updated blob (`blobTrigger`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct BlobMetadata {
    /// The blob name, as matched by the trigger's `path` (`{name}`).
    #[serde(default)]
    pub name: Option<String>,
    /// The blob's URI.
    #[serde(rename = "Uri")]
    pub uri: String,
    /// The blob's system properties.
    #[serde(rename = "Properties", default)]
    pub properties: BlobProperties,
    /// The blob's user metadata.
    #[serde(rename = "Metadata", default)]
    pub metadata: HashMap<String, String>,
}

/// System properties of a blob. Which fields are present depends on the storage extension.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct BlobProperties {
    /// Size in bytes.
    pub length: Option<u64>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Base64 MD5 of the content.
    #[serde(rename = "ContentMD5")]
    pub content_md5: Option<String>,
    /// Entity tag.
    #[serde(rename = "ETag")]
    pub etag: Option<String>,
    /// Creation time.
    #[serde(deserialize_with = "optional_timestamp")]
    pub created: Option<OffsetDateTime>,
    /// Last modification time.
    #[serde(deserialize_with = "optional_timestamp")]
    pub last_modified: Option<OffsetDateTime>,
    /// Content encoding.
    pub content_encoding: Option<String>,
}

/// A timer trigger's value (`timerTrigger`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TimerInfo {
    /// True when this run is late (the app was down at the scheduled time).
    pub is_past_due: bool,
    /// When the schedule monitor is on: the last and next runs.
    #[serde(default)]
    pub schedule_status: Option<ScheduleStatus>,
}

/// The schedule monitor's view of a timer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleStatus {
    /// The previous scheduled run.
    #[serde(deserialize_with = "timestamp", serialize_with = "serialize_timestamp")]
    pub last: OffsetDateTime,
    /// The next scheduled run.
    #[serde(deserialize_with = "timestamp", serialize_with = "serialize_timestamp")]
    pub next: OffsetDateTime,
    /// When the monitor last updated this status.
    #[serde(deserialize_with = "timestamp", serialize_with = "serialize_timestamp")]
    pub last_updated: OffsetDateTime,
}

impl FromBindingValue for TimerInfo {
    const EXPECTED: &'static str = "a timer (`TimerInfo`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let json = Value::from_binding_value(binding, value)?;
        serde_json::from_value(json).map_err(|e| e.to_string())
    }
}

/// Metadata of a Service Bus message (`serviceBusTrigger`), the commonly used fields.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceBusMetadata {
    /// The message id.
    pub message_id: String,
    /// How many times delivery was attempted.
    #[serde(default)]
    pub delivery_count: Option<u32>,
    /// When the message was enqueued.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub enqueued_time_utc: Option<OffsetDateTime>,
    /// The message's content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The correlation id.
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// The session id, for sessions.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Application properties.
    #[serde(default)]
    pub application_properties: HashMap<String, Value>,
}

/// Metadata of an Event Hubs (or IoT Hub) event (`eventHubTrigger`, one event per
/// invocation). Batches (`cardinality = "many"`) carry `...Array` fields instead: read those with
/// a struct of your own through [`Metadata`].
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct EventHubMetadata {
    /// When the event was enqueued.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub enqueued_time_utc: Option<OffsetDateTime>,
    /// The event's sequence number in its partition.
    #[serde(default)]
    pub sequence_number: Option<i64>,
    /// The event's offset in its partition (a string in recent extensions).
    #[serde(default)]
    pub offset: Option<Value>,
    /// The partition key the sender chose, if any.
    #[serde(default)]
    pub partition_key: Option<String>,
    /// Consumer group, event hub name and partition id.
    #[serde(default)]
    pub partition_context: Option<Value>,
    /// Application properties.
    #[serde(default)]
    pub properties: HashMap<String, Value>,
    /// System properties (`x-opt-...`; for IoT Hub, `iothub-connection-device-id` and more).
    #[serde(default)]
    pub system_properties: HashMap<String, Value>,
}

/// An Event Grid event (`eventGridTrigger`), in the Event Grid schema or the CloudEvents
/// schema (`source`, `type`, `time` are read as `topic`, `event_type`, `event_time`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct EventGridEvent {
    /// The event id.
    pub id: String,
    /// The publisher's resource path (CloudEvents: `source`).
    #[serde(default, alias = "source")]
    pub topic: Option<String>,
    /// What the event is about, publisher-defined.
    #[serde(default)]
    pub subject: Option<String>,
    /// The event type, e.g. `Microsoft.Storage.BlobCreated` (CloudEvents: `type`).
    #[serde(rename = "eventType", alias = "type")]
    pub event_type: String,
    /// When the event happened (CloudEvents: `time`).
    #[serde(
        rename = "eventTime",
        alias = "time",
        default,
        deserialize_with = "optional_timestamp",
        serialize_with = "serialize_optional_timestamp"
    )]
    pub event_time: Option<OffsetDateTime>,
    /// The event payload.
    #[serde(default)]
    pub data: Value,
    /// The schema version of `data`.
    #[serde(rename = "dataVersion", default)]
    pub data_version: Option<String>,
}

impl FromBindingValue for EventGridEvent {
    const EXPECTED: &'static str = "an Event Grid event (`EventGridEvent`)";

    fn from_binding_value(binding: &Binding, value: Option<&Value>) -> Result<Self, String> {
        let json = Value::from_binding_value(binding, value)?;
        serde_json::from_value(json).map_err(|e| e.to_string())
    }
}

/// Reads a field the extension may send as `null` (a .NET reference left unset) as its default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A .NET `byte[]` inside a serialized object: Newtonsoft writes it as a base64 string.
fn optional_base64<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<u8>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => BASE64
            .decode(text.as_bytes())
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("{text:?} is not base64: {e}"))),
    }
}

/// Several points in time (a serialized .NET `DateTime[]`), each read as by [`timestamp`].
fn timestamps<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<OffsetDateTime>, D::Error> {
    Vec::<String>::deserialize(deserializer)?
        .iter()
        .map(|text| parse_timestamp(text).map_err(serde::de::Error::custom))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Kafka (extension `Microsoft.Azure.WebJobs.Extensions.Kafka`, repository
// Azure/azure-functions-kafka-extension: binding data built by `GetBindingData` in
// `src/Microsoft.Azure.WebJobs.Extensions.Kafka/Trigger/KafkaTriggerBindingStrategy.cs`, record
// fields in `IKafkaEventData.cs` and `KafkaEventData.cs`, headers in `IKafkaEventDataHeader.cs`,
// key types in `Config/KafkaMessageKeyType.cs`).

/// Metadata of one Kafka record (`kafkaTrigger` with the default `cardinality = "one"`).
///
/// `K` is the record key's type: text by default (the trigger's `keyDataType` defaults to
/// `String`); use `KafkaMetadata<i32>` or `KafkaMetadata<i64>` for `Int` or `Long` keys, and a
/// `Deserialize` struct or `serde_json::Value` for Avro keys (the extension sends an Avro record
/// as an object of its fields). A `Binary` key arrives as its base64 text; read it as `String`
/// and decode it. A key that holds a whole number or `true`/`false` where `K` wants text is read
/// as that text, so an `Int` key read as `String` gives `"42"`.
///
/// For batches (`cardinality = "many"`) take [`KafkaBatchMetadata`] instead: the extension then
/// sends the `...Array` fields, one entry per record.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", bound(deserialize = "K: DeserializeOwned"))]
pub struct KafkaMetadata<K = String> {
    /// The record key; `None` when the record has none (the host leaves null entries out).
    #[serde(default, deserialize_with = "kafka_key")]
    pub key: Option<K>,
    /// The partition the record was read from.
    pub partition: i32,
    /// The record's offset in its partition.
    pub offset: i64,
    /// The record's timestamp (the extension hands over its UTC time; the host cuts it to whole
    /// seconds).
    #[serde(deserialize_with = "timestamp", serialize_with = "serialize_timestamp")]
    pub timestamp: OffsetDateTime,
    /// The topic the record was read from.
    pub topic: String,
    /// The record's headers, in order (a key may repeat); empty when there are none (and with
    /// extensions before 3.5.0, which do not send them).
    #[serde(default, deserialize_with = "null_as_default")]
    pub headers: Vec<KafkaHeader>,
    /// The offset's leader epoch, when the broker reports one (sent only by recent extensions:
    /// added in March 2026, after release 4.3.2's branch; `None` from older ones).
    #[serde(default)]
    pub leader_epoch: Option<i32>,
    /// True when this is an end-of-partition notice rather than a record (sent by the same
    /// newer extension versions as `leader_epoch`; false when absent).
    #[serde(rename = "IsPartitionEOF", default)]
    pub is_partition_eof: bool,
}

impl<K> KafkaMetadata<K> {
    /// The value of the first header named `key`, if there is one and it has a value.
    pub fn header(&self, key: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .and_then(|h| h.value.as_deref())
    }
}

/// One Kafka record header (`IKafkaEventDataHeader`: a name and bytes).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct KafkaHeader {
    /// The header name.
    pub key: String,
    /// The header value's bytes (sent base64-encoded); `None` for a header without a value.
    #[serde(default, deserialize_with = "optional_base64")]
    pub value: Option<Vec<u8>>,
}

impl KafkaHeader {
    /// The value as UTF-8 text, if it has a value and the value is UTF-8.
    pub fn value_str(&self) -> Option<&str> {
        std::str::from_utf8(self.value.as_deref()?).ok()
    }
}

/// Metadata of a batch of Kafka records (`kafkaTrigger` with `cardinality = "many"`), one
/// [`KafkaMetadata`] per record, in the order of the trigger's array of records.
///
/// The extension sends parallel arrays (`KeyArray`, `PartitionArray`, `OffsetArray`,
/// `TimestampArray`, `TopicArray`, `HeadersArray`, `LeaderEpochArray`, `IsPartitionEOFArray`);
/// they are zipped into records here, and arrays of different lengths are an error. `K` is the
/// key type, as for [`KafkaMetadata`].
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(
    try_from = "KafkaBatchArrays<K>",
    bound(deserialize = "K: DeserializeOwned")
)]
pub struct KafkaBatchMetadata<K = String> {
    /// The metadata of each record of the batch.
    pub records: Vec<KafkaMetadata<K>>,
}

/// The binding data of a Kafka batch as the extension sends it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", bound(deserialize = "K: DeserializeOwned"))]
struct KafkaBatchArrays<K> {
    #[serde(default, deserialize_with = "kafka_keys")]
    key_array: Option<Vec<Option<K>>>,
    partition_array: Vec<i32>,
    offset_array: Vec<i64>,
    #[serde(deserialize_with = "timestamps")]
    timestamp_array: Vec<OffsetDateTime>,
    topic_array: Vec<String>,
    #[serde(default)]
    headers_array: Option<Vec<Option<Vec<KafkaHeader>>>>,
    #[serde(default)]
    leader_epoch_array: Option<Vec<Option<i32>>>,
    #[serde(rename = "IsPartitionEOFArray", default)]
    is_partition_eof_array: Option<Vec<bool>>,
}

impl<K> TryFrom<KafkaBatchArrays<K>> for KafkaBatchMetadata<K> {
    type Error = String;

    fn try_from(arrays: KafkaBatchArrays<K>) -> Result<Self, String> {
        let len = arrays.partition_array.len();
        let lengths = [
            ("KeyArray", arrays.key_array.as_ref().map(Vec::len)),
            ("OffsetArray", Some(arrays.offset_array.len())),
            ("TimestampArray", Some(arrays.timestamp_array.len())),
            ("TopicArray", Some(arrays.topic_array.len())),
            ("HeadersArray", arrays.headers_array.as_ref().map(Vec::len)),
            (
                "LeaderEpochArray",
                arrays.leader_epoch_array.as_ref().map(Vec::len),
            ),
            (
                "IsPartitionEOFArray",
                arrays.is_partition_eof_array.as_ref().map(Vec::len),
            ),
        ];
        for (name, other) in lengths {
            if let Some(other) = other.filter(|&other| other != len) {
                return Err(format!(
                    "`{name}` has length {other} but `PartitionArray` has length {len}; \
                     the arrays of a batch describe the same records"
                ));
            }
        }
        let mut keys = arrays.key_array.map(Vec::into_iter);
        let mut headers = arrays.headers_array.map(Vec::into_iter);
        let mut epochs = arrays.leader_epoch_array.map(Vec::into_iter);
        let mut eofs = arrays.is_partition_eof_array.map(Vec::into_iter);
        let records = arrays
            .partition_array
            .into_iter()
            .zip(arrays.offset_array)
            .zip(arrays.timestamp_array)
            .zip(arrays.topic_array)
            .map(|(((partition, offset), timestamp), topic)| KafkaMetadata {
                key: keys.as_mut().and_then(Iterator::next).flatten(),
                partition,
                offset,
                timestamp,
                topic,
                headers: headers
                    .as_mut()
                    .and_then(Iterator::next)
                    .flatten()
                    .unwrap_or_default(),
                leader_epoch: epochs.as_mut().and_then(Iterator::next).flatten(),
                is_partition_eof: eofs.as_mut().and_then(Iterator::next).unwrap_or_default(),
            })
            .collect();
        Ok(Self { records })
    }
}

fn kafka_key<'de, D, K>(deserializer: D) -> Result<Option<K>, D::Error>
where
    D: Deserializer<'de>,
    K: DeserializeOwned,
{
    key_from_value(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

fn kafka_keys<'de, D, K>(deserializer: D) -> Result<Option<Vec<Option<K>>>, D::Error>
where
    D: Deserializer<'de>,
    K: DeserializeOwned,
{
    let Some(keys) = Option::<Vec<Value>>::deserialize(deserializer)? else {
        return Ok(None);
    };
    keys.into_iter()
        .map(key_from_value)
        .collect::<Result<_, _>>()
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// A record key as `K`. The host's encoding cannot tell the base64 text of a binary key such
/// as `1234` from the number 1234, and an `Int` key may be read as text: where `K` refuses a
/// whole number or a boolean, its text is tried.
fn key_from_value<K: DeserializeOwned>(value: Value) -> Result<Option<K>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let refused = match K::deserialize(&value) {
        Ok(key) => return Ok(Some(key)),
        Err(e) => e,
    };
    let text = match &value {
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return Err(format!("the key: {refused}")),
    };
    K::deserialize(Value::String(text))
        .map(Some)
        .map_err(|_| format!("the key: {refused}"))
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ (extension `Microsoft.Azure.WebJobs.Extensions.RabbitMQ`, repository
// Azure/azure-functions-rabbitmq-extension: binding data built by `CreateBindingData` in
// `extension/WebJobs.Extensions.RabbitMQ/Trigger/RabbitMQTriggerBinding.cs`; the properties are
// RabbitMQ.Client 6's `IBasicProperties`, repository rabbitmq/rabbitmq-dotnet-client at v6.4.0,
// `projects/RabbitMQ.Client/client/impl/BasicProperties.cs` and `client/api/AmqpTimestamp.cs`).

/// Metadata of a RabbitMQ message (`rabbitMQTrigger`). The message body is the trigger value.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RabbitMqMetadata {
    /// The tag of the extension's consumer.
    pub consumer_tag: String,
    /// The delivery tag, unique per channel.
    pub delivery_tag: u64,
    /// True when the broker delivered this message before and it was not acknowledged.
    pub redelivered: bool,
    /// The exchange the message was published to (empty for the default exchange).
    pub exchange: String,
    /// The routing key the message was published with.
    pub routing_key: String,
    /// The message's AMQP properties.
    #[serde(default, deserialize_with = "null_as_default")]
    pub basic_properties: RabbitMqBasicProperties,
}

/// The AMQP properties of a RabbitMQ message (`IBasicProperties`).
///
/// The extension sends every property, set or not: unset text properties are `None`, and an
/// unset delivery mode or timestamp (sent as 0) is `None` too. An unset priority is sent as 0,
/// like a priority of 0, so the two cannot be told apart.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RabbitMqBasicProperties {
    /// MIME type of the body.
    pub content_type: Option<String>,
    /// Encoding of the body (e.g. `gzip`).
    pub content_encoding: Option<String>,
    /// Application headers. Text values arrive as base64 (the .NET client hands them over as
    /// bytes): read them with [`header_text`](Self::header_text).
    #[serde(deserialize_with = "null_as_default")]
    pub headers: HashMap<String, Value>,
    /// 1 for a transient message, 2 for a persistent one.
    #[serde(deserialize_with = "nonzero_u8")]
    pub delivery_mode: Option<u8>,
    /// Priority, 0 to 9 (see the type's documentation for 0).
    pub priority: Option<u8>,
    /// Correlation id, for request/reply.
    pub correlation_id: Option<String>,
    /// Where replies go (usually a queue name).
    pub reply_to: Option<String>,
    /// Per-message time to live, in milliseconds, as text.
    pub expiration: Option<String>,
    /// The message id.
    pub message_id: Option<String>,
    /// When the message was published (whole seconds).
    #[serde(deserialize_with = "amqp_timestamp")]
    pub timestamp: Option<OffsetDateTime>,
    /// The application's name for the kind of message (AMQP `type`).
    #[serde(rename = "Type")]
    pub message_type: Option<String>,
    /// The publisher's user id, as checked by the broker.
    pub user_id: Option<String>,
    /// The publishing application's id.
    pub app_id: Option<String>,
    /// Cluster id (deprecated in AMQP 0-9-1).
    pub cluster_id: Option<String>,
}

impl RabbitMqBasicProperties {
    /// True for a persistent message (`delivery_mode` 2).
    pub fn is_persistent(&self) -> bool {
        self.delivery_mode == Some(2)
    }

    /// A text header's value: the base64 the extension sends, decoded as UTF-8. `None` if the
    /// header is absent, not text, or not UTF-8.
    pub fn header_text(&self, name: &str) -> Option<String> {
        let Some(Value::String(encoded)) = self.headers.get(name) else {
            return None;
        };
        let bytes = BASE64.decode(encoded.as_bytes()).ok()?;
        String::from_utf8(bytes).ok()
    }
}

fn nonzero_u8<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    Ok(Option::<u8>::deserialize(deserializer)?.filter(|&n| n != 0))
}

/// An `AmqpTimestamp`, `{"UnixTime": seconds}`; 0 (or null) means none.
fn amqp_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OffsetDateTime>, D::Error> {
    #[derive(Deserialize)]
    struct AmqpTimestamp {
        #[serde(rename = "UnixTime")]
        unix_time: i64,
    }
    match Option::<AmqpTimestamp>::deserialize(deserializer)? {
        None | Some(AmqpTimestamp { unix_time: 0 }) => Ok(None),
        Some(AmqpTimestamp { unix_time }) => OffsetDateTime::from_unix_timestamp(unix_time)
            .map(Some)
            .ok()
            .ok_or_else(|| serde::de::Error::custom(format!("{unix_time} is out of range"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Azure SQL (extension `Microsoft.Azure.WebJobs.Extensions.Sql`, repository
// Azure/azure-functions-sql-extension: `src/TriggerBinding/SqlChange.cs`; non-.NET functions get
// the changes serialized by `SqlTriggerValueProvider.cs` with `Utils.JsonSerializeObject`, so
// member names are PascalCase and the operation is its number).

/// One changed row of an Azure SQL table (`sqlTrigger`): take the trigger value as
/// `Vec<SqlChange<T>>`, `T` being the row (`serde_json::Value` works too).
///
/// For a delete, `item` holds only the primary key columns: give `T` `Option` (or
/// `#[serde(default)]`) fields for the others, or read deletes with `SqlChange<Value>`.
///
/// Not for `mysqlTrigger`: the MySQL extension numbers its operations differently (its 0 is
/// an update).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct SqlChange<T> {
    /// What happened to the row.
    pub operation: SqlChangeOperation,
    /// The row's columns after the change (for a delete, its primary key).
    pub item: T,
}

/// The kind of change (`SqlChangeOperation`), sent as a number: 0, 1 or 2. The names
/// (`"Insert"`, `"Update"`, `"Delete"`, any case) are read too, and it serializes back as the
/// number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlChangeOperation {
    /// A row was inserted (0).
    Insert,
    /// A row was updated (1).
    Update,
    /// A row was deleted (2).
    Delete,
}

impl SqlChangeOperation {
    /// The extension's number for the operation.
    pub fn code(self) -> u8 {
        match self {
            Self::Insert => 0,
            Self::Update => 1,
            Self::Delete => 2,
        }
    }
}

impl Serialize for SqlChangeOperation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for SqlChangeOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Operation;
        impl serde::de::Visitor<'_> for Operation {
            type Value = SqlChangeOperation;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a SQL change operation: 0 (Insert), 1 (Update) or 2 (Delete)")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
                match n {
                    0 => Ok(SqlChangeOperation::Insert),
                    1 => Ok(SqlChangeOperation::Update),
                    2 => Ok(SqlChangeOperation::Delete),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(n), &self)),
                }
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(n), &self)),
                }
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Self::Value, E> {
                [
                    SqlChangeOperation::Insert,
                    SqlChangeOperation::Update,
                    SqlChangeOperation::Delete,
                ]
                .into_iter()
                .find(|op| format!("{op:?}").eq_ignore_ascii_case(name))
                .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(name), &self))
            }
        }
        deserializer.deserialize_any(Operation)
    }
}

/// An element of the trigger's array of changes (see [`SqlChange`]).
impl<T: DeserializeOwned> BatchItem for SqlChange<T> {
    fn from_batch_element(element: Value) -> Result<Self, String> {
        serde_json::from_value(element).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(json: &str) -> Map<String, Value> {
        decode_metadata(&serde_json::from_str(json).unwrap())
    }

    fn decode<T: DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_value(Value::Object(meta(json))).map_err(|e| e.to_string())
    }

    /// A single Kafka record's binding data as the host sends it: scalars and strings as JSON
    /// text, the `DateTime` cut to seconds without a zone, the headers array as JSON text.
    const KAFKA_ONE: &str = r#"{"Key":"\"user-7\"","Partition":"3","Topic":"\"clicks\"",
        "Timestamp":"2024-10-24T21:32:17","Offset":"42",
        "Headers":"[{\"Key\":\"trace\",\"Value\":\"YWJj\"},{\"Key\":\"empty\",\"Value\":null},{\"Key\":\"trace\",\"Value\":\"eHl6\"}]",
        "LeaderEpoch":"5","IsPartitionEOF":"false",
        "sys":{"MethodName":"on_click","UtcNow":"2024-10-24T21:32:18.1974545Z","RandGuid":"d9ba2785-ee1a-4260-a83b-f57cb54b969e"}}"#;

    #[test]
    fn kafka_metadata_of_one_record() {
        let m: KafkaMetadata = decode(KAFKA_ONE).unwrap();
        assert_eq!(m.key.as_deref(), Some("user-7"));
        assert_eq!((m.partition, m.offset), (3, 42));
        assert_eq!(m.topic, "clicks");
        assert_eq!(
            m.timestamp.format(&Rfc3339).unwrap(),
            "2024-10-24T21:32:17Z"
        );
        assert_eq!(m.headers.len(), 3);
        assert_eq!(m.headers[0].value_str(), Some("abc"));
        assert_eq!(m.headers[1].value, None);
        assert_eq!(m.header("trace"), Some(&b"abc"[..]));
        assert_eq!(m.header("empty"), None);
        assert_eq!(m.header("absent"), None);
        assert_eq!(m.leader_epoch, Some(5));
        assert!(!m.is_partition_eof);
    }

    #[test]
    fn kafka_metadata_without_the_optional_fields() {
        // A null key and leader epoch are left out by the host; older extensions send no
        // `LeaderEpoch`, `IsPartitionEOF` or (before 3.5.0) `Headers`.
        let m: KafkaMetadata = decode(
            r#"{"Partition":"0","Topic":"\"t\"","Timestamp":"2024-10-24T21:32:17","Offset":"0","Headers":"[]"}"#,
        )
        .unwrap();
        assert_eq!(m.key, None);
        assert!(m.headers.is_empty());
        assert_eq!((m.leader_epoch, m.is_partition_eof), (None, false));
        let m: KafkaMetadata = decode(
            r#"{"Partition":"0","Topic":"\"t\"","Timestamp":"2024-10-24T21:32:17","Offset":"0"}"#,
        )
        .unwrap();
        assert!(m.headers.is_empty());
    }

    #[test]
    fn kafka_keys_of_other_types() {
        let base =
            r#""Partition":"0","Topic":"\"t\"","Timestamp":"2024-10-24T21:32:17","Offset":"0""#;
        // `keyDataType: Long`: the host sends the number's JSON text.
        let long = format!(r#"{{"Key":"9007199254740993",{base}}}"#);
        assert_eq!(
            decode::<KafkaMetadata<i64>>(&long).unwrap().key,
            Some(9_007_199_254_740_993)
        );
        assert_eq!(
            decode::<KafkaMetadata>(&long).unwrap().key.as_deref(),
            Some("9007199254740993")
        );
        // `keyDataType: Binary`: a byte[] is sent as bare base64, which may look like JSON.
        for base64 in ["AAEC", "1234"] {
            let binary = format!(r#"{{"Key":"{base64}",{base}}}"#);
            assert_eq!(
                decode::<KafkaMetadata>(&binary).unwrap().key.as_deref(),
                Some(base64)
            );
        }
        // An Avro key is an object of its fields.
        #[derive(Debug, Deserialize, PartialEq)]
        struct UserKey {
            id: u32,
        }
        let avro = format!(r#"{{"Key":{{"id":7}},{base}}}"#);
        assert_eq!(
            decode::<KafkaMetadata<UserKey>>(&avro).unwrap().key,
            Some(UserKey { id: 7 })
        );
        let e =
            decode::<KafkaMetadata<i64>>(&format!(r#"{{"Key":"\"abc\"",{base}}}"#)).unwrap_err();
        assert!(e.contains("the key") && e.contains("abc"), "{e}");
    }

    #[test]
    fn malformed_kafka_metadata_is_explained() {
        let e = decode::<KafkaMetadata>(&KAFKA_ONE.replace("2024-10-24T21:32:17", "yesterday"))
            .unwrap_err();
        assert!(e.contains("\"yesterday\" is not a timestamp"), "{e}");
        let e = decode::<KafkaMetadata>(&KAFKA_ONE.replace("YWJj", "not base64!")).unwrap_err();
        assert!(e.contains("\"not base64!\" is not base64"), "{e}");
        let e = decode::<KafkaMetadata>(&KAFKA_ONE.replace(r#""Partition":"3","#, "")).unwrap_err();
        assert!(e.contains("missing field `Partition`"), "{e}");
    }

    /// A batch's binding data: each `...Array` is a .NET array, sent as JSON text; inside it
    /// `DateTime`s keep their fraction and zone, strings are plain JSON strings.
    const KAFKA_MANY: &str = r#"{"KeyArray":"[\"a\",null]","PartitionArray":"[0,1]","OffsetArray":"[10,11]",
        "TimestampArray":"[\"2024-10-24T21:32:17.123Z\",\"2024-10-24T21:32:18Z\"]",
        "TopicArray":"[\"t\",\"u\"]","HeadersArray":"[[],[{\"Key\":\"h\",\"Value\":\"eA==\"}]]",
        "LeaderEpochArray":"[null,2]","IsPartitionEOFArray":"[false,false]"}"#;

    #[test]
    fn kafka_batch_metadata_is_one_entry_per_record() {
        let batch: KafkaBatchMetadata = decode(KAFKA_MANY).unwrap();
        let [first, second] = &batch.records[..] else {
            panic!("{batch:?}")
        };
        assert_eq!(first.key.as_deref(), Some("a"));
        assert_eq!(second.key, None);
        assert_eq!((first.partition, second.offset), (0, 11));
        assert_eq!(
            first.timestamp.format(&Rfc3339).unwrap(),
            "2024-10-24T21:32:17.123Z"
        );
        assert_eq!((first.topic.as_str(), second.topic.as_str()), ("t", "u"));
        assert!(first.headers.is_empty());
        assert_eq!(second.header("h"), Some(&b"x"[..]));
        assert_eq!((first.leader_epoch, second.leader_epoch), (None, Some(2)));
        // Only the partition, offset, timestamp and topic arrays are required (extensions
        // before 3.5.0 send no `HeadersArray`).
        let batch: KafkaBatchMetadata = decode(
            r#"{"PartitionArray":"[0]","OffsetArray":"[1]","TimestampArray":"[\"2024-10-24T21:32:17Z\"]","TopicArray":"[\"t\"]"}"#,
        )
        .unwrap();
        assert_eq!(batch.records[0].key, None);
        assert!(batch.records[0].headers.is_empty());
    }

    #[test]
    fn kafka_batch_arrays_of_different_lengths_are_an_error() {
        let e = decode::<KafkaBatchMetadata>(
            &KAFKA_MANY.replace(r#""OffsetArray":"[10,11]""#, r#""OffsetArray":"[10]""#),
        )
        .unwrap_err();
        assert!(
            e.contains("`OffsetArray` has length 1 but `PartitionArray` has length 2"),
            "{e}"
        );
        let e = decode::<KafkaBatchMetadata>(&KAFKA_MANY.replace("[null,2]", "[2]")).unwrap_err();
        assert!(e.contains("`LeaderEpochArray` has length 1"), "{e}");
        // A single record's metadata is not a batch's.
        let e = decode::<KafkaBatchMetadata>(KAFKA_ONE).unwrap_err();
        assert!(e.contains("missing field `PartitionArray`"), "{e}");
    }

    /// A RabbitMQ message's binding data: `BasicProperties` is an object, so the host sends it as
    /// one, with every property of RabbitMQ.Client's class, set or not.
    const RABBITMQ: &str = r#"{"ConsumerTag":"\"amq.ctag-Xy\"","DeliveryTag":"7","Redelivered":"true",
        "Exchange":"\"\"","RoutingKey":"\"jobs\"",
        "BasicProperties":{"AppId":"billing","ClusterId":null,"ContentEncoding":null,
            "ContentType":"application/json","CorrelationId":"c-1","DeliveryMode":2,"Expiration":"60000",
            "Headers":{"tenant":"Y29udG9zbw==","attempt":3},"MessageId":"m-1","Persistent":true,"Priority":5,
            "ReplyTo":"replies","ReplyToAddress":null,"Timestamp":{"UnixTime":1729805537},"Type":"invoice",
            "UserId":"guest","ProtocolClassId":60,"ProtocolClassName":"basic"}}"#;

    #[test]
    fn rabbitmq_metadata_and_properties() {
        let m: RabbitMqMetadata = decode(RABBITMQ).unwrap();
        assert_eq!(m.consumer_tag, "amq.ctag-Xy");
        assert_eq!((m.delivery_tag, m.redelivered), (7, true));
        assert_eq!((m.exchange.as_str(), m.routing_key.as_str()), ("", "jobs"));
        let p = &m.basic_properties;
        assert_eq!(p.content_type.as_deref(), Some("application/json"));
        assert_eq!(p.content_encoding, None);
        assert_eq!(p.delivery_mode, Some(2));
        assert!(p.is_persistent());
        assert_eq!(p.priority, Some(5));
        assert_eq!(p.correlation_id.as_deref(), Some("c-1"));
        assert_eq!(p.reply_to.as_deref(), Some("replies"));
        assert_eq!(p.expiration.as_deref(), Some("60000"));
        assert_eq!(p.message_id.as_deref(), Some("m-1"));
        assert_eq!(
            p.timestamp.unwrap().format(&Rfc3339).unwrap(),
            "2024-10-24T21:32:17Z"
        );
        assert_eq!(p.message_type.as_deref(), Some("invoice"));
        assert_eq!(p.user_id.as_deref(), Some("guest"));
        assert_eq!(p.app_id.as_deref(), Some("billing"));
        assert_eq!(p.cluster_id, None);
        assert_eq!(p.header_text("tenant").as_deref(), Some("contoso"));
        assert_eq!(p.headers["attempt"], 3);
        assert_eq!(p.header_text("attempt"), None);
        assert_eq!(p.header_text("absent"), None);
    }

    #[test]
    fn rabbitmq_properties_that_are_not_set() {
        // What the extension sends for a message published with no properties.
        let m: RabbitMqMetadata = decode(
            r#"{"ConsumerTag":"\"c\"","DeliveryTag":"1","Redelivered":"false","Exchange":"\"x\"","RoutingKey":"\"\"",
                "BasicProperties":{"AppId":null,"ContentType":null,"DeliveryMode":0,"Headers":null,"Priority":0,
                "Timestamp":{"UnixTime":0},"Type":null}}"#,
        )
        .unwrap();
        let p = &m.basic_properties;
        assert_eq!((p.delivery_mode, p.timestamp), (None, None));
        assert!(p.headers.is_empty());
        assert!(!p.is_persistent());
        assert_eq!(p.message_type, None);
        // No `BasicProperties` at all (a payload written by hand).
        let m: RabbitMqMetadata = decode(
            r#"{"ConsumerTag":"\"c\"","DeliveryTag":"1","Redelivered":"false","Exchange":"\"x\"","RoutingKey":"\"k\""}"#,
        )
        .unwrap();
        assert_eq!(m.basic_properties, RabbitMqBasicProperties::default());
    }

    #[test]
    fn malformed_rabbitmq_metadata_is_explained() {
        let e = decode::<RabbitMqMetadata>(
            &RABBITMQ.replace(r#""DeliveryTag":"7""#, r#""DeliveryTag":"\"seven\"""#),
        )
        .unwrap_err();
        assert!(e.contains("\"seven\"") && e.contains("u64"), "{e}");
        let e =
            decode::<RabbitMqMetadata>(&RABBITMQ.replace("1729805537", "\"soon\"")).unwrap_err();
        assert!(e.contains("\"soon\""), "{e}");
    }

    fn sql_binding() -> Binding {
        Binding {
            kind: "sqlTrigger".into(),
            direction: crate::metadata::Direction::In,
            name: "changes".into(),
            settings: Map::new(),
        }
    }

    /// The SQL trigger's value: the extension's JSON text of the changes, a .NET string, which
    /// the host JSON-encodes once more.
    fn sql_value(changes: &str) -> Value {
        Value::String(Value::String(changes.to_owned()).to_string())
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Product {
        #[serde(rename = "ProductId")]
        id: u32,
        #[serde(rename = "Name", default)]
        name: Option<String>,
    }

    #[test]
    fn sql_changes_are_a_typed_batch() {
        let changes = Vec::<SqlChange<Product>>::from_binding_value(
            &sql_binding(),
            Some(&sql_value(
                r#"[{"Operation":0,"Item":{"ProductId":1,"Name":"Pen","Cost":2}},
                    {"Operation":1,"Item":{"ProductId":1,"Name":"Red pen","Cost":3}},
                    {"Operation":2,"Item":{"ProductId":1}}]"#,
            )),
        )
        .unwrap();
        let operations: Vec<_> = changes.iter().map(|c| c.operation).collect();
        assert_eq!(
            operations,
            [
                SqlChangeOperation::Insert,
                SqlChangeOperation::Update,
                SqlChangeOperation::Delete
            ]
        );
        assert_eq!(changes[1].item.name.as_deref(), Some("Red pen"));
        assert_eq!(changes[2].item, Product { id: 1, name: None });
        // As the extension would write it back.
        assert_eq!(
            serde_json::to_value(&changes[2]).unwrap(),
            serde_json::json!({"Operation": 2, "Item": {"ProductId": 1, "Name": null}})
        );
        let empty =
            Vec::<SqlChange<Value>>::from_binding_value(&sql_binding(), Some(&sql_value("[]")));
        assert_eq!(empty.unwrap(), []);
    }

    #[test]
    fn sql_change_operations_by_name_and_unknown_ones() {
        let op: SqlChangeOperation = serde_json::from_str("\"delete\"").unwrap();
        assert_eq!((op, op.code()), (SqlChangeOperation::Delete, 2));
        let e = Vec::<SqlChange<Value>>::from_binding_value(
            &sql_binding(),
            Some(&sql_value(
                r#"[{"Operation":0,"Item":{}},{"Operation":3,"Item":{}}]"#,
            )),
        )
        .unwrap_err();
        assert!(e.starts_with("item 1: "), "{e}");
        assert!(e.contains("0 (Insert), 1 (Update) or 2 (Delete)"), "{e}");
        let e = Vec::<SqlChange<Value>>::from_binding_value(
            &sql_binding(),
            Some(&sql_value(r#"[{"Operation":"Upsert","Item":{}}]"#)),
        )
        .unwrap_err();
        assert!(e.contains("Upsert"), "{e}");
        let e = Vec::<SqlChange<Value>>::from_binding_value(
            &sql_binding(),
            Some(&sql_value(r#"[{"Item":{}}]"#)),
        )
        .unwrap_err();
        assert!(e.contains("missing field `Operation`"), "{e}");
    }

    #[test]
    fn queue_metadata_from_the_vector() {
        let m: QueueMetadata = serde_json::from_value(Value::Object(meta(
            r#"{"DequeueCount":"1","ExpirationTime":"2024-10-31T21:32:17+00:00","Id":"\"8c3f\"",
                "InsertionTime":"2024-10-24T21:32:17+00:00","NextVisibleTime":"2024-10-24T21:42:18+00:00",
                "PopReceipt":"\"AgAAAA==\"","sys":{"MethodName":"q"}}"#,
        )))
        .unwrap();
        assert_eq!(m.dequeue_count, 1);
        assert_eq!(m.id, "8c3f");
        assert_eq!(m.pop_receipt, "AgAAAA==");
        assert_eq!(
            m.insertion_time.unwrap().format(&Rfc3339).unwrap(),
            "2024-10-24T21:32:17Z"
        );
    }

    #[test]
    fn blob_metadata_from_the_vector() {
        let m: BlobMetadata = serde_json::from_value(Value::Object(meta(
            r#"{"Uri":"\"https://a/b/hello.txt\"","Properties":{"Length":16,"ContentType":"text/plain","Created":"2024-10-24T21:50:00+00:00"},
                "Metadata":{},"name":"\"hello.txt\""}"#,
        )))
        .unwrap();
        assert_eq!(m.name.as_deref(), Some("hello.txt"));
        assert_eq!(m.uri, "https://a/b/hello.txt");
        assert_eq!(m.properties.length, Some(16));
        assert!(m.properties.created.is_some());
    }

    #[test]
    fn event_hub_metadata_and_event_grid_events() {
        let m: EventHubMetadata = serde_json::from_value(Value::Object(meta(
            r#"{"PartitionContext":{"PartitionId":"0"},"Offset":"\"4294967296\"","SequenceNumber":"42",
                "EnqueuedTimeUtc":"2026-11-23T21:50:00","Properties":{},"SystemProperties":{"x-opt-sequence-number":42}}"#,
        )))
        .unwrap();
        assert_eq!(m.sequence_number, Some(42));
        assert_eq!(m.offset, Some(Value::from("4294967296")));
        assert!(m.enqueued_time_utc.is_some());
        let grid: EventGridEvent = serde_json::from_str(
            r#"{"id":"1","topic":"/t","subject":"/s","eventType":"Microsoft.Storage.BlobCreated","eventTime":"2026-11-23T21:50:00Z","data":{"api":"PutBlob"},"dataVersion":"1"}"#,
        )
        .unwrap();
        assert_eq!(grid.event_type, "Microsoft.Storage.BlobCreated");
        let cloud: EventGridEvent = serde_json::from_str(
            r#"{"id":"2","source":"/s","type":"Custom.Thing","time":"2026-11-23T21:50:00Z","data":{},"specversion":"1.0"}"#,
        )
        .unwrap();
        assert_eq!(
            (cloud.topic.as_deref(), cloud.event_type.as_str()),
            (Some("/s"), "Custom.Thing")
        );
    }

    #[test]
    fn a_timer_serializes_to_what_it_reads_back() {
        let timer: TimerInfo = serde_json::from_str(
            r#"{"ScheduleStatus":{"Last":"2024-10-24T21:00:00.1234567+00:00","Next":"2024-10-24T22:00:00","LastUpdated":"2024-10-24T23:00:00+02:00"},"IsPastDue":false}"#,
        )
        .unwrap();
        let written = serde_json::to_value(&timer).unwrap();
        assert_eq!(
            written["ScheduleStatus"]["Last"],
            "2024-10-24T21:00:00.1234567Z"
        );
        assert_eq!(
            written["ScheduleStatus"]["LastUpdated"],
            "2024-10-24T21:00:00Z"
        );
        let read_back: TimerInfo = serde_json::from_value(written).unwrap();
        assert_eq!(read_back, timer);
    }

    #[test]
    fn zone_less_timestamps_are_utc() {
        assert_eq!(
            parse_timestamp("2019-10-01T00:00:00")
                .unwrap()
                .format(&Rfc3339)
                .unwrap(),
            "2019-10-01T00:00:00Z"
        );
        assert!(parse_timestamp("yesterday").is_err());
    }

    #[test]
    fn timer_info_with_and_without_schedule_status() {
        let t: TimerInfo = serde_json::from_str(
            r#"{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}"#,
        )
        .unwrap();
        assert!(!t.is_past_due);
        let t: TimerInfo = serde_json::from_str(
            r#"{"ScheduleStatus":{"Last":"2024-10-24T21:00:00+00:00","Next":"2024-10-24T22:00:00+00:00","LastUpdated":"2024-10-24T21:00:00.0001+00:00"},"IsPastDue":true}"#,
        )
        .unwrap();
        assert!(t.schedule_status.is_some());
    }
}
