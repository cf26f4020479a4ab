//! The benchmark driver: builds azfn's `examples/orders`, the hand-written baseline and the
//! documentation-style Go and Node.js handlers, measures them the way the Functions host uses
//! them, with wrk as the load generator, and prints the table.
//!
//! Run with `cargo run --release -p azfn-benches --bin azfn-bench` (about three minutes after the
//! builds); `--quick` is the few-seconds smoke run CI uses, `--json` prints the report as JSON.
//! `--soak 1800` is the 30-minute soak (not in CI): azfn and the baseline under load side by
//! side, RSS every `--every` seconds into `--csv`.

use std::path::PathBuf;
use std::process::ExitCode;

use azfn_benches::soak::{self, SoakOptions};
use azfn_benches::suite::{self, Options};
use clap::Parser;

/// Benchmarks azfn against a hand-written axum handler and the Go and Node.js handlers.
#[derive(Debug, Parser)]
#[command(name = "azfn-bench", version)]
struct Cli {
    /// A few-seconds smoke run on debug builds: checks every measurement works, numbers are
    /// not meaningful.
    #[arg(long)]
    quick: bool,
    /// Print the report as JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Use this built `examples/orders` executable instead of building it.
    #[arg(long, value_name = "PATH")]
    app_bin: Option<PathBuf>,
    /// Use this built `baseline` executable instead of building it.
    #[arg(long, value_name = "PATH")]
    baseline_bin: Option<PathBuf>,
    /// Measure nothing else: send the order invocation to a handler already listening on
    /// this port with the suite's wrk load, for `--seconds` (whole seconds), and print
    /// throughput and latency. For profiling a handler under that load (`perf record -p <pid>`).
    #[arg(long, value_name = "PORT")]
    drive: Option<u16>,
    /// How long `--drive` sends.
    #[arg(long, default_value_t = 10.0, requires = "drive")]
    seconds: f64,
    /// Measure nothing else: load azfn and the baseline side by side for this many seconds
    /// (1800 for the documented 30-minute soak) and record their RSS curve.
    #[arg(long, value_name = "SECONDS", conflicts_with = "drive")]
    soak: Option<f64>,
    /// Seconds between the soak's samples.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "soak")]
    every: u64,
    /// Where the soak writes its curve (CSV).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "target/azfn-bench/soak.csv",
        requires = "soak"
    )]
    csv: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(port) = cli.drive {
        return match suite::drive(port, std::time::Duration::from_secs_f64(cli.seconds)) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let options = Options {
        quick: cli.quick,
        app_bin: cli.app_bin,
        baseline_bin: cli.baseline_bin,
    };
    if let Some(seconds) = cli.soak {
        let soak = SoakOptions {
            build: options,
            duration: std::time::Duration::from_secs_f64(seconds),
            every: std::time::Duration::from_secs(cli.every.max(1)),
            csv: cli.csv.clone(),
        };
        return match soak::run(&soak) {
            Ok(samples) => {
                println!("curve: {} ({} samples)", cli.csv.display(), samples.len());
                for line in soak::summary(&samples) {
                    println!("{line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match suite::run(&options) {
        Ok(report) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("a report serializes")
                );
            } else {
                print!("{}", report.table());
                println!();
                for note in &report.notes {
                    println!("- {note}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
