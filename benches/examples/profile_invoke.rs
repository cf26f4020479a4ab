//! Runs many in-process `order` invocations through one handler, for an instruction-level
//! profile that the machine's load cannot blur:
//!
//! ```text
//! cargo build --release -p azfn-benches --example profile_invoke
//! valgrind --tool=callgrind target/release/examples/profile_invoke azfn 20000
//! valgrind --tool=callgrind target/release/examples/profile_invoke baseline 20000
//! ```
//!
//! Divide the two totals by the count to get instructions per invocation.

#![allow(missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use azfn_benches::vectors::{ORDER_VECTOR, host_body};
use common::{answer, order_request};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "azfn".to_owned());
    let count: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let Some(router) = common::router(&which) else {
        eprintln!("usage: profile_invoke azfn|baseline [COUNT] (not {which:?})");
        std::process::exit(2);
    };
    let body = host_body(ORDER_VECTOR).expect("the order vector");
    let runtime = common::runtime();
    runtime.block_on(async {
        for _ in 0..count {
            std::hint::black_box(answer(&router, order_request(&body)).await);
        }
    });
}
