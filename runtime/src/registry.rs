//! The functions compiled into this binary, collected by the macros into one distributed slice.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::invocation::{Invocation, InvocationFailure};
use crate::metadata::{FunctionRecord, MetadataError, decode_record};

/// A boxed, sendable future, the shape of every generated handler.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The generated entry point of an HTTP-triggered function: an HTTP request in, a response out.
/// The same entry point serves payload mode (the runtime rebuilds the request from `Data`) and
/// forwarding/proxying mode (the real request).
pub type HttpHandlerFn = fn(http::Request<axum::body::Body>) -> BoxFuture<axum::response::Response>;

/// The generated entry point of any other function.
pub type EventHandlerFn = fn(Invocation) -> BoxFuture<Result<Invocation, InvocationFailure>>;

/// How the runtime calls a function.
#[derive(Clone, Copy, Debug)]
pub enum Handler {
    /// An HTTP-triggered function.
    Http(HttpHandlerFn),
    /// Any other trigger.
    Event(EventHandlerFn),
}

/// One function, as a macro registers it: its metadata record and its entry point.
#[derive(Debug)]
pub struct FunctionEntry {
    /// The framed record (see [`crate::metadata`]); the same bytes `cargo azfn emit` reads.
    pub record: &'static [u8],
    /// The generated entry point.
    pub handler: Handler,
}

/// Every function the macros registered in this binary.
#[linkme::distributed_slice]
pub static FUNCTIONS: [FunctionEntry];

/// Why the registered functions cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A record could not be decoded (azfn crates of different versions linked together).
    #[error("function metadata compiled into this binary is unreadable: {0}")]
    Record(#[from] MetadataError),
    /// Two functions share a name; Azure compares names case-insensitively.
    #[error(
        "two functions are named `{name}` (Azure function names are case-insensitive): `{first}` at \
         {first_source} and `{second}` at {second_source}; rename one with `name = \"...\"`"
    )]
    DuplicateName {
        /// The clashing name.
        name: String,
        /// The first Rust function.
        first: String,
        /// Where it is.
        first_source: String,
        /// The second Rust function.
        second: String,
        /// Where it is.
        second_source: String,
    },
    /// A function's trigger does not match its generated entry point.
    #[error("function `{name}`: its trigger and its generated handler disagree")]
    Inconsistent {
        /// The function.
        name: String,
    },
}

/// A decoded, checked function.
#[derive(Debug)]
pub(crate) struct Function {
    pub(crate) record: Arc<FunctionRecord>,
    pub(crate) handler: Handler,
}

/// The decoded, checked set of functions, keyed by their exact name (the host's path casing).
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) functions: HashMap<String, Arc<Function>>,
}

impl Registry {
    pub(crate) fn build(entries: &[FunctionEntry]) -> Result<Self, RegistryError> {
        let mut by_lower: HashMap<String, Arc<Function>> = HashMap::new();
        let mut functions = HashMap::new();
        for entry in entries {
            let record = decode_record(entry.record)?;
            let is_http = record
                .function
                .trigger()
                .is_some_and(|t| t.kind == "httpTrigger");
            if is_http != matches!(entry.handler, Handler::Http(_)) {
                return Err(RegistryError::Inconsistent { name: record.name });
            }
            let function = Arc::new(Function {
                record: Arc::new(record),
                handler: entry.handler,
            });
            let lower = function.record.name.to_lowercase();
            if let Some(first) = by_lower.get(&lower) {
                return Err(RegistryError::DuplicateName {
                    name: function.record.name.clone(),
                    first: first.record.rust_fn.clone(),
                    first_source: first.record.source.to_string(),
                    second: function.record.rust_fn.clone(),
                    second_source: function.record.source.to_string(),
                });
            }
            by_lower.insert(lower, function.clone());
            functions.insert(function.record.name.clone(), function);
        }
        Ok(Self { functions })
    }
}
