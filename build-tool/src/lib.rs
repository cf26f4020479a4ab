//! `cargo azfn`: builds an azfn handler and writes the Azure Functions app folder beside it.
//!
//! The binary (`cargo-azfn`) is a thin command-line front; everything it does lives here so
//! that tests and other tools can call it.
//!
//! ```no_run
//! use cargo_azfn::{BuildOptions, EmitOptions, build, emit};
//!
//! // What `cargo azfn build --release` does:
//! let reports = build(&BuildOptions { release: true, ..BuildOptions::default() })?;
//!
//! // What `cargo azfn emit --bin-path ... --out ...` does, for an already built handler:
//! let report = emit(&EmitOptions {
//!     bin_path: "target/x86_64-unknown-linux-musl/release/orders".into(),
//!     out_dir: "dist/orders".into(),
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod build;
pub mod cli;
pub mod config;
pub mod emit;
pub mod error;
mod functions;
pub mod handler_binary;
mod ignore;
pub mod invoke_cmd;
pub mod pack;
pub mod scaffold;
mod shell;
pub mod start_cmd;
pub mod target;
pub mod workers;

pub use build::{BuildOptions, build};
pub use emit::{EmitOptions, EmitReport, emit, emit_with};
pub use error::{BuildError, EmitError, NameProblem, Warning};
