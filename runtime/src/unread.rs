//! What a request leaves unread when it is answered early: the rest of its body is read and
//! dropped (bounded) before the answer goes out, so that the client receives the status and
//! the connection carries its next request.
//!
//! An answer given before the body is read (a 413 from an extractor's limit, a function that
//! never looks at its body) otherwise ends the connection with the client still sending, and
//! a socket closed with unread bytes makes the kernel send a reset, which the client (the host
//! proxying a request, issue 15 item 10) may see instead of the status. hyper itself only
//! discards what it has already buffered.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, HttpBody};
use axum::response::Response;
use bytes::Bytes;

/// How much of an abandoned body is read before the connection is given up instead: as much as
/// payload mode reads of a whole payload.
pub(crate) fn drain_limit() -> usize {
    crate::limits::payload_limit()
}

/// A request body that, when dropped before its end, leaves itself in a [`Leftover`] slot.
struct Watched {
    inner: Option<Body>,
    slot: Arc<Mutex<Option<Body>>>,
}

/// Where an abandoned body is found after the request was answered.
pub(crate) struct Leftover(Arc<Mutex<Option<Body>>>);

/// Replaces `request`'s body with one that reports being abandoned.
pub(crate) fn watch(request: http::Request<Body>) -> (http::Request<Body>, Leftover) {
    let slot = Arc::new(Mutex::new(None));
    let request = request.map(|inner| {
        Body::new(Watched {
            inner: Some(inner),
            slot: slot.clone(),
        })
    });
    (request, Leftover(slot))
}

impl Leftover {
    /// Reads what the handler left of the body, then gives the answer; one that could not be
    /// read to its end says the connection closes.
    pub(crate) async fn drain_before(self, mut response: Response) -> Response {
        let rest = self.0.lock().map(|mut slot| slot.take()).ok().flatten();
        if let Some(rest) = rest
            && !crate::http_json::drain_body(rest, drain_limit()).await
        {
            response.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
        }
        response
    }
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        match self.inner.as_mut() {
            Some(inner) => Pin::new(inner).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| http_body::SizeHint::with_exact(0), Body::size_hint)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take()
            && !inner.is_end_stream()
            && let Ok(mut slot) = self.slot.lock()
        {
            *slot = Some(inner);
        }
    }
}

/// Drops the rest of `body` after an early answer in payload mode; see [`Leftover`].
pub(crate) async fn drain_rest(body: &mut Body, mut response: Response) -> Response {
    if !body.is_end_stream() && !crate::http_json::drain_body(body, drain_limit()).await {
        response.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
    response
}
