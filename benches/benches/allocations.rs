//! Heap allocations per `order` invocation, in-process: azfn against the hand-written handler,
//! and the payload parse alone. Allocation count is what most of azfn's extra CPU per
//! invocation goes into (see `benches/README.md`).
//!
//! Run with `cargo bench -p azfn-benches --bench allocations`.

mod common;

use azfn::payload::InvocationRequest;
use azfn_benches::vectors::{ORDER_VECTOR, host_body};
use common::{answer, order_request};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Invocations averaged over.
const RUNS: u64 = 100;

/// Blocks and bytes allocated per call of `f`, averaged over [`RUNS`] calls.
fn per_call(mut f: impl FnMut()) -> (u64, u64) {
    // One call first, so one-time initialisation is not counted.
    f();
    let before = dhat::HeapStats::get();
    for _ in 0..RUNS {
        f();
    }
    let after = dhat::HeapStats::get();
    (
        (after.total_blocks - before.total_blocks) / RUNS,
        (after.total_bytes - before.total_bytes) / RUNS,
    )
}

fn main() {
    // Counting only: no profile file is written in testing mode.
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = common::runtime();
    let body = host_body(ORDER_VECTOR).expect("the order vector");
    let azfn_router = common::router("azfn").expect("azfn's router");
    let baseline_router = common::router("baseline").expect("the baseline's router");

    println!("allocations per `order` invocation, in-process (request construction excluded)");
    println!("{:<34} {:>8} {:>8}", "", "blocks", "bytes");
    for (name, router) in [
        ("azfn", azfn_router),
        ("baseline (hand-written)", baseline_router),
    ] {
        let (blocks, bytes) = per_call(|| {
            let request = order_request(&body);
            runtime.block_on(answer(&router, request));
        });
        let (request_blocks, request_bytes) = per_call(|| drop(order_request(&body)));
        println!(
            "{name:<34} {:>8} {:>8}",
            blocks - request_blocks,
            bytes - request_bytes
        );
    }
    let (blocks, bytes) = per_call(|| {
        InvocationRequest::parse(&body).expect("valid payload");
    });
    println!(
        "{:<34} {blocks:>8} {bytes:>8}",
        "azfn: InvocationRequest::parse"
    );
    // `Metadata` stays raw until a function asks for it; this is what asking costs.
    let parsed = InvocationRequest::parse(&body).expect("valid payload");
    let (blocks, bytes) = per_call(|| {
        drop(serde_json::from_str::<serde_json::Value>(
            parsed.raw_metadata().expect("metadata"),
        ))
    });
    println!(
        "{:<34} {blocks:>8} {bytes:>8}",
        "azfn: parsing `Metadata` on demand"
    );
}
