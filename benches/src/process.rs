//! Starting a handler as the Functions host does (contract §1), and watching it.

use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Either, Empty, Full};
use hyper_util::rt::TokioIo;

use crate::error::BenchError;
use crate::request::{HostRequest, host_header};

/// A handler executable and the folder the host starts it in.
#[derive(Clone, Debug)]
pub struct HandlerApp {
    /// A name for messages and the table (`azfn`, `baseline`, `go`, `node`).
    pub name: String,
    /// The executable.
    pub executable: PathBuf,
    /// Its arguments (`server.js` for `node`), as `customHandler.description.arguments`.
    pub args: Vec<String>,
    /// The app root: the process's working directory and `FUNCTIONS_APP_ROOT_PATH`.
    pub app_root: PathBuf,
}

/// A running handler process. Killed when dropped.
#[derive(Debug)]
pub struct Running {
    name: String,
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Just before the process was spawned.
    pub spawned_at: Instant,
}

/// How long a handler may take to answer its first `GET /` before the run is abandoned (the
/// host's own budget is 30 s; anything near that is a broken handler, not a slow one).
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The host probes every 25 ms; the benchmark every 0.1 ms, so the start-up time it reports is
/// the handler's, not the probe's. (At 1 ms, start-ups of about 2 ms were rounded to whichever
/// probe came next: the same two handlers measured 1.00x in one run and 1.5x in another.)
const PROBE_INTERVAL: Duration = Duration::from_micros(100);

/// A loopback port free right now, chosen as the host chooses it: bind `127.0.0.1:0`, release.
pub fn free_port() -> Result<u16, BenchError> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|source| BenchError::Io {
            what: "choosing a free port",
            source,
        })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| BenchError::Io {
            what: "choosing a free port",
            source,
        })
}

impl HandlerApp {
    /// Spawns the handler the way the host does: working directory = app root, the host's
    /// environment variables (§1.3), stdout and stderr piped and read. Returns as soon as the
    /// process exists; see [`Running::wait_ready`].
    pub fn spawn(&self) -> Result<Running, BenchError> {
        let port = free_port()?;
        let worker_id = "8b7c8e4f-3a5d-4c1e-9f20-5d6a7b8c9d0e";
        let mut command = Command::new(&self.executable);
        command
            .args(&self.args)
            .current_dir(&self.app_root)
            .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
            .env("FUNCTIONS_HTTPWORKER_PORT", port.to_string())
            .env("FUNCTIONS_CUSTOMHANDLER_WORKER_ID", worker_id)
            .env("FUNCTIONS_HTTPWORKER_ID", worker_id)
            .env("FUNCTIONS_APP_ROOT_PATH", &self.app_root)
            // App settings the host passes on (local.settings.json `Values`).
            .env("FUNCTIONS_WORKER_RUNTIME", "custom")
            .env("AzureWebJobsStorage", "UseDevelopmentStorage=true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let spawned_at = Instant::now();
        let mut child = command.spawn().map_err(|source| BenchError::Process {
            handler: self.name.clone(),
            what: "spawning",
            source,
        })?;
        // The host reads both streams line by line; a pipe nobody reads would block the
        // handler once full.
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            drain(stream);
        }
        Ok(Running {
            name: self.name.clone(),
            child,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            spawned_at,
        })
    }
}

fn drain(mut stream: Box<dyn std::io::Read + Send>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
    });
}

/// When a freshly started handler answered, counted from just before it was spawned.
#[derive(Clone, Copy, Debug)]
pub struct ColdStart {
    /// The first `GET /` answered (the host's readiness probe).
    pub ready: Duration,
    /// The first invocation answered with 200, sent right after readiness.
    pub first_invocation: Duration,
}

impl Running {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn failed(&self, reason: String) -> BenchError {
        BenchError::Handler {
            handler: self.name.clone(),
            reason,
        }
    }

    /// Probes `GET /` like the host (every 0.1 ms here) until it is answered, on the
    /// connection the host would then reuse; returns that connection and the time of the answer.
    async fn probe(&mut self) -> Result<(Sender, Duration), BenchError> {
        let stream = loop {
            match TcpStream::connect(self.addr) {
                Ok(stream) => break stream,
                // Refused: not listening yet, the only error the host keeps waiting on.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        return Err(self.failed(format!("exited during start-up with {status}")));
                    }
                    if self.spawned_at.elapsed() > READY_TIMEOUT {
                        return Err(self.failed(format!("not listening after {READY_TIMEOUT:?}")));
                    }
                    std::thread::sleep(PROBE_INTERVAL);
                }
                Err(e) => return Err(self.failed(format!("connect: {e}"))),
            }
        };
        let mut sender = connect(stream).await.map_err(|e| self.failed(e))?;
        let probe = Request::get("/")
            .header(http::header::HOST, host_header(self.addr.port()))
            .body(Either::Left(Empty::new()))
            .expect("a valid request");
        let response = sender
            .send_request(probe)
            .await
            .map_err(|e| self.failed(format!("GET /: {e}")))?;
        let ready = self.spawned_at.elapsed();
        response
            .into_body()
            .collect()
            .await
            .map_err(|e| self.failed(format!("GET /: {e}")))?;
        Ok((sender, ready))
    }

    /// Waits until the handler answers `GET /`; returns how long that took since spawning.
    pub async fn wait_ready(&mut self) -> Result<Duration, BenchError> {
        self.probe().await.map(|(_, ready)| ready)
    }

    /// Waits for readiness, then sends `first` on the same keep-alive connection, as the host
    /// does with its pooled `HttpClient`; returns both times.
    pub async fn cold_start(&mut self, first: &HostRequest) -> Result<ColdStart, BenchError> {
        let (mut sender, ready) = self.probe().await?;
        let request = first
            .build(&host_header(self.addr.port()), 1)
            .map(Either::Right);
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| self.failed(format!("first invocation: {e}")))?;
        let status = response.status();
        response
            .into_body()
            .collect()
            .await
            .map_err(|e| self.failed(format!("first invocation: {e}")))?;
        let first_invocation = self.spawned_at.elapsed();
        if status != StatusCode::OK {
            return Err(self.failed(format!("first invocation answered {status}")));
        }
        Ok(ColdStart {
            ready,
            first_invocation,
        })
    }

    /// Resident memory (`VmRSS` in `/proc/<pid>/status`), in bytes.
    pub fn rss_bytes(&self) -> Result<u64, BenchError> {
        rss_bytes(self.pid()).map_err(|e| self.failed(format!("reading VmRSS: {e}")))
    }

    /// CPU time the process has used so far, user and system, all threads.
    pub fn cpu_time(&self) -> Result<Duration, BenchError> {
        cpu_time(self.pid()).map_err(|e| self.failed(format!("reading its CPU time: {e}")))
    }

    /// Kills the process as the host does (`Process.Kill()`: SIGKILL on Linux) and reaps it.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `VmRSS` of process `pid`, in bytes.
pub fn rss_bytes(pid: u32) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| std::io::Error::other("no VmRSS line"))
}

/// `utime + stime` of process `pid` (`/proc/<pid>/stat`, fields 14 and 15).
pub fn cpu_time(pid: u32) -> std::io::Result<Duration> {
    // Clock ticks are USER_HZ, which Linux fixes at 100 on every architecture Rust targets.
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) may hold spaces; the fields after it never do.
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| std::io::Error::other("unexpected /proc/<pid>/stat"))?;
    // `after_name` starts at field 3, so utime (14) and stime (15) are its 12th and 13th.
    let mut fields = after_name.split_whitespace().skip(11);
    let mut next = || -> std::io::Result<u64> {
        fields
            .next()
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| std::io::Error::other("unexpected /proc/<pid>/stat"))
    };
    let ticks = next()? + next()?;
    Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

/// A request body that is either empty (the probe) or the payload.
type Body = Either<Empty<Bytes>, Full<Bytes>>;
type Sender = hyper::client::conn::http1::SendRequest<Body>;

async fn connect(stream: TcpStream) -> Result<Sender, String> {
    stream
        .set_nonblocking(true)
        .map_err(|e| format!("non-blocking: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("TCP_NODELAY: {e}"))?;
    let stream = tokio::net::TcpStream::from_std(stream).map_err(|e| format!("tokio: {e}"))?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    Ok(sender)
}

/// The size of a file, in bytes.
pub fn file_size(path: &Path) -> Result<u64, BenchError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| BenchError::Read {
            path: path.to_owned(),
            source,
        })
}
