//! The whole suite: build both handlers, check they answer alike, then measure throughput and
//! latency, cold start, memory, size and the emit step, and gather the table.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cargo_azfn::{BuildOptions, EmitOptions};
use cargo_metadata::Message;
use serde_json::Value;

use crate::error::BenchError;
use crate::load::{self, HostRequest, Load, LoadResult, Stop, host_header};
use crate::process::{ColdStart, HandlerApp, file_size};
use crate::report::{Report, Row, Target};
use crate::vectors::{ORDER_VECTOR, host_body, workspace_root};

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The smoke run: debug builds, one short round of everything, scaled-down counts. Its
    /// numbers only show that every measurement works.
    pub quick: bool,
    /// Use this already built `examples/orders` executable instead of building it.
    pub app_bin: Option<PathBuf>,
    /// Use this already built `baseline` executable instead of building it.
    pub baseline_bin: Option<PathBuf>,
}

/// How much of everything a run does.
#[derive(Clone, Copy, Debug)]
struct Plan {
    release: bool,
    /// Throughput rounds per handler, alternating.
    rounds: usize,
    warmup: Duration,
    measure: Duration,
    cold_starts: usize,
    invocations: u64,
    emit_runs: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                release: false,
                rounds: 1,
                warmup: Duration::from_millis(200),
                measure: Duration::from_millis(500),
                cold_starts: 3,
                invocations: 2_000,
                emit_runs: 3,
            }
        } else {
            Self {
                release: true,
                rounds: 5,
                warmup: Duration::from_secs(1),
                measure: Duration::from_secs(4),
                cold_starts: 20,
                invocations: 100_000,
                emit_runs: 11,
            }
        }
    }

    fn profile(&self) -> &'static str {
        if self.release { "release" } else { "debug" }
    }
}

/// Connections to each handler, each with one request in flight, as the issue fixes it.
pub const CONCURRENCY: usize = 32;

/// Runs the suite and returns the report. Progress goes to stderr.
pub fn run(options: &Options) -> Result<Report, BenchError> {
    let plan = Plan::new(options.quick);
    let load_before = load_average();
    let work_dir = workspace_root()
        .join("target")
        .join("azfn-bench")
        .join(plan.profile());
    let (azfn, azfn_exe) = prepare_app(options, &plan, &work_dir)?;
    let (baseline, baseline_exe) = prepare_baseline(options, &plan, &work_dir)?;
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);

    let runtime = client_runtime()?;
    let mut rows = Vec::new();
    runtime.block_on(async {
        progress("checking that both handlers answer the order invocation alike");
        same_answers(&azfn, &baseline, &order).await?;
        progress(&format!(
            "throughput: {} rounds per handler, {CONCURRENCY} connections, {:?} + {:?} each",
            plan.rounds, plan.warmup, plan.measure
        ));
        rows.extend(throughput(&azfn, &baseline, &order, &plan).await?);
        progress(&format!(
            "cold start: {} starts per handler",
            plan.cold_starts
        ));
        rows.extend(cold_starts(&azfn, &baseline, &order, &plan).await?);
        progress(&format!(
            "memory: {} invocations per handler",
            plan.invocations
        ));
        rows.extend(memory(&azfn, &baseline, &order, &plan).await?);
        Ok::<(), BenchError>(())
    })?;
    rows.extend(sizes(&azfn_exe, &baseline_exe, &plan)?);
    progress(&format!(
        "emit: {} functions, {} runs",
        crate::emit::FUNCTIONS,
        plan.emit_runs
    ));
    rows.push(emit_row(&work_dir, &azfn_exe, &plan)?);

    let mut notes = vec![
        format!(
            "mode: {}; {} builds of examples/orders (azfn) and benches/src/bin/baseline (hand-written axum)",
            if options.quick {
                "quick (smoke run: scaled down, numbers not meaningful)"
            } else {
                "full"
            },
            plan.profile()
        ),
        format!(
            "load: hyper HTTP/1.1 client, {CONCURRENCY} keep-alive connections on 127.0.0.1, the host's chunked `POST /order` ({ORDER_VECTOR}); {} alternating rounds of {:?} per handler after {:?} warm-up, medians shown",
            plan.rounds, plan.measure, plan.warmup
        ),
        format!(
            "cold start: spawned as the host does (app folder as working directory, FUNCTIONS_CUSTOMHANDLER_PORT...), `GET /` probed every 1 ms, then the order posted on the same connection; median of {}",
            plan.cold_starts
        ),
        format!(
            "machine: {} CPUs; load average {} before, {} after",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            load_before,
            load_average()
        ),
    ];
    if options.quick {
        notes.push("targets apply to the full run only".into());
    }
    Ok(Report { rows, notes })
}

/// Sends the suite's load (the order invocation, [`CONCURRENCY`] connections) to a handler
/// already listening on `port` for `seconds`, and describes the result in one line.
pub fn drive(port: u16, seconds: Duration) -> Result<String, BenchError> {
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);
    let load = Load {
        addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port)),
        request: order,
        concurrency: CONCURRENCY,
        stop: Stop::Time {
            warmup: Duration::ZERO,
            measure: seconds,
        },
    };
    let result = client_runtime()?
        .block_on(load::run(&load))
        .map_err(|e| BenchError::Request {
            handler: format!("127.0.0.1:{port}"),
            reason: e.to_string(),
        })?;
    Ok(format!(
        "{:.0} req/s  p50 {:.3} ms  p99 {:.3} ms  ({} requests)",
        result.throughput(),
        result.latency_ms(0.5),
        result.latency_ms(0.99),
        result.requests
    ))
}

/// The load generator's runtime: one thread, so it takes at most one core, the same for both
/// handlers.
fn client_runtime() -> Result<tokio::runtime::Runtime, BenchError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| BenchError::Io {
            what: "starting the load generator's runtime",
            source,
        })
}

fn progress(message: &str) {
    eprintln!("azfn-bench: {message}");
}

/// `/proc/loadavg`'s first three fields, to say how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Builds `examples/orders` with `cargo azfn build` (or emits the given executable) and returns
/// the app and the executable cargo built.
fn prepare_app(
    options: &Options,
    plan: &Plan,
    work_dir: &Path,
) -> Result<(HandlerApp, PathBuf), BenchError> {
    let out_dir = work_dir.join("orders");
    let (report, built) = match &options.app_bin {
        Some(bin) => {
            let report = cargo_azfn::emit(&EmitOptions {
                bin_path: bin.clone(),
                out_dir,
            })?;
            (report, bin.clone())
        }
        None => {
            progress(&format!(
                "building examples/orders ({}) with cargo azfn build",
                plan.profile()
            ));
            let mut reports = cargo_azfn::build(&BuildOptions {
                manifest_path: Some(workspace_root().join("examples/orders/Cargo.toml")),
                release: plan.release,
                out_dir: Some(out_dir),
                ..BuildOptions::default()
            })?;
            let report = reports.remove(0);
            let built = cargo_artifact_of(&report.executable, plan);
            (report, built)
        }
    };
    Ok((
        HandlerApp {
            name: "azfn".into(),
            executable: report.executable,
            app_root: report.out_dir,
        },
        built,
    ))
}

/// The executable cargo built for the app (the emitted copy has the same bytes).
fn cargo_artifact_of(emitted: &Path, plan: &Plan) -> PathBuf {
    let name = emitted.file_name().expect("an executable has a name");
    let built = workspace_root()
        .join("target")
        .join(plan.profile())
        .join(name);
    if built.is_file() {
        built
    } else {
        emitted.to_owned()
    }
}

/// Builds the `baseline` binary with cargo (unless given) and puts a copy in an app folder of
/// its own, so both handlers start the same way: a copied executable run from its folder.
fn prepare_baseline(
    options: &Options,
    plan: &Plan,
    work_dir: &Path,
) -> Result<(HandlerApp, PathBuf), BenchError> {
    let built = match &options.baseline_bin {
        Some(bin) => bin.clone(),
        None => build_baseline(plan)?,
    };
    let app_root = work_dir.join("baseline");
    let io = |what| move |source| BenchError::Io { what, source };
    std::fs::create_dir_all(&app_root).map_err(io("creating the baseline's folder"))?;
    let executable = app_root.join("baseline");
    // Copy, not hard-link: a running copy would otherwise block the next cargo build.
    let _ = std::fs::remove_file(&executable);
    std::fs::copy(&built, &executable).map_err(io("copying the baseline executable"))?;
    Ok((
        HandlerApp {
            name: "baseline".into(),
            executable,
            app_root,
        },
        built,
    ))
}

fn build_baseline(plan: &Plan) -> Result<PathBuf, BenchError> {
    progress(&format!("building the baseline ({})", plan.profile()));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["build", "-p", "azfn-benches", "--bin", "baseline"])
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if plan.release {
        command.arg("--release");
    }
    let fail = |reason: String| BenchError::BuildBaseline(reason);
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut executable = None;
    for message in Message::parse_stream(std::io::BufReader::new(stdout)) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && artifact.target.name == "baseline"
            && let Some(path) = artifact.executable
        {
            executable = Some(PathBuf::from(path));
        }
    }
    let status = child
        .wait()
        .map_err(|e| fail(format!("waiting for cargo: {e}")))?;
    if !status.success() {
        return Err(fail(format!("cargo build exited with {status}")));
    }
    executable.ok_or_else(|| fail("cargo built no `baseline` executable".into()))
}

/// Both handlers must give the same answer to the same invocation, or the comparison would be
/// of different work.
async fn same_answers(
    azfn: &HandlerApp,
    baseline: &HandlerApp,
    order: &HostRequest,
) -> Result<(), BenchError> {
    let mut answers = Vec::new();
    for app in [azfn, baseline] {
        let mut running = app.spawn()?;
        running.wait_ready().await?;
        let request = order.build(&host_header(running.addr.port()), 1);
        let (status, body) = load::one_request(running.addr, request)
            .await
            .map_err(|reason| BenchError::Request {
                handler: app.name.clone(),
                reason,
            })?;
        running.kill();
        if status != http::StatusCode::OK {
            return Err(BenchError::Request {
                handler: app.name.clone(),
                reason: format!(
                    "the order invocation answered {status}: {}",
                    String::from_utf8_lossy(&body)
                ),
            });
        }
        answers.push(body);
    }
    let parse = |body: &[u8]| serde_json::from_slice::<Value>(body).ok();
    let expected_message = "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}";
    let azfn_answer = parse(&answers[0]);
    let same = azfn_answer.is_some()
        && azfn_answer == parse(&answers[1])
        && azfn_answer
            .as_ref()
            .and_then(|v| v.pointer("/Outputs/message"))
            == Some(&Value::from(expected_message));
    if !same {
        return Err(BenchError::Mismatch {
            azfn: String::from_utf8_lossy(&answers[0]).into_owned(),
            baseline: String::from_utf8_lossy(&answers[1]).into_owned(),
        });
    }
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[derive(Default)]
struct Rounds {
    throughput: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
    cpu_us: Vec<f64>,
}

impl Rounds {
    fn push(&mut self, result: &LoadResult, cpu: Duration) {
        self.throughput.push(result.throughput());
        self.p50.push(result.latency_ms(0.50));
        self.p99.push(result.latency_ms(0.99));
        self.cpu_us
            .push(cpu.as_secs_f64() * 1e6 / result.answered.max(1) as f64);
    }
}

async fn throughput(
    azfn: &HandlerApp,
    baseline: &HandlerApp,
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    // Both stay up for every round; the idle one only sleeps in epoll.
    let mut servers = Vec::new();
    for app in [azfn, baseline] {
        let mut running = app.spawn()?;
        running.wait_ready().await?;
        servers.push(running);
    }
    let mut results = [Rounds::default(), Rounds::default()];
    for round in 0..plan.rounds {
        // A B, then B A: a drift in machine load lands on both sides equally.
        let order_of_sides: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order_of_sides {
            let load = Load {
                addr: servers[side].addr,
                request: order.clone(),
                concurrency: CONCURRENCY,
                stop: Stop::Time {
                    warmup: plan.warmup,
                    measure: plan.measure,
                },
            };
            let cpu_before = servers[side].cpu_time()?;
            let result = load::run(&load).await.map_err(|e| BenchError::Request {
                handler: [azfn, baseline][side].name.clone(),
                reason: e.to_string(),
            })?;
            let cpu = servers[side].cpu_time()?.saturating_sub(cpu_before);
            results[side].push(&result, cpu);
            progress(&format!(
                "  round {} {:<8} {:>9.0} req/s  p50 {:.3} ms  p99 {:.3} ms  {:.1} µs CPU/invocation",
                round + 1,
                [azfn, baseline][side].name,
                result.throughput(),
                result.latency_ms(0.5),
                result.latency_ms(0.99),
                results[side].cpu_us.last().copied().unwrap_or_default()
            ));
        }
    }
    for server in servers {
        server.kill();
    }
    let [a, b] = results;
    Ok(vec![
        Row::compared(
            "throughput",
            "req/s",
            median(a.throughput),
            median(b.throughput),
            Target::RatioAtLeast(0.9),
        ),
        Row::compared(
            "latency p50",
            "ms",
            median(a.p50),
            median(b.p50),
            Target::None,
        ),
        Row::compared(
            "latency p99",
            "ms",
            median(a.p99),
            median(b.p99),
            Target::RatioAtMost(1.2),
        ),
        // The cost behind the throughput, less sensitive to what else the machine runs.
        Row::compared(
            "handler CPU per invocation",
            "µs",
            median(a.cpu_us),
            median(b.cpu_us),
            Target::None,
        ),
    ])
}

async fn cold_starts(
    azfn: &HandlerApp,
    baseline: &HandlerApp,
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    let apps = [azfn, baseline];
    let mut starts: [Vec<ColdStart>; 2] = [Vec::new(), Vec::new()];
    for i in 0..plan.cold_starts {
        let order_of_sides: [usize; 2] = if i % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order_of_sides {
            let mut running = apps[side].spawn()?;
            let start = running.cold_start(order).await?;
            running.kill();
            starts[side].push(start);
        }
    }
    let ms = |side: usize, pick: fn(&ColdStart) -> Duration| {
        median(
            starts[side]
                .iter()
                .map(|s| pick(s).as_secs_f64() * 1000.0)
                .collect(),
        )
    };
    Ok(vec![
        Row::compared(
            "cold start: first GET / answered",
            "ms",
            ms(0, |s| s.ready),
            ms(1, |s| s.ready),
            Target::None,
        ),
        Row::compared(
            "cold start: first invocation answered",
            "ms",
            ms(0, |s| s.first_invocation),
            ms(1, |s| s.first_invocation),
            Target::RatioAtMostAndBelow {
                ratio: 1.5,
                value: 10.0,
            },
        ),
    ])
}

/// Idle RSS of a fresh process, after half of `plan.invocations` invocations, and after all of
/// them (each after a pause, so what is measured is what stays, not buffers in flight).
///
/// Growth is given twice. From start: it includes the allocator keeping the heap of the first
/// burst of 32 concurrent connections (glibc does not hand freed heap back to the OS), which
/// the hand-written handler shows just the same. Over the second half: the steady state, where
/// a leak would show; RSS levels off within the first few tens of thousands of invocations.
async fn memory(
    azfn: &HandlerApp,
    baseline: &HandlerApp,
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    const SETTLE: Duration = Duration::from_millis(300);
    let first = plan.invocations / 2;
    let mut idle = [0.0; 2];
    let mut warm = [0.0; 2];
    let mut after = [0.0; 2];
    for (side, app) in [azfn, baseline].into_iter().enumerate() {
        let mut running = app.spawn()?;
        running.wait_ready().await?;
        tokio::time::sleep(SETTLE).await;
        idle[side] = running.rss_bytes()? as f64;
        for (count, rss) in [
            (first, &mut warm[side]),
            (plan.invocations - first, &mut after[side]),
        ] {
            let load = Load {
                addr: running.addr,
                request: order.clone(),
                concurrency: CONCURRENCY,
                stop: Stop::Count(count),
            };
            load::run(&load).await.map_err(|e| BenchError::Request {
                handler: app.name.clone(),
                reason: e.to_string(),
            })?;
            tokio::time::sleep(SETTLE).await;
            *rss = running.rss_bytes()? as f64;
        }
        running.kill();
    }
    const MIB: f64 = 1024.0 * 1024.0;
    let count = count_label(plan.invocations);
    let growth = |side: usize| (after[side] / idle[side] - 1.0) * 100.0;
    let steady_growth = |side: usize| (after[side] / warm[side] - 1.0) * 100.0;
    Ok(vec![
        Row::compared(
            "idle RSS after start",
            "MiB",
            idle[0] / MIB,
            idle[1] / MIB,
            Target::AtMost(8.0),
        ),
        Row::compared(
            format!("idle RSS after {count} invocations"),
            "MiB",
            after[0] / MIB,
            after[1] / MIB,
            Target::None,
        ),
        Row::compared_without_ratio(
            format!("RSS growth over {count} invocations"),
            "%",
            growth(0),
            growth(1),
            Target::AtMost(10.0),
        ),
        Row::compared_without_ratio(
            format!(
                "RSS growth from {} to {count} invocations",
                count_label(first)
            ),
            "%",
            steady_growth(0),
            steady_growth(1),
            Target::AtMost(10.0),
        ),
    ])
}

fn count_label(n: u64) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

const MB: f64 = 1_000_000.0;

fn sizes(azfn_exe: &Path, baseline_exe: &Path, plan: &Plan) -> Result<Vec<Row>, BenchError> {
    let profile = plan.profile();
    let mut rows = vec![Row::compared(
        format!("{profile} binary"),
        "MB",
        file_size(azfn_exe)? as f64 / MB,
        file_size(baseline_exe)? as f64 / MB,
        if plan.release {
            Target::AtMost(4.0)
        } else {
            Target::None
        },
    )];
    if let (Some(a), Some(b)) = (stripped_size(azfn_exe), stripped_size(baseline_exe)) {
        rows.push(Row::compared(
            format!("{profile} binary, stripped"),
            "MB",
            a as f64 / MB,
            b as f64 / MB,
            Target::None,
        ));
    } else {
        progress("`strip` is not available: the stripped size is left out");
    }
    Ok(rows)
}

/// The size of `exe` after `strip` (binutils), or `None` without it.
fn stripped_size(exe: &Path) -> Option<u64> {
    let dir = tempfile::tempdir().ok()?;
    let out = dir.path().join("stripped");
    let status = Command::new("strip")
        .arg("-o")
        .arg(&out)
        .arg(exe)
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status
        .success()
        .then(|| std::fs::metadata(&out).ok().map(|m| m.len()))
        .flatten()
}

fn emit_row(work_dir: &Path, azfn_exe: &Path, plan: &Plan) -> Result<Row, BenchError> {
    std::fs::create_dir_all(work_dir).map_err(|source| BenchError::Io {
        what: "creating the work folder",
        source,
    })?;
    let dir = tempfile::tempdir_in(work_dir).map_err(|source| BenchError::Io {
        what: "creating a folder for the emit runs",
        source,
    })?;
    // As large as the real release handler, so reading and copying it costs what it would.
    let size = usize::try_from(file_size(azfn_exe)?).unwrap_or(usize::MAX);
    let times = crate::emit::time_emit(dir.path(), size, plan.emit_runs)?;
    Ok(Row::alone(
        format!("emit, {} functions", crate::emit::FUNCTIONS),
        "ms",
        median(times.iter().map(|t| t.as_secs_f64() * 1000.0).collect()),
        Target::AtMost(100.0),
    ))
}
