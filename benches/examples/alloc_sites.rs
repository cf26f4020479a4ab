//! Where the heap allocations of an in-process `order` invocation come from, site by site:
//!
//! ```text
//! cargo run --release -p azfn-benches --example alloc_sites -- azfn
//! cargo run --release -p azfn-benches --example alloc_sites -- baseline
//! ```
//!
//! Prints, per invocation, each allocation site's blocks and bytes with the first frames of
//! its stack. Blocks over glibc's per-thread cache limit (1032 bytes) are marked: each one
//! takes malloc's slow path, and removing them was worth more than their count suggests.

#![allow(missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use azfn_benches::vectors::{ORDER_VECTOR, host_body};
use common::{answer, order_request};
use serde_json::Value;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const INVOCATIONS: u64 = 1000;

/// glibc serves requests up to this size from its per-thread cache.
const TCACHE_MAX_BYTES: u64 = 1032;

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "azfn".to_owned());
    let Some(router) = common::router(&which) else {
        eprintln!("usage: alloc_sites azfn|baseline (not {which:?})");
        std::process::exit(2);
    };
    let body = host_body(ORDER_VECTOR).expect("the order vector");
    let runtime = common::runtime();
    // Built before profiling starts, so the harness's own requests are not counted.
    let requests: Vec<_> = (0..INVOCATIONS).map(|_| order_request(&body)).collect();
    let file = std::env::temp_dir().join(format!("azfn-alloc-sites-{which}.json"));
    let profiler = dhat::Profiler::builder().file_name(&file).build();
    runtime.block_on(async {
        for request in requests {
            std::hint::black_box(answer(&router, request).await);
        }
    });
    drop(profiler);
    report(&file);
}

fn report(file: &std::path::Path) {
    let text = std::fs::read_to_string(file).expect("dhat's profile");
    let profile: Value = serde_json::from_str(&text).expect("dhat's JSON");
    let frames: Vec<&str> = profile["ftbl"]
        .as_array()
        .expect("a frame table")
        .iter()
        .map(|f| f.as_str().unwrap_or_default())
        .collect();
    let mut sites: Vec<(u64, u64, String)> = profile["pps"]
        .as_array()
        .expect("program points")
        .iter()
        .filter_map(|site| {
            let blocks = site["tbk"].as_u64()?;
            let bytes = site["tb"].as_u64()?;
            // Fewer than one block per invocation: start-up, not the invocation's work.
            (blocks >= INVOCATIONS).then(|| (blocks, bytes, stack(site, &frames)))
        })
        .collect();
    sites.sort_by_key(|(_, bytes, _)| std::cmp::Reverse(*bytes));
    let (blocks, bytes) = sites
        .iter()
        .fold((0, 0), |(b, n), (blocks, bytes, _)| (b + blocks, n + bytes));
    println!(
        "per invocation: {} blocks, {} bytes",
        blocks / INVOCATIONS,
        bytes / INVOCATIONS
    );
    for (blocks, bytes, stack) in sites {
        let size = bytes / blocks;
        let slow = if size > TCACHE_MAX_BYTES {
            "  SLOW"
        } else {
            ""
        };
        println!("{:>3} x {size:>5} B{slow}  {stack}", blocks / INVOCATIONS);
    }
}

/// The first frames of a site's stack that are not the allocator's own.
fn stack(site: &Value, frames: &[&str]) -> String {
    const ALLOCATOR: &[&str] = &[
        "<dhat::",
        "dhat::",
        "alloc::",
        "__rust",
        "[root]",
        "hashbrown::raw",
    ];
    site["fs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| frames.get(usize::try_from(i.as_u64()?).ok()?))
        .map(|frame| {
            // "0x55..: name (file:line:col)" -> "name"
            let name = frame.split_once(": ").map_or(*frame, |(_, rest)| rest);
            name.split(" (").next().unwrap_or(name)
        })
        .filter(|name| !ALLOCATOR.iter().any(|a| name.starts_with(a)))
        .take(3)
        .collect::<Vec<_>>()
        .join(" <- ")
}
