//! The invocation context: who is being invoked, and what the host said about it.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::metadata::FunctionRecord;
use crate::payload::{DecodedValue, decode_value, parse_metadata};

/// The header that carries the invocation id on every request from the host.
pub const INVOCATION_ID_HEADER: &str = "x-azure-functions-invocationid";

/// Facts about the current invocation. Take it as a parameter (`ctx: Context`) in any function;
/// in HTTP functions it is an axum extractor.
#[derive(Clone, Debug, Default)]
pub struct Context {
    inner: Arc<ContextInner>,
}

#[derive(Debug, Default)]
struct ContextInner {
    /// Shared with the invocation's log buffer rather than copied.
    invocation_id: Option<Arc<str>>,
    function_name: FunctionName,
    /// `Metadata` as sent, parsed on first use: most functions never look at it.
    raw_metadata: Option<bytes::Bytes>,
    metadata: OnceLock<Map<String, Value>>,
}

/// The function's name: borrowed from its registered record when there is one (no copy per
/// invocation).
#[derive(Debug)]
enum FunctionName {
    Record(Arc<FunctionRecord>),
    Text(String),
}

impl Default for FunctionName {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl Context {
    pub(crate) fn new(
        invocation_id: Option<String>,
        function_name: &str,
        metadata: Map<String, Value>,
    ) -> Self {
        Self {
            inner: Arc::new(ContextInner {
                invocation_id: invocation_id.map(Arc::from),
                function_name: FunctionName::Text(function_name.to_owned()),
                raw_metadata: None,
                metadata: OnceLock::from(metadata),
            }),
        }
    }

    /// A context for an invocation of `record` whose metadata is parsed only when asked for.
    pub(crate) fn with_raw_metadata(
        invocation_id: Option<Arc<str>>,
        record: Arc<FunctionRecord>,
        raw_metadata: Option<bytes::Bytes>,
    ) -> Self {
        Self {
            inner: Arc::new(ContextInner {
                invocation_id,
                function_name: FunctionName::Record(record),
                raw_metadata,
                metadata: OnceLock::new(),
            }),
        }
    }

    fn metadata(&self) -> &Map<String, Value> {
        self.inner
            .metadata
            .get_or_init(|| parse_metadata(self.inner.raw_metadata.as_deref()))
    }

    /// The host's invocation id (header `X-Azure-Functions-InvocationId`), the id its logs use.
    /// `None` only when something other than the host called the handler.
    pub fn invocation_id(&self) -> Option<&str> {
        self.inner.invocation_id.as_deref()
    }

    /// The Azure function name.
    pub fn function_name(&self) -> &str {
        match &self.inner.function_name {
            FunctionName::Record(record) => &record.name,
            FunctionName::Text(name) => name,
        }
    }

    /// The trigger metadata as the host sent it (`Metadata`), still encoded by §2.3 rules; see
    /// [`Context::metadata_value`] for a decoded entry.
    pub fn raw_metadata(&self) -> &Map<String, Value> {
        self.metadata()
    }

    /// One metadata entry, decoded (`DequeueCount` `"1"` becomes the number 1, `Id`
    /// `"\"abc\""` becomes the text `abc`).
    pub fn metadata_value(&self, key: &str) -> Option<Value> {
        let value = self.metadata().get(key)?;
        Some(match decode_value(value) {
            DecodedValue::Text(t) | DecodedValue::Raw(t) => Value::String(t),
            DecodedValue::Json(j) => j,
            DecodedValue::Null => Value::Null,
        })
    }

    /// The `sys` metadata: method name, UTC time and a random GUID chosen by the host.
    pub fn sys(&self) -> Option<SysMetadata> {
        serde_json::from_value(self.metadata().get("sys")?.clone()).ok()
    }

    /// The retry state, present only when a retry policy applies to this execution.
    pub fn retry_context(&self) -> Option<RetryContext> {
        serde_json::from_value(self.metadata().get("RetryContext")?.clone()).ok()
    }
}

/// `Metadata.sys`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct SysMetadata {
    /// The function name as the host knows it.
    pub method_name: String,
    /// The host's clock at invocation, ISO 8601 UTC.
    pub utc_now: String,
    /// A GUID the host generated for this invocation.
    pub rand_guid: String,
}

/// `Metadata.RetryContext`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RetryContext {
    /// How many times this execution has been retried so far.
    pub retry_count: u32,
    /// The policy's maximum (`-1` for unbounded).
    pub max_retry_count: i64,
    /// The previous attempt's exception, as the host serialized it.
    #[serde(default)]
    pub exception: Option<Value>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Context {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        if let Some(context) =
            crate::http_output::PayloadParts::with(|payload| payload.map(|p| p.context()))
        {
            return Ok(context);
        }
        let invocation_id = parts
            .headers
            .get(INVOCATION_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Context::new(invocation_id, "", Map::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_entries_are_decoded() {
        let meta: Map<String, Value> = serde_json::from_str(
            r#"{"DequeueCount":"1","Id":"\"abc\"","sys":{"MethodName":"q","UtcNow":"2024-10-24T21:32:18.1974545Z","RandGuid":"g"},
                "RetryContext":{"RetryCount":1,"MaxRetryCount":2,"Exception":null}}"#,
        )
        .unwrap();
        let ctx = Context::new(Some("id".into()), "q", meta);
        assert_eq!(ctx.metadata_value("DequeueCount"), Some(Value::from(1)));
        assert_eq!(ctx.metadata_value("Id"), Some(Value::from("abc")));
        assert_eq!(ctx.sys().unwrap().method_name, "q");
        assert_eq!(ctx.retry_context().unwrap().retry_count, 1);
        assert_eq!(ctx.invocation_id(), Some("id"));
    }
}
