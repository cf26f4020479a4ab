//! The emit step on a large app: a generated executable holding 200 function records.
//!
//! Compiling a real 200-function crate would take minutes on the project's machine and measure
//! rustc, not the emit step. The emit step only reads the file's bytes (it never runs it), so a
//! generated file is an exact stand-in: an ELF header, filler the size of a real release
//! handler, and 200 records framed exactly as the macros frame them (`azfn_spec::record`), spread
//! through it as a linker would place them in a data section.

use std::path::Path;
use std::time::{Duration, Instant};

use azfn_spec::record::{RECORD_FORMAT, frame};
use cargo_azfn::{EmitOptions, emit};
use serde_json::json;

use crate::error::BenchError;

/// Functions in the generated app.
pub const FUNCTIONS: usize = 200;

/// The record of function number `i`: a mix of the shapes apps have (HTTP in/out, HTTP with a
/// queue output like `order`, queue-triggered with a return output).
fn record(i: usize) -> String {
    let name = format!("function_{i:03}");
    let bindings = match i % 3 {
        0 => json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get", "post"], "authLevel": "function"},
            {"type": "http", "direction": "out", "name": "res"}
        ]),
        1 => json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["post"], "authLevel": "function"},
            {"type": "http", "direction": "out", "name": "res"},
            {"type": "queue", "direction": "out", "name": "message", "queueName": format!("queue-{i}"), "connection": "AzureWebJobsStorage"}
        ]),
        _ => json!([
            {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": format!("in-{i}"), "connection": "AzureWebJobsStorage"},
            {"type": "queue", "direction": "out", "name": "$return", "queueName": format!("out-{i}"), "connection": "AzureWebJobsStorage"}
        ]),
    };
    json!({
        "format": RECORD_FORMAT,
        "name": name,
        "rust_fn": name,
        "source": {"file": "src/functions.rs", "line": 10 + i * 12, "column": 1},
        "function": {"bindings": bindings},
    })
    .to_string()
}

/// The bytes of a generated executable of about `size` bytes with [`FUNCTIONS`] records.
pub fn generated_binary(size: usize) -> Vec<u8> {
    let records: Vec<Vec<u8>> = (0..FUNCTIONS).map(|i| frame(&record(i))).collect();
    let record_bytes: usize = records.iter().map(Vec::len).sum();
    let filler = size.saturating_sub(record_bytes).max(FUNCTIONS * 64);
    let mut bytes = Vec::with_capacity(filler + record_bytes + 64);
    bytes.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
    // Machine-code-like filler from a xorshift generator: deterministic, and never the magic.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut fill = |bytes: &mut Vec<u8>, n: usize| {
        for _ in 0..n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push((state >> 24) as u8 | 1);
        }
    };
    // Code first, then the records together near the end, as in a `.data` section.
    fill(&mut bytes, filler * 3 / 4);
    for record in &records {
        bytes.extend_from_slice(record);
        fill(&mut bytes, 16);
    }
    fill(&mut bytes, filler / 4);
    bytes
}

/// Writes a generated 200-function executable of about `size` bytes into `dir`, then emits it
/// `runs` times, each into a new folder (the first `cargo azfn build` of an app); returns each
/// run's time.
pub fn time_emit(dir: &Path, size: usize, runs: usize) -> Result<Vec<Duration>, BenchError> {
    let bin_path = dir.join("big-app");
    std::fs::write(&bin_path, generated_binary(size)).map_err(|source| BenchError::Io {
        what: "writing the generated 200-function executable",
        source,
    })?;
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let out_dir = dir.join(format!("out-{run}"));
        let started = Instant::now();
        let report = emit(&EmitOptions {
            bin_path: bin_path.clone(),
            out_dir,
        })?;
        times.push(started.elapsed());
        assert_eq!(report.functions.len(), FUNCTIONS, "every record emitted");
    }
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_binary_holds_every_record_once() {
        let bytes = generated_binary(200_000);
        let records = azfn_spec::record::scan_records(&bytes).unwrap();
        assert_eq!(records.len(), FUNCTIONS);
        assert!(bytes.len() >= 200_000);
    }
}
