//! Helpers shared by the integration tests: function records framed the way the macros frame
//! them, fake executables that hold them, and fixture cargo projects.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use azfn_spec::record::{FunctionRecord, RECORD_FORMAT, frame};
use serde_json::{Value, json};

/// A record as the macros would write it.
pub(crate) fn record(name: &str, file: &str, line: u32, bindings: Value) -> FunctionRecord {
    serde_json::from_value(json!({
        "format": RECORD_FORMAT,
        "name": name,
        "rust_fn": name.to_lowercase(),
        "source": {"file": file, "line": line, "column": 1},
        "function": {"bindings": bindings},
    }))
    .expect("a valid record")
}

/// The three functions of the custom-handler documentation (`examples/orders`).
pub(crate) fn orders_records() -> Vec<FunctionRecord> {
    vec![
        record(
            "order",
            "examples/orders/src/main.rs",
            10,
            json!([
                {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["post"], "authLevel": "anonymous"},
                {"type": "http", "direction": "out", "name": "res"},
                {"type": "queue", "direction": "out", "name": "message", "queueName": "orders", "connection": "AzureWebJobsStorage"}
            ]),
        ),
        http_record("hello", "examples/orders/src/main.rs", 30),
        record(
            "MyQueueFunction",
            "examples/orders/src/main.rs",
            40,
            json!([
                {"type": "queueTrigger", "direction": "in", "name": "myQueueItem", "queueName": "orders", "connection": "AzureWebJobsStorage"},
                {"type": "queue", "direction": "out", "name": "$return", "queueName": "processed", "connection": "AzureWebJobsStorage"}
            ]),
        ),
    ]
}

/// An HTTP-in, HTTP-out function.
pub(crate) fn http_record(name: &str, file: &str, line: u32) -> FunctionRecord {
    record(
        name,
        file,
        line,
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get", "post"]},
            {"type": "http", "direction": "out", "name": "res"}
        ]),
    )
}

/// The bytes of a fake executable: `header`, then each record framed and separated by junk.
pub(crate) fn binary_bytes(header: &[u8], records: &[FunctionRecord]) -> Vec<u8> {
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(b"\0\0.text\0junk\xff\xfe");
    for record in records {
        bytes.extend_from_slice(&frame(&serde_json::to_string(record).unwrap()));
        bytes.extend_from_slice(b"\x90\x90 between records \0");
    }
    bytes.extend_from_slice(b"trailer\0");
    bytes
}

/// An ELF-looking header.
pub(crate) const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0";
/// A PE (DOS stub) header.
pub(crate) const PE: &[u8] = b"MZ\x90\0\x03\0\0\0";

/// Writes a fake executable without execute permission and returns its path.
pub(crate) fn write_binary(
    dir: &Path,
    name: &str,
    header: &[u8],
    records: &[FunctionRecord],
) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, binary_bytes(header, records)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    path
}

/// Reads and parses a JSON file.
pub(crate) fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sorted names of the entries of `dir`.
pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Runs the built `cargo-azfn` as cargo would for `cargo azfn ARGS`, with colors off whatever
/// the environment says.
pub(crate) fn cargo_azfn(args: &[&str]) -> Output {
    cargo_azfn_command(args).output().unwrap()
}

/// [`cargo_azfn_command`] as an `assert_cmd` command, for tests that assert on its output.
pub(crate) fn azfn(args: &[&str]) -> assert_cmd::Command {
    cargo_azfn_command(args).into()
}

/// The command [`cargo_azfn`] runs, for tests that adjust it.
pub(crate) fn cargo_azfn_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-azfn"));
    command
        .arg("azfn")
        .args(args)
        .env_remove("CARGO_TERM_COLOR")
        .env("NO_COLOR", "1");
    command
}

/// A Rust byte-string literal holding `bytes`.
fn byte_string_literal(bytes: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Writes a cargo project under `dir` with one binary per entry of `bins`; each binary carries
/// the given records in a static, the way an azfn handler does, without depending on azfn.
/// Returns the manifest path.
pub(crate) fn fixture_project(dir: &Path, bins: &[(&str, Vec<FunctionRecord>)]) -> PathBuf {
    let root = dir.join("fixture");
    fs::create_dir_all(root.join("src")).unwrap();
    let mut manifest = String::from(
        "[package]\nname = \"fixture-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         # Keeps cargo from looking for an enclosing workspace.\n[workspace]\n",
    );
    for (name, records) in bins {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"src/{name}.rs\"\n"
        ));
        let mut bytes = Vec::new();
        for record in records {
            bytes.extend_from_slice(&frame(&serde_json::to_string(record).unwrap()));
        }
        let source = format!(
            "static RECORDS: [u8; {len}] = *{literal};\n\n\
             fn main() {{\n    // Keeps the records in the executable, as azfn's registry does.\n    \
             std::hint::black_box(&RECORDS);\n}}\n",
            len = bytes.len(),
            literal = byte_string_literal(&bytes),
        );
        fs::write(root.join("src").join(format!("{name}.rs")), source).unwrap();
    }
    let manifest_path = root.join("Cargo.toml");
    fs::write(&manifest_path, manifest).unwrap();
    manifest_path
}

/// The workspace root.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("build-tool/ is inside the workspace")
        .to_path_buf()
}

/// The test data kept in the repository: `fixtures/` at the workspace root (each folder's
/// README.md says where its files come from).
pub(crate) fn fixtures_dir() -> PathBuf {
    workspace_root().join("fixtures")
}

/// A validator for one of the schemas in `fixtures/schemas/`. `function.schema.json` says
/// draft-04 but uses `const`, so (as `fixtures/schemas/README.md` says) it is read with draft-07
/// rules.
fn validator(schema_file: &str) -> jsonschema::Validator {
    let schema = read_json(&fixtures_dir().join("schemas").join(schema_file));
    match schema_file {
        "local.settings.schema.json" => jsonschema::draft4::new(&schema),
        _ => jsonschema::draft7::new(&schema),
    }
    .unwrap_or_else(|e| panic!("{schema_file}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, file: &Path) {
    let instance = read_json(file);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{} is invalid: {errors:#?}\n{instance:#}",
        file.display()
    );
}

/// Checks every JSON file of an app folder against the schemas of `fixtures/schemas/`: `host.json`,
/// `local.settings.json` and each `<function>/function.json`. Returns how many were checked.
pub(crate) fn assert_app_folder_valid(out: &Path) -> usize {
    // Guards against a validator that accepts everything.
    let host = validator("host.schema.json");
    assert!(!host.is_valid(
        &json!({"version": "2.0", "customHandler": {"description": {}, "enableProxying": true}})
    ));
    assert_valid(&host, &out.join("host.json"));
    assert_valid(
        &validator("local.settings.schema.json"),
        &out.join("local.settings.json"),
    );
    let function = validator("function.schema.json");
    let mut checked = 2;
    for entry in fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path().join("function.json");
        if path.is_file() {
            assert_valid(&function, &path);
            checked += 1;
        }
    }
    checked
}

/// The entries of a zip file: name, Unix mode (permission bits) and content.
pub(crate) fn zip_entries(zip: &Path) -> Vec<(String, u32, Vec<u8>)> {
    use std::io::Read as _;
    let file = fs::File::open(zip).unwrap_or_else(|e| panic!("{}: {e}", zip.display()));
    let mut archive = zip::ZipArchive::new(file).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut contents = Vec::new();
            entry.read_to_end(&mut contents).unwrap();
            let mode = entry.unix_mode().expect("a Unix mode") & 0o777;
            (entry.name().to_owned(), mode, contents)
        })
        .collect()
}

/// A queue-triggered function whose trigger and output use the connection `connection`.
pub(crate) fn queue_record(name: &str, line: u32, connection: &str) -> FunctionRecord {
    record(
        name,
        "src/main.rs",
        line,
        json!([
            {"type": "queueTrigger", "direction": "in", "name": "item", "queueName": "in", "connection": connection},
            {"type": "queue", "direction": "out", "name": "$return", "queueName": "out", "connection": connection}
        ]),
    )
}

/// An HTTP-in, HTTP-out function on `route` for `methods`.
pub(crate) fn route_record(name: &str, line: u32, route: &str, methods: &[&str]) -> FunctionRecord {
    record(
        name,
        "src/main.rs",
        line,
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": methods, "route": route},
            {"type": "http", "direction": "out", "name": "res"}
        ]),
    )
}
