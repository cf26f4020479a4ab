//! The Azure Functions host's rules, each written once: the binding catalog the attributes are
//! checked against, and the other rules the macros, the runtime, the build tool and the local
//! host must agree on.
//!
//! A plain library: no proc-macro, no async runtime, no HTTP stack, so every crate of the
//! workspace can depend on it, the proc-macro crate included.
//!
//! ```
//! let queue = azfn_spec::catalog::trigger_by_attr("queue_trigger").unwrap();
//! assert_eq!(queue.json_type, "queueTrigger");
//! ```

pub mod answer;
pub mod catalog;
pub mod dotnet;
pub mod encoding;
pub mod expression;
pub mod mcp;
pub mod mcp_registry;
pub mod names;
pub mod profile;
pub mod record;
pub mod route;
pub mod schedule;
pub mod timespan;
