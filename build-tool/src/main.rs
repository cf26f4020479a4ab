//! `cargo azfn` command-line entry point.
fn main() {}
