//! Answers given before the request body is read (issue 15 item 10): a body over the host's
//! limit, chunked, gets its 413 with the limit in the message, in payload mode and in
//! forwarding mode, and the connection is not reset: the server reads the rest of the body,
//! so the same connection serves the next request.
//!
//! The limit is read once per process from `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`; these tests
//! want a small one (a body of 100 MiB over a socket is slow in a debug build), so each test
//! runs itself again as a child process with the setting, and the child does the work.

mod support;

use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The limit the child processes run with.
const LIMIT: usize = 64 * 1024;

/// Counts a plain-text body.
#[azfn::http_trigger(methods = ["post"], auth_level = "anonymous")]
async fn echo_length(body: String) -> String {
    body.len().to_string()
}

/// Reads its message as text.
#[azfn::queue_trigger(queue_name = "incoming")]
async fn relay(item: String) {
    assert!(!item.is_empty());
}

/// In the parent: runs `test` again in a child with the small limit and checks it passed.
/// In the child: true, so the caller does the test's work.
fn in_child_with_small_limit(test: &str) -> bool {
    if std::env::var_os("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT").is_some() {
        assert_eq!(azfn::limits::request_body_limit(), LIMIT);
        return true;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", LIMIT.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{test} failed in the child process:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The child ran exactly this test, not zero tests.
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    false
}

/// A chunked request of `total` bytes in 16 KiB chunks, then `GET /` on the same connection.
fn chunked_then_get(head: &str, total: usize) -> Vec<u8> {
    let mut requests =
        format!("{head}\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").into_bytes();
    let chunk = 16 * 1024;
    let mut sent = 0;
    while sent < total {
        let size = chunk.min(total - sent);
        requests.extend_from_slice(format!("{size:x}\r\n").as_bytes());
        requests.extend(std::iter::repeat_n(b'x', size));
        requests.extend_from_slice(b"\r\n");
        sent += size;
    }
    requests.extend_from_slice(b"0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    requests
}

/// Serves the app, writes `requests` on one connection and reads until the server closes it.
/// A reset is an error, not an answer.
async fn exchange(requests: Vec<u8>) -> Result<String, std::io::Error> {
    let served = support::Served::start().await;
    let stream = tokio::net::TcpStream::connect(served.address)
        .await
        .unwrap();
    let (mut reading, mut writing) = stream.into_split();
    // Written while the answer is read, as a client streaming its body does.
    let writer = tokio::spawn(async move {
        let _ = writing.write_all(&requests).await;
        writing
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), reading.read_to_end(&mut answer))
        .await
        .expect("the server answered within 30 s");
    drop(writer.await);
    served.stop().await;
    read.map(|_| String::from_utf8_lossy(&answer).into_owned())
}

fn assert_413_then_served(answer: &str) {
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(&LIMIT.to_string()), "{answer}");
    // The connection carried the next request too.
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 2, "{answer}");
    assert!(answer.contains("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_forwarded_body_over_the_limit_gets_413_and_the_connection_serves_on() {
    if !in_child_with_small_limit(
        "a_forwarded_body_over_the_limit_gets_413_and_the_connection_serves_on",
    ) {
        return;
    }
    let requests = chunked_then_get("POST /api/echo_length HTTP/1.1", 4 * LIMIT);
    let answer = exchange(requests).await.expect("no reset");
    assert_413_then_served(&answer);
}

#[tokio::test]
async fn an_invocation_payload_over_the_limit_gets_413_and_the_connection_serves_on() {
    if !in_child_with_small_limit(
        "an_invocation_payload_over_the_limit_gets_413_and_the_connection_serves_on",
    ) {
        return;
    }
    // Past what payload mode reads: the limit base64-encoded plus the envelope's allowance.
    let payload_limit = LIMIT * 4 / 3 + 8 * 1024 * 1024;
    let requests = chunked_then_get("POST /relay HTTP/1.1", payload_limit + 4 * LIMIT);
    let answer = exchange(requests).await.expect("no reset");
    assert_413_then_served(&answer);
}
