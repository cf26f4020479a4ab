//! The CI smoke run: the driver's `--quick` mode end to end (build, check, every measurement,
//! wrk as the load generator), so the suite cannot rot. It checks that every row is there and
//! holds a number for every handler; it does not check the targets, which only mean something
//! on a quiet machine in a full run.
//!
//! Every handler must be measured: the suite installs wrk and Go when they are missing
//! (apt-get), and Node.js is on every machine that runs the tests (Azurite needs it). A handler
//! the suite could not prepare fails the test with the suite's note, which says what to
//! install; nothing is skipped.

use std::process::Command;

use serde_json::Value;

/// Every row of the table, by the start of its metric name.
const ROWS: [&str; 17] = [
    "throughput",
    "latency p50",
    "latency p99",
    "handler CPU per invocation",
    "cold start: first GET / answered",
    "cold start: first invocation answered",
    "idle RSS after start",
    "idle RSS after ",
    "RSS growth over ",
    "RSS growth from ",
    "RSS at start, before ",
    "RSS after ",
    "RSS growth 2k to 4k at 64 connections",
    "RSS after 4k at 64 connections",
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
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n.as_str().expect("a note is text"))
        .collect();
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
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("load: wrk") && n.contains("-c32")),
        "the load is not wrk's: {notes:?}"
    );
    assert_eq!(report["others"], serde_json::json!(["go", "node"]));

    // Every handler has a number in every row but the emit step's (azfn's alone) and,
    // for Node, the executable sizes (its handler is a script).
    for handler in ["node", "go"] {
        if let Some(note) = notes
            .iter()
            .find(|n| n.starts_with(&format!("{handler}: NOT MEASURED")))
        {
            panic!("the smoke run needs the {handler} handler, which was not measured: {note}");
        }
        for row in rows {
            let metric = row["metric"].as_str().unwrap_or_default();
            let sized = metric.contains("binary");
            if metric.starts_with("emit") || (handler == "node" && sized) {
                assert!(row["others"].get(handler).is_none(), "{row}");
                continue;
            }
            let value = row["others"][handler]
                .as_f64()
                .unwrap_or_else(|| panic!("no {handler} value in {row}\n{stderr}"));
            assert!(value.is_finite(), "{row}");
        }
    }
    let throughput = rows
        .iter()
        .find(|row| row["metric"] == "throughput")
        .expect("a throughput row");
    assert!(throughput["azfn"].as_f64().unwrap() > 0.0, "{throughput}");
    assert!(
        throughput["baseline"].as_f64().unwrap() > 0.0,
        "{throughput}"
    );
}

/// The soak command (30 minutes in its documented run) works end to end: a two-second soak
/// on debug builds writes a curve with a line per sample and both handlers' columns.
#[test]
fn a_short_soak_records_an_rss_curve() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("soak.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_azfn-bench"))
        .args(["--quick", "--soak", "2", "--every", "1", "--baseline-bin"])
        .arg(env!("CARGO_BIN_EXE_baseline"))
        .arg("--csv")
        .arg(&csv)
        .output()
        .expect("the driver runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "azfn-bench --soak failed:\n{stderr}"
    );
    let curve = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = curve.lines().collect();
    assert_eq!(
        lines[0],
        "elapsed_s,azfn_invocations,azfn_rss_kib,baseline_invocations,baseline_rss_kib"
    );
    assert!(lines.len() >= 3, "{curve}");
    let last: Vec<f64> = lines[lines.len() - 1]
        .split(',')
        .map(|field| field.parse().unwrap())
        .collect();
    assert_eq!(last.len(), 5, "{curve}");
    assert!(
        last[1] > 0.0 && last[3] > 0.0,
        "no load was answered: {curve}"
    );
    assert!(last[2] > 0.0 && last[4] > 0.0, "{curve}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("over the second half"), "{stdout}");
}
