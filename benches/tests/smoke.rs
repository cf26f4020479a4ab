//! The CI smoke run: the driver's `--quick` mode end to end (build, check, every measurement),
//! so the suite cannot rot. It checks that every row is there and holds a number; it does not
//! check the targets, which only mean something on a quiet machine in a full run.

use std::process::Command;

use serde_json::Value;

/// Every row of the table, by the start of its metric name.
const ROWS: [&str; 11] = [
    "throughput",
    "latency p50",
    "latency p99",
    "cold start: first GET / answered",
    "cold start: first invocation answered",
    "idle RSS after start",
    "idle RSS after ",
    "RSS growth over ",
    "debug binary",
    "debug binary, stripped",
    "emit, 200 functions",
];

#[test]
fn the_quick_run_measures_every_row() {
    let output = Command::new(env!("CARGO_BIN_EXE_azfn-bench"))
        .args([
            "--quick",
            "--json",
            "--baseline-bin",
            env!("CARGO_BIN_EXE_baseline"),
        ])
        .output()
        .expect("the driver runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "azfn-bench --quick failed:\n{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the report is not JSON ({e}):\n{stderr}"));
    let rows = report["rows"].as_array().expect("rows");
    let metrics: Vec<&str> = rows
        .iter()
        .map(|row| row["metric"].as_str().expect("a metric name"))
        .collect();
    for expected in ROWS {
        assert!(
            metrics.iter().any(|m| m.starts_with(expected)),
            "no `{expected}` row in {metrics:?}"
        );
    }
    for row in rows {
        let value = row["azfn"].as_f64().expect("azfn's value is a number");
        assert!(value.is_finite(), "{row}");
    }
}
