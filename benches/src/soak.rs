//! The soak: azfn and the hand-written baseline under the order load side by side for a long
//! time (the documented run is 30 minutes), RSS sampled at a fixed interval into a CSV, so a
//! slow leak shows as a curve that keeps rising where the baseline's is flat.
//!
//! Both handlers run at once, each loaded by its own wrk with [`HEAVY_CONCURRENCY`]
//! connections, in segments of one interval: after each segment both RSS values and the
//! invocations so far are one CSV line, written at once so that a soak cut short keeps its
//! curve. Not part of CI: `cargo run --release -p azfn-benches --bin azfn-bench -- --soak 1800`.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::load::{Load, Stop, Wrk};
use crate::request::HostRequest;
use crate::suite::{self, HEAVY_CONCURRENCY, Options};
use crate::vectors::{ORDER_VECTOR, host_body};

/// What a soak runs.
#[derive(Clone, Debug)]
pub struct SoakOptions {
    /// How the handlers are built (`quick`: debug builds) or which executables to use.
    pub build: Options,
    /// How long the load lasts.
    pub duration: Duration,
    /// Time between samples (whole seconds, as wrk counts).
    pub every: Duration,
    /// Where the curve is written.
    pub csv: PathBuf,
}

/// One sample of the curve.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Sample {
    /// Seconds since the load started.
    pub elapsed_s: f64,
    /// Per handler (azfn, baseline): invocations answered so far and RSS in bytes.
    pub handlers: Vec<(String, u64, u64)>,
}

/// Runs the soak and returns its samples (also written to `options.csv`).
pub fn run(options: &SoakOptions) -> Result<Vec<Sample>, BenchError> {
    let io = |what| move |source| BenchError::Io { what, source };
    let runtime = suite::client_runtime()?;
    let wrk = Wrk::find_or_install()?;
    let order = HostRequest::new("order", host_body(ORDER_VECTOR)?);
    let pair = suite::prepare_pair(&options.build, &runtime)?;
    let mut running = Vec::new();
    for (app, _) in &pair {
        let mut handler = app.spawn()?;
        runtime.block_on(handler.wait_ready())?;
        running.push(handler);
    }
    if let Some(dir) = options.csv.parent() {
        std::fs::create_dir_all(dir).map_err(io("creating the soak CSV's folder"))?;
    }
    let mut csv = std::fs::File::create(&options.csv).map_err(io("creating the soak CSV"))?;
    let header: Vec<String> = pair
        .iter()
        .flat_map(|(app, _)| {
            [
                format!("{}_invocations", app.name),
                format!("{}_rss_kib", app.name),
            ]
        })
        .collect();
    writeln!(csv, "elapsed_s,{}", header.join(",")).map_err(io("writing the soak CSV"))?;
    let mut counts = vec![0u64; pair.len()];
    let mut samples = Vec::new();
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let sample = Sample {
            elapsed_s: started.elapsed().as_secs_f64(),
            handlers: pair
                .iter()
                .zip(&running)
                .zip(&counts)
                .map(|(((app, _), handler), count)| {
                    Ok((app.name.clone(), *count, handler.rss_bytes()?))
                })
                .collect::<Result<_, BenchError>>()?,
        };
        let fields: Vec<String> = sample
            .handlers
            .iter()
            .flat_map(|(_, count, rss)| [count.to_string(), (rss / 1024).to_string()])
            .collect();
        writeln!(csv, "{:.1},{}", sample.elapsed_s, fields.join(","))
            .and_then(|()| csv.flush())
            .map_err(io("writing the soak CSV"))?;
        suite::progress(&format!(
            "soak {:>6.0} s: {}",
            sample.elapsed_s,
            sample
                .handlers
                .iter()
                .map(|(name, count, rss)| format!(
                    "{name} {count} invocations {:.2} MiB",
                    *rss as f64 / (1024.0 * 1024.0)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        samples.push(sample);
        let left = options.duration.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        let segment = options.every.min(left).max(Duration::from_secs(1));
        let results = std::thread::scope(|scope| {
            let runs: Vec<_> = pair
                .iter()
                .zip(&running)
                .map(|((app, answer_len), handler)| {
                    let load = Load {
                        addr: handler.addr,
                        request: order.clone(),
                        connections: HEAVY_CONCURRENCY,
                        stop: Stop::For(segment),
                        answer_len: Some(*answer_len),
                    };
                    let wrk = &wrk;
                    scope.spawn(move || wrk.run(&load).map_err(suite::load_error(app)))
                })
                .collect();
            runs.into_iter()
                .map(|run| run.join().expect("a load thread does not panic"))
                .collect::<Vec<_>>()
        });
        for (count, result) in counts.iter_mut().zip(results) {
            *count += result?.requests;
        }
    }
    for handler in running {
        handler.kill();
    }
    Ok(samples)
}

/// One line per handler: RSS at the first sample under load, halfway and at the end, and the
/// growth over the second half.
pub fn summary(samples: &[Sample]) -> Vec<String> {
    let (Some(first), Some(last)) = (samples.get(1), samples.last()) else {
        return vec!["too short for a curve: no sample under load".into()];
    };
    let middle = &samples[samples.len() / 2];
    const MIB: f64 = 1024.0 * 1024.0;
    (0..last.handlers.len())
        .map(|i| {
            let (name, count, end) = &last.handlers[i];
            let start = first.handlers[i].2 as f64;
            let half = middle.handlers[i].2 as f64;
            format!(
                "{name}: {count} invocations in {:.0} s; RSS {:.2} MiB after the first {:.0} s, \
                 {:.2} MiB at {:.0} s, {:.2} MiB at the end: {:+.2} % over the second half",
                last.elapsed_s,
                start / MIB,
                first.elapsed_s,
                half / MIB,
                middle.elapsed_s,
                *end as f64 / MIB,
                (*end as f64 / half - 1.0) * 100.0
            )
        })
        .collect()
}
