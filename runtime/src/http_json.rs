//! [`Json`] as an HTTP extractor and response, in place of axum's `Json`.
//!
//! It answers exactly as axum's does (the same statuses and messages), with two differences
//! that matter behind the Functions host:
//! - No 2 MB body limit. axum's `DefaultBodyLimit` would refuse a JSON body the host accepted
//!   (the host's own limit is 100 MB, `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`), and in payload mode
//!   the body is already in memory.
//! - Less work per request: the content type is checked without parsing a MIME type, a body of
//!   one frame is taken as it is, and the deserializer tracks the error's path only when there
//!   is an error (it deserializes again to find it).

use axum::extract::{FromRequest, OptionalFromRequest, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::output::Json;

/// Why a [`Json`] request body was refused; its response is the one axum's `Json` gives.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonRejection {
    /// The request's `Content-Type` is not `application/json` or `application/*+json`.
    #[error("Expected request with `Content-Type: application/json`")]
    MissingJsonContentType,
    /// The body could not be read.
    #[error("Failed to buffer the request body: {0}")]
    Body(#[source] axum::Error),
    /// The body is not JSON.
    #[error("Failed to parse the request body as JSON: {0}")]
    JsonSyntax(#[source] axum::Error),
    /// The body is JSON, but not of the target type.
    #[error("Failed to deserialize the JSON body into the target type: {0}")]
    JsonData(#[source] axum::Error),
}

impl JsonRejection {
    /// The response status: 415, 400 or 422, as axum answers.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingJsonContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Body(_) | Self::JsonSyntax(_) => StatusCode::BAD_REQUEST,
            Self::JsonData(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl IntoResponse for JsonRejection {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = JsonRejection;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(request.headers()) {
            return Err(JsonRejection::MissingJsonContentType);
        }
        let body = read_body(request.into_body(), usize::MAX)
            .await
            .map_err(JsonRejection::Body)?;
        Self::from_bytes(&body)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for Json<T> {
    type Rejection = JsonRejection;

    /// `None` when the request has no `Content-Type`; any other type than JSON is refused.
    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        if request.headers().contains_key(header::CONTENT_TYPE) {
            <Self as FromRequest<S>>::from_request(request, state)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// Deserializes a JSON body, refusing it as the extractor does.
    pub fn from_bytes(body: &[u8]) -> Result<Self, JsonRejection> {
        // UTF-8 checked once for the whole body, not string by string as from bytes.
        let parsed = std::str::from_utf8(body)
            .ok()
            .and_then(|text| serde_json::from_str(text).ok());
        match parsed {
            Some(value) => Ok(Self(value)),
            None => Err(rejection_of::<T>(body)),
        }
    }
}

/// Why `body` does not deserialize into `T`, with the path to the mistake: found again with
/// path tracking, which costs allocations the successful parse does without.
#[cold]
fn rejection_of<T: DeserializeOwned>(body: &[u8]) -> JsonRejection {
    use serde_json::error::Category;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => match error.inner().classify() {
            Category::Data => JsonRejection::JsonData(axum::Error::new(error)),
            Category::Syntax | Category::Eof | Category::Io => {
                JsonRejection::JsonSyntax(axum::Error::new(error))
            }
        },
        // The value parsed, so what failed the first time is trailing characters, or invalid
        // UTF-8 in a string `T` skips (serde_json does not check those when reading bytes).
        Ok(_) => JsonRejection::JsonSyntax(match deserializer.end() {
            Err(trailing) => axum::Error::new(trailing),
            Ok(()) => match std::str::from_utf8(body) {
                Err(not_utf8) => axum::Error::new(not_utf8),
                Ok(_) => axum::Error::new("the body is not the JSON value expected"),
            },
        }),
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(128);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
}

/// The media type of a request's `Content-Type`: the value before any parameters, trimmed (as
/// bytes, so that no check on the header's text runs first).
pub(crate) fn media_type(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::CONTENT_TYPE)?.as_bytes();
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    Some(essence.trim_ascii())
}

/// `application/json` or `application/<anything>+json`, with any parameters.
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(essence) = media_type(headers) else {
        return false;
    };
    let Some(slash) = essence.iter().position(|&b| b == b'/') else {
        return false;
    };
    let (kind, subtype) = (
        essence[..slash].trim_ascii(),
        essence[slash + 1..].trim_ascii(),
    );
    const SUFFIX: &[u8] = b"+json";
    kind.eq_ignore_ascii_case(b"application")
        && (subtype.eq_ignore_ascii_case(b"json")
            || subtype.len() > SUFFIX.len()
                && subtype[subtype.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX))
}

/// Reads and drops the rest of a request body, up to `limit` bytes (past that the connection is
/// not worth keeping). True when the body was read to its end.
pub(crate) async fn drain_body<B>(mut body: B, limit: usize) -> bool
where
    B: axum::body::HttpBody<Data = Bytes> + Unpin,
{
    use http_body_util::BodyExt as _;
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return false };
        seen += frame.data_ref().map_or(0, Bytes::len);
        if seen > limit {
            return body.is_end_stream();
        }
    }
    true
}

/// Reads a whole body of at most `limit` bytes. A body of one frame (a request rebuilt from a
/// payload, most responses, a short chunked payload) is returned as it is, without the copy
/// and the buffer list a general collect makes.
pub(crate) async fn read_body<B>(body: B, limit: usize) -> Result<Bytes, axum::Error>
where
    B: axum::body::HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    use http_body_util::BodyExt as _;
    let mut body = http_body_util::Limited::new(body, limit);
    let mut whole: Option<Bytes> = None;
    let mut joined: Option<Vec<u8>> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(axum::Error::new)?.into_data() else {
            continue;
        };
        match (&mut joined, whole.take()) {
            (Some(joined), _) => joined.extend_from_slice(&data),
            (None, None) => whole = Some(data),
            (None, Some(first)) => {
                let mut buffer = Vec::with_capacity(first.len() + data.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&data);
                joined = Some(buffer);
            }
        }
    }
    Ok(joined.map(Bytes::from).or(whole).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_content_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn json_content_types_are_recognised_as_axum_does() {
        for accepted in [
            "application/json",
            "application/json; charset=utf-8",
            "application/json;charset=utf-8",
            "Application/JSON",
            "application/cloudevents+json",
            " application/json ",
        ] {
            assert!(
                is_json_content_type(&with_content_type(accepted)),
                "{accepted}"
            );
        }
        for refused in [
            "text/json",
            "application/jsonp",
            "application/+json",
            "application",
            "json",
            "",
            "application/x-www-form-urlencoded",
        ] {
            assert!(
                !is_json_content_type(&with_content_type(refused)),
                "{refused}"
            );
        }
        assert!(!is_json_content_type(&HeaderMap::new()));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Foo {
        a: i32,
        b: Vec<Bar>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Bar {
        x: i32,
        y: i32,
    }

    #[test]
    fn rejections_carry_axums_statuses_and_messages() {
        let data = Json::<Foo>::from_bytes(br#"{"a": 1, "b": [{"x": 2}]}"#).unwrap_err();
        assert_eq!(data.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            data.to_string(),
            "Failed to deserialize the JSON body into the target type: b[0]: missing field `y` at \
             line 1 column 23"
        );
        let syntax = Json::<Foo>::from_bytes(b"{").unwrap_err();
        assert_eq!(syntax.status(), StatusCode::BAD_REQUEST);
        let not_utf8 = Json::<String>::from_bytes(b"\"\xff\"").unwrap_err();
        assert_eq!(not_utf8.status(), StatusCode::BAD_REQUEST);
        assert!(
            not_utf8.to_string().contains("invalid unicode code point"),
            "{not_utf8}"
        );
        let trailing =
            Json::<serde_json::Value>::from_bytes(br#"{ "foo": "bar" } baz "#).unwrap_err();
        assert_eq!(trailing.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            trailing.to_string(),
            "Failed to parse the request body as JSON: trailing characters at line 1 column 18"
        );
        assert_eq!(
            JsonRejection::MissingJsonContentType.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }

    #[tokio::test]
    async fn bodies_of_several_frames_are_joined_and_limits_hold() {
        let frames = futures_util::stream::iter(
            ["{\"a\":", " 1, \"b\"", ": []}"].map(|s| Ok::<_, std::io::Error>(Bytes::from(s))),
        );
        let body = axum::body::Body::from_stream(frames);
        assert_eq!(
            read_body(body, usize::MAX).await.unwrap(),
            "{\"a\": 1, \"b\": []}"
        );
        let one = Bytes::from_static(b"{\"a\":1}");
        let read = read_body(axum::body::Body::from(one.clone()), usize::MAX)
            .await
            .unwrap();
        assert_eq!(read.as_ptr(), one.as_ptr(), "one frame is not copied");
        assert!(
            read_body(axum::body::Body::from("too long"), 3)
                .await
                .is_err()
        );
        assert!(
            read_body(axum::body::Body::empty(), 0)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
