//! Typed trigger values and metadata, so a function never reads the host's encodings.
//!
//! Take the metadata of the trigger as a parameter, `Metadata(meta): Metadata<QueueMetadata>`,
//! and a timer's value as `TimerInfo`. Any `T: Deserialize` works with [`Metadata`]: every
//! entry is first decoded by the host's rules (§2.3: `"1"` is the number 1, `"\"abc\""` the
//! text `abc`), then deserialized.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::PayloadError;
use crate::invocation::{FromInvocation, Invocation, InvocationFailure};
use crate::metadata::Binding;
use crate::payload::{DecodedValue, FromBindingValue, decode_value};

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
                PayloadError::Input {
                    binding: "Metadata".to_owned(),
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
fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_timestamp(&text).map_err(serde::de::Error::custom)
}

fn optional_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_timestamp(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|e| format!("{text:?} is not a timestamp: {e}"))
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
    pub insertion_time: Option<DateTime<Utc>>,
    /// When the message expires.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub expiration_time: Option<DateTime<Utc>>,
    /// When the message becomes visible again if not deleted.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub next_visible_time: Option<DateTime<Utc>>,
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
    pub created: Option<DateTime<Utc>>,
    /// Last modification time.
    #[serde(deserialize_with = "optional_timestamp")]
    pub last_modified: Option<DateTime<Utc>>,
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
    #[serde(deserialize_with = "timestamp")]
    pub last: DateTime<Utc>,
    /// The next scheduled run.
    #[serde(deserialize_with = "timestamp")]
    pub next: DateTime<Utc>,
    /// When the monitor last updated this status.
    #[serde(deserialize_with = "timestamp")]
    pub last_updated: DateTime<Utc>,
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
    pub enqueued_time_utc: Option<DateTime<Utc>>,
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
    pub enqueued_time_utc: Option<DateTime<Utc>>,
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
        deserialize_with = "optional_timestamp"
    )]
    pub event_time: Option<DateTime<Utc>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(json: &str) -> Map<String, Value> {
        decode_metadata(&serde_json::from_str(json).unwrap())
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
            m.insertion_time.unwrap().to_rfc3339(),
            "2024-10-24T21:32:17+00:00"
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
    fn zone_less_timestamps_are_utc() {
        assert_eq!(
            parse_timestamp("2019-10-01T00:00:00").unwrap().to_rfc3339(),
            "2019-10-01T00:00:00+00:00"
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
