//! The load generator: hyper's HTTP/1.1 client sending the host's exact request over a fixed
//! number of keep-alive connections, latencies in an HDR histogram.
//!
//! Why not `wrk` or `oha`: neither sends a chunked body with the host's headers without
//! writing the raw request by hand (oha always sends a `Content-Length`; wrk needs a Lua script
//! that builds the bytes itself), and both would have to be installed from outside Cargo,
//! which a CI smoke run should not depend on. hyper is the client the Rust ecosystem uses, it
//! sends `Transfer-Encoding: chunked` exactly as .NET's `HttpClient` does for the host's
//! `ObjectContent` (one data chunk, then the last chunk), and keeps each connection alive; the
//! loop around it is closed (each connection sends its next request when the previous answer
//! arrived), as wrk's is, and latency is measured from just before the request is handed to
//! hyper to the last byte of the answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
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

/// When a load run stops.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// Send for `warmup` (not recorded), then measure for `measure`.
    Time {
        /// Unrecorded start, so connections, caches and the allocator settle.
        warmup: Duration,
        /// The measured window.
        measure: Duration,
    },
    /// Send exactly this many requests, all recorded.
    Count(u64),
}

/// One load run's settings.
#[derive(Clone, Debug)]
pub struct Load {
    /// The handler's address.
    pub addr: SocketAddr,
    /// What to send.
    pub request: HostRequest,
    /// Connections, each with one request in flight at a time.
    pub concurrency: usize,
    /// When to stop.
    pub stop: Stop,
}

/// What one load run measured.
#[derive(Debug)]
pub struct LoadResult {
    /// Requests answered with 200 inside the measured window.
    pub requests: u64,
    /// Requests answered with 200 in the whole run, warm-up included.
    pub answered: u64,
    /// Length of the measured window (from its start to the last answer for [`Stop::Count`]).
    pub elapsed: Duration,
    /// Latency of each recorded request, in microseconds.
    pub latency_us: Histogram<u64>,
}

impl LoadResult {
    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at `quantile` (0..=1), in milliseconds.
    pub fn latency_ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// Why a load run failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Connecting or talking HTTP failed.
    #[error("connection {connection}: {reason}")]
    Http {
        /// Which connection.
        connection: usize,
        /// What failed.
        reason: String,
    },
    /// The handler answered with something other than 200.
    #[error("connection {connection}: answered {status}: {body}")]
    Status {
        /// Which connection.
        connection: usize,
        /// The status.
        status: StatusCode,
        /// The start of the body.
        body: String,
    },
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs to 60 s at 3 significant digits: enough for loopback latencies and any stall.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// Runs `load` to completion. Call it from a Tokio runtime; the suite uses a current-thread one,
/// so the generator takes at most one core of the machine, the same for both handlers.
pub async fn run(load: &Load) -> Result<LoadResult, LoadError> {
    let start = Instant::now();
    let (window_start, deadline) = match load.stop {
        Stop::Time { warmup, measure } => (start + warmup, Some(start + warmup + measure)),
        Stop::Count(_) => (start, None),
    };
    let budget = match load.stop {
        Stop::Count(n) => Some(n),
        Stop::Time { .. } => None,
    };
    let shared = Arc::new(Shared {
        request: load.request.clone(),
        host: host_header(load.addr.port()),
        issued: AtomicU64::new(0),
        budget,
        window_start,
        deadline,
    });
    let mut tasks = Vec::with_capacity(load.concurrency);
    for connection in 0..load.concurrency {
        let shared = shared.clone();
        let addr = load.addr;
        tasks.push(tokio::spawn(async move {
            connection_loop(addr, connection, &shared).await
        }));
    }
    let mut latency_us = new_histogram();
    let mut requests = 0;
    let mut answered = 0;
    let mut last_answer = window_start;
    let mut failure = None;
    for task in tasks {
        match task.await.expect("a load task does not panic") {
            Ok(stats) => {
                latency_us.add(&stats.latency_us).expect("same bounds");
                requests += stats.requests;
                answered += stats.answered;
                last_answer = last_answer.max(stats.last_answer);
            }
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let elapsed = match deadline {
        Some(deadline) => deadline - window_start,
        None => last_answer - window_start,
    };
    Ok(LoadResult {
        requests,
        answered,
        elapsed,
        latency_us,
    })
}

struct Shared {
    request: HostRequest,
    host: HeaderValue,
    issued: AtomicU64,
    budget: Option<u64>,
    window_start: Instant,
    deadline: Option<Instant>,
}

struct ConnectionStats {
    requests: u64,
    answered: u64,
    latency_us: Histogram<u64>,
    last_answer: Instant,
}

async fn connection_loop(
    addr: SocketAddr,
    connection: usize,
    shared: &Shared,
) -> Result<ConnectionStats, LoadError> {
    let http_error = |reason: String| LoadError::Http { connection, reason };
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| http_error(format!("connect: {e}")))?;
    // .NET's SocketsHttpHandler disables Nagle too.
    stream
        .set_nodelay(true)
        .map_err(|e| http_error(format!("TCP_NODELAY: {e}")))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| http_error(format!("handshake: {e}")))?;
    let driver = tokio::spawn(conn);
    let mut stats = ConnectionStats {
        requests: 0,
        answered: 0,
        latency_us: new_histogram(),
        last_answer: shared.window_start,
    };
    loop {
        let n = shared.issued.fetch_add(1, Ordering::Relaxed);
        if shared.budget.is_some_and(|budget| n >= budget) {
            break;
        }
        sender
            .ready()
            .await
            .map_err(|e| http_error(format!("connection closed: {e}")))?;
        let request = shared.request.build(&shared.host, n);
        let sent = Instant::now();
        if shared.deadline.is_some_and(|deadline| sent >= deadline) {
            break;
        }
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| http_error(format!("request: {e}")))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| http_error(format!("response body: {e}")))?
            .to_bytes();
        let answered = Instant::now();
        if status != StatusCode::OK {
            return Err(LoadError::Status {
                connection,
                status,
                body: String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned(),
            });
        }
        stats.answered += 1;
        let in_window = sent >= shared.window_start
            && shared.deadline.is_none_or(|deadline| answered <= deadline);
        if in_window {
            stats.requests += 1;
            let micros =
                u64::try_from(answered.duration_since(sent).as_micros()).unwrap_or(u64::MAX);
            stats.latency_us.saturating_record(micros.max(1));
            stats.last_answer = answered;
        }
    }
    drop(sender);
    // The connection task ends once the sender is gone; a failure then is not the handler's.
    let _ = driver.await;
    Ok(stats)
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
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// The bytes on the wire are the host's: chunked, no Content-Length, the host headers.
    #[tokio::test]
    async fn the_request_on_the_wire_is_the_hosts() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            // Read until the last chunk (`0\r\n\r\n`) arrives.
            while !raw.ends_with(b"0\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                assert!(n > 0, "connection closed early");
                raw.extend_from_slice(&buf[..n]);
            }
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                .await
                .unwrap();
            String::from_utf8(raw).unwrap()
        });
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
