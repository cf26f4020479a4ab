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
