//! How long the emit step takes for an app of 200 functions.
//!
//! Run with `cargo bench -p cargo-azfn --bench emit`. A synthetic executable holds 200
//! function records framed exactly as the macros frame them (half HTTP, half queue), padded to
//! the size of a real release handler; each case is timed over many iterations with
//! `std::time::Instant`, and the median, fastest and slowest are printed.
//!
//! * `fresh`: emit into an empty folder (every file written, the executable copied).
//! * `no-op`: emit again into the same folder, nothing changed (what a no-op
//!   `cargo azfn build` adds to cargo's own no-op build).
//! * `one changed`: emit after the executable was rebuilt with one function changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use azfn_spec::record::{RECORD_FORMAT, frame};
use cargo_azfn::{EmitOptions, emit};
use serde_json::{Value, json};

const FUNCTIONS: usize = 200;
/// About the size of a release-built azfn handler.
const EXECUTABLE_SIZE: usize = 8 << 20;
const ITERATIONS: usize = 50;

fn record(i: usize, version: u32) -> Value {
    let bindings = if i.is_multiple_of(2) {
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get", "post"],
             "authLevel": "function", "route": format!("items{i}/{{id:int}}")},
            {"type": "http", "direction": "out", "name": "res"}
        ])
    } else {
        json!([
            {"type": "queueTrigger", "direction": "in", "name": "item",
             "queueName": format!("queue-{i}-v{version}"), "connection": "AzureWebJobsStorage"},
            {"type": "queue", "direction": "out", "name": "$return",
             "queueName": format!("out-{i}"), "connection": "AzureWebJobsStorage"}
        ])
    };
    json!({
        "format": RECORD_FORMAT,
        "name": format!("function_{i:03}"),
        "rust_fn": format!("function_{i:03}"),
        "source": {"file": "src/main.rs", "line": 10 + i, "column": 1},
        "function": {"bindings": bindings},
    })
}

/// An ELF-looking file of `EXECUTABLE_SIZE` bytes holding the records; `version` changes
/// one of them.
fn executable(version: u32) -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0".to_vec();
    for i in 0..FUNCTIONS {
        let version = if i == 1 { version } else { 0 };
        let text = record(i, version).to_string();
        bytes.extend_from_slice(&frame(&text));
        // Code between records, so the scan has bytes to skip as in a real binary.
        bytes.extend(std::iter::repeat_n(0x90, 4096));
    }
    // Pseudo-random filler, so no run of zeros makes the scan cheaper than a real one.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    while bytes.len() < EXECUTABLE_SIZE {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes
}

fn time(label: &str, mut setup: impl FnMut(), mut run: impl FnMut()) {
    let mut samples: Vec<Duration> = Vec::with_capacity(ITERATIONS);
    for _ in 0..ITERATIONS {
        setup();
        let start = Instant::now();
        run();
        samples.push(start.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "emit {FUNCTIONS} functions, {label:<12} median {:>7.2} ms   min {:>7.2} ms   max {:>7.2} ms   ({ITERATIONS} runs)",
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
}

fn options(bin: &Path, out: &Path) -> EmitOptions {
    EmitOptions {
        bin_path: bin.to_owned(),
        out_dir: out.to_owned(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, once, as a check.
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bin: PathBuf = dir.path().join("app");
    let out = dir.path().join("out");
    fs::write(&bin, executable(0)).expect("write the executable");
    println!(
        "synthetic executable: {FUNCTIONS} records, {:.1} MiB",
        EXECUTABLE_SIZE as f64 / f64::from(1 << 20)
    );

    let report = emit(&options(&bin, &out)).expect("emit");
    assert_eq!(report.functions.len(), FUNCTIONS);
    if quick {
        let again = emit(&options(&bin, &out)).expect("emit again");
        assert!(again.written.is_empty(), "{:?}", again.written);
        println!("ok (run with `cargo bench -p cargo-azfn --bench emit` for timings)");
        return;
    }

    time(
        "fresh",
        || {
            let _ = fs::remove_dir_all(&out);
        },
        || {
            emit(&options(&bin, &out)).expect("emit");
        },
    );

    emit(&options(&bin, &out)).expect("emit");
    time(
        "no-op",
        || {},
        || {
            let report = emit(&options(&bin, &out)).expect("emit");
            assert!(report.written.is_empty());
        },
    );

    let mut version = 0;
    time(
        "one changed",
        || {
            version += 1;
            fs::write(&bin, executable(version)).expect("rewrite the executable");
        },
        || {
            let report = emit(&options(&bin, &out)).expect("emit");
            // The executable and the one changed function.json.
            assert_eq!(report.written.len(), 2, "{:?}", report.written);
        },
    );
}
