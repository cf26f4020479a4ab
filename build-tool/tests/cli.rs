//! The `cargo-azfn` executable, run the way cargo runs it for `cargo azfn ...`.

mod common;

use common::{ELF, cargo_azfn, http_record, orders_records, write_binary};

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn emit_writes_the_folder_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");

    let output = cargo_azfn(&[
        "emit",
        "--bin-path",
        bin.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);

    assert!(output.status.success(), "{output:?}");
    assert_eq!(text(&output.stdout), format!("{}\n", out.display()));
    assert_eq!(
        text(&output.stderr),
        format!("    Emitting 3 functions to {}\n", out.display())
    );
    assert!(out.join("host.json").is_file());
    assert!(out.join("order").join("function.json").is_file());
}

#[test]
fn emit_defaults_to_an_azfn_folder_beside_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());

    let output = cargo_azfn(&["emit", "--bin-path", bin.to_str().unwrap()]);

    assert!(output.status.success(), "{output:?}");
    let expected = dir.path().join("azfn").join("orders");
    assert_eq!(text(&output.stdout).trim_end(), expected.to_str().unwrap());
    assert!(expected.join("orders").is_file());
}

#[test]
fn emit_of_a_binary_without_functions_exits_1_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "plain", ELF, &[]);

    let output = cargo_azfn(&["emit", "--bin-path", bin.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!(
            "error: no azfn functions found in {}; is it built with azfn?\n",
            bin.display()
        )
    );
    assert!(output.stdout.is_empty());
    assert!(!dir.path().join("azfn").exists());
}

#[test]
fn emit_with_bad_names_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[
            http_record("hello", "src/main.rs", 3),
            http_record("HELLO", "src/other.rs", 7),
            http_record("bad.name", "src/main.rs", 12),
        ],
    );

    let output = cargo_azfn(&["emit", "--bin-path", bin.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: 2 problems with the functions in "),
        "{stderr}"
    );
    for needle in [
        "`bad.name` (src/main.rs:12:1)",
        "`HELLO` at src/other.rs:7:1",
        "`hello` at src/main.rs:3:1",
    ] {
        assert!(stderr.contains(needle), "{needle} missing from:\n{stderr}");
    }
}

#[test]
fn errors_with_causes_print_them_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");

    let output = cargo_azfn(&["emit", "--bin-path", missing.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: cannot read the executable `{}`\n\nCaused by:\n  ",
            missing.display()
        )),
        "{stderr}"
    );
}

#[test]
fn build_help_reads_like_cargo_build() {
    let output = cargo_azfn(&["build", "--help"]);
    assert!(output.status.success(), "{output:?}");
    let help = text(&output.stdout);
    assert!(
        help.starts_with("Compile the handler with `cargo build`"),
        "{help}"
    );
    for needle in [
        "Usage: cargo azfn build [OPTIONS]",
        "Package Selection:",
        "-p, --package <SPEC>",
        "--bin <NAME>",
        "-F, --features <FEATURES>",
        "-r, --release",
        "--profile <PROFILE-NAME>",
        "--target <TRIPLE>",
        "--target-dir <DIRECTORY>",
        "--manifest-path <PATH>",
        "--out <DIR>",
    ] {
        assert!(help.contains(needle), "`{needle}` missing from:\n{help}");
    }
}

#[test]
fn top_level_help_lists_the_commands() {
    let output = cargo_azfn(&["--help"]);
    assert!(output.status.success(), "{output:?}");
    let help = text(&output.stdout);
    assert!(help.contains("Usage: cargo azfn <COMMAND>"), "{help}");
    assert!(help.contains("build "), "{help}");
    assert!(help.contains("emit "), "{help}");
}

#[test]
fn a_usage_error_names_the_missing_flag() {
    let output = cargo_azfn(&["emit"]);
    // clap's usage errors keep their conventional exit code 2.
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(text(&output.stderr).contains("--bin-path <PATH>"));
}

// --- Every command through `assert_cmd`, with its exact output. ---

use std::fs;
use std::path::Path;

use common::{azfn, fixture_project, queue_record, read_json, route_record, zip_entries};
use predicates::prelude::*;

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_command_has_help_that_reads_like_cargos() {
    azfn(&["--help"]).assert().success().stdout(
        predicate::str::contains("Usage: cargo azfn <COMMAND>")
            .and(predicate::str::contains(
                "  build      Compile the handler with `cargo build` and write its app folder",
            ))
            .and(predicate::str::contains(
                "  emit       Write the app folder for an already built handler executable",
            ))
            .and(predicate::str::contains(
                "  new        Create a new azfn app",
            ))
            .and(predicate::str::contains(
                "  pack       Build the app and zip its folder for zip deploy",
            ))
            .and(predicate::str::contains(
                "  functions  List the functions of the app: trigger, route and bindings",
            )),
    );
    azfn(&["new", "--help"]).assert().success().stdout(
        predicate::str::starts_with(
            "Create a new azfn app\n\nUsage: cargo azfn new [OPTIONS] <PATH>\n",
        )
        .and(predicate::str::contains("--name <NAME>"))
        .and(predicate::str::contains("--template <TEMPLATE>"))
        .and(predicate::str::contains("[default: http]"))
        .and(predicate::str::contains("http:  An HTTP function"))
        .and(predicate::str::contains("blob:  A Blob storage function")),
    );
    azfn(&["pack", "--help"]).assert().success().stdout(
        predicate::str::starts_with(
            "Build the app and zip its folder for zip deploy\n\nUsage: cargo azfn pack [OPTIONS]\n",
        )
        .and(predicate::str::contains("--app-dir <DIR>"))
        .and(predicate::str::contains("-o, --output <FILE>"))
        .and(predicate::str::contains("-r, --release"))
        .and(predicate::str::contains("mode 0755")),
    );
    azfn(&["functions", "--help"]).assert().success().stdout(
        predicate::str::starts_with("List the functions of the app: trigger, route and bindings\n\nUsage: cargo azfn functions [OPTIONS]\n")
            .and(predicate::str::contains("--bin-path <PATH>"))
            .and(predicate::str::contains("--json"))
            .and(predicate::str::contains("--manifest-path <PATH>")),
    );
    azfn(&["emit", "--help"]).assert().success().stdout(
        predicate::str::starts_with("Write the app folder for an already built handler executable\n\nUsage: cargo azfn emit [OPTIONS] --bin-path <PATH>\n")
            .and(predicate::str::contains("--out <DIR>"))
            .and(predicate::str::contains("--manifest-path <PATH>")),
    );
}

#[test]
fn emit_merges_the_packages_host_json_and_prints_warnings_like_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    fs::write(project.join("Cargo.toml"), "[package]\nname = \"p\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[workspace]\n[[bin]]\nname = \"p\"\npath = \"main.rs\"\n").unwrap();
    fs::write(project.join("main.rs"), "fn main() {}\n").unwrap();
    fs::write(
        project.join("host.json"),
        r#"{"version": "1.0", "logging": {"logLevel": {"default": "Debug"}}}"#,
    )
    .unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");

    azfn(&[
        "emit",
        "--bin-path",
        path(&bin),
        "--out",
        path(&out),
        "--manifest-path",
        path(&project.join("Cargo.toml")),
    ])
    .assert()
    .success()
    .stdout(format!("{}\n", out.display()))
    .stderr(format!(
        "    Emitting 3 functions to {}\nwarning: `version` is `\"1.0\"` in `{}`, but azfn writes \
         `\"2.0\"`: the Functions v4 host only runs custom handlers with host.json version 2.0; \
         remove it from `{}`\n",
        out.display(),
        project.join("host.json").display(),
        project.join("host.json").display()
    ));
    assert_eq!(
        read_json(&out.join("host.json"))["logging"]["logLevel"]["default"],
        "Debug"
    );
}

#[test]
fn emit_with_a_manifest_that_is_not_a_package_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let manifest = dir.path().join("Cargo.toml");
    fs::write(&manifest, "[workspace]\nmembers = []\n").unwrap();

    azfn(&[
        "emit",
        "--bin-path",
        path(&bin),
        "--manifest-path",
        path(&manifest),
    ])
    .assert()
    .code(1)
    .stderr(format!(
        "error: `{}` is not the manifest of a package; pass the `Cargo.toml` of the package \
             that builds the handler\n",
        manifest.display()
    ));
}

#[test]
fn emit_reports_a_route_clash_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(
        dir.path(),
        "app",
        ELF,
        &[
            route_record("list", 5, "items", &["get"]),
            route_record("page", 9, "items/{page?}", &["get", "post"]),
        ],
    );
    let out = dir.path().join("out");

    azfn(&["emit", "--bin-path", path(&bin), "--out", path(&out)])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: 1 problem with the functions in {}:\n  - functions `list` (src/main.rs:5:1) \
             and `page` (src/main.rs:9:1) both answer GET on /api/items, so the host cannot tell \
             which one a request is for; give one of them another `route`, or `methods` that do \
             not overlap\n",
            bin.display()
        ));
    assert!(!out.exists());
}

#[test]
fn functions_lists_a_built_executable_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = orders_records();
    records.push(queue_record("ingest", 50, "IngestStorage"));
    let bin = write_binary(dir.path(), "orders", ELF, &records);

    azfn(&["functions", "--bin-path", path(&bin)])
        .assert()
        .success()
        .stderr("")
        .stdout(format!(
            "orders ({}), route prefix `api`\n\
             NAME             TRIGGER                ROUTE                BINDINGS\n\
             MyQueueFunction  queueTrigger orders    -                    out queue $return (processed)\n\
             hello            httpTrigger function   GET,POST /api/hello  out http res\n\
             ingest           queueTrigger in        -                    out queue $return (out)\n\
             order            httpTrigger anonymous  POST /api/order      out http res, out queue message (orders)\n",
            bin.display()
        ));
}

#[test]
fn functions_prints_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());

    let output = azfn(&["functions", "--bin-path", path(&bin), "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();

    let value: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(value[0]["app"], "orders");
    let names: Vec<&str> = value[0]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["MyQueueFunction", "hello", "order"]);
    assert_eq!(
        value[0]["functions"][2]["route"],
        serde_json::json!({"methods": ["POST"], "path": "/api/order"})
    );
    assert_eq!(value[0]["functions"][2]["source"]["line"], 10);
}

#[test]
fn functions_refuses_build_flags_with_bin_path() {
    azfn(&["functions", "--bin-path", "x", "--release"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the argument '--bin-path <PATH>' cannot be used with '--release'",
        ));
}

#[test]
fn functions_of_a_missing_executable_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone");
    azfn(&["functions", "--bin-path", path(&missing)])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "error: cannot read the executable `{}`\n\nCaused by:\n",
            missing.display()
        )));
}

#[test]
fn pack_zips_an_app_folder_with_the_handler_executable() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_binary(dir.path(), "orders", ELF, &orders_records());
    let out = dir.path().join("app");
    azfn(&["emit", "--bin-path", path(&bin), "--out", path(&out)])
        .assert()
        .success();
    let zip = dir.path().join("app.zip");

    azfn(&["pack", "--app-dir", path(&out)])
        .assert()
        .success()
        .stdout(format!("{}\n", zip.display()))
        .stderr(predicate::str::starts_with(format!(
            "      Packed 5 files into {} (",
            zip.display()
        )));

    let entries = zip_entries(&zip);
    let modes: Vec<(&str, u32)> = entries.iter().map(|(n, m, _)| (n.as_str(), *m)).collect();
    assert_eq!(
        modes,
        [
            ("MyQueueFunction/function.json", 0o644),
            ("hello/function.json", 0o644),
            ("host.json", 0o644),
            ("order/function.json", 0o644),
            ("orders", 0o755),
        ]
    );
    assert_eq!(entries[4].2, fs::read(&bin).unwrap());
}

#[test]
fn pack_of_a_folder_that_is_not_an_app_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    azfn(&[
        "pack",
        "--app-dir",
        path(dir.path()),
        "--output",
        path(&dir.path().join("x.zip")),
    ])
    .assert()
    .code(1)
    .stdout("")
    .stderr(format!(
        "error: `{}` is not an app folder: it has no `host.json`; run `cargo azfn build` to \
             write one\n",
        dir.path().display()
    ));
}

#[test]
fn pack_app_dir_does_not_take_build_flags() {
    azfn(&[
        "pack",
        "--app-dir",
        "x",
        "--target",
        "x86_64-unknown-linux-gnu",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn pack_builds_first_and_output_takes_one_app() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[
            ("one", vec![http_record("a", "src/one.rs", 1)]),
            ("two", vec![http_record("b", "src/two.rs", 1)]),
        ],
    );
    let target = dir.path().join("target");
    let common_args = [
        "pack",
        "--manifest-path",
        path(&manifest),
        "--target-dir",
        path(&target),
        // A native build, whose glibc may be newer than Azure's oldest image's.
        "--allow-newer-glibc",
    ];

    azfn(
        &[
            &common_args[..],
            &["--output", path(&dir.path().join("x.zip"))],
        ]
        .concat(),
    )
    .assert()
    .code(1)
    .stderr(predicate::str::ends_with(
        "error: `--output` takes exactly one app, but 2 apps were built (`one`, `two`); \
             choose one with `--bin NAME`\n",
    ));
    assert!(
        !target.join("azfn").exists(),
        "nothing is emitted before the refusal"
    );

    azfn(&common_args).assert().success().stdout(format!(
        "{}\n{}\n",
        target.join("azfn/one.zip").display(),
        target.join("azfn/two.zip").display()
    ));
    let entries = zip_entries(&target.join("azfn/two.zip"));
    assert!(
        entries.iter().any(|(n, m, _)| n == "two" && *m == 0o755),
        "{entries:?}"
    );
    assert!(!entries.iter().any(|(n, _, _)| n == "local.settings.json"));
}

#[test]
fn functions_builds_the_project_when_given_no_executable() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(dir.path(), &[("app", orders_records()), ("tool", vec![])]);
    let target = dir.path().join("target");

    azfn(&[
        "functions",
        "--manifest-path",
        path(&manifest),
        "--target-dir",
        path(&target),
    ])
    .assert()
    .success()
    .stdout(predicate::str::starts_with(format!(
        "app ({}), route prefix `api`\nNAME ",
        target.join("debug/app").display()
    )));
    // Listing writes no app folder.
    assert!(!target.join("azfn").exists());
}

#[test]
fn new_creates_a_project_and_refuses_to_overwrite_one() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("my-app");

    azfn(&["new", path(&project), "--template", "queue"])
        .assert()
        .success()
        .stdout(format!("{}\n", project.display()))
        .stderr(format!(
            "    Creating azfn app `my-app` (queue template) in {}\nnote: in `{}`: `cargo azfn \
             start` runs it locally as the Functions host would, `cargo test` runs its tests; \
             its connection strings go in local.settings.json, its host.json settings in \
             host.json\n",
            project.display(),
            project.display()
        ));
    let main = fs::read_to_string(project.join("src/main.rs")).unwrap();
    assert!(
        main.contains("#[queue_trigger(queue_name = \"orders-incoming\")]"),
        "{main}"
    );
    let manifest = fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-app\""), "{manifest}");
    assert!(project.join("host.json").is_file());

    azfn(&["new", path(&project)])
        .assert()
        .code(1)
        .stderr(format!(
            "error: destination `{}` already exists; choose another path, or delete it first\n",
            project.display()
        ));
}

#[test]
fn new_checks_the_name_and_the_template() {
    let dir = tempfile::tempdir().unwrap();
    azfn(&["new", path(&dir.path().join("1app"))])
        .assert()
        .code(1)
        .stderr(
            "error: `1app` cannot be a package name: it starts with a digit; choose another \
             with `--name`\n",
        );
    azfn(&["new", path(&dir.path().join("x")), "--template", "cron"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("invalid value 'cron' for '--template <TEMPLATE>'").and(
                predicate::str::contains("[possible values: http, queue, timer, blob, mcp]"),
            ),
        );
    assert!(!dir.path().join("x").exists());
    assert!(!dir.path().join("1app").exists());
}

#[test]
fn pack_without_output_needs_a_folder_name_to_derive_the_zip_from() {
    azfn(&["pack", "--app-dir", "/"])
        .assert()
        .code(1)
        .stderr("error: cannot derive a zip file name from `/`; pass `--output FILE`\n");
}

/// Issue 14 point 8: `pack` packed a debug build without a word, into the folder and zip a
/// release build uses.
#[test]
fn pack_builds_release_by_default_and_a_debug_build_goes_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = fixture_project(
        dir.path(),
        &[("one", vec![http_record("a", "src/one.rs", 1)])],
    );
    let target = dir.path().join("target");
    let pack = |extra: &[&str]| {
        let args = [
            &[
                "pack",
                "--manifest-path",
                path(&manifest),
                "--target-dir",
                path(&target),
                // A native build, whose glibc may be newer than Azure's oldest image's.
                "--allow-newer-glibc",
            ][..],
            extra,
        ]
        .concat();
        cargo_azfn(&args)
    };

    let release = pack(&[]);
    assert!(release.status.success(), "{release:?}");
    let release_zip = target.join("azfn/one.zip");
    assert_eq!(
        text(&release.stdout),
        format!("{}\n", release_zip.display())
    );
    assert!(
        text(&release.stderr).contains(&format!(
            "      Packed 3 files into {} (",
            release_zip.display()
        )) && text(&release.stderr).contains("; release profile for the host, "),
        "{release:?}"
    );
    let packed = zip_entries(&release_zip);
    let handler = &packed.iter().find(|(n, _, _)| n == "one").unwrap().2;
    assert_eq!(handler, &fs::read(target.join("release/one")).unwrap());

    let debug = pack(&["--debug"]);
    assert!(debug.status.success(), "{debug:?}");
    let debug_zip = target.join("azfn/debug/one.zip");
    assert_eq!(text(&debug.stdout), format!("{}\n", debug_zip.display()));
    assert!(
        text(&debug.stderr).contains("; dev profile for the host, "),
        "{debug:?}"
    );
    let packed = zip_entries(&debug_zip);
    let handler = &packed.iter().find(|(n, _, _)| n == "one").unwrap().2;
    assert_eq!(handler, &fs::read(target.join("debug/one")).unwrap());
    // The release zip is still the release build.
    assert!(release_zip.is_file());
    assert!(target.join("azfn/one/one").is_file());

    let conflict = cargo_azfn(&["pack", "--debug", "--release"]);
    assert_eq!(conflict.status.code(), Some(2), "{conflict:?}");
}
