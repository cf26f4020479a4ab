//! The load generator: [wrk], driven by a Lua script that sends the Functions host's exact
//! request over a fixed number of keep-alive connections.
//!
//! Why wrk: it is the usual HTTP/1.1 benchmarking tool, maintained and packaged by Debian (the
//! suite installs it with `apt-get install wrk` when it is missing, as CI does), written in C on
//! an epoll loop, so it spends little CPU per request and the same for every handler; and its
//! Lua hooks can send bytes no option describes. The host sends a chunked body with no
//! `Content-Length` (contract §2.1), which neither wrk's own request format nor oha's options
//! produce, so the script returns the raw request from `request()`: the bytes hyper writes for
//! [`HostRequest::build`] (`POST /order HTTP/1.1`, `host`, `x-azure-functions-hostversion`,
//! `x-azure-functions-invocationid` with a fresh GUID-shaped id per request, `user-agent`,
//! `content-type: application/json; charset=utf-8`, `transfer-encoding: chunked`,
//! `traceparent`, then the body as one chunk and the last chunk), as the host's `HttpClient`
//! does for its `ObjectContent`.
//!
//! Every run is `wrk -t1 -c32`: one generator thread, so wrk takes at most one core of the
//! machine, the same for every handler, and 32 connections, each sending its next request when
//! the previous answer arrived (a closed loop). Latency runs from the request's first byte
//! written to the answer's last byte read; the percentiles are wrk's, which corrects for
//! coordinated omission (an answer slower than twice the mean interval adds the samples the
//! stalled connection could not send). The script's `response()` checks every answer: status
//! 200 and, where the caller knows it, the length of the verified answer's body; anything else,
//! or any socket error or timeout wrk counts, fails the run, so a handler answering 400 fast
//! cannot look fast. A run stops after a duration (`-d`, whole seconds) or after a number of
//! answers: the script then stops its thread and says so on stderr, and the suite interrupts
//! wrk (SIGINT, wrk's own way to end early), which prints its results as usual. `done()` prints
//! one machine-readable line that [`Wrk::run`] parses.
//!
//! [wrk]: https://github.com/wg/wrk

use std::io::{BufRead as _, BufReader, Read as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::request::{HOST_USER_AGENT, HOST_VERSION, HostRequest};
use crate::tools;

/// What the script writes on stderr when it has seen the answers it was asked for.
const BUDGET_REACHED: &str = "azfn-bench: budget reached";

/// What starts the script's result lines on stdout.
const RESULT_PREFIX: &str = "azfn-bench-wrk ";

/// wrk's `--timeout`: an answer slower than this counts as an error and fails the run. Far
/// above any loopback latency, so only a hung handler reaches it.
const TIMEOUT: &str = "10s";

/// The longest run counted in answers ([`Stop::After`]) may take before wrk ends it anyway.
const COUNT_RUN_LIMIT: Duration = Duration::from_secs(600);

/// The wrk executable the suite drives.
#[derive(Clone, Debug)]
pub struct Wrk {
    program: PathBuf,
    version: String,
}

impl Wrk {
    /// wrk from `PATH`, installed with `apt-get install -y wrk` first when it is missing.
    pub fn find_or_install() -> Result<Self, BenchError> {
        let program = match tools::find_program("wrk") {
            Some(program) => program,
            None => {
                eprintln!(
                    "azfn-bench: wrk is not installed; installing it (apt-get install -y wrk)"
                );
                let unavailable = |reason: String| BenchError::Tool {
                    tool: "wrk",
                    reason: format!(
                        "{reason}; the load generator is required: install wrk (Debian and Ubuntu: `apt-get install wrk`) and rerun"
                    ),
                };
                tools::apt_install("wrk").map_err(unavailable)?;
                tools::find_program("wrk")
                    .ok_or_else(|| unavailable("apt-get installed no `wrk` on PATH".into()))?
            }
        };
        Ok(Self::at(program))
    }

    /// The wrk at `program`.
    pub fn at(program: PathBuf) -> Self {
        let version = tools::first_line(&program, &["-v"])
            .map(|line| {
                // `wrk 4.1.0 [epoll] Copyright (C) 2012 Will Glozer`: drop the copyright.
                line.split(" Copyright")
                    .next()
                    .unwrap_or(&line)
                    .trim()
                    .to_owned()
            })
            .unwrap_or_else(|| "wrk (unknown version)".into());
        Self { program, version }
    }

    /// What `wrk -v` says it is, for the table's notes.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Runs `load` to completion and returns what wrk measured; fails on any error wrk or the
    /// script counted.
    pub fn run(&self, load: &Load) -> Result<LoadResult, LoadError> {
        let dir = tempfile::tempdir().map_err(|e| LoadError::Spawn(format!("temp dir: {e}")))?;
        let script_path = dir.path().join("host-request.lua");
        std::fs::write(&script_path, script(load, run_seed()))
            .map_err(|e| LoadError::Spawn(format!("writing the Lua script: {e}")))?;
        let seconds = match load.stop {
            Stop::For(duration) => whole_seconds(duration),
            Stop::After(_) => COUNT_RUN_LIMIT.as_secs(),
        };
        let mut child = Command::new(&self.program)
            .arg("-t1")
            .arg(format!("-c{}", load.connections))
            .arg(format!("-d{seconds}s"))
            .args(["--timeout", TIMEOUT, "-s"])
            .arg(&script_path)
            .arg(format!("http://{}/", load.addr))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| LoadError::Spawn(format!("{}: {e}", self.program.display())))?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let stderr = child.stderr.take().expect("stderr is piped");
        let (lines, stderr_lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr_text = String::new();
        let mut interrupted: Option<Instant> = None;
        let status = loop {
            match stderr_lines.recv_timeout(Duration::from_millis(20)) {
                Ok(line) if line.trim() == BUDGET_REACHED => {
                    interrupt(child.id());
                    interrupted = Some(Instant::now());
                }
                Ok(line) => {
                    stderr_text.push_str(&line);
                    stderr_text.push('\n');
                }
                Err(RecvTimeoutError::Timeout) => {}
                // wrk closed stderr: it is exiting.
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            // Not reaped before this returns Some, so the pid signalled below is still wrk's.
            if let Some(status) = child
                .try_wait()
                .map_err(|e| LoadError::Spawn(format!("waiting for wrk: {e}")))?
            {
                break status;
            }
            // wrk ignores SIGINT until all its threads are started: if the budget was reached
            // before that, the signal was lost; say it again.
            if interrupted.is_some_and(|at| at.elapsed() > Duration::from_secs(1)) {
                interrupt(child.id());
                interrupted = Some(Instant::now());
            }
        };
        while let Ok(line) = stderr_lines.try_recv() {
            if line.trim() != BUDGET_REACHED {
                stderr_text.push_str(&line);
                stderr_text.push('\n');
            }
        }
        let stdout = reader.join().unwrap_or_default();
        let parsed = parse_results(&stdout);
        let results = match parsed {
            Some(results) if status.success() => results,
            _ => {
                return Err(LoadError::Wrk {
                    status: status.to_string(),
                    output: format!("{stdout}{stderr_text}").trim().to_owned(),
                });
            }
        };
        results.into_result(load)
    }
}

/// Ends a wrk run early the way Ctrl-C does: wrk stops its threads and prints its results.
fn interrupt(pid: u32) {
    // The shell's `kill` builtin: no signal-sending crate and no unsafe code for one signal.
    let _ = Command::new("sh")
        .args(["-c", "kill -INT \"$1\"", "sh", &pid.to_string()])
        .status();
}

/// wrk's `-d` takes whole seconds; a shorter duration is rounded up, never to zero.
fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs_f64().ceil().max(1.0) as u64
}

/// A number that differs from run to run, for the invocation ids.
fn run_seed() -> u64 {
    use std::hash::{BuildHasher as _, RandomState};
    RandomState::new().hash_one(std::process::id())
}

/// When a load run stops.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After this long (rounded up to whole seconds, as wrk's `-d` counts).
    For(Duration),
    /// Once this many answers arrived.
    After(u64),
}

/// One load run's settings.
#[derive(Clone, Debug)]
pub struct Load {
    /// The handler's address.
    pub addr: SocketAddr,
    /// What to send.
    pub request: HostRequest,
    /// Connections, each with one request in flight at a time.
    pub connections: usize,
    /// When to stop.
    pub stop: Stop,
    /// The length of the body every answer must have (the handler's verified answer), or
    /// `None` to check the status only.
    pub answer_len: Option<usize>,
}

/// What one load run measured.
#[derive(Clone, Debug)]
pub struct LoadResult {
    /// Answers received (all of them 200, checked).
    pub requests: u64,
    /// From the connections' start to the end of the run.
    pub duration: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
}

impl LoadResult {
    /// Answers per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.duration.as_secs_f64()
    }

    /// The median latency, in milliseconds.
    pub fn p50_ms(&self) -> f64 {
        self.p50.as_secs_f64() * 1000.0
    }

    /// The 99th-percentile latency, in milliseconds.
    pub fn p99_ms(&self) -> f64 {
        self.p99.as_secs_f64() * 1000.0
    }
}

/// Why a load run failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// wrk could not be started.
    #[error("cannot run wrk: {0}")]
    Spawn(String),
    /// wrk failed, or printed no results.
    #[error("wrk exited with {status} without results:\n{output}")]
    Wrk {
        /// Its exit status.
        status: String,
        /// What it printed.
        output: String,
    },
    /// Some answers were errors, or some requests got none.
    #[error(
        "{bad} of {answered} answers were not the expected 200{first}; socket errors: connect {connect}, read {read}, write {write}, timeout {timeout}"
    )]
    Errors {
        /// Answers received.
        answered: u64,
        /// Answers that were not 200 with the expected body length.
        bad: u64,
        /// The first such answer: status and the start of its body.
        first: String,
        /// Failed connects.
        connect: u64,
        /// Failed reads (including answers that are not HTTP).
        read: u64,
        /// Failed writes.
        write: u64,
        /// Requests not answered within wrk's `--timeout`.
        timeout: u64,
    },
    /// A run counted in answers ended before it had them all.
    #[error("only {answered} of {wanted} answers arrived within {COUNT_RUN_LIMIT:?}")]
    Short {
        /// Answers received.
        answered: u64,
        /// Answers asked for.
        wanted: u64,
    },
}

/// The numbers `done()` prints.
#[derive(Debug, Default, PartialEq)]
struct Results {
    requests: u64,
    duration_us: u64,
    answered: u64,
    bad: u64,
    connect: u64,
    read: u64,
    write: u64,
    timeout: u64,
    status: u64,
    p50_us: u64,
    p99_us: u64,
    first_bad: String,
}

impl Results {
    fn into_result(self, load: &Load) -> Result<LoadResult, LoadError> {
        // wrk's own status count (>= 400) is part of `bad` already; both are checked anyway.
        let bad = self.bad.max(self.status);
        if bad > 0 || self.connect + self.read + self.write + self.timeout > 0 {
            return Err(LoadError::Errors {
                answered: self.answered,
                bad,
                first: if self.first_bad.is_empty() {
                    String::new()
                } else {
                    format!(" (first: {})", self.first_bad)
                },
                connect: self.connect,
                read: self.read,
                write: self.write,
                timeout: self.timeout,
            });
        }
        if let Stop::After(wanted) = load.stop
            && self.answered < wanted
        {
            return Err(LoadError::Short {
                answered: self.answered,
                wanted,
            });
        }
        Ok(LoadResult {
            requests: self.requests,
            duration: Duration::from_micros(self.duration_us),
            p50: Duration::from_micros(self.p50_us),
            p99: Duration::from_micros(self.p99_us),
        })
    }
}

/// Finds the script's result lines in wrk's output.
fn parse_results(stdout: &str) -> Option<Results> {
    let mut results = None;
    let mut first_bad = String::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix(RESULT_PREFIX) else {
            continue;
        };
        if let Some(text) = rest.strip_prefix("first_bad=") {
            first_bad = text.to_owned();
            continue;
        }
        let mut r = Results::default();
        for field in rest.split_whitespace() {
            let (key, value) = field.split_once('=')?;
            let value: u64 = value.parse().ok()?;
            match key {
                "requests" => r.requests = value,
                "duration_us" => r.duration_us = value,
                "answered" => r.answered = value,
                "bad" => r.bad = value,
                "connect" => r.connect = value,
                "read" => r.read = value,
                "write" => r.write = value,
                "timeout" => r.timeout = value,
                "status" => r.status = value,
                "p50_us" => r.p50_us = value,
                "p99_us" => r.p99_us = value,
                _ => {}
            }
        }
        results = Some(r);
    }
    results.map(|r| Results { first_bad, ..r })
}

/// `bytes` as a Lua string literal: printable ASCII as is, everything else as `\ddd`.
fn lua_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

/// The Lua script for `load`. `seed` makes this run's invocation ids differ from other runs'.
///
/// Each request is `head .. id .. middle .. trace .. tail`: `id` is a GUID-shaped invocation
/// id whose last 12 hex digits count the requests, `trace` a W3C trace context made the same way.
pub fn script(load: &Load, seed: u64) -> String {
    let request = &load.request;
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\nx-azure-functions-hostversion: {HOST_VERSION}\r\nx-azure-functions-invocationid: ",
        request.path, load.addr
    );
    let middle = format!(
        "\r\nuser-agent: {HOST_USER_AGENT}\r\ncontent-type: application/json; charset=utf-8\r\ntransfer-encoding: chunked\r\ntraceparent: 00-"
    );
    let mut tail = format!("-00\r\n\r\n{:X}\r\n", request.body.len()).into_bytes();
    tail.extend_from_slice(&request.body);
    tail.extend_from_slice(b"\r\n0\r\n\r\n");
    // Version 4 (random) GUID layout: 8-4-4-4-12, `4` and a variant digit of 8..b in place.
    let id_prefix = format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-",
        seed >> 32,
        (seed >> 16) & 0xffff,
        (seed >> 4) & 0xfff,
        0x8000 | (seed & 0x3fff)
    );
    let trace_prefix = format!("{:020x}", (seed.rotate_left(17) as u128) << 16 | 0x5eed);
    let optional = |value: Option<u64>| value.map_or("nil".to_owned(), |v| v.to_string());
    let budget = match load.stop {
        Stop::After(n) => Some(n),
        Stop::For(_) => None,
    };
    format!(
        r#"-- Written by azfn-bench for one wrk run (benches/src/load.rs): the Functions host's
-- invocation request, byte for byte, with a fresh invocation id per request; every answer
-- checked; one result line printed at the end.

local head = {head}
local middle = {middle}
local tail = {tail}
local id_prefix = "{id_prefix}"
local trace_prefix = "{trace_prefix}"
local answer_len = {answer_len}
local budget = {budget}
local stop_line = "{BUDGET_REACHED}\n"

-- Per thread, read by done() through thread:get.
sent = 0
answered = 0
bad = 0
first_bad = ""

function request()
  sent = sent + 1
  local n = string.format("%012x", sent)
  return head .. id_prefix .. n .. middle .. trace_prefix .. n .. "-0000" .. n .. tail
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or (answer_len and #body ~= answer_len) then
    bad = bad + 1
    if bad == 1 then
      first_bad = status .. " " .. string.sub(body, 1, 300)
    end
  end
  if budget and answered == budget then
    wrk.thread:stop()
    io.stderr:write(stop_line)
    io.stderr:flush()
  end
end

local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local answered, bad, first_bad = 0, 0, ""
  for _, thread in ipairs(threads) do
    answered = answered + thread:get("answered")
    bad = bad + thread:get("bad")
    if first_bad == "" then
      first_bad = thread:get("first_bad")
    end
  end
  local e = summary.errors
  io.write(string.format(
    "{RESULT_PREFIX}requests=%d duration_us=%d answered=%d bad=%d connect=%d read=%d write=%d timeout=%d status=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, answered, bad, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
  if first_bad ~= "" then
    io.write("{RESULT_PREFIX}first_bad=", (string.gsub(first_bad, "%c", " ")), "\n")
  end
end
"#,
        head = lua_string(head.as_bytes()),
        middle = lua_string(middle.as_bytes()),
        tail = lua_string(&tail),
        answer_len = optional(load.answer_len.map(|n| n as u64)),
        budget = optional(budget),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::tests::{capture, request_end};
    use crate::request::{host_header, one_request};
    use bytes::Bytes;

    fn order_load(addr: SocketAddr, stop: Stop) -> Load {
        Load {
            addr,
            // Non-ASCII, a quote and a backslash to escape; 46 bytes, a chunk size of `2E`.
            request: HostRequest::new(
                "order",
                Bytes::from_static(
                    "{\"Data\":{\"req\":{\"Body\":\"é\\\"\"}},\"Metadata\":{}}".as_bytes(),
                ),
            ),
            connections: 1,
            stop,
            answer_len: Some(2),
        }
    }

    /// The test needs wrk; the suite installs it, `.ci/run` too.
    fn wrk() -> Wrk {
        Wrk::find_or_install().expect("wrk is installed or installable")
    }

    /// Replaces the values of the headers that change from request to request, and the port.
    fn masked(raw: &str) -> String {
        raw.split("\r\n")
            .map(|line| {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("x-azure-functions-invocationid:") {
                    "x-azure-functions-invocationid: ID".to_owned()
                } else if lower.starts_with("traceparent:") {
                    "traceparent: TRACE".to_owned()
                } else if lower.starts_with("host:") {
                    "host: 127.0.0.1:PORT".to_owned()
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    fn header<'a>(request: &'a str, name: &str) -> &'a str {
        request
            .split("\r\n")
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {request}"))
    }

    /// wrk sends what hyper sends for `HostRequest::build`, byte for byte, except for the
    /// invocation id and trace context, which are fresh for every request.
    #[tokio::test]
    async fn wrk_sends_the_same_bytes_as_the_hosts_request() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hyper_port = addr.port();
        let server = tokio::spawn(capture(listener, 1));
        let load = order_load(addr, Stop::After(1));
        one_request(addr, load.request.build(&host_header(addr.port()), 1))
            .await
            .unwrap();
        let from_hyper = server.await.unwrap();
        // hyper writes the chunk size in upper-case hex.
        assert!(from_hyper.contains("\r\n\r\n2E\r\n{"), "{from_hyper}");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(capture(listener, 2));
        let load = order_load(addr, Stop::After(2));
        let wrk = wrk();
        let result = tokio::task::spawn_blocking(move || wrk.run(&load))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(result.requests, 2);
        let from_wrk = server.await.unwrap();
        let first = request_end(from_wrk.as_bytes()).unwrap();
        let requests = [&from_wrk[..first], &from_wrk[first..]];
        assert_eq!(request_end(requests[1].as_bytes()), Some(requests[1].len()));

        assert_eq!(
            header(&from_hyper, "host: "),
            format!("127.0.0.1:{}", hyper_port)
        );
        for request in &requests {
            assert_eq!(
                header(request, "host: "),
                format!("127.0.0.1:{}", addr.port())
            );
            assert_eq!(masked(request), masked(&from_hyper));
        }
        let ids: Vec<&str> = requests
            .iter()
            .map(|r| header(r, "x-azure-functions-invocationid: "))
            .collect();
        assert_ne!(ids[0], ids[1]);
        for id in &ids {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(
                id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
                "{id}"
            );
        }
        for request in &requests {
            let trace = header(request, "traceparent: ");
            let parts: Vec<usize> = trace.split('-').map(str::len).collect();
            assert_eq!(parts, [2, 32, 16, 2], "{trace}");
        }
    }

    /// A handler answering anything but the expected 200 fails the run, however fast it is.
    #[tokio::test]
    async fn an_error_answer_fails_the_run() {
        for answer in [
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\nno",
            "HTTP/1.1 302 Found\r\ncontent-length: 2\r\n\r\nno",
            // 200, but not the verified answer's length.
            "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nwrong",
        ] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(answer_every_request_with(listener, answer));
            let load = order_load(addr, Stop::For(Duration::from_secs(1)));
            let wrk = wrk();
            let error = tokio::task::spawn_blocking(move || wrk.run(&load))
                .await
                .unwrap()
                .unwrap_err();
            let status = answer.split(' ').nth(1).unwrap();
            assert!(
                matches!(&error, LoadError::Errors { bad, first, .. } if *bad > 0 && first.contains(status)),
                "{answer:?}: {error}"
            );
        }
    }

    /// Serves every connection, answering each request (up to its last chunk) with `answer`.
    async fn answer_every_request_with(listener: tokio::net::TcpListener, answer: &'static str) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut pending = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    while let Some(end) = request_end(&pending) {
                        pending.drain(..end);
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    }

    #[test]
    fn results_are_parsed_and_errors_fail() {
        let stdout = "Running 1s test @ http://127.0.0.1:1/\n  1 threads and 32 connections\n\
            azfn-bench-wrk requests=1000 duration_us=1000000 answered=1000 bad=0 connect=0 read=0 write=0 timeout=0 status=0 p50_us=250 p99_us=900\n";
        let load = order_load("127.0.0.1:1".parse().unwrap(), Stop::After(1000));
        let result = parse_results(stdout).unwrap().into_result(&load).unwrap();
        assert_eq!(result.requests, 1000);
        assert_eq!(result.throughput(), 1000.0);
        assert_eq!(result.p50_ms(), 0.25);
        assert_eq!(result.p99_ms(), 0.9);

        let short = parse_results(stdout).unwrap().into_result(&Load {
            stop: Stop::After(2000),
            ..load.clone()
        });
        assert!(matches!(
            short,
            Err(LoadError::Short {
                answered: 1000,
                wanted: 2000
            })
        ));

        let failing =
            stdout.replace("read=0", "read=3") + "azfn-bench-wrk first_bad=400 bad payload\n";
        let error = parse_results(&failing)
            .unwrap()
            .into_result(&load)
            .unwrap_err();
        assert!(
            matches!(error, LoadError::Errors { read: 3, .. }),
            "{error}"
        );
        assert!(parse_results("Running 1s test\n").is_none());
    }

    #[test]
    fn lua_strings_escape_what_lua_would_read_differently() {
        assert_eq!(lua_string(b"a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(lua_string(b"\r\n"), r#""\013\010""#);
        assert_eq!(lua_string("é1".as_bytes()), r#""\195\1691""#);
    }

    #[test]
    fn durations_are_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_millis(200)), 1);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_secs(4)), 4);
        assert_eq!(whole_seconds(Duration::from_millis(4500)), 5);
    }
}
