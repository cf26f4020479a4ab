//! `cargo azfn`: builds an azfn handler and writes the Azure Functions app folder beside it.
//!
//! The binary (`cargo-azfn`) is a thin command-line front; everything it does lives here so
//! that tests and other tools can call it.

pub mod emit;
pub mod host;
