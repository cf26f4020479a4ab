//! The fuzz harness (issue 15): generated invocation payloads and HTTP requests (see
//! `fuzz/generate.rs`) against the real dispatch path, the router `App::into_router` builds and
//! the server `App::serve_with_shutdown` runs, with functions like the `orders` example's plus
//! one that panics and one that returns `Err`.
//!
//! Every case must get an answer; payload mode never answers a 2xx whose body is not a JSON
//! object; a 5xx comes only from a function's own failure (the panicking and the failing
//! function); and after every batch a good invocation succeeds, through the router and over a
//! socket. The counts per outcome are printed.
//!
//! `cargo test -p azfn --test fuzz` runs 20,000 cases of seed 15. A longer run is the same
//! harness with a larger count (no nightly toolchain, so no cargo-fuzz):
//! `AZFN_FUZZ_CASES=1000000 AZFN_FUZZ_SEED=7 cargo test --release -p azfn --test fuzz -- --nocapture`.
//! A failure names the case's index; `AZFN_FUZZ_FIRST=<index> AZFN_FUZZ_CASES=1` replays it.

#[path = "fuzz/generate.rs"]
mod generate;

mod support;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use azfn::http::{Body, IntoResponse, Json, Method, Request, Response};
use azfn::{Out, http_trigger, queue_output, queue_trigger};
use bytes::Bytes;
use futures_util::FutureExt as _;
use generate::{Case, Generator, Target};
use http_body_util::BodyExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tower::ServiceExt as _;

/// An order as customers post it (the `orders` example's).
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

/// `POST /api/order`: puts the order on the `orders` queue.
#[http_trigger(methods = ["post"], auth_level = "function")]
async fn order(
    Json(order): Json<Order>,
    #[queue_output(queue_name = "orders")] message: &mut Out<azfn::Json<Order>>,
) -> &'static str {
    message.set(azfn::Json(order));
    "Order enqueued"
}

/// `GET /api/hello` answers `hello world`; `POST` echoes the body.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello(method: Method, body: Bytes) -> Response {
    if method == Method::POST {
        body.into_response()
    } else {
        "hello world".into_response()
    }
}

/// Copies a message to another queue.
#[queue_trigger(name = "MyQueueFunction", queue_name = "messages-incoming")]
#[queue_output(queue_name = "messages-outgoing")]
async fn my_queue_function(#[trigger(name = "myQueueItem")] item: String) -> String {
    item
}

/// What the panicking function panics with; the harness's panic hook keeps it quiet.
const ON_PURPOSE: &str = "fuzz: this function panics on purpose";

/// Always panics: its 5xx is the function's own failure.
#[queue_trigger(queue_name = "explode")]
async fn explode(#[trigger(name = "myQueueItem")] item: String) {
    panic!("{ON_PURPOSE} ({} bytes)", item.len());
}

/// Always fails: its 5xx is the function's own failure.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn fail(body: Bytes) -> Result<String, std::io::Error> {
    Err(std::io::Error::other(format!(
        "fuzz: fails on purpose ({} bytes)",
        body.len()
    )))
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")),
        Err(_) => default,
    }
}

/// How one case went.
struct Outcome {
    /// The class counted: `2xx`, `4xx`, `404`, `5xx function failure`, ...
    class: String,
    /// What broke a property, if anything did.
    violation: Option<String>,
}

impl Outcome {
    fn fine(class: impl Into<String>) -> Self {
        Self {
            class: class.into(),
            violation: None,
        }
    }

    fn broken(class: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            class: class.into(),
            violation: Some(why.into()),
        }
    }
}

/// The properties of an answer with `status` and `body` to a case aimed at `target`.
fn judge(target: Target, payload_mode: bool, status: u16, body: &[u8]) -> Outcome {
    let text = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    match status {
        200..=299 if payload_mode => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(_)) if target.may_fail() => Outcome::broken(
                "2xx",
                format!(
                    "a failing function's invocation answered {status}: {}",
                    text()
                ),
            ),
            Ok(serde_json::Value::Object(_)) => Outcome::fine("2xx"),
            _ => Outcome::broken(
                "2xx",
                format!("a 2xx whose body is not a JSON object: {}", text()),
            ),
        },
        200..=299 if target == Target::Fails => Outcome::broken(
            "2xx",
            format!("the failing function answered {status}: {}", text()),
        ),
        200..=299 => Outcome::fine("2xx"),
        404 => Outcome::fine("404"),
        400..=499 if String::from_utf8_lossy(body).contains("panicked") => Outcome::broken(
            "4xx",
            format!("a 4xx saying a function panicked: {}", text()),
        ),
        400..=499 => Outcome::fine("4xx"),
        500..=599 if target.may_fail() => Outcome::fine("5xx function failure"),
        // The function's own answer, a binary body, is what cannot be sent (payload mode
        // carries text only, host issue #8622): its failure, not the input's.
        500..=599 if String::from_utf8_lossy(body).contains("cannot be sent in payload mode") => {
            Outcome::fine("5xx function's binary answer")
        }
        500..=599 => Outcome::broken(
            "5xx",
            format!("{status} from a function that cannot fail: {}", text()),
        ),
        other => Outcome::broken(other.to_string(), format!("unexpected status {other}")),
    }
}

/// Sends a routed case through the router, catching a panic of the dispatch path.
async fn through_router(router: &axum::Router, target: Target, request: Request) -> Outcome {
    let payload_mode = request.method() == Method::POST
        && request.uri().path() == format!("/{}", target.function_name());
    let answer = AssertUnwindSafe(async {
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        (status, body)
    })
    .catch_unwind();
    match tokio::time::timeout(Duration::from_secs(20), answer).await {
        Err(_) => Outcome::broken("no answer", "no answer within 20 s"),
        Ok(Err(_)) => Outcome::broken("dropped", "the dispatch path panicked"),
        Ok(Ok((_, Err(e)))) => Outcome::broken("dropped", format!("the answer's body failed: {e}")),
        Ok(Ok((status, Ok(body)))) => judge(target, payload_mode, status, &body),
    }
}

/// Writes `bytes` to a fresh connection to the served app and reads until it closes.
async fn over_socket(address: std::net::SocketAddr, target: Target, bytes: &[u8]) -> Outcome {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        // A server that answers before reading everything may stop reading: written aside.
        let (mut reading, mut writing) = stream.split();
        // No half-close after it: hyper drops a connection whose client stops sending before
        // the answer (its `half_close` default), which the host's client never does.
        let write = async {
            let _ = writing.write_all(bytes).await;
        };
        let mut answer = Vec::new();
        let (_, read) = tokio::join!(write, reading.read_to_end(&mut answer));
        Ok::<_, std::io::Error>((answer, read.err()))
    };
    let (answer, error) = match tokio::time::timeout(Duration::from_secs(20), exchange).await {
        Err(_) => return Outcome::broken("no answer", "no answer within 20 s"),
        Ok(Err(e)) => return Outcome::broken("dropped", format!("could not connect: {e}")),
        Ok(Ok(done)) => done,
    };
    let text = String::from_utf8_lossy(&answer);
    let statuses: Vec<u16> = text
        .match_indices("HTTP/1.")
        .filter_map(|(at, _)| text.get(at + 9..at + 12)?.parse().ok())
        .collect();
    let Some(&first) = statuses.first() else {
        return Outcome::broken(
            "dropped",
            format!("no status line (read error: {error:?}): {text:?}"),
        );
    };
    // Bytes after the head are the first answer's body, near enough for the properties.
    let body_at = find_subslice(&answer, b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
    let payload_mode = bytes.starts_with(format!("POST /{} ", target.function_name()).as_bytes());
    let mut outcome = judge(
        target,
        payload_mode && statuses.len() == 1,
        first,
        &answer[body_at..],
    );
    if let Some(&server_error) = statuses.iter().find(|s| **s >= 500)
        && !target.may_fail()
        && outcome.violation.is_none()
    {
        outcome = Outcome::broken("5xx", format!("{server_error} over the socket: {text}"));
    }
    outcome.class = format!("socket {}", outcome.class);
    if error.is_some() && outcome.violation.is_none() {
        outcome.class.push_str(", then reset");
    }
    outcome
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A good invocation: the queue fixture to `MyQueueFunction`.
fn good_payload() -> Vec<u8> {
    include_bytes!("../../fixtures/contract-vectors/queue-trigger.request.json").to_vec()
}

/// The server still serves: a good invocation succeeds through the router and over a socket.
async fn still_serving(router: &axum::Router, address: std::net::SocketAddr) -> Result<(), String> {
    let request = Request::post("/MyQueueFunction")
        .header("content-type", "application/json")
        .body(Body::from(good_payload()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    if status != 200 || !String::from_utf8_lossy(&body).contains("ReturnValue") {
        return Err(format!(
            "router: {status} {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let payload = good_payload();
    let mut request = format!(
        "POST /MyQueueFunction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    )
    .into_bytes();
    request.extend_from_slice(&payload);
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| e.to_string())?;
    stream
        .write_all(&request)
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    if answer.starts_with("HTTP/1.1 200") && answer.contains("ReturnValue") {
        Ok(())
    } else {
        Err(format!("socket: {answer}"))
    }
}

/// Silences the panics the harness causes on purpose; every other panic is reported as usual.
fn quiet_panics_on_purpose() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if !message.starts_with(ON_PURPOSE) {
            default(info);
        }
    }));
}

#[test]
fn generated_requests_keep_every_property() {
    let cases = env_number("AZFN_FUZZ_CASES", 20_000);
    let seed = env_number("AZFN_FUZZ_SEED", 15);
    let first = env_number("AZFN_FUZZ_FIRST", 0);
    quiet_panics_on_purpose();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let router = azfn::App::new().route_prefix("api").into_router().unwrap();
        let served = support::Served::start().await;
        let address = served.address;
        let generator = Generator::new(seed);
        let started = Instant::now();
        let mut by_class: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_mutation: BTreeMap<&str, u64> = BTreeMap::new();
        let mut violations = Vec::new();
        let mut checks = 0u64;
        for index in first..first + cases {
            let generated = generator.case(index);
            for mutation in &generated.mutations {
                *by_mutation.entry(mutation).or_default() += 1;
            }
            let target = generated.target;
            let outcome = match generated.case {
                Case::Payload {
                    function,
                    content_type,
                    body,
                } => {
                    let mut request = Request::post(format!("/{function}"))
                        .header("x-azure-functions-invocationid", format!("fuzz-{index}"));
                    if let Some(content_type) = content_type {
                        request = request.header("content-type", content_type);
                    }
                    let request = request.body(Body::from(body)).unwrap();
                    through_router(&router, target, request).await
                }
                Case::Forwarded(request) => {
                    through_router(&router, target, request.map(Body::from)).await
                }
                Case::Raw(bytes) => over_socket(address, target, &bytes).await,
            };
            *by_class.entry(outcome.class).or_default() += 1;
            if let Some(why) = outcome.violation
                && violations.len() < 20
            {
                violations.push(format!(
                    "case {index} ({target:?}, {:?}): {why}",
                    generated.mutations
                ));
            }
            if (index + 1) % 100 == 0 || index + 1 == first + cases {
                checks += 1;
                if let Err(e) = still_serving(&router, address).await {
                    violations.push(format!("after case {index}, a good invocation failed: {e}"));
                    break;
                }
            }
        }
        let elapsed = started.elapsed();
        served.stop().await;
        println!(
            "fuzz: {cases} cases of seed {seed} from {first} in {:.1} s ({:.0} cases/s), \
             {checks} checks that the server still serves",
            elapsed.as_secs_f64(),
            cases as f64 / elapsed.as_secs_f64()
        );
        println!("outcomes:");
        for (class, count) in &by_class {
            println!("  {count:>9}  {class}");
        }
        println!("mutations:");
        for (mutation, count) in &by_mutation {
            println!("  {count:>9}  {mutation}");
        }
        assert!(
            violations.is_empty(),
            "{} properties broken:\n{}",
            violations.len(),
            violations.join("\n")
        );
    });
}

/// The oracle itself: each property it checks rejects what it names.
#[test]
fn the_properties_reject_what_they_name() {
    let broken = |target, payload_mode, status, body: &str| {
        judge(target, payload_mode, status, body.as_bytes())
            .violation
            .is_some()
    };
    for body in ["", "null", "[]", "\"text\""] {
        assert!(broken(Target::Queue, true, 200, body), "{body:?}");
    }
    assert!(!broken(Target::Queue, true, 200, r#"{"Outputs":{}}"#));
    assert!(broken(
        Target::Queue,
        true,
        500,
        r#"{"error":"function panicked: x"}"#
    ));
    assert!(broken(Target::Hello, false, 502, ""));
    assert!(!broken(
        Target::Panics,
        true,
        500,
        r#"{"error":"function panicked: x"}"#
    ));
    assert!(broken(Target::Panics, true, 200, r#"{"Outputs":{}}"#));
    assert!(broken(Target::Fails, false, 200, "ok"));
    assert!(broken(Target::Order, true, 400, "function panicked"));
    assert!(!broken(Target::Order, true, 400, "Data.req is missing"));
}
