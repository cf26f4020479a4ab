//! The request the Functions host sends a custom handler (contract §2.1), and a one-off client
//! for the checks and cold starts. The load itself is wrk's ([`crate::load`]), which sends the
//! same bytes.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST, TRANSFER_ENCODING, USER_AGENT};
use http::{HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;

/// The host file version sent in `X-Azure-Functions-HostVersion`: the host release the
/// contract was read from.
pub const HOST_VERSION: &str = "4.1037.0.0";

/// The host's `User-Agent`: `Azure-Functions-Host/{HOST_VERSION}`.
pub const HOST_USER_AGENT: &str = "Azure-Functions-Host/4.1037.0.0";

/// One kind of request the host sends: `POST /{FunctionName}` with a JSON payload.
#[derive(Clone, Debug)]
pub struct HostRequest {
    /// `/{FunctionName}`.
    pub path: String,
    /// The compact JSON payload.
    pub body: Bytes,
}

impl HostRequest {
    /// `POST /{function}` with `body`.
    pub fn new(function: &str, body: Bytes) -> Self {
        Self {
            path: format!("/{function}"),
            body,
        }
    }

    /// The request exactly as the host builds it (contract §2.1): host headers, a fresh
    /// invocation id, and a chunked body without `Content-Length`.
    /// `host` is [`host_header`] of the handler's port.
    ///
    /// hyper writes it as `POST {path} HTTP/1.1`, the headers below in this order with
    /// lower-case names, then the body as one chunk (size in upper-case hex) and the last
    /// chunk; [`crate::load`]'s script writes the same bytes.
    pub fn build(&self, host: &HeaderValue, invocation: u64) -> Request<Full<Bytes>> {
        let id = invocation_id(invocation);
        Request::post(self.path.as_str())
            .header(HOST, host.clone())
            .header("X-Azure-Functions-HostVersion", HOST_VERSION)
            .header("X-Azure-Functions-InvocationId", id.as_str())
            .header(USER_AGENT, HOST_USER_AGENT)
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            // hyper frames the body as chunks whenever this header is set, and then sends no
            // Content-Length, as the host's HttpClient does for its `ObjectContent`.
            .header(TRANSFER_ENCODING, "chunked")
            .header(
                "traceparent",
                format!("00-{:032x}-{:016x}-00", invocation, invocation ^ 0x5eed),
            )
            .body(Full::new(self.body.clone()))
            .expect("a valid request")
    }
}

/// The `Host` header the host sends to a handler on `port`.
pub fn host_header(port: u16) -> HeaderValue {
    HeaderValue::try_from(format!("127.0.0.1:{port}")).expect("a valid Host header")
}

/// A GUID-shaped invocation id, different for every invocation, as the host's are.
pub fn invocation_id(n: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (n >> 32) as u32,
        (n >> 16) as u16,
        n & 0xfff,
        (n >> 12) & 0xfff,
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15) & 0xffff_ffff_ffff
    )
}

/// Sends one request on a fresh connection and returns the status and body, for checks.
pub async fn one_request(
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("request: {e}"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("response body: {e}"))?
        .to_bytes();
    Ok((status, body))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// Where the first complete request of the host's shape (headers, then a chunked body up to
    /// the last chunk) in `raw` ends, if `raw` holds one.
    pub(crate) fn request_end(raw: &[u8]) -> Option<usize> {
        let find = |from: usize, needle: &[u8]| {
            raw.get(from..)?
                .windows(needle.len())
                .position(|w| w == needle)
                .map(|at| from + at)
        };
        let mut at = find(0, b"\r\n\r\n")? + 4;
        loop {
            let line_end = find(at, b"\r\n")?;
            let size = std::str::from_utf8(&raw[at..line_end]).ok()?;
            let size = usize::from_str_radix(size, 16).ok()?;
            at = line_end + 2 + size + 2;
            if size == 0 {
                return (raw.len() >= at).then_some(at);
            }
        }
    }

    /// Serves `listener` until a connection sends `count` requests of the host's shape, answers
    /// each with a small 200, reads on until the client closes, and returns the raw bytes of
    /// those requests. Connections closed before sending anything (wrk tries the address once
    /// before its run) are skipped.
    pub(crate) async fn capture(listener: tokio::net::TcpListener, count: usize) -> String {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            let mut answered = 0;
            let mut end = 0;
            loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
                while answered < count {
                    let Some(length) = request_end(&raw[end..]) else {
                        break;
                    };
                    end += length;
                    answered += 1;
                    socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                        .await
                        .unwrap();
                }
            }
            if raw.is_empty() {
                continue;
            }
            assert_eq!(answered, count, "connection closed early: {raw:?}");
            raw.truncate(end);
            return String::from_utf8(raw).unwrap();
        }
    }

    #[test]
    fn requests_end_after_their_last_chunk() {
        let one = b"POST / HTTP/1.1\r\ntraceparent: 00-00\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(request_end(one), Some(one.len()));
        let mut two = one.to_vec();
        two.extend_from_slice(one);
        assert_eq!(request_end(&two), Some(one.len()));
        assert_eq!(request_end(&one[..one.len() - 1]), None);
        assert_eq!(request_end(&one[..40]), None);
    }

    /// The bytes on the wire are the host's: chunked, no Content-Length, the host headers.
    #[tokio::test]
    async fn the_request_on_the_wire_is_the_hosts() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(capture(listener, 1));
        let request = HostRequest::new("order", Bytes::from_static(b"{\"Data\":{}}"));
        let (status, body) = one_request(addr, request.build(&host_header(addr.port()), 7))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "{}");
        let raw = server.await.unwrap().to_ascii_lowercase();
        assert!(raw.starts_with("post /order http/1.1\r\n"), "{raw}");
        for header in [
            "transfer-encoding: chunked\r\n",
            "content-type: application/json; charset=utf-8\r\n",
            "user-agent: azure-functions-host/4.1037.0.0\r\n",
            "x-azure-functions-hostversion: 4.1037.0.0\r\n",
            "x-azure-functions-invocationid: ",
            &format!("host: 127.0.0.1:{}\r\n", addr.port()),
        ] {
            assert!(raw.contains(header), "missing {header:?} in {raw}");
        }
        assert!(!raw.contains("content-length"), "{raw}");
        assert!(
            raw.ends_with("\r\n\r\nb\r\n{\"data\":{}}\r\n0\r\n\r\n"),
            "{raw}"
        );
    }

    #[test]
    fn the_user_agent_names_the_host_version() {
        assert_eq!(
            HOST_USER_AGENT,
            format!("Azure-Functions-Host/{HOST_VERSION}")
        );
    }

    #[test]
    fn invocation_ids_look_like_guids_and_differ() {
        let a = invocation_id(1);
        let b = invocation_id(2);
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
