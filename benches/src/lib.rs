//! Benchmarks of azfn against a hand-written axum handler doing the same work, driven the way
//! the Azure Functions host drives a custom handler.
//!
//! Run the whole suite and print the table with
//!
//! ```text
//! cargo run --release -p azfn-benches --bin azfn-bench
//! ```
//!
//! and the decode/encode micro-benchmarks with `cargo bench -p azfn-benches`. The driver
//! builds `examples/orders` with `cargo azfn build` and the `baseline` binary of this package,
//! then measures, alternating the two handlers:
//!
//! * throughput and p50/p99 latency under 32 keep-alive connections sending the host's exact
//!   chunked `POST /order` ([`load`]);
//! * cold start: spawn as the host does, probe `GET /` every millisecond, post the first
//!   invocation ([`process`]);
//! * idle memory after start and after 100k invocations, and binary size;
//! * the emit step on a generated 200-function executable ([`emit`]).
//!
//! ```no_run
//! let report = azfn_benches::suite::run(&azfn_benches::suite::Options::default())?;
//! print!("{}", report.table());
//! # Ok::<(), azfn_benches::BenchError>(())
//! ```

pub mod emit;
mod error;
pub mod load;
pub mod process;
pub mod report;
pub mod suite;
pub mod vectors;

pub use error::BenchError;
