//! `build` on small fixture projects whose binaries carry records without depending on azfn
//! (the real example is built by the end-to-end tests).

mod common;

use std::fs;

use cargo_azfn::{BuildError, BuildOptions, EmitError, build};
use common::{
    assert_app_folder_valid, cargo_azfn_command, entries, fixture_project, http_record,
    orders_records, read_json, route_record,
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
        [
            target_dir.join("azfn/debug/app"),
            target_dir.join("azfn/debug/pinger")
        ]
    );
    assert_eq!(entries(&target_dir.join("azfn/debug")), ["app", "pinger"]);
    let app = reports.iter().find(|r| r.out_dir.ends_with("app")).unwrap();
    assert_eq!(app.functions, ["MyQueueFunction", "hello", "order"]);
    assert_eq!(app.executable, target_dir.join("azfn/debug/app/app"));
    assert_eq!(
        fs::read(&app.executable).unwrap(),
        fs::read(target_dir.join("debug/app")).unwrap()
    );
    assert_eq!(
        read_json(&target_dir.join("azfn/debug/app/host.json"))["customHandler"]["description"]["defaultExecutablePath"],
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
    let expected = fs::canonicalize(dir.path().join("fixture/target/azfn/debug/app")).unwrap();
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

#[test]
fn a_host_json_next_to_cargo_toml_is_merged_and_its_warnings_printed() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    fs::write(
        dir.path().join("fixture/host.json"),
        r#"{"version": "2.0", "functionTimeout": "00:07:00",
            "customHandler": {"enableForwardingHttpRequest": true}}"#,
    )
    .unwrap();
    let target_dir = dir.path().join("target");

    let output = cargo_azfn_command(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        target_dir.to_str().unwrap(),
    ])
    .output()
    .unwrap();

    assert!(output.status.success(), "{output:?}");
    let stderr = text(&output.stderr);
    let host_json = dir.path().join("fixture/host.json");
    assert!(
        stderr.contains(&format!(
            "    Emitting 3 functions to {}\nwarning: `customHandler.enableForwardingHttpRequest` \
             is `true` in `{}`, but azfn leaves it out",
            target_dir.join("azfn/debug/app").display(),
            host_json.display()
        )),
        "{stderr}"
    );
    let host = read_json(&target_dir.join("azfn/debug/app/host.json"));
    assert_eq!(host["functionTimeout"], "00:07:00");
    assert!(
        host["customHandler"]
            .get("enableForwardingHttpRequest")
            .is_none()
    );
    assert_app_folder_valid(&target_dir.join("azfn/debug/app"));
}

#[test]
fn the_metadata_table_works_like_host_json_and_both_at_once_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\n[package.metadata.azfn.host]\nfunctionTimeout = \"00:03:00\"\n\
         extensions = { http = { routePrefix = \"v2\" } }\n",
    );
    fs::write(&manifest, text).unwrap();
    let opts = BuildOptions {
        manifest_path: Some(manifest.clone()),
        target_dir: Some(dir.path().join("target")),
        ..BuildOptions::default()
    };

    let reports = build(&opts).unwrap();
    let host = read_json(&reports[0].out_dir.join("host.json"));
    assert_eq!(host["functionTimeout"], "00:03:00");
    assert_eq!(host["extensions"]["http"]["routePrefix"], "v2");

    fs::write(dir.path().join("fixture/host.json"), "{}").unwrap();
    let err = build(&opts).unwrap_err();
    assert!(matches!(err, BuildError::Config { .. }), "{err:?}");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(
        cause,
        format!(
            "host.json settings are given twice, in `{}` and in \
             `[package.metadata.azfn.host]` of `{}`; keep one of them",
            dir.path().join("fixture/host.json").display(),
            fs::canonicalize(&manifest).unwrap().display()
        )
    );
}

#[test]
fn a_no_op_build_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    let opts = BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(dir.path().join("target")),
        ..BuildOptions::default()
    };
    let first = build(&opts).unwrap();
    assert!(!first[0].written.is_empty());

    let second = build(&opts).unwrap();

    assert!(second[0].written.is_empty(), "{:#?}", second[0].written);
}

#[test]
fn a_route_clash_fails_the_build_naming_both_functions_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[(
            "app",
            vec![
                route_record("a", 3, "things/{id}", &["get"]),
                route_record("b", 8, "things/{key:alpha}", &["get"]),
            ],
        )],
    );
    let target_dir = dir.path().join("target");

    let output = cargo_azfn_command(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        target_dir.to_str().unwrap(),
    ])
    .output()
    .unwrap();

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "error: cannot emit the app for binary `app`\n\nCaused by:\n  1 problem with the \
             functions in {}:\n    - functions `a` (src/main.rs:3:1) and `b` (src/main.rs:8:1) \
             both answer GET on /api/things/{{id}}",
            target_dir.join("debug/app").display()
        )),
        "{stderr}"
    );
    assert!(!target_dir.join("azfn").exists());
}

/// Issue 14 item 7: `local.settings.json` existed only under `target/azfn/<app>/`, so `cargo
/// clean` deleted the user's connection strings, and one next to `Cargo.toml` was ignored. Now
/// the file next to `Cargo.toml` is the app's settings: created there when missing, never
/// rewritten, copied into the app folder, where the local host reads it.
#[test]
fn local_settings_next_to_cargo_toml_survive_cargo_clean_and_reach_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    let target_dir = dir.path().join("target");
    let opts = BuildOptions {
        manifest_path: Some(manifest),
        target_dir: Some(target_dir.clone()),
        ..BuildOptions::default()
    };
    let project_settings = dir.path().join("fixture/local.settings.json");
    let app_settings = target_dir.join("azfn/debug/app/local.settings.json");

    build(&opts).unwrap();
    let created = read_json(&project_settings);
    assert_eq!(created["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");

    let users = r#"{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "custom",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true", "ORDERS_API_KEY": "s3cret"}}"#;
    fs::write(&project_settings, users).unwrap();
    build(&opts).unwrap();
    // `cargo clean`.
    fs::remove_dir_all(&target_dir).unwrap();
    build(&opts).unwrap();

    assert_eq!(fs::read_to_string(&project_settings).unwrap(), users);
    let app = azfn_host::App::load(target_dir.join("azfn/debug/app")).unwrap();
    assert_eq!(app.settings()["ORDERS_API_KEY"], "s3cret");
    assert!(read_json(&app_settings)["CopiedByCargoAzfnFrom"].is_string());
    assert_app_folder_valid(&target_dir.join("azfn/debug/app"));
}

/// A settings file in the app folder from before settings moved next to `Cargo.toml` is the
/// user's: kept, used, never overwritten nor deleted, with a warning saying how to move it.
/// Once moved, the app folder gets copies.
#[test]
fn an_older_settings_file_in_the_app_folder_is_kept_until_moved() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    let target_dir = dir.path().join("target");
    let project_settings = dir.path().join("fixture/local.settings.json");
    let app_settings = target_dir.join("azfn/debug/app/local.settings.json");
    let old = r#"{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "custom",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true", "ORDERS_API_KEY": "old"}}"#;
    fs::create_dir_all(app_settings.parent().unwrap()).unwrap();
    fs::write(&app_settings, old).unwrap();
    let build_cli = || {
        cargo_azfn_command(&[
            "build",
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--target-dir",
            target_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap()
    };

    let output = build_cli();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fs::read_to_string(&app_settings).unwrap(), old);
    assert!(!project_settings.exists());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: `{}` is inside the build output, which `cargo clean` deletes; move it \
             next to Cargo.toml (`mv {} {}`)",
            app_settings.display(),
            app_settings.display(),
            project_settings.display()
        )),
        "{stderr}"
    );

    fs::rename(&app_settings, &project_settings).unwrap();
    let output = build_cli();
    assert!(output.status.success(), "{output:?}");
    // The only warning left is the glibc one of a native build (see tests/glibc.rs).
    assert!(
        text(&output.stderr)
            .lines()
            .filter(|line| line.starts_with("warning"))
            .all(|line| line.contains("glibc")),
        "{output:?}"
    );
    assert_eq!(fs::read_to_string(&project_settings).unwrap(), old);
    assert_eq!(read_json(&app_settings)["Values"]["ORDERS_API_KEY"], "old");

    // A file the user puts in the app folder while the project has one is not replaced.
    let theirs = r#"{"Values": {"ORDERS_API_KEY": "edited here"}}"#;
    fs::write(&app_settings, theirs).unwrap();
    let output = build_cli();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fs::read_to_string(&app_settings).unwrap(), theirs);
    assert!(
        text(&output.stderr).contains("was not copied there by cargo azfn"),
        "{output:?}"
    );
}

/// Before debug builds got their own folder, `target/azfn/<bin>/` was every build's app folder
/// and held the user's `local.settings.json`. A debug build now goes to
/// `target/azfn/debug/<bin>/`: that file is not used any more, so the build says so, and says
/// how to move it; it is neither moved nor touched.
#[test]
fn settings_left_in_the_folder_debug_builds_used_to_share_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records())]);
    let target_dir = dir.path().join("target");
    let shared_settings = target_dir.join("azfn/app/local.settings.json");
    let project_settings = dir.path().join("fixture/local.settings.json");
    let old = r#"{"IsEncrypted": false, "Values": {"ORDERS_API_KEY": "from before"}}"#;
    fs::create_dir_all(shared_settings.parent().unwrap()).unwrap();
    fs::write(&shared_settings, old).unwrap();

    let output = cargo_azfn_command(&[
        "build",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--target-dir",
        target_dir.to_str().unwrap(),
    ])
    .output()
    .unwrap();

    assert!(output.status.success(), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "`{}` is not used by this build, which goes to `{}`",
            shared_settings.display(),
            target_dir.join("azfn/debug/app").display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "(`mv {} {}`)",
            shared_settings.display(),
            project_settings.display()
        )),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&shared_settings).unwrap(), old);
}
