//! HTTP functions in payload mode: outputs set inside the function, and the response turned
//! into the host's HTTP output object (§3.4).

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde_json::Map;
use tokio::task::futures::TaskLocalFuture;

use crate::context::Context;
use crate::error::{OutputError, PayloadError};
use crate::metadata::{Binding, FunctionRecord};
use crate::output::{OutParam, OutputValue};
use crate::payload::{FromBindingValue, InvocationRequest};
use crate::state::SharedState;

/// Where the `Out` parameters of an HTTP function go: the invocation's payload-mode parts, found
/// through the task-local they are in while the function runs, so HTTP functions keep plain
/// axum signatures. Outside payload mode (a forwarded or proxied request, whose function has no
/// outputs besides the response) values set are dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutputSink;

/// The values and errors of an invocation's `Out` parameters.
#[derive(Debug, Default)]
pub(crate) struct SinkState {
    values: Vec<(&'static str, OutputValue)>,
    errors: Vec<OutputError>,
}

impl SinkState {
    /// What was recorded: the values, or the first error.
    pub(crate) fn into_values(mut self) -> Result<Vec<(&'static str, OutputValue)>, OutputError> {
        if self.errors.is_empty() {
            Ok(self.values)
        } else {
            Err(self.errors.swap_remove(0))
        }
    }
}

/// Everything payload mode hands an HTTP function besides the request itself. It is in scope
/// (a task-local) while the runtime calls the function, and taken back afterwards: the call
/// happens inside the runtime's own invocation future, below any user layer, so the
/// extractors find it without a request extension, and nothing in it needs sharing (the
/// `Arc`s and boxes either would need showed in profiles).
#[derive(Debug)]
pub(crate) struct PayloadParts {
    pub(crate) outputs: RefCell<SinkState>,
    pub(crate) inputs: InputSource,
    pub(crate) state: SharedState,
    invocation_id: Option<Arc<str>>,
    raw_metadata: Option<Bytes>,
    /// Made on first use: most functions do not take a `Context`.
    context: OnceLock<Context>,
}

tokio::task_local! {
    static PAYLOAD_PARTS: PayloadParts;
}

impl PayloadParts {
    pub(crate) fn new(
        record: Arc<FunctionRecord>,
        mut payload: InvocationRequest,
        invocation_id: Option<Arc<str>>,
        state: SharedState,
    ) -> Self {
        Self {
            outputs: RefCell::default(),
            raw_metadata: payload.take_metadata(),
            inputs: InputSource { record, payload },
            state,
            invocation_id,
            context: OnceLock::new(),
        }
    }

    /// The invocation's context; every extraction in one invocation shares it.
    pub(crate) fn context(&self) -> Context {
        self.context
            .get_or_init(|| {
                Context::with_raw_metadata(
                    self.invocation_id.clone(),
                    self.inputs.record.clone(),
                    self.raw_metadata.clone(),
                )
            })
            .clone()
    }

    /// Runs `call` with these parts in scope; take them back with
    /// [`TaskLocalFuture::take_value`] once it is done. A plain function for the reason given
    /// at [`crate::logging::LogBuffer::scope`].
    pub(crate) fn scope<F: Future>(self, call: F) -> TaskLocalFuture<PayloadParts, F> {
        PAYLOAD_PARTS.scope(self, call)
    }

    /// Calls `f` with the payload-mode parts of the invocation being served, or `None` outside
    /// one (a forwarded or proxied request).
    pub(crate) fn with<R>(f: impl FnOnce(Option<&Self>) -> R) -> R {
        let mut f = Some(f);
        let take = |f: &mut Option<_>| f.take().expect("called once");
        match PAYLOAD_PARTS.try_with(|parts| take(&mut f)(Some(parts))) {
            Ok(result) => result,
            Err(_) => take(&mut f)(None),
        }
    }
}

impl OutputSink {
    /// The sink of this request.
    pub fn from_parts(_parts: &http::request::Parts) -> Self {
        Self
    }

    /// Records the value of an `Out` parameter.
    pub fn set<P: OutParam>(&self, name: &'static str, out: P) {
        PayloadParts::with(|payload| {
            let Some(payload) = payload else {
                return;
            };
            // Converted before the borrow: user `Serialize` code runs in `into_output`.
            let output = out.into_output();
            let mut outputs = payload.outputs.borrow_mut();
            match output {
                Ok(Some(value)) => outputs.values.push((name, value)),
                Ok(None) => {}
                Err(source) => outputs.errors.push(OutputError::Json {
                    binding: name.to_owned(),
                    source,
                }),
            }
        });
    }
}

/// The input bindings of an HTTP function in payload mode (`Data` besides the request), in the
/// invocation's payload-mode parts so generated code can read them next to axum extractors.
#[derive(Debug)]
pub struct InputSource {
    pub(crate) record: Arc<FunctionRecord>,
    pub(crate) payload: InvocationRequest,
}

impl InputSource {
    /// Reads the input binding `name` of this request as `T`. Without a payload (a forwarded or
    /// proxied request: the host only does that for functions with no other bindings) the value
    /// is absent, which an `Option<T>` reads as `None`.
    // The error is the response itself, returned once per request as axum's rejections are.
    #[allow(clippy::result_large_err)]
    pub fn read<T: FromBindingValue>(
        _parts: &http::request::Parts,
        name: &str,
    ) -> Result<T, axum::response::Response> {
        PayloadParts::with(|payload| Self::read_from(payload.map(|p| &p.inputs), name))
    }

    #[allow(clippy::result_large_err)]
    fn read_from<T: FromBindingValue>(
        source: Option<&Self>,
        name: &str,
    ) -> Result<T, axum::response::Response> {
        use axum::response::IntoResponse as _;
        let rejected = |error: PayloadError| {
            let message = error.to_string();
            let mut response = (http::StatusCode::BAD_REQUEST, message.clone()).into_response();
            // In payload mode the invocation itself must fail (so the host retries it), not
            // answer the caller with a 400 the host would count as a success.
            response.extensions_mut().insert(InputRejected(message));
            response
        };
        let raw = source.and_then(|s| s.payload.raw_data(name));
        let binding = source.and_then(|s| s.record.function.binding(name));
        let fallback;
        let binding = match binding {
            Some(b) => b,
            None => {
                fallback = Binding {
                    kind: String::new(),
                    direction: crate::metadata::Direction::In,
                    name: name.to_owned(),
                    settings: Map::new(),
                };
                &fallback
            }
        };
        T::from_raw_binding_value(binding, raw).map_err(|reason| {
            rejected(if raw.is_none() {
                PayloadError::MissingInput {
                    binding: name.to_owned(),
                }
            } else {
                PayloadError::Input {
                    binding: name.to_owned(),
                    expected: T::EXPECTED,
                    reason,
                }
            })
        })
    }
}

/// Marks a response that stands for an input binding the payload could not supply.
#[derive(Clone, Debug)]
pub(crate) struct InputRejected(pub(crate) String);

/// A response checked to fit the host's HTTP output object (§3.4): `statusCode`, `headers`
/// (one string per name) and `body` (text). What that object cannot carry is an error, never a
/// silent corruption: several values for one header (e.g. two `Set-Cookie`), a value that is
/// not visible ASCII/UTF-8, or a body that is not UTF-8 text. It is serialized straight from the
/// response's parts, with no JSON tree in between.
#[derive(Debug)]
pub(crate) struct HttpOutputObject {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Bytes,
}

impl HttpOutputObject {
    /// Checks that the response fits the output object of binding `binding`.
    pub(crate) fn new(
        binding: &str,
        status: http::StatusCode,
        headers: http::HeaderMap,
        body: Bytes,
    ) -> Result<Self, OutputError> {
        let fail = |reason: String| OutputError::HttpResponse {
            binding: binding.to_owned(),
            reason,
        };
        for name in headers.keys() {
            if Self::framing(name) {
                continue;
            }
            let mut values = headers.get_all(name).iter();
            let first = values.next().expect("a key has at least one value");
            if values.next().is_some() {
                return Err(fail(format!(
                    "header `{name}` has several values and the host keeps one per name"
                )));
            }
            first
                .to_str()
                .map_err(|_| fail(format!("header `{name}` is not visible ASCII")))?;
        }
        std::str::from_utf8(&body).map_err(|_| {
            fail(
                "the body is binary and the host writes the body as text (host issue #8622)".into(),
            )
        })?;
        Ok(Self {
            status,
            headers,
            body,
        })
    }

    /// The host frames its own response: a copied length or transfer coding could only
    /// disagree with it.
    fn framing(name: &http::HeaderName) -> bool {
        matches!(
            name,
            &http::header::CONTENT_LENGTH
                | &http::header::TRANSFER_ENCODING
                | &http::header::CONNECTION
        )
    }
}

impl serde::Serialize for HttpOutputObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap as _};
        struct Headers<'a>(&'a http::HeaderMap);
        impl serde::Serialize for Headers<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                for (name, value) in self.0 {
                    if HttpOutputObject::framing(name) {
                        continue;
                    }
                    let text = value.to_str().map_err(S::Error::custom)?;
                    map.serialize_entry(name.as_str(), text)?;
                }
                map.end()
            }
        }
        let body = std::str::from_utf8(&self.body).map_err(S::Error::custom)?;
        let mut object = serializer.serialize_map(Some(3))?;
        object.serialize_entry("statusCode", &self.status.as_u16())?;
        object.serialize_entry("headers", &Headers(&self.headers))?;
        object.serialize_entry("body", body)?;
        object.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_becomes_an_output_object() {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
        headers.insert("location", "/api/orders/1".parse().unwrap());
        headers.insert("content-length", "2".parse().unwrap());
        let object = HttpOutputObject::new(
            "res",
            http::StatusCode::CREATED,
            headers,
            Bytes::from_static(b"ok"),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&object).unwrap(),
            serde_json::json!({"statusCode": 201, "headers": {"content-type": "text/plain; charset=utf-8", "location": "/api/orders/1"}, "body": "ok"})
        );
    }

    #[test]
    fn unrepresentable_responses_are_errors() {
        let mut headers = http::HeaderMap::new();
        headers.append("set-cookie", "a=1".parse().unwrap());
        headers.append("set-cookie", "b=2".parse().unwrap());
        let e =
            HttpOutputObject::new("res", http::StatusCode::OK, headers, Bytes::new()).unwrap_err();
        assert!(e.to_string().contains("set-cookie"), "{e}");
        let e = HttpOutputObject::new(
            "res",
            http::StatusCode::OK,
            http::HeaderMap::new(),
            Bytes::from_static(&[0xff, 0xfe]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("binary"), "{e}");
    }
}
