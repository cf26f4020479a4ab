//! The emit step on fake executables: bytes framed like the macros frame them, wrapped in
//! junk, never executable.

mod common;

use std::fs;
use std::path::Path;

use cargo_azfn::{EmitError, EmitOptions, NameProblem, emit};
use common::{ELF, PE, entries, http_record, orders_records, read_json, write_binary};
use serde_json::json;

fn emit_to(bin_path: &Path, out_dir: &Path) -> Result<cargo_azfn::EmitReport, EmitError> {
    emit(&EmitOptions {
        bin_path: bin_path.to_owned(),
        out_dir: out_dir.to_owned(),
    })
}

#[test]
fn emits_the_app_folder_for_the_orders_functions() {
    let dir = tempfile::tempdir().unwrap();
    let records = orders_records();
    let bin = write_binary(dir.path(), "orders", ELF, &records);
    let out = dir.path().join("app");

    let report = emit_to(&bin, &out).unwrap();

    assert_eq!(report.out_dir, out);
    assert_eq!(report.executable, out.join("orders"));
    assert_eq!(report.functions, ["MyQueueFunction", "hello", "order"]);
    assert_eq!(
        entries(&out),
        [
            "MyQueueFunction",
            "hello",
            "host.json",
            "local.settings.json",
            "order",
            "orders"
        ]
    );
    assert_eq!(
        fs::read(out.join("orders")).unwrap(),
        fs::read(&bin).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out.join("orders")), 0o755);
        assert_eq!(mode(&bin), 0o644, "the source executable is never touched");
    }

    assert_eq!(
        read_json(&out.join("host.json")),
        json!({
            "version": "2.0",
            "customHandler": {
                "description": {"defaultExecutablePath": "orders"},
                "enableProxyingHttpRequest": true
            },
            "extensionBundle": {
                "id": "Microsoft.Azure.Functions.ExtensionBundle",
                "version": "[4.*, 5.0.0)"
            }
        })
    );
    assert_eq!(
        read_json(&out.join("local.settings.json")),
        json!({
            "IsEncrypted": false,
            "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "custom",
                "AzureWebJobsStorage": "UseDevelopmentStorage=true"
            }
        })
    );
    for record in &records {
        let path = out.join(&record.name).join("function.json");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            serde_json::to_string_pretty(&record.function).unwrap() + "\n",
            "{}",
            path.display()
        );
        assert_eq!(entries(&out.join(&record.name)), ["function.json"]);
    }
    let queue = read_json(&out.join("MyQueueFunction").join("function.json"));
    assert_eq!(queue["bindings"][1]["name"], "$return");
}

#[test]
fn a_pe_executable_without_exe_is_copied_as_exe() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", PE, &orders_records());
    let out = dir.path().join("app");

    let report = emit_to(&bin, &out).unwrap();

    assert_eq!(report.executable, out.join("orders.exe"));
    assert!(out.join("orders.exe").is_file());
    assert!(!out.join("orders").exists());
    assert_eq!(
        read_json(&out.join("host.json"))["customHandler"]["description"]["defaultExecutablePath"],
        "orders.exe"
    );
}

#[test]
fn a_pe_executable_keeps_its_exe() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders.exe", PE, &orders_records());
    let report = emit_to(&bin, &dir.path().join("app")).unwrap();
    assert_eq!(report.executable, dir.path().join("app").join("orders.exe"));
}

#[test]
fn emitting_again_removes_stale_functions_and_keeps_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("app");
    let first = write_binary(dir.path(), "v1", ELF, &orders_records());
    emit_to(&first, &out).unwrap();

    // The user's own additions to the folder.
    fs::write(out.join("README.md"), "mine").unwrap();
    fs::create_dir(out.join("static")).unwrap();
    fs::write(out.join("static").join("index.html"), "<p>").unwrap();
    fs::write(
        out.join("hello").join("notes.txt"),
        "kept with its function",
    )
    .unwrap();
    fs::write(
        out.join("local.settings.json"),
        r#"{"IsEncrypted": false, "Values": {"AzureWebJobsStorage": "my-connection", "API_KEY": "k"}}"#,
    )
    .unwrap();

    let second = write_binary(
        dir.path(),
        "v1",
        ELF,
        &[
            http_record("hello", "src/main.rs", 3),
            http_record("Greet", "src/main.rs", 9),
        ],
    );
    let report = emit_to(&second, &out).unwrap();

    assert_eq!(report.functions, ["Greet", "hello"]);
    assert_eq!(
        entries(&out),
        [
            "Greet",
            "README.md",
            "hello",
            "host.json",
            "local.settings.json",
            "static",
            "v1"
        ]
    );
    assert!(out.join("static").join("index.html").is_file());
    assert!(out.join("hello").join("notes.txt").is_file());
    assert_eq!(
        read_json(&out.join("local.settings.json")),
        json!({
            "IsEncrypted": false,
            "Values": {
                "AzureWebJobsStorage": "my-connection",
                "API_KEY": "k",
                "FUNCTIONS_WORKER_RUNTIME": "custom"
            }
        })
    );
    // HTTP only now: no bundle.
    assert!(
        read_json(&out.join("host.json"))
            .get("extensionBundle")
            .is_none()
    );
}

#[test]
fn emitting_into_the_executables_own_folder_keeps_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let before = fs::read(&bin).unwrap();

    let report = emit_to(&bin, dir.path()).unwrap();

    assert_eq!(report.executable, bin);
    assert_eq!(fs::read(&bin).unwrap(), before);
}

#[test]
fn a_binary_without_functions_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "plain", ELF, &[]);
    let out = dir.path().join("app");

    let err = emit_to(&bin, &out).unwrap_err();

    assert!(matches!(err, EmitError::NoFunctions { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "no azfn functions found in {}; is it built with azfn?",
            bin.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn a_missing_binary_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = emit_to(&dir.path().join("nope"), &dir.path().join("app")).unwrap_err();
    assert!(matches!(err, EmitError::ReadExecutable { .. }), "{err:?}");
}

#[test]
fn every_bad_name_is_reported_with_its_location_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let records = [
        http_record("1st", "src/a.rs", 4),
        http_record("Orders", "src/a.rs", 8),
        http_record("orders", "src/b.rs", 15),
        http_record("fine", "src/b.rs", 20),
    ];
    let bin = write_binary(dir.path(), "app", ELF, &records);
    let out = dir.path().join("out");

    let err = emit_to(&bin, &out).unwrap_err();

    let EmitError::InvalidFunctions { problems, .. } = &err else {
        panic!("expected invalid functions, got {err:?}");
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(matches!(&problems[0], NameProblem::InvalidName { name, .. } if name == "1st"));
    assert!(
        matches!(&problems[1], NameProblem::DuplicateName { functions } if functions.len() == 2)
    );
    let message = err.to_string();
    assert!(
        message.starts_with("2 problems with the functions in "),
        "{message}"
    );
    for place in ["src/a.rs:4:1", "src/a.rs:8:1", "src/b.rs:15:1"] {
        assert!(message.contains(place), "{place} missing from:\n{message}");
    }
    assert!(!out.exists());
}

#[test]
fn a_record_from_another_azfn_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::to_string(&orders_records()[0])
        .unwrap()
        .replace("\"format\":1", "\"format\":2");
    let bin = dir.path().join("app");
    let mut bytes = ELF.to_vec();
    bytes.extend_from_slice(&common::frame_json(&json));
    fs::write(&bin, bytes).unwrap();

    let err = emit_to(&bin, &dir.path().join("out")).unwrap_err();

    assert!(matches!(err, EmitError::BadRecords { .. }), "{err:?}");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(cause.contains("format 2"), "{cause}");
}

#[test]
fn an_unreadable_local_settings_file_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("local.settings.json"), "{ \"Values\": { oops").unwrap();

    let err = emit_to(&bin, &out).unwrap_err();

    assert!(
        matches!(err, EmitError::LocalSettingsNotJson { .. }),
        "{err:?}"
    );
    assert_eq!(
        fs::read_to_string(out.join("local.settings.json")).unwrap(),
        "{ \"Values\": { oops"
    );
}
