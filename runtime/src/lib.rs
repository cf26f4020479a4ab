//! azfn: Azure Functions custom handlers in Rust.
pub mod metadata;
