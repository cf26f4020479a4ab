//! `cargo azfn new` end to end: every template gives a project whose own test passes, that
//! `cargo azfn build` turns into a valid app folder, and that `cargo azfn pack` zips.
//!
//! Slow the first time (it compiles azfn and its dependencies); the projects share one
//! target directory under the workspace's `target/`, so later runs reuse that work.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_app_folder_valid, azfn, entries, read_json, workspace_root, zip_entries};

/// The target directory every generated project builds into.
fn shared_target_dir() -> PathBuf {
    workspace_root().join("target").join("azfn-new-projects")
}

fn cargo(project: &Path, args: &[&str]) {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {} in {} failed:\n{}\n{}",
        args.join(" "),
        project.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `cargo azfn build` of the generated `project` into the shared target directory, its app
/// folder at `out`.
fn build_into(project: &Path, out: &Path) -> assert_cmd::assert::Assert {
    let manifest = project.join("Cargo.toml");
    azfn(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        shared_target_dir().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
}

#[test]
fn every_template_tests_builds_and_packs_as_generated() {
    let dir = tempfile::tempdir().unwrap();
    for (template, function, trigger) in [
        ("http", "hello", "httpTrigger"),
        ("queue", "process_order", "queueTrigger"),
        ("timer", "heartbeat", "timerTrigger"),
        ("blob", "archive_upload", "blobTrigger"),
    ] {
        let name = format!("new-{template}-app");
        let project = dir.path().join(&name);
        azfn(&["new", project.to_str().unwrap(), "--template", template])
            .assert()
            .success();
        // The workspace's lock file pins the versions already compiled in the shared target
        // directory; cargo drops what the project does not use.
        fs::copy(
            workspace_root().join("Cargo.lock"),
            project.join("Cargo.lock"),
        )
        .unwrap();

        // 1. Its own test passes.
        cargo(&project, &["test", "--quiet"]);

        // 2. It builds and emits a valid app folder, merging its host.json.
        let out = dir.path().join(format!("{name}-app"));
        let manifest = project.join("Cargo.toml");
        build_into(&project, &out).success();
        let mut expected = [
            ".azfn-cache.json",
            ".azfn-functions",
            ".funcignore",
            ".gitignore",
            function,
            "host.json",
            "local.settings.json",
            name.as_str(),
        ];
        expected.sort_unstable();
        assert_eq!(entries(&out), expected, "{template}");
        assert_app_folder_valid(&out);
        let host = read_json(&out.join("host.json"));
        assert_eq!(
            host["logging"]["logLevel"]["default"], "Information",
            "{template}"
        );
        let function_json = read_json(&out.join(function).join("function.json"));
        assert_eq!(function_json["bindings"][0]["type"], trigger, "{template}");

        // 3. It lists and packs.
        azfn(&[
            "functions",
            "--bin-path",
            out.join(&name).to_str().unwrap(),
            "--manifest-path",
            manifest.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!("\n{function} ")));
        let zip = dir.path().join(format!("{name}.zip"));
        azfn(&[
            "pack",
            "--app-dir",
            out.to_str().unwrap(),
            "--output",
            zip.to_str().unwrap(),
            // A native build, whose glibc may be newer than Azure's oldest image's.
            "--allow-newer-glibc",
        ])
        .assert()
        .success();
        let zipped = zip_entries(&zip);
        assert!(
            zipped.iter().any(|(n, m, _)| *n == name && *m == 0o755),
            "{template}: {zipped:?}"
        );
    }
}

/// The `mcp` template: a self-hosted rmcp server whose own tests pass, that builds into an app
/// folder whose host.json has the `mcp-custom-handler` profile and no function folder, and
/// that is formatted and clippy-clean as generated.
#[test]
fn the_mcp_template_tests_and_builds_into_a_self_hosted_server() {
    let dir = tempfile::tempdir().unwrap();
    let name = "new-mcp-app";
    let project = dir.path().join(name);
    azfn(&["new", project.to_str().unwrap(), "--template", "mcp"])
        .assert()
        .success();
    fs::copy(
        workspace_root().join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();

    cargo(&project, &["test", "--quiet"]);
    cargo(&project, &["fmt", "--check"]);
    cargo(
        &project,
        &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"],
    );

    let out = dir.path().join(format!("{name}-app"));
    build_into(&project, &out)
        .success()
        .stderr(predicates::str::contains(
            "a self-hosted MCP server on /mcp",
        ));
    let mut expected = [
        ".azfn-functions",
        ".funcignore",
        ".gitignore",
        "host.json",
        "local.settings.json",
        name,
    ];
    expected.sort_unstable();
    assert_eq!(entries(&out), expected);
    let host = read_json(&out.join("host.json"));
    assert_eq!(host["configurationProfile"], "mcp-custom-handler", "{host}");
    assert_eq!(host["logging"]["logLevel"]["default"], "Information");
}
