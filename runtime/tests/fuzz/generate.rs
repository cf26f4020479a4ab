//! The fuzz harness's generator: requests the host could send and many it never would, made by
//! mutating the contract vectors (`fixtures/contract-vectors/*.request.json`) where they have a
//! structure, and by writing HTTP/1.1 bytes by hand where `http::Request` cannot hold the
//! mistake (invalid header names, odd request lines, chunked framing).
//!
//! Every case comes from its own PRNG, seeded from the run's seed and the case's index, so a
//! case is replayed by its index alone. The PRNG is `Xoshiro256PlusPlus`, whose output rand
//! documents as fixed (unlike `SmallRng`, which may change between versions).

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom as _;
use rand::{RngExt as _, SeedableRng as _};
use serde_json::{Map, Value, json};

/// The contract vectors of invocation requests, as the host sends them.
const FIXTURES: &[(&str, &str)] = &[
    (
        "http-trigger",
        include_str!("../../../fixtures/contract-vectors/http-trigger.request.json"),
    ),
    (
        "http-trigger-get-route",
        include_str!("../../../fixtures/contract-vectors/http-trigger-get-route.request.json"),
    ),
    (
        "http-trigger-octet",
        include_str!("../../../fixtures/contract-vectors/http-trigger-octet.request.json"),
    ),
    (
        "queue-trigger",
        include_str!("../../../fixtures/contract-vectors/queue-trigger.request.json"),
    ),
    (
        "queue-trigger-retry",
        include_str!("../../../fixtures/contract-vectors/queue-trigger-retry.request.json"),
    ),
    (
        "queue-trigger-with-array-input",
        include_str!(
            "../../../fixtures/contract-vectors/queue-trigger-with-array-input.request.json"
        ),
    ),
    (
        "docs-queue",
        include_str!("../../../fixtures/contract-vectors/docs-queue.request.json"),
    ),
    (
        "docs-order",
        include_str!("../../../fixtures/contract-vectors/docs-order.request.json"),
    ),
    (
        "blob-trigger-binary",
        include_str!("../../../fixtures/contract-vectors/blob-trigger-binary.request.json"),
    ),
    (
        "timer-trigger",
        include_str!("../../../fixtures/contract-vectors/timer-trigger.request.json"),
    ),
];

/// What the harness serves, by what each function may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// `order`: HTTP, reads `Json<Order>`, writes a queue output.
    Order,
    /// `hello`: HTTP, echoes a POST's body.
    Hello,
    /// `MyQueueFunction`: queue trigger `myQueueItem` as `String`, returns it to a queue.
    Queue,
    /// `explode`: queue trigger that always panics (its 5xx is the function's own failure).
    Panics,
    /// `fail`: HTTP function that always returns `Err` (its 5xx is the function's own failure).
    Fails,
    /// A name or path no function serves.
    Unknown,
}

impl Target {
    /// The name payload mode posts to.
    pub(crate) fn function_name(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Hello => "hello",
            Self::Queue => "MyQueueFunction",
            Self::Panics => "explode",
            Self::Fails => "fail",
            Self::Unknown => "NoSuchFunction",
        }
    }

    /// The function's trigger binding, the key of its input in `Data`.
    fn trigger(self) -> &'static str {
        match self {
            Self::Order | Self::Hello | Self::Fails => "req",
            _ => "myQueueItem",
        }
    }

    fn is_http(self) -> bool {
        matches!(self, Self::Order | Self::Hello | Self::Fails)
    }

    /// Whether a 5xx can be this function's own failure.
    pub(crate) fn may_fail(self) -> bool {
        matches!(self, Self::Panics | Self::Fails)
    }
}

/// How a case reaches the server.
#[derive(Debug)]
pub(crate) enum Case {
    /// An invocation in payload mode: `POST /{function}` through the router.
    Payload {
        /// The path's function name (sometimes not the target's exact casing).
        function: String,
        /// The request's `Content-Type`.
        content_type: Option<&'static str>,
        /// The payload.
        body: Vec<u8>,
    },
    /// A forwarded HTTP request through the router.
    Forwarded(http::Request<Vec<u8>>),
    /// Bytes written to a served app's socket.
    Raw(Vec<u8>),
}

/// One generated case and what was done to make it.
#[derive(Debug)]
pub(crate) struct Generated {
    /// The function the case is aimed at.
    pub(crate) target: Target,
    /// The case.
    pub(crate) case: Case,
    /// The mutations applied, for the counts and for a failure's report.
    pub(crate) mutations: Vec<&'static str>,
}

/// A text fragment put into serialized JSON in place of a marker string, for what a
/// `serde_json::Value` cannot hold: numbers out of range, bad escapes, invalid UTF-8, nesting
/// deeper than a recursive drop survives.
struct Fragments(Vec<Vec<u8>>);

impl Fragments {
    fn marker(&mut self, fragment: Vec<u8>) -> Value {
        self.0.push(fragment);
        Value::String(format!("\u{1}azfn-fuzz-{}\u{1}", self.0.len() - 1))
    }

    fn apply(self, mut text: Vec<u8>) -> Vec<u8> {
        for (i, fragment) in self.0.into_iter().enumerate() {
            let marker = format!("\"\\u0001azfn-fuzz-{i}\\u0001\"");
            if let Some(at) = find(&text, marker.as_bytes()) {
                text.splice(at..at + marker.len(), fragment);
            }
        }
        text
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Makes the cases of one run.
pub(crate) struct Generator {
    seed: u64,
    fixtures: Vec<(&'static str, Value)>,
}

type Rng = Xoshiro256PlusPlus;

impl Generator {
    /// A generator for run `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        let fixtures = FIXTURES
            .iter()
            .map(|(name, text)| (*name, serde_json::from_str(text).expect("fixture is JSON")))
            .collect();
        Self { seed, fixtures }
    }

    /// Case number `index` of the run.
    pub(crate) fn case(&self, index: u64) -> Generated {
        let mut rng = Rng::seed_from_u64(self.seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let target = *[
            Target::Order,
            Target::Hello,
            Target::Queue,
            Target::Panics,
            Target::Fails,
            Target::Unknown,
        ]
        .choose(&mut rng)
        .unwrap();
        let mut mutations = Vec::new();
        let case = match rng.random_range(0..20) {
            0..14 => self.payload(&mut rng, target, &mut mutations),
            14..18 => forwarded(&mut rng, target, &mut mutations),
            _ => raw(&mut rng, target, &mut mutations),
        };
        Generated {
            target,
            case,
            mutations,
        }
    }

    /// A payload-mode invocation: a fixture fitted to the target, then mutated.
    fn payload(&self, rng: &mut Rng, target: Target, mutations: &mut Vec<&'static str>) -> Case {
        // Mostly a fixture of the target's kind, sometimes any.
        let fitting: Vec<_> = self
            .fixtures
            .iter()
            .filter(|(name, _)| {
                name.starts_with("http") == target.is_http() || rng.random_bool(0.1)
            })
            .collect();
        let (_, fixture) = fitting
            .choose(rng)
            .copied()
            .unwrap_or_else(|| self.fixtures.choose(rng).unwrap());
        let mut value = fixture.clone();
        fit_to(&mut value, target);
        let mut fragments = Fragments(Vec::new());
        let count = if rng.random_bool(0.05) {
            0
        } else {
            rng.random_range(1..=4)
        };
        for _ in 0..count {
            mutations.push(mutate(rng, &mut value, target, &mut fragments));
        }
        let mut body = fragments.apply(serde_json::to_vec(&value).unwrap());
        if rng.random_bool(0.04) {
            mutations.push("truncated");
            let at = rng.random_range(0..=body.len());
            body.truncate(at);
        }
        if rng.random_bool(0.02) {
            mutations.push("random bytes");
            body = random_bytes(rng, 0..512);
        }
        let mut function = target.function_name().to_owned();
        if rng.random_bool(0.03) {
            mutations.push("function name casing");
            function = function.to_uppercase();
        }
        let content_type = *[
            Some("application/json; charset=utf-8"),
            Some("application/json"),
            Some("text/plain"),
            None,
        ]
        .choose(rng)
        .unwrap();
        Case::Payload {
            function,
            content_type,
            body,
        }
    }
}

/// Puts the fixture's trigger value under the target's trigger name, as the host would for it.
fn fit_to(value: &mut Value, target: Target) {
    let Some(data) = value.get_mut("Data").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(first) = data.keys().next().cloned() else {
        return;
    };
    if first != target.trigger()
        && let Some(moved) = data.remove(&first)
    {
        data.insert(target.trigger().to_owned(), moved);
    }
    if target == Target::Order
        && let Some(req) = data.get_mut("req").and_then(Value::as_object_mut)
    {
        req.insert(
            "Body".to_owned(),
            Value::String(r#"{"id":1005,"quantity":2,"color":"black"}"#.to_owned()),
        );
    }
}

/// One mutation of the payload; returns its name.
fn mutate(
    rng: &mut Rng,
    value: &mut Value,
    target: Target,
    fragments: &mut Fragments,
) -> &'static str {
    match rng.random_range(0..15) {
        0 => {
            let node = random_node(rng, value);
            if let Value::Object(map) = node
                && let Some(key) = map
                    .keys()
                    .nth(rng.random_range(0..map.len().max(1)))
                    .cloned()
            {
                map.remove(&key);
            }
            "field removed"
        }
        1 | 2 => {
            *random_node(rng, value) = wrong_type(rng);
            "wrong JSON type"
        }
        3 => {
            let depth = if rng.random_bool(0.05) {
                rng.random_range(1_000..20_000)
            } else {
                rng.random_range(2..300)
            };
            let fragment = nested(rng, depth);
            *random_node(rng, value) = fragments.marker(fragment);
            "deep nesting"
        }
        4 => {
            let number = *[
                "1e999",
                "-1e999",
                "123456789012345678901234567890123456789",
                "1.10",
                "-0",
                "1e-400",
                "0.0000000000000000000000000000000000001",
                "18446744073709551616",
                "-9223372036854775809",
            ]
            .choose(rng)
            .unwrap();
            *random_node(rng, value) = fragments.marker(number.as_bytes().to_vec());
            "huge number"
        }
        5 => {
            let escape: &[u8] = [
                &br#""\uZZZZ""#[..],
                br#""\ud800""#,
                br#""\udc00\ud800""#,
                br#""\x41""#,
                br#""\"#,
                b"\"tab\tinside\"",
                br#""\u00""#,
            ]
            .choose(rng)
            .unwrap();
            *random_node(rng, value) = fragments.marker(escape.to_vec());
            "bad escape"
        }
        6 => {
            let mut text = b"\"note ".to_vec();
            text.extend(random_bytes(rng, 1..8).into_iter().map(|b| b | 0x80));
            text.push(b'"');
            *random_node(rng, value) = fragments.marker(text);
            "invalid UTF-8"
        }
        7 => {
            let url = *[
                "http://",
                "://",
                "http://[::1",
                "http://localhost:7071",
                "",
                "/relative/only",
                "http://localhost:99999/api/hello",
                "http://h/api/hello?%zz=%",
                "http://h/api/%ff%fe",
                "mailto:x@y",
                "http://h/a b",
                "http://h/api/hello#frag",
            ]
            .choose(rng)
            .unwrap();
            req(value, target).insert("Url".to_owned(), Value::String(url.to_owned()));
            "odd URL"
        }
        8 => {
            let count = if rng.random_bool(0.02) {
                rng.random_range(20_000..30_000)
            } else {
                rng.random_range(1..200)
            };
            let mut headers = Map::new();
            for i in 0..count {
                let name = header_name(rng, i);
                let value = match rng.random_range(0..4) {
                    0 => json!(["v"]),
                    1 => json!("plain"),
                    2 => json!(["a\r\nb", "\u{0}"]),
                    _ => wrong_type(rng),
                };
                headers.insert(name, value);
            }
            req(value, target).insert("Headers".to_owned(), Value::Object(headers));
            "many or invalid header names"
        }
        9 => {
            let body = match rng.random_range(0..5) {
                0 => Value::String(base64_of(&random_bytes(rng, 0..256))),
                1 => Value::String("not base64 at all!!".to_owned()),
                2 => Value::String(String::from_utf8_lossy(&random_bytes(rng, 0..256)).into()),
                3 => wrong_type(rng),
                _ => Value::String("x".repeat(rng.random_range(0..100_000))),
            };
            let req = req(value, target);
            req.insert("Body".to_owned(), body);
            if rng.random_bool(0.5) {
                req.insert(
                    "Headers".to_owned(),
                    json!({"Content-Type": ["application/octet-stream"]}),
                );
            }
            "binary, base64 or odd body"
        }
        10 => {
            let replacement = [json!(null), json!({}), json!([]), json!(""), json!(1)]
                .choose(rng)
                .unwrap()
                .clone();
            let key = *["Data", "Metadata"].choose(rng).unwrap();
            if let Some(map) = value.as_object_mut() {
                if rng.random_bool(0.5) {
                    map.remove(key);
                } else {
                    map.insert(key.to_owned(), replacement);
                }
            }
            "empty or missing Data/Metadata"
        }
        11 => {
            let method = *[
                "GET",
                "",
                "get",
                "NOT A METHOD",
                "DELETE",
                "ÜBER",
                "POST\r\n",
            ]
            .choose(rng)
            .unwrap();
            req(value, target).insert("Method".to_owned(), Value::String(method.to_owned()));
            "odd method"
        }
        12 => {
            let query = match rng.random_range(0..3) {
                0 => json!({"a": 1, "b": [1, 2], "c": null}),
                1 => json!("not an object"),
                _ => json!({"": "", "%zz": "\u{0}"}),
            };
            req(value, target).insert("Query".to_owned(), query);
            "odd query"
        }
        13 => {
            // The host encodes a queue message's value as JSON text; here it is raw text.
            if let Some(data) = value.get_mut("Data").and_then(Value::as_object_mut) {
                data.insert(
                    target.trigger().to_owned(),
                    Value::String(String::from_utf8_lossy(&random_bytes(rng, 0..64)).into()),
                );
            }
            "trigger value as raw text"
        }
        _ => {
            let metadata = [
                json!({"sys": "not an object"}),
                json!({"sys": {"UtcNow": 5, "RandGuid": []}}),
                json!({"DequeueCount": "many", "Id": {}}),
            ]
            .choose(rng)
            .unwrap()
            .clone();
            if let Some(map) = value.as_object_mut() {
                map.insert("Metadata".to_owned(), metadata);
            }
            "odd metadata"
        }
    }
}

/// `Data.req` as an object, made if absent (the mutation is aimed at it).
fn req(value: &mut Value, target: Target) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = json!({});
    }
    let data = value
        .as_object_mut()
        .unwrap()
        .entry("Data")
        .or_insert_with(|| json!({}));
    if !data.is_object() {
        *data = json!({});
    }
    let req = data
        .as_object_mut()
        .unwrap()
        .entry(target.trigger())
        .or_insert_with(|| json!({}));
    if !req.is_object() {
        *req = json!({});
    }
    req.as_object_mut().unwrap()
}

/// A node of `value`, found by a random walk from the root.
fn random_node<'v>(rng: &mut Rng, value: &'v mut Value) -> &'v mut Value {
    let mut node = value;
    loop {
        if rng.random_bool(0.3) {
            return node;
        }
        let len = match &*node {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 {
            return node;
        }
        let i = rng.random_range(0..len);
        node = match node {
            Value::Object(map) => map.values_mut().nth(i).unwrap(),
            Value::Array(items) => &mut items[i],
            _ => unreachable!("only containers have children"),
        };
    }
}

fn wrong_type(rng: &mut Rng) -> Value {
    match rng.random_range(0..7) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<f64>() * 1e300),
        4 => json!("a string"),
        5 => json!([1, "two", null, {}]),
        _ => json!({"unexpected": {"nested": [true]}}),
    }
}

/// JSON nested `depth` levels deep, as text.
fn nested(rng: &mut Rng, depth: usize) -> Vec<u8> {
    let objects = rng.random_bool(0.5);
    let mut text = Vec::with_capacity(depth * 6 + 1);
    for _ in 0..depth {
        text.extend_from_slice(if objects { b"{\"a\":" } else { b"[" });
    }
    text.push(b'0');
    for _ in 0..depth {
        text.push(if objects { b'}' } else { b']' });
    }
    text
}

fn header_name(rng: &mut Rng, i: usize) -> String {
    match rng.random_range(0..8) {
        0 => "bad name".to_owned(),
        1 => String::new(),
        2 => "é-header".to_owned(),
        3 => "X-Dup".to_owned(),
        4 => format!("x\r\ninjected-{i}"),
        5 => "Content-Length".to_owned(),
        _ => format!("x-fuzz-{i}"),
    }
}

fn random_bytes(rng: &mut Rng, len: std::ops::Range<usize>) -> Vec<u8> {
    let mut bytes = vec![0u8; rng.random_range(len)];
    rng.fill(&mut bytes[..]);
    bytes
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The path a forwarded request for `target` goes to, sometimes off its route.
fn path_of(rng: &mut Rng, target: Target, mutations: &mut Vec<&'static str>) -> String {
    let exact = match target {
        Target::Order => "/api/order",
        Target::Hello => "/api/hello",
        Target::Fails => "/api/fail",
        // Not forwarded by the host (not HTTP in and out): the router has no route for them.
        Target::Queue => "/api/MyQueueFunction",
        Target::Panics => "/api/explode",
        Target::Unknown => "/api/nothing/here",
    };
    match rng.random_range(0..10) {
        0 => {
            mutations.push("path casing");
            exact.to_uppercase()
        }
        1 => {
            mutations.push("odd query");
            format!("{exact}?a=%zz&&=&b=%ff")
        }
        2 => {
            mutations.push("path percent-encoded");
            exact.replace('e', "%65")
        }
        3 => {
            mutations.push("extra segment");
            format!("{exact}/extra/")
        }
        _ => exact.to_owned(),
    }
}

/// A forwarded HTTP request, made only of what `http::Request` accepts.
fn forwarded(rng: &mut Rng, target: Target, mutations: &mut Vec<&'static str>) -> Case {
    let method = *[
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FUZZ",
    ]
    .choose(rng)
    .unwrap();
    let path = path_of(rng, target, mutations);
    let mut request = http::Request::builder().method(method).uri(path);
    let content_type = *[
        "application/json",
        "application/json; charset=utf-8",
        "application/octet-stream",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ]
    .choose(rng)
    .unwrap();
    if rng.random_bool(0.8) {
        request = request.header("content-type", content_type);
    }
    if rng.random_bool(0.2) {
        mutations.push("many or duplicate headers");
        for i in 0..rng.random_range(1..300) {
            request = request.header(if i % 3 == 0 { "x-dup" } else { "x-many" }, "v");
        }
    }
    let body = match rng.random_range(0..5) {
        0 => Vec::new(),
        1 => {
            mutations.push("binary body");
            random_bytes(rng, 1..4096)
        }
        2 => {
            mutations.push("JSON of the wrong shape");
            serde_json::to_vec(&wrong_type(rng)).unwrap()
        }
        3 => {
            let mut fragments = Fragments(Vec::new());
            let mut order = json!({"id": 1, "quantity": 2, "color": "red"});
            mutations.push(mutate(rng, &mut order, target, &mut fragments));
            fragments.apply(serde_json::to_vec(&order).unwrap())
        }
        _ => br#"{"id":1005,"quantity":2,"color":"black"}"#.to_vec(),
    };
    Case::Forwarded(request.body(body).expect("only valid parts are used"))
}

/// HTTP/1.1 bytes, for what `http::Request` refuses to hold.
fn raw(rng: &mut Rng, target: Target, mutations: &mut Vec<&'static str>) -> Case {
    let (method, path) = if rng.random_bool(0.5) {
        ("POST".to_owned(), format!("/{}", target.function_name()))
    } else {
        let path = path_of(rng, target, mutations);
        ("POST".to_owned(), path)
    };
    let mut head = Vec::new();
    match rng.random_range(0..8) {
        0 => {
            mutations.push("invalid UTF-8 in the path");
            head.extend_from_slice(format!("{method} {path}").as_bytes());
            head.extend_from_slice(b"\xff\xfe");
            head.extend_from_slice(b" HTTP/1.1\r\n");
        }
        1 => {
            mutations.push("absolute-form target");
            head.extend_from_slice(format!("{method} http://h{path} HTTP/1.1\r\n").as_bytes());
        }
        2 => {
            mutations.push("HTTP/1.0");
            head.extend_from_slice(format!("{method} {path} HTTP/1.0\r\n").as_bytes());
        }
        _ => head.extend_from_slice(format!("{method} {path} HTTP/1.1\r\n").as_bytes()),
    }
    head.extend_from_slice(b"Host: 127.0.0.1\r\nContent-Type: application/json\r\n");
    match rng.random_range(0..6) {
        0 => {
            mutations.push("invalid header name");
            let name: &[u8] = [&b"bad name"[..], b"\xc3\xa9", b"", b"x(y)", b"x\x01"]
                .choose(rng)
                .unwrap();
            head.extend_from_slice(name);
            head.extend_from_slice(b": v\r\n");
        }
        1 => {
            mutations.push("many or duplicate headers");
            for i in 0..rng.random_range(1..150) {
                head.extend_from_slice(format!("X-Dup-{}: {i}\r\n", i % 4).as_bytes());
            }
        }
        2 => {
            mutations.push("obsolete line folding");
            head.extend_from_slice(b"X-Folded: a\r\n b\r\n");
        }
        _ => {}
    }
    let payload = serde_json::to_vec(&json!({
        "Data": {target.trigger(): "\"m\""},
        "Metadata": {}
    }))
    .unwrap();
    let mut body = Vec::new();
    match rng.random_range(0..7) {
        0 => {
            mutations.push("chunked framing");
            head.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
            let mut rest = &payload[..];
            while !rest.is_empty() {
                let n = rng.random_range(1..=rest.len().min(16));
                body.extend_from_slice(format!("{n:x}").as_bytes());
                if rng.random_bool(0.2) {
                    body.extend_from_slice(b";ext=1");
                }
                body.extend_from_slice(b"\r\n");
                body.extend_from_slice(&rest[..n]);
                body.extend_from_slice(b"\r\n");
                rest = &rest[n..];
            }
            body.extend_from_slice(b"0\r\n");
            if rng.random_bool(0.3) {
                body.extend_from_slice(b"X-Trailer: t\r\n");
            }
            body.extend_from_slice(b"\r\n");
        }
        1 => {
            mutations.push("bad chunk size");
            head.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
            body.extend_from_slice(b"zz\r\nabc\r\n0\r\n\r\n");
        }
        2 => {
            mutations.push("Content-Length and chunked");
            head.extend_from_slice(
                format!(
                    "Content-Length: {}\r\nTransfer-Encoding: chunked\r\n",
                    payload.len()
                )
                .as_bytes(),
            );
            body.extend_from_slice(format!("{:x}\r\n", payload.len()).as_bytes());
            body.extend_from_slice(&payload);
            body.extend_from_slice(b"\r\n0\r\n\r\n");
        }
        3 => {
            mutations.push("two Content-Lengths");
            head.extend_from_slice(
                format!("Content-Length: {}\r\nContent-Length: 3\r\n", payload.len()).as_bytes(),
            );
            body.extend_from_slice(&payload);
        }
        4 => {
            mutations.push("Content-Length shorter than the body");
            head.extend_from_slice(format!("Content-Length: {}\r\n", payload.len() / 2).as_bytes());
            body.extend_from_slice(&payload);
        }
        _ => {
            head.extend_from_slice(format!("Content-Length: {}\r\n", payload.len()).as_bytes());
            body.extend_from_slice(&payload);
        }
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    head.extend_from_slice(&body);
    Case::Raw(head)
}
