//! Shared by the end-to-end suites: the `orders` example, built and emitted once per test binary.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cargo_azfn::{BuildOptions, EmitReport};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The test data kept in the repository: `fixtures/` at the workspace root (each folder's
/// README.md says where its files come from).
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("fixtures")
}

/// Builds `examples/orders` with `cargo azfn build` into a folder of its own, once.
pub fn orders_app() -> &'static EmitReport {
    static APP: OnceLock<EmitReport> = OnceLock::new();
    APP.get_or_init(|| {
        let out_dir = workspace_root().join("target/azfn-tests/orders");
        let reports = cargo_azfn::build(&BuildOptions {
            manifest_path: Some(workspace_root().join("examples/orders/Cargo.toml")),
            out_dir: Some(out_dir),
            ..BuildOptions::default()
        })
        .expect("cargo azfn build of examples/orders");
        assert_eq!(reports.len(), 1, "one app");
        reports.into_iter().next().unwrap()
    })
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds `examples/triggers` with `cargo azfn build` into a folder of its own, once.
pub fn triggers_app() -> &'static EmitReport {
    static APP: OnceLock<EmitReport> = OnceLock::new();
    APP.get_or_init(|| {
        let out_dir = workspace_root().join("target/azfn-tests/triggers");
        let reports = cargo_azfn::build(&BuildOptions {
            manifest_path: Some(workspace_root().join("examples/triggers/Cargo.toml")),
            out_dir: Some(out_dir),
            ..BuildOptions::default()
        })
        .expect("cargo azfn build of examples/triggers");
        assert_eq!(reports.len(), 1, "one app");
        reports.into_iter().next().unwrap()
    })
}

/// A validator for `fixtures/schemas/{schema_file}`. `function.schema.json` says draft-04 but
/// uses `const`, so (as `fixtures/schemas/README.md` says) it is read with draft-07 rules, as is
/// `host.schema.json`; `local.settings.schema.json` is draft-04.
pub fn schema(schema_file: &str) -> jsonschema::Validator {
    let schema = read_json(&fixtures_dir().join("schemas").join(schema_file));
    match schema_file {
        "local.settings.schema.json" => jsonschema::draft4::new(&schema),
        _ => jsonschema::draft7::new(&schema),
    }
    .unwrap_or_else(|e| panic!("{schema_file}: {e}"))
}

/// A validator for `fixtures/schemas/function.schema.json` (see [`schema`]).
pub fn function_schema() -> jsonschema::Validator {
    schema("function.schema.json")
}

/// Every way `instance` fails `validator`, as readable lines; empty when it is valid.
pub fn schema_errors(
    validator: &jsonschema::Validator,
    instance: &serde_json::Value,
) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}
