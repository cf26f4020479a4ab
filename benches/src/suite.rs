//! The whole suite: build the handlers, check they answer alike, then measure throughput and
//! latency, cold start, memory, size and the emit step, and gather the table.
//!
//! The handlers, in the table's order: azfn (`examples/orders`), the hand-written axum
//! `baseline`, then the documentation-style Go and Node.js handlers ([`crate::others`]), each
//! with a column of its own. The targets hold azfn to the baseline only.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cargo_azfn::{BuildOptions, EmitOptions};
use cargo_metadata::Message;
use serde_json::Value;

use crate::error::BenchError;
use crate::load::{Load, LoadResult, Stop, Wrk};
use crate::others;
use crate::process::{ColdStart, HandlerApp, file_size};
use crate::report::{Report, Row, Target};
use crate::request::{self, HostRequest, host_header};
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
    /// An unrecorded wrk run before each measured one, so connections, caches, JIT and
    /// allocator settle; none when zero.
    warmup: Duration,
    /// The measured wrk run (whole seconds).
    measure: Duration,
    cold_starts: usize,
    invocations: u64,
    /// The invocations of the heavier memory load, at [`HEAVY_CONCURRENCY`] connections.
    heavy_invocations: u64,
    emit_runs: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                release: false,
                rounds: 1,
                warmup: Duration::ZERO,
                measure: Duration::from_secs(1),
                cold_starts: 3,
                invocations: 2_000,
                heavy_invocations: 4_000,
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
                heavy_invocations: 200_000,
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

/// Connections of the heavier memory load (issue 15: 200,000 invocations at 64 connections).
pub const HEAVY_CONCURRENCY: usize = 64;

/// The handlers compared with azfn besides the baseline, in column order.
pub const OTHERS: [&str; 2] = ["go", "node"];

/// A handler in the comparison, with the length of its verified answer to the order
/// invocation (every answer under load must have it).
struct Contender {
    app: HandlerApp,
    answer_len: usize,
}

/// Runs the suite and returns the report. Progress goes to stderr.
pub fn run(options: &Options) -> Result<Report, BenchError> {
    let plan = Plan::new(options.quick);
    let load_before = load_average();
    let bench_dir = workspace_root().join("target").join("azfn-bench");
    let work_dir = bench_dir.join(plan.profile());
    let wrk = Wrk::find_or_install()?;
    let (azfn, azfn_exe) = prepare_app(options, &plan, &work_dir)?;
    let (baseline, baseline_exe) = prepare_baseline(options, &plan, &work_dir)?;
    let mut apps = vec![azfn, baseline];
    let mut executables = vec![
        ("azfn".to_owned(), azfn_exe),
        ("baseline".into(), baseline_exe),
    ];
    let mut handler_notes = Vec::new();
    for name in OTHERS {
        let prepared = match name {
            "go" => others::prepare_go(&bench_dir),
            _ => others::prepare_node(&bench_dir),
        };
        match prepared {
            Ok(prepared) => {
                handler_notes.push(prepared.description);
                if let Some(executable) = prepared.executable {
                    executables.push((prepared.app.name.clone(), executable));
                }
                apps.push(prepared.app);
            }
            Err(reason) => {
                progress(&format!("{name}: not measured: {reason}"));
                handler_notes.push(format!("{name}: NOT MEASURED: {reason}"));
            }
        }
    }
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);
    let names: Vec<String> = apps.iter().map(|app| app.name.clone()).collect();

    let runtime = client_runtime()?;
    progress(&format!(
        "checking that {} answer the order invocation alike",
        names.join(", ")
    ));
    let lengths = runtime.block_on(same_answers(&apps, &order))?;
    let contenders: Vec<Contender> = apps
        .into_iter()
        .zip(lengths)
        .map(|(app, answer_len)| Contender { app, answer_len })
        .collect();
    let mut rows = Vec::new();
    progress(&format!(
        "throughput: {} rounds per handler, wrk -t1 -c{CONCURRENCY}, {}{}s each",
        plan.rounds,
        if plan.warmup.is_zero() {
            String::new()
        } else {
            format!("{}s warm-up + ", plan.warmup.as_secs())
        },
        plan.measure.as_secs()
    ));
    rows.extend(throughput(&wrk, &runtime, &contenders, &order, &plan)?);
    progress(&format!(
        "cold start: {} starts per handler",
        plan.cold_starts
    ));
    rows.extend(runtime.block_on(cold_starts(&contenders, &order, &plan))?);
    progress(&format!(
        "memory: {} invocations per handler",
        plan.invocations
    ));
    rows.extend(memory(&wrk, &runtime, &contenders, &order, &plan)?);
    progress(&format!(
        "memory: {} invocations per handler at {HEAVY_CONCURRENCY} connections",
        plan.heavy_invocations
    ));
    rows.extend(memory_under_heavy_load(
        &wrk,
        &runtime,
        &contenders,
        &order,
        &plan,
    )?);
    rows.extend(sizes(&executables, &plan)?);
    progress(&format!(
        "emit: {} functions, {} runs",
        crate::emit::FUNCTIONS,
        plan.emit_runs
    ));
    rows.push(emit_row(&work_dir, &executables[0].1, &plan)?);

    let mut notes = vec![format!(
        "mode: {}; {} builds of examples/orders (azfn) and benches/src/bin/baseline (hand-written axum)",
        if options.quick {
            "quick (smoke run: scaled down, numbers not meaningful)"
        } else {
            "full"
        },
        plan.profile()
    )];
    notes.extend(handler_notes);
    notes.extend([
        format!(
            "load: {} with one thread (-t1), {CONCURRENCY} keep-alive connections (-c{CONCURRENCY}) on 127.0.0.1, a Lua script sending the host's chunked `POST /order` ({ORDER_VECTOR}) with a fresh invocation id per request and checking every answer (200, the verified body's length); {} alternating round{} of {}s per handler{}, medians shown; latency percentiles are wrk's (corrected for coordinated omission)",
            wrk.version(),
            plan.rounds,
            if plan.rounds == 1 { "" } else { "s" },
            plan.measure.as_secs(),
            if plan.warmup.is_zero() {
                String::new()
            } else {
                format!(", each after a {}s warm-up run", plan.warmup.as_secs())
            }
        ),
        format!(
            "cold start: spawned as the host does (app folder as working directory, FUNCTIONS_CUSTOMHANDLER_PORT...; node as `node server.js`), `GET /` probed every 0.1 ms, then the order posted on the same connection; median of {}",
            plan.cold_starts
        ),
        "ratios are azfn / other; targets hold azfn to the baseline only".into(),
        format!(
            "machine: {} CPUs; load average {} before, {} after",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            load_before,
            load_average()
        ),
    ]);
    if options.quick {
        notes.push("targets apply to the full run only".into());
    }
    Ok(Report {
        rows,
        others: OTHERS.map(str::to_owned).to_vec(),
        notes,
    })
}

/// azfn and the baseline, built (or given) as [`run`] prepares them, each checked to give the
/// order invocation's answer, with that answer's length: what the soak loads.
pub(crate) fn prepare_pair(
    options: &Options,
    runtime: &tokio::runtime::Runtime,
) -> Result<Vec<(HandlerApp, usize)>, BenchError> {
    let plan = Plan::new(options.quick);
    let work_dir = workspace_root()
        .join("target")
        .join("azfn-bench")
        .join(plan.profile());
    let (azfn, _) = prepare_app(options, &plan, &work_dir)?;
    let (baseline, _) = prepare_baseline(options, &plan, &work_dir)?;
    let apps = vec![azfn, baseline];
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);
    let lengths = runtime.block_on(same_answers(&apps, &order))?;
    Ok(apps.into_iter().zip(lengths).collect())
}

/// Sends the suite's load (the order invocation, [`CONCURRENCY`] connections, wrk) to a
/// handler already listening on `port` for `seconds` (whole seconds), and describes the result
/// in one line. Answers are checked for status 200 only.
pub fn drive(port: u16, seconds: Duration) -> Result<String, BenchError> {
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);
    let wrk = Wrk::find_or_install()?;
    let load = Load {
        addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port)),
        request: order,
        connections: CONCURRENCY,
        stop: Stop::For(seconds),
        answer_len: None,
    };
    let result = wrk.run(&load).map_err(|e| BenchError::Request {
        handler: format!("127.0.0.1:{port}"),
        reason: e.to_string(),
    })?;
    Ok(format!(
        "{:.0} req/s  p50 {:.3} ms  p99 {:.3} ms  ({} requests in {:.2} s)",
        result.throughput(),
        result.p50_ms(),
        result.p99_ms(),
        result.requests,
        result.duration.as_secs_f64()
    ))
}

/// The runtime of the checks and cold starts: one thread.
pub(crate) fn client_runtime() -> Result<tokio::runtime::Runtime, BenchError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| BenchError::Io {
            what: "starting the client's runtime",
            source,
        })
}

pub(crate) fn progress(message: &str) {
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
            args: Vec::new(),
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
            args: Vec::new(),
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

/// Every handler must give azfn's answer to the same invocation, or the comparison would be of
/// different work. Returns the length of each one's answer, which every answer under load must
/// have.
async fn same_answers(apps: &[HandlerApp], order: &HostRequest) -> Result<Vec<usize>, BenchError> {
    let mut answers = Vec::new();
    for app in apps {
        let mut running = app.spawn()?;
        running.wait_ready().await?;
        let request = order.build(&host_header(running.addr.port()), 1);
        let (status, body) =
            request::one_request(running.addr, request)
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
    let azfn_is_right = azfn_answer
        .as_ref()
        .and_then(|v| v.pointer("/Outputs/message"))
        == Some(&Value::from(expected_message));
    for (app, answer) in apps.iter().zip(&answers).skip(1) {
        if !azfn_is_right || azfn_answer != parse(answer) {
            return Err(BenchError::Mismatch {
                handler: app.name.clone(),
                azfn: String::from_utf8_lossy(&answers[0]).into_owned(),
                other: String::from_utf8_lossy(answer).into_owned(),
            });
        }
    }
    Ok(answers.iter().map(|a| a.len()).collect())
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

/// The order in which round `round` visits `n` handlers: forward, then backward (A B C D,
/// D C B A, ...), so a drift in machine load lands on every handler alike.
fn visiting_order(round: usize, n: usize) -> Vec<usize> {
    if round.is_multiple_of(2) {
        (0..n).collect()
    } else {
        (0..n).rev().collect()
    }
}

/// A row with a value per contender: azfn's, the baseline's, then the others' by name.
fn row_of(
    metric: impl Into<String>,
    unit: &'static str,
    contenders: &[Contender],
    values: &[f64],
    target: Target,
) -> Row {
    others_into(
        Row::compared(metric, unit, values[0], values[1], target),
        contenders,
        values,
    )
}

/// [`row_of`] for values whose ratio means nothing (percentages).
fn row_without_ratio(
    metric: impl Into<String>,
    unit: &'static str,
    contenders: &[Contender],
    values: &[f64],
    target: Target,
) -> Row {
    others_into(
        Row::compared_without_ratio(metric, unit, values[0], values[1], target),
        contenders,
        values,
    )
}

fn others_into(mut row: Row, contenders: &[Contender], values: &[f64]) -> Row {
    for (contender, value) in contenders.iter().zip(values).skip(2) {
        row = row.with_other(&contender.app.name, *value);
    }
    row
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
        self.p50.push(result.p50_ms());
        self.p99.push(result.p99_ms());
        self.cpu_us
            .push(cpu.as_secs_f64() * 1e6 / result.requests.max(1) as f64);
    }
}

/// The error of a wrk run against `app`, naming the handler.
pub(crate) fn load_error(
    app: &HandlerApp,
) -> impl FnOnce(crate::load::LoadError) -> BenchError + '_ {
    move |e| BenchError::Request {
        handler: app.name.clone(),
        reason: e.to_string(),
    }
}

fn throughput(
    wrk: &Wrk,
    runtime: &tokio::runtime::Runtime,
    contenders: &[Contender],
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    // All stay up for every round; the idle ones only sleep in epoll.
    let mut servers = Vec::new();
    for contender in contenders {
        let mut running = contender.app.spawn()?;
        runtime.block_on(running.wait_ready())?;
        servers.push(running);
    }
    let mut results: Vec<Rounds> = contenders.iter().map(|_| Rounds::default()).collect();
    for round in 0..plan.rounds {
        for side in visiting_order(round, contenders.len()) {
            let app = &contenders[side].app;
            let load = |stop| Load {
                addr: servers[side].addr,
                request: order.clone(),
                connections: CONCURRENCY,
                stop,
                answer_len: Some(contenders[side].answer_len),
            };
            if !plan.warmup.is_zero() {
                wrk.run(&load(Stop::For(plan.warmup)))
                    .map_err(load_error(app))?;
            }
            let cpu_before = servers[side].cpu_time()?;
            let result = wrk
                .run(&load(Stop::For(plan.measure)))
                .map_err(load_error(app))?;
            let cpu = servers[side].cpu_time()?.saturating_sub(cpu_before);
            results[side].push(&result, cpu);
            progress(&format!(
                "  round {} {:<8} {:>9.0} req/s  p50 {:.3} ms  p99 {:.3} ms  {:.1} µs CPU/invocation",
                round + 1,
                app.name,
                result.throughput(),
                result.p50_ms(),
                result.p99_ms(),
                results[side].cpu_us.last().copied().unwrap_or_default()
            ));
        }
    }
    for server in servers {
        server.kill();
    }
    let medians = |pick: fn(&Rounds) -> &Vec<f64>| -> Vec<f64> {
        results.iter().map(|r| median(pick(r).clone())).collect()
    };
    Ok(vec![
        row_of(
            "throughput",
            "req/s",
            contenders,
            &medians(|r| &r.throughput),
            Target::RatioAtLeast(0.9),
        ),
        row_of(
            "latency p50",
            "ms",
            contenders,
            &medians(|r| &r.p50),
            Target::None,
        ),
        row_of(
            "latency p99",
            "ms",
            contenders,
            &medians(|r| &r.p99),
            Target::RatioAtMost(1.2),
        ),
        // The cost behind the throughput, less sensitive to what else the machine runs.
        row_of(
            "handler CPU per invocation",
            "µs",
            contenders,
            &medians(|r| &r.cpu_us),
            Target::None,
        ),
    ])
}

async fn cold_starts(
    contenders: &[Contender],
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    let mut starts: Vec<Vec<ColdStart>> = contenders.iter().map(|_| Vec::new()).collect();
    for i in 0..plan.cold_starts {
        for side in visiting_order(i, contenders.len()) {
            let mut running = contenders[side].app.spawn()?;
            let start = running.cold_start(order).await?;
            running.kill();
            starts[side].push(start);
        }
    }
    let ms = |pick: fn(&ColdStart) -> Duration| -> Vec<f64> {
        starts
            .iter()
            .map(|s| median(s.iter().map(|s| pick(s).as_secs_f64() * 1000.0).collect()))
            .collect()
    };
    Ok(vec![
        row_of(
            "cold start: first GET / answered",
            "ms",
            contenders,
            &ms(|s| s.ready),
            Target::None,
        ),
        row_of(
            "cold start: first invocation answered",
            "ms",
            contenders,
            &ms(|s| s.first_invocation),
            Target::RatioAtMostAndBelow {
                ratio: 1.5,
                value: 10.0,
            },
        ),
    ])
}

/// The RSS of a fresh process of `contender` once ready, then after each burst of `bursts`
/// invocations sent over `connections` connections; each read after a pause, so what is
/// measured is what stays, not buffers in flight.
fn rss_after_bursts(
    wrk: &Wrk,
    runtime: &tokio::runtime::Runtime,
    contender: &Contender,
    order: &HostRequest,
    connections: usize,
    bursts: &[u64],
) -> Result<Vec<f64>, BenchError> {
    const SETTLE: Duration = Duration::from_millis(300);
    let mut running = contender.app.spawn()?;
    runtime.block_on(running.wait_ready())?;
    std::thread::sleep(SETTLE);
    let mut rss = vec![running.rss_bytes()? as f64];
    for &count in bursts {
        let load = Load {
            addr: running.addr,
            request: order.clone(),
            connections,
            stop: Stop::After(count),
            answer_len: Some(contender.answer_len),
        };
        wrk.run(&load).map_err(load_error(&contender.app))?;
        std::thread::sleep(SETTLE);
        rss.push(running.rss_bytes()? as f64);
    }
    running.kill();
    Ok(rss)
}

/// Idle RSS of a fresh process, after half of `plan.invocations` invocations, and after all of
/// them (each after a pause, so what is measured is what stays, not buffers in flight).
///
/// Growth is given twice. From start: it includes the allocator keeping the heap of the first
/// burst of 32 concurrent connections (glibc does not hand freed heap back to the OS), which
/// the hand-written handler shows just the same. Over the second half: the steady state, where
/// a leak would show; RSS levels off within the first few tens of thousands of invocations.
fn memory(
    wrk: &Wrk,
    runtime: &tokio::runtime::Runtime,
    contenders: &[Contender],
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    let first = plan.invocations / 2;
    let n = contenders.len();
    let (mut idle, mut warm, mut after) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for (side, contender) in contenders.iter().enumerate() {
        let bursts = [first, plan.invocations - first];
        let rss = rss_after_bursts(wrk, runtime, contender, order, CONCURRENCY, &bursts)?;
        (idle[side], warm[side], after[side]) = (rss[0], rss[1], rss[2]);
    }
    const MIB: f64 = 1024.0 * 1024.0;
    let count = count_label(plan.invocations);
    let mib = |values: &[f64]| values.iter().map(|v| v / MIB).collect::<Vec<_>>();
    let growth: Vec<f64> = (0..n).map(|i| (after[i] / idle[i] - 1.0) * 100.0).collect();
    let steady_growth: Vec<f64> = (0..n).map(|i| (after[i] / warm[i] - 1.0) * 100.0).collect();
    Ok(vec![
        row_of(
            "idle RSS after start",
            "MiB",
            contenders,
            &mib(&idle),
            Target::AtMost(8.0),
        ),
        row_of(
            format!("idle RSS after {count} invocations"),
            "MiB",
            contenders,
            &mib(&after),
            Target::None,
        ),
        row_without_ratio(
            format!("RSS growth over {count} invocations"),
            "%",
            contenders,
            &growth,
            Target::AtMost(10.0),
        ),
        row_without_ratio(
            format!(
                "RSS growth from {} to {count} invocations",
                count_label(first)
            ),
            "%",
            contenders,
            &steady_growth,
            Target::AtMost(10.0),
        ),
    ])
}

/// RSS at start, halfway and at the end of `plan.heavy_invocations` invocations sent over
/// [`HEAVY_CONCURRENCY`] connections, one process per handler, in the same run. The growth over
/// the second half is held to the hand-written baseline's: whatever the allocator keeps after
/// the first burst, azfn must not keep growing where the baseline does not.
fn memory_under_heavy_load(
    wrk: &Wrk,
    runtime: &tokio::runtime::Runtime,
    contenders: &[Contender],
    order: &HostRequest,
    plan: &Plan,
) -> Result<Vec<Row>, BenchError> {
    let half = plan.heavy_invocations / 2;
    let n = contenders.len();
    let (mut start, mut middle, mut end) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for (side, contender) in contenders.iter().enumerate() {
        let bursts = [half, half];
        let rss = rss_after_bursts(wrk, runtime, contender, order, HEAVY_CONCURRENCY, &bursts)?;
        (start[side], middle[side], end[side]) = (rss[0], rss[1], rss[2]);
    }
    const MIB: f64 = 1024.0 * 1024.0;
    let (all, half) = (count_label(plan.heavy_invocations), count_label(half));
    let c = HEAVY_CONCURRENCY;
    let mib = |values: &[f64]| values.iter().map(|v| v / MIB).collect::<Vec<_>>();
    let growth: Vec<f64> = (0..n).map(|i| (end[i] / middle[i] - 1.0) * 100.0).collect();
    Ok(vec![
        row_of(
            format!("RSS at start, before {all} at {c} connections"),
            "MiB",
            contenders,
            &mib(&start),
            Target::None,
        ),
        row_of(
            format!("RSS after {half} of {all} at {c} connections"),
            "MiB",
            contenders,
            &mib(&middle),
            Target::None,
        ),
        row_of(
            format!("RSS after {all} at {c} connections"),
            "MiB",
            contenders,
            &mib(&end),
            Target::None,
        ),
        row_without_ratio(
            format!("RSS growth {half} to {all} at {c} connections"),
            "%",
            contenders,
            &growth,
            Target::AtMostBaseline,
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

/// The executables' sizes, by handler: azfn's, the baseline's, and Go's when it was built
/// (Node's handler is a script run by the `node` interpreter: no executable of its own).
fn sizes(executables: &[(String, PathBuf)], plan: &Plan) -> Result<Vec<Row>, BenchError> {
    let profile = plan.profile();
    let row = |metric: String, values: &[f64], target| {
        let mut row = Row::compared(metric, "MB", values[0], values[1], target);
        for ((name, _), value) in executables.iter().zip(values).skip(2) {
            row = row.with_other(name, *value);
        }
        row
    };
    let sizes = executables
        .iter()
        .map(|(_, exe)| file_size(exe).map(|size| size as f64 / MB))
        .collect::<Result<Vec<_>, _>>()?;
    let target = if plan.release {
        Target::AtMost(4.0)
    } else {
        Target::None
    };
    let mut rows = vec![row(format!("{profile} binary"), &sizes, target)];
    let stripped: Option<Vec<f64>> = executables
        .iter()
        .map(|(_, exe)| stripped_size(exe).map(|size| size as f64 / MB))
        .collect();
    match stripped {
        Some(stripped) => rows.push(row(
            format!("{profile} binary, stripped"),
            &stripped,
            Target::None,
        )),
        None => progress("`strip` is not available: the stripped size is left out"),
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
