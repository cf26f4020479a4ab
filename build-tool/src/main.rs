//! `cargo azfn`: builds an azfn handler and writes its Azure Functions app folder.
//!
//! Everything lives in the `cargo_azfn` library; this only parses and reports.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    match cargo_azfn::cli::run(cargo_azfn::cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            cargo_azfn::cli::print_error(&err);
            ExitCode::FAILURE
        }
    }
}
