//! What `cargo azfn` says speaks to a user (issue 14, case 9): no help text, scaffolded file,
//! `new` output or `start` banner cites the project's contract document (`CONTRACT`, `§`), uses
//! the runtime's internal mode names, or sends the user to `func start` instead of
//! `cargo azfn start`.

mod start_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use start_support::{FixtureApp, StartProcess};

/// Words a message for a user must not contain, each with why.
const JARGON: [(&str, &str); 6] = [
    ("§", "a section sign of the project's contract document"),
    ("CONTRACT", "the project's contract document"),
    (
        "func start",
        "Core Tools' command instead of `cargo azfn start`",
    ),
    (
        "payload mode",
        "the runtime's internal name for the default HTTP handling",
    ),
    (
        "forwarding mode",
        "the runtime's internal name for enableForwardingHttpRequest",
    ),
    (
        "proxy mode",
        "the runtime's internal name for enableProxyingHttpRequest",
    ),
];

/// Every piece of jargon in `text`, with the line it is on, for the failure message.
fn jargon_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        for (word, why) in JARGON {
            if line.to_lowercase().contains(&word.to_lowercase()) {
                found.push(format!("{word:?} ({why}) in: {line}"));
            }
        }
    }
    found
}

fn cargo_azfn(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-azfn"))
        .arg("azfn")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("cargo-azfn runs");
    assert!(
        output.status.success(),
        "cargo azfn {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn every_help_text_speaks_to_a_user() {
    let dir = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    for command in [
        "",
        "build",
        "emit",
        "pack",
        "new",
        "start",
        "invoke",
        "functions",
    ] {
        let args: Vec<&str> = [command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let help = cargo_azfn(&args, dir.path());
        assert!(help.contains("Usage"), "{help}");
        found.extend(
            jargon_in(&help)
                .into_iter()
                .map(|j| format!("cargo azfn {command} --help: {j}")),
        );
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn new_and_its_scaffold_point_at_cargo_azfn_start() {
    let dir = tempfile::tempdir().unwrap();
    for template in ["http", "queue", "timer", "blob"] {
        let project = dir.path().join(format!("app-{template}"));
        let said = cargo_azfn(
            &["new", project.to_str().unwrap(), "--template", template],
            dir.path(),
        );
        assert!(said.contains("cargo azfn start"), "{template}: {said}");
        let mut found: Vec<String> = jargon_in(&said)
            .into_iter()
            .map(|j| format!("`new --template {template}` printed {j}"))
            .collect();
        for entry in walk(&project) {
            let text = std::fs::read_to_string(&entry).unwrap_or_default();
            found.extend(
                jargon_in(&text)
                    .into_iter()
                    .map(|j| format!("{}: {j}", entry.display())),
            );
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The banner of an app without HTTP functions: the old one cited "(CONTRACT §4)" and
/// explained payload mode, which such an app has nothing to do with.
#[tokio::test(flavor = "multi_thread")]
async fn the_start_banner_of_an_app_without_http_functions_speaks_to_a_user() {
    let app = FixtureApp::new(
        &[(
            "nightly",
            json!([{
                "type": "timerTrigger", "direction": "in", "name": "timer",
                "schedule": "0 0 3 * * *", "useMonitor": false
            }]),
        )],
        json!({}),
        json!({}),
    );
    let mut host = StartProcess::spawn(
        app.path(),
        &["--app-dir", app.path().to_str().unwrap(), "--port", "0"],
    );
    host.url(Duration::from_secs(60)).await;
    let log = host.log();
    assert!(log.contains("nightly"), "{log}");
    let found = jargon_in(&log);
    assert!(found.is_empty(), "{}\n\n{log}", found.join("\n"));
}
