//! `build` on small fixture projects whose binaries carry records without depending on azfn
//! (the real example is built by the end-to-end tests).

mod common;

use std::fs;

use cargo_azfn::{BuildError, BuildOptions, EmitError, build};
use common::{
    cargo_azfn_command, entries, fixture_project, http_record, orders_records, read_json,
};

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn build_emits_every_binary_with_functions_and_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[
            ("app", orders_records()),
            ("tool", vec![]),
            ("pinger", vec![http_record("ping", "src/pinger.rs", 1)]),
        ],
    );
    let target_dir = dir.path().join("target");

    let reports = build(&BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(target_dir.clone()),
        ..BuildOptions::default()
    })
    .unwrap();

    let mut out_dirs: Vec<_> = reports.iter().map(|r| r.out_dir.clone()).collect();
    out_dirs.sort();
    assert_eq!(
        out_dirs,
        [target_dir.join("azfn/app"), target_dir.join("azfn/pinger")]
    );
    assert_eq!(entries(&target_dir.join("azfn")), ["app", "pinger"]);
    let app = reports.iter().find(|r| r.out_dir.ends_with("app")).unwrap();
    assert_eq!(app.functions, ["MyQueueFunction", "hello", "order"]);
    assert_eq!(app.executable, target_dir.join("azfn/app/app"));
    assert_eq!(
        fs::read(&app.executable).unwrap(),
        fs::read(target_dir.join("debug/app")).unwrap()
    );
    assert_eq!(
        read_json(&target_dir.join("azfn/app/host.json"))["customHandler"]["description"]["defaultExecutablePath"],
        "app"
    );
}

#[test]
fn cli_build_prints_the_folder_from_cargo_metadata_target_dir() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);

    let output = cargo_azfn_command(&["build", "--manifest-path", manifest.to_str().unwrap()])
        // The default target dir must come from the project, not the environment.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .unwrap();

    assert!(output.status.success(), "{output:?}");
    let stdout = text(&output.stdout);
    let printed = fs::canonicalize(stdout.trim_end()).unwrap();
    let expected = fs::canonicalize(dir.path().join("fixture/target/azfn/app")).unwrap();
    assert_eq!(printed, expected);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("    Emitting 3 functions to "), "{stderr}");
    assert!(expected.join("order").join("function.json").is_file());
}

#[test]
fn out_is_used_for_a_single_app_and_release_builds_release() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records()), ("tool", vec![])]);
    let out = dir.path().join("dist");

    let reports = build(&BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(dir.path().join("target")),
        release: true,
        out_dir: Some(out.clone()),
        ..BuildOptions::default()
    })
    .unwrap();

    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].out_dir, out);
    assert_eq!(
        fs::read(out.join("app")).unwrap(),
        fs::read(dir.path().join("target/release/app")).unwrap()
    );
}

#[test]
fn out_with_several_apps_asks_for_bin() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[
            ("one", vec![http_record("a", "src/one.rs", 1)]),
            ("two", vec![http_record("b", "src/two.rs", 1)]),
        ],
    );
    let opts = BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(dir.path().join("target")),
        out_dir: Some(dir.path().join("dist")),
        ..BuildOptions::default()
    };

    let err = build(&opts).unwrap_err();
    assert!(
        matches!(&err, BuildError::OutWithSeveralApps { apps } if apps.len() == 2),
        "{err:?}"
    );
    assert!(err.to_string().contains("`--bin NAME`"), "{err}");
    assert!(!dir.path().join("dist").exists());

    let reports = build(&BuildOptions {
        bin: Some("two".into()),
        ..opts
    })
    .unwrap();
    assert_eq!(reports[0].functions, ["b"]);
}

#[test]
fn a_bin_named_with_bin_must_have_functions() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records()), ("tool", vec![])]);

    let output = cargo_azfn_command(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        dir.path().join("target").to_str().unwrap(),
        "--bin",
        "tool",
    ])
    .output()
    .unwrap();

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "error: cannot emit the app for binary `tool`\n\nCaused by:\n  no azfn functions found in "
        ),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_project_without_apps_is_an_error_naming_its_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("tool", vec![])]);

    let err = build(&BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(dir.path().join("target")),
        ..BuildOptions::default()
    })
    .unwrap_err();

    assert!(
        matches!(&err, BuildError::NoApp { built } if built == &["tool"]),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("none of the binaries cargo built (`tool`) contains azfn functions"),
        "{err}"
    );
}

#[test]
fn invalid_names_fail_the_build_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[("app", vec![http_record("no way", "src/app.rs", 2)])],
    );
    let target_dir = dir.path().join("target");

    let err = build(&BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(target_dir.clone()),
        ..BuildOptions::default()
    })
    .unwrap_err();

    let BuildError::Emit { bin, source } = &err else {
        panic!("expected an emit error, got {err:?}");
    };
    assert_eq!(bin, "app");
    assert!(
        matches!(source, EmitError::InvalidFunctions { .. }),
        "{source:?}"
    );
    assert!(!target_dir.join("azfn").exists());
}

#[test]
fn a_failing_cargo_build_reports_its_status_and_shows_cargos_errors() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    fs::write(
        dir.path().join("fixture/src/app.rs"),
        "fn main() { oops }\n",
    )
    .unwrap();

    let output = cargo_azfn_command(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        dir.path().join("target").to_str().unwrap(),
    ])
    .output()
    .unwrap();

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    // Cargo's own rendered diagnostic passes through...
    assert!(stderr.contains("cannot find value `oops`"), "{stderr}");
    // ...followed by ours, with cargo's status.
    assert!(
        stderr.contains("error: `cargo build` failed (exit status: 101); see its errors above"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
