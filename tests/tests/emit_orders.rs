//! `cargo azfn build` on `examples/orders`: the folder, the golden `function.json` files, schema
//! validity of every emitted file, and emitting from a binary that is never executed.

mod common;

use std::path::Path;

use common::{fixtures_dir, orders_app, read_json, schema, schema_errors};
use serde_json::{Value, json};

fn golden(name: &str) -> Value {
    match name {
        "order" => json!({"bindings": [
            {"type":"httpTrigger","direction":"in","name":"req","methods":["post"],"authLevel":"function"},
            {"type":"http","direction":"out","name":"res"},
            {"type":"queue","direction":"out","name":"message","queueName":"orders","connection":"AzureWebJobsStorage"}
        ]}),
        "hello" => json!({"bindings": [
            {"type":"httpTrigger","direction":"in","name":"req","methods":["get","post"],"authLevel":"anonymous"},
            {"type":"http","direction":"out","name":"res"}
        ]}),
        "MyQueueFunction" => json!({"bindings": [
            {"type":"queueTrigger","direction":"in","name":"myQueueItem","queueName":"messages-incoming","connection":"AzureWebJobsStorage"},
            {"type":"queue","direction":"out","name":"$return","queueName":"messages-outgoing","connection":"AzureWebJobsStorage"}
        ]}),
        other => panic!("no golden file for {other}"),
    }
}

#[test]
fn the_three_function_json_files_equal_the_documented_ones() {
    let app = orders_app();
    let mut functions = app.functions.clone();
    functions.sort();
    assert_eq!(functions, ["MyQueueFunction", "hello", "order"]);
    for name in &functions {
        let emitted = read_json(&app.out_dir.join(name).join("function.json"));
        assert_eq!(emitted, golden(name), "{name}/function.json");
    }
}

#[test]
fn host_json_names_the_executable_and_the_bundle() {
    let app = orders_app();
    let host = read_json(&app.out_dir.join("host.json"));
    assert_eq!(host["version"], "2.0");
    let exe = host["customHandler"]["description"]["defaultExecutablePath"]
        .as_str()
        .unwrap();
    assert_eq!(app.out_dir.join(exe), app.executable);
    assert!(app.executable.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&app.executable)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755, "executable mode {mode:o}");
    }
    assert_eq!(
        host["extensionBundle"],
        json!({"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"})
    );
    assert_eq!(host["customHandler"]["enableProxyingHttpRequest"], true);
    let settings = read_json(&app.out_dir.join("local.settings.json"));
    // The schema allows only lowercase `custom`; the host compares it ignoring case.
    assert_eq!(settings["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");
    assert_eq!(
        settings["Values"]["AzureWebJobsStorage"],
        "UseDevelopmentStorage=true"
    );
}

fn assert_valid(validator: &jsonschema::Validator, file: &Path) {
    let errors = schema_errors(validator, &read_json(file));
    assert!(
        errors.is_empty(),
        "{} is invalid: {errors:#?}",
        file.display()
    );
}

#[test]
fn every_emitted_file_validates_against_the_public_schemas() {
    let app = orders_app();
    assert_valid(&schema("host.schema.json"), &app.out_dir.join("host.json"));
    assert_valid(
        &schema("local.settings.schema.json"),
        &app.out_dir.join("local.settings.json"),
    );
    let function_schema = schema("function.schema.json");
    for name in &app.functions {
        assert_valid(
            &function_schema,
            &app.out_dir.join(name).join("function.json"),
        );
    }
}

#[test]
fn the_schemas_reject_what_the_host_would_reject() {
    // Guards the validation above against a validator that accepts everything.
    let function_schema = schema("function.schema.json");
    let bad = json!({"bindings": [{"type": "queueTrigger", "direction": "sideways", "name": "x"}]});
    assert!(!function_schema.is_valid(&bad));
    let host_schema = schema("host.schema.json");
    let bad =
        json!({"version": "2.0", "customHandler": {"description": {}, "enableProxying": true}});
    assert!(!host_schema.is_valid(&bad));
    // And accepts the real samples it was written for.
    for sample in [
        "go__QueueTriggerWithOutputs__function.json",
        "go__HttpTriggerWithOutputs__function.json",
    ] {
        let file = fixtures_dir()
            .join("corpus/custom-handler-samples")
            .join(sample);
        assert!(function_schema.is_valid(&read_json(&file)), "{sample}");
    }
}

#[test]
fn emit_reads_a_binary_that_is_never_executed() {
    let app = orders_app();
    let dir = tempfile::tempdir().unwrap();
    // A copy without the execute bit under another name: what a handler cross-compiled on
    // another OS looks like to the emit step.
    let copy = dir.path().join("handler-copy");
    std::fs::copy(&app.executable, &copy).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = dir.path().join("app");
    let report = cargo_azfn::emit(&cargo_azfn::EmitOptions {
        bin_path: copy,
        out_dir: out.clone(),
    })
    .unwrap();
    let mut functions = report.functions.clone();
    functions.sort();
    assert_eq!(functions, ["MyQueueFunction", "hello", "order"]);
    for name in &functions {
        assert_eq!(
            read_json(&out.join(name).join("function.json")),
            read_json(&app.out_dir.join(name).join("function.json"))
        );
    }
}
