//! The host's HTTP client towards the handler, and the small ids and clocks it stamps on requests.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::HostError;

pub(crate) type HttpClient = Client<HttpConnector, OutBody>;

/// One pooled HTTP/1.1 client per handler, like the host's single `HttpClient`: keep-alive
/// connections are reused across invocations and several may be open at once.
pub(crate) fn new_client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        // .NET writes header names as given (`X-Azure-Functions-HostVersion`); hyper would
        // write them in lower case. Title case is the closest hyper offers.
        .http1_title_case_headers(true)
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(connector)
}

/// A request body whose framing is chosen on purpose: `Content-Length` ([`OutBody::full`]) or
/// `Transfer-Encoding: chunked` with several chunks ([`OutBody::chunked`]).
pub(crate) struct OutBody {
    chunks: VecDeque<Bytes>,
    exact_len: Option<u64>,
}

impl OutBody {
    pub(crate) fn empty() -> Self {
        OutBody {
            chunks: VecDeque::new(),
            exact_len: Some(0),
        }
    }

    pub(crate) fn full(bytes: Bytes) -> Self {
        let exact_len = Some(bytes.len() as u64);
        OutBody {
            chunks: if bytes.is_empty() {
                VecDeque::new()
            } else {
                VecDeque::from([bytes])
            },
            exact_len,
        }
    }

    /// No size hint, so hyper frames it as chunked; each piece becomes one chunk on the wire,
    /// as .NET's `ObjectContent` writes the serializer's buffer flushes.
    pub(crate) fn chunked(bytes: Bytes) -> Self {
        let piece = bytes.len().div_ceil(3).clamp(1, 16 * 1024);
        let mut chunks = VecDeque::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            chunks.push_back(rest.split_to(piece.min(rest.len())));
        }
        OutBody {
            chunks,
            exact_len: None,
        }
    }
}

impl Body for OutBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(
            self.get_mut()
                .chunks
                .pop_front()
                .map(|c| Ok(Frame::data(c))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && self.exact_len.is_some()
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact_len {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

/// Sends a request and buffers the whole answer, as .NET's `HttpClient.SendAsync` does by
/// default.
pub(crate) async fn send(
    client: &HttpClient,
    request: http::Request<OutBody>,
) -> Result<http::Response<Bytes>, HostError> {
    let response = client
        .request(request)
        .await
        .map_err(|e| HostError::transport(&e, e.is_connect()))?;
    collect(response).await
}

async fn collect(response: http::Response<Incoming>) -> Result<http::Response<Bytes>, HostError> {
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| HostError::transport(&e, false))?
        .to_bytes();
    Ok(http::Response::from_parts(parts, body))
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // `RandomState` is seeded from the OS once per thread and then varies per instance; mixed
    // with a counter and the clock it gives ids that are unique, which is all they need to be.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.finish()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(8) {
        let r = random_u64().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
    out
}

/// A W3C `traceparent` as .NET's `Activity` writes it (sampled flag off).
pub(crate) fn new_traceparent() -> String {
    let trace: [u8; 16] = random_bytes();
    let span: [u8; 8] = random_bytes();
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    format!("00-{}-{}-00", hex(&trace), hex(&span))
}

/// `DateTime.UtcNow` in the round-trip format the host uses for `sys.UtcNow`:
/// `2024-10-24T21:32:17.1234567Z` (.NET's `o`: seven fractional digits, 100 ns ticks).
pub(crate) fn utc_now() -> String {
    azfn_spec::expression::format_datetime(time::OffsetDateTime::now_utc(), "o")
        .expect("`o` is a .NET date format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let day = |days: i64| {
            let t = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(days);
            azfn_spec::expression::format_datetime(t, "o").unwrap()
        };
        assert_eq!(day(0), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(day(20_020), "2024-10-24T00:00:00.0000000Z");
        assert_eq!(day(11_016), "2000-02-29T00:00:00.0000000Z");
        let now = utc_now();
        assert_eq!(now.len(), "2024-10-24T21:32:17.1234567Z".len(), "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }

    #[test]
    fn guids_look_like_guids() {
        let g = azfn_spec::expression::new_guid();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        assert_ne!(g, azfn_spec::expression::new_guid());
        let now = utc_now();
        assert_eq!(now.len(), "2024-10-24T21:32:17.1234567Z".len());
    }
}
