//! The emit step on fake executables: bytes framed like the macros frame them, wrapped in
//! junk, never executable.

mod common;

use std::fs;
use std::path::Path;

use cargo_azfn::config::{ProjectConfig, UserHostJson};
use cargo_azfn::error::ConfigSource;
use cargo_azfn::{EmitError, EmitOptions, NameProblem, emit, emit_with};
use common::{
    ELF, PE, assert_app_folder_valid, entries, http_record, orders_records, queue_record,
    read_json, route_record, write_binary,
};
use serde_json::{Value, json};

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
            ".azfn-cache.json",
            ".azfn-functions",
            ".funcignore",
            ".gitignore",
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
            ".azfn-cache.json",
            ".azfn-functions",
            ".funcignore",
            ".gitignore",
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

/// Issue 15: `mkdir -p x/HttpTrigger1; echo code > x/HttpTrigger1/index.js;
/// echo '{}' > x/HttpTrigger1/function.json; cargo azfn emit --bin-path ... --out x` deleted
/// `index.js`. A folder emit did not create is never touched.
#[test]
fn a_function_folder_emit_did_not_create_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    fs::create_dir_all(out.join("HttpTrigger1")).unwrap();
    fs::write(out.join("HttpTrigger1/index.js"), "code").unwrap();
    fs::write(out.join("HttpTrigger1/function.json"), "{}").unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[http_record("hello", "src/main.rs", 3)],
    );

    let report = emit_to(&bin, &out).unwrap();

    assert!(report.removed.is_empty(), "{:?}", report.removed);
    assert_eq!(
        fs::read_to_string(out.join("HttpTrigger1/index.js")).unwrap(),
        "code"
    );
    assert_eq!(
        fs::read_to_string(out.join("HttpTrigger1/function.json")).unwrap(),
        "{}"
    );
}

/// Issue 15: a function folder that is a symbolic link made emit write outside `--out`.
#[cfg(unix)]
#[test]
fn a_function_folder_that_is_a_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("hello")).unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[http_record("hello", "src/main.rs", 3)],
    );

    let error = emit_to(&bin, &out).unwrap_err();

    assert!(
        matches!(error, EmitError::SymlinkedFolder { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through it"
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
    bytes.extend_from_slice(&azfn_spec::record::frame(&json));
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

fn with_host_json(value: Value) -> ProjectConfig {
    ProjectConfig {
        host_json: Some(UserHostJson {
            source: ConfigSource::File("project/host.json".into()),
            value: value.as_object().unwrap().clone(),
        }),
    }
}

fn emit_config(
    bin_path: &Path,
    out_dir: &Path,
    config: &ProjectConfig,
) -> Result<cargo_azfn::EmitReport, EmitError> {
    emit_with(
        &EmitOptions {
            bin_path: bin_path.to_owned(),
            out_dir: out_dir.to_owned(),
        },
        config,
    )
}

fn modified(path: &Path) -> std::time::SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_second_emit_of_the_same_binary_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");
    let first = emit_to(&bin, &out).unwrap();
    assert_eq!(first.written.len(), 8, "{:#?}", first.written);
    let files = [
        out.join("orders"),
        out.join("host.json"),
        out.join("hello/function.json"),
        out.join("local.settings.json"),
        out.join(".funcignore"),
    ];
    let before: Vec<_> = files.iter().map(|f| modified(f)).collect();
    // Long enough for any file system's time stamps to show a rewrite.
    std::thread::sleep(std::time::Duration::from_millis(50));

    let second = emit_to(&bin, &out).unwrap();

    assert!(second.written.is_empty(), "{:#?}", second.written);
    assert!(second.removed.is_empty());
    let after: Vec<_> = files.iter().map(|f| modified(f)).collect();
    assert_eq!(before, after);
}

#[test]
fn a_rebuilt_binary_rewrites_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("app");
    let mut records = orders_records();
    let bin = write_binary(dir.path(), "orders", ELF, &records);
    emit_to(&bin, &out).unwrap();

    records[1].function.bindings[0]
        .settings
        .insert("authLevel".to_owned(), json!("anonymous"));
    // A different time stamp, as a rebuild gives.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let bin = write_binary(dir.path(), "orders", ELF, &records);
    let report = emit_to(&bin, &out).unwrap();

    assert_eq!(
        report.written,
        [out.join("orders"), out.join("hello").join("function.json")]
    );
    assert_eq!(
        read_json(&out.join("hello/function.json"))["bindings"][0]["authLevel"],
        "anonymous"
    );
}

#[test]
fn two_http_functions_on_one_route_and_method_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[
            route_record("get_item", 3, "items/{id:int}", &["get"]),
            route_record("find_item", 9, "Items/{name}", &["get", "post"]),
            route_record("put_item", 15, "items/{id}", &["put"]),
        ],
    );
    let out = dir.path().join("out");

    let err = emit_to(&bin, &out).unwrap_err();

    let EmitError::InvalidFunctions { problems, .. } = &err else {
        panic!("expected invalid functions, got {err:?}");
    };
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(
        problems[0].to_string(),
        "functions `find_item` (src/main.rs:9:1) and `get_item` (src/main.rs:3:1) both answer \
         GET on /api/Items/{name}, so the host cannot tell which one a request is for; give one \
         of them another `route`, or `methods` that do not overlap"
    );
    assert!(!out.exists());
}

#[test]
fn with_an_empty_route_prefix_a_route_on_a_function_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[
            route_record("report", 4, "orders", &["get", "post"]),
            queue_record("orders", 12, "AzureWebJobsStorage"),
        ],
    );
    let out = dir.path().join("out");
    let config = with_host_json(json!({"extensions": {"http": {"routePrefix": ""}}}));

    let err = emit_config(&bin, &out, &config).unwrap_err();

    assert_eq!(
        err.to_string(),
        format!(
            "1 problem with the functions in {}:\n  - function `report` (src/main.rs:4:1) serves \
             POST /orders, which is the path on which the host invokes the function `orders` \
             (src/main.rs:12:1); give it a `route` that differs from every function name, or \
             keep a route prefix (the host's default is `api`, set as \
             `extensions.http.routePrefix` in host.json)",
            bin.display()
        )
    );
    assert!(!out.exists());
    // With the default prefix the route is `/api/orders`: fine.
    emit_to(&bin, &out).unwrap();
}

#[test]
fn the_users_host_json_is_merged_and_owned_keys_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");
    let config = with_host_json(json!({
        "version": "2.0",
        "logging": {"logLevel": {"default": "Warning", "Function": "Information"}},
        "functionTimeout": "00:10:00",
        "extensions": {"queues": {"batchSize": 4}, "http": {"routePrefix": "v1"}},
        "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.26.0, 5.0.0)"},
        "customHandler": {
            "description": {"defaultExecutablePath": "run.sh"},
            "enableForwardingHttpRequest": true
        }
    }));

    let report = emit_config(&bin, &out, &config).unwrap();

    assert_eq!(
        read_json(&out.join("host.json")),
        json!({
            "version": "2.0",
            "logging": {"logLevel": {"default": "Warning", "Function": "Information"}},
            "functionTimeout": "00:10:00",
            "extensions": {"queues": {"batchSize": 4}, "http": {"routePrefix": "v1"}},
            "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.26.0, 5.0.0)"},
            "customHandler": {
                "description": {"defaultExecutablePath": "orders"},
                "enableProxyingHttpRequest": true
            }
        })
    );
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(
            "`customHandler.description` is `{\"defaultExecutablePath\":\"run.sh\"}` in \
             `project/host.json`, but azfn writes `{\"defaultExecutablePath\":\"orders\"}`"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].starts_with("`customHandler.enableForwardingHttpRequest` is `true`"),
        "{}",
        warnings[1]
    );
    assert_eq!(assert_app_folder_valid(&out), 5);
}

#[test]
fn connections_missing_from_local_settings_are_added_empty_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[
            queue_record("ingest", 7, "IngestStorage"),
            queue_record("audit", 21, "AzureWebJobsStorage"),
        ],
    );
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(
        out.join("local.settings.json"),
        r#"{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "custom", "MINE": "1"}}"#,
    )
    .unwrap();

    let report = emit_to(&bin, &out).unwrap();

    assert_eq!(
        read_json(&out.join("local.settings.json")),
        json!({"IsEncrypted": false, "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "custom",
            "MINE": "1",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "IngestStorage": ""
        }})
    );
    let settings = out.join("local.settings.json");
    assert_eq!(
        report
            .warnings
            .iter()
            .map(|w| w.0.clone())
            .collect::<Vec<_>>(),
        [format!(
            "app setting `IngestStorage` (the `connection` of binding `item` of function \
             `ingest`, src/main.rs:7:1) was missing from `{}` and has been added empty; set it \
             to a connection string (or add `IngestStorage__<property>` settings for an \
             identity-based connection) to run the function locally, and add it to the \
             Function App's settings",
            settings.display()
        )]
    );
    assert_app_folder_valid(&out);

    // Filled in by the user: kept as it is, and no more warning.
    let mut value = read_json(&settings);
    value["Values"]["IngestStorage"] = json!("DefaultEndpointsProtocol=https;AccountName=x");
    fs::write(&settings, value.to_string()).unwrap();
    let report = emit_to(&bin, &out).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(read_json(&settings), value);
}

#[test]
fn ignore_files_are_written_once_and_a_users_leaky_one_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");
    emit_to(&bin, &out).unwrap();
    let funcignore = fs::read_to_string(out.join(".funcignore")).unwrap();
    assert!(
        funcignore.lines().any(|l| l == "local.settings.json"),
        "{funcignore}"
    );
    assert_eq!(
        fs::read_to_string(out.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("local.settings.json")
    );

    fs::write(out.join(".funcignore"), "docs/\n").unwrap();
    let report = emit_to(&bin, &out).unwrap();
    assert_eq!(
        fs::read_to_string(out.join(".funcignore")).unwrap(),
        "docs/\n"
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0]
            .0
            .contains("does not list `local.settings.json`"),
        "{:?}",
        report.warnings
    );
}

#[test]
fn every_emitted_file_validates_against_the_shared_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = orders_records();
    records.push(queue_record("ingest", 50, "IngestStorage"));
    records.push(route_record(
        "item",
        60,
        "items/{id:int?}",
        &["get", "delete"],
    ));
    let bin = write_binary(dir.path(), "orders", ELF, &records);
    let out = dir.path().join("app");
    emit_to(&bin, &out).unwrap();
    assert_eq!(assert_app_folder_valid(&out), 2 + records.len());
}
