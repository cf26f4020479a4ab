//! Every command on the repository's own example, `examples/orders`, as a user runs them.

mod common;

use common::{assert_app_folder_valid, azfn, read_json, workspace_root, zip_entries};
use predicates::prelude::*;

#[test]
fn the_orders_example_builds_lists_and_packs() {
    let manifest = workspace_root().join("examples/orders/Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("orders");

    azfn(&[
        "build",
        "--manifest-path",
        manifest,
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(format!("{}\n", out.display()))
    .stderr(predicate::str::contains(format!(
        "    Emitting 3 functions to {}\n",
        out.display()
    )));
    assert_eq!(assert_app_folder_valid(&out), 5);
    let host = read_json(&out.join("host.json"));
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        "orders"
    );

    azfn(&["functions", "--manifest-path", manifest])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("route prefix `api`\n")
                .and(predicate::str::contains("GET,POST /api/hello"))
                .and(predicate::str::contains("POST /api/order"))
                .and(predicate::str::contains("out queue message (orders)"))
                .and(predicate::str::contains(
                    "MyQueueFunction  queueTrigger messages-incoming",
                )),
        );

    let zip = dir.path().join("orders.zip");
    // A native build: this machine's glibc may be newer than Azure's oldest image's (the
    // check itself is tested in tests/glibc.rs).
    azfn(&[
        "pack",
        "--app-dir",
        out.to_str().unwrap(),
        "--allow-newer-glibc",
    ])
    .assert()
    .success()
    .stdout(format!("{}\n", zip.display()));
    let entries = zip_entries(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "MyQueueFunction/function.json",
            "hello/function.json",
            "host.json",
            "order/function.json",
            "orders"
        ]
    );
    assert_eq!(entries[4].1, 0o755);
    assert!(entries[..4].iter().all(|(_, mode, _)| *mode == 0o644));
}

#[test]
fn the_triggers_example_emits_valid_files_and_asks_for_its_connections() {
    let manifest = workspace_root().join("examples/triggers/Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("triggers");

    azfn(&[
        "build",
        "--manifest-path",
        manifest,
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains(
        "warning: app setting `ServiceBus` (the `connection` of binding `invoice` of \
             function `process_order`, examples/triggers/src/main.rs:",
    ));
    let functions = assert_app_folder_valid(&out) - 2;
    assert!(functions > 10, "{functions} functions");
    // Every connection the bindings name is in local.settings.json, empty until filled in.
    let settings = read_json(&out.join("local.settings.json"));
    assert_eq!(settings["Values"]["ServiceBus"], "");
    assert_eq!(settings["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");

    let zip = dir.path().join("triggers.zip");
    // A native build: this machine's glibc may be newer than Azure's oldest image's (the
    // check itself is tested in tests/glibc.rs).
    azfn(&[
        "pack",
        "--app-dir",
        out.to_str().unwrap(),
        "--allow-newer-glibc",
    ])
    .assert()
    .success();
    let entries = zip_entries(&zip);
    assert!(
        entries
            .iter()
            .any(|(n, m, _)| n == "triggers" && *m == 0o755)
    );
    assert_eq!(entries.len(), functions + 2);
}
