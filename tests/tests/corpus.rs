//! `function.json` files written by others, written again with azfn: for every file of
//! `fixtures/corpus/` whose bindings azfn supports, an annotated function in this test binary
//! emits an equal `function.json` (the generic attributes only where no dedicated attribute
//! exists). Every function compiled into this binary, the attribute reference's examples and the
//! shapes of `ui/pass` included, must validate against the public schema.
//!
//! The records are read back the way `cargo azfn emit` reads them: from the bytes of this very
//! executable.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use azfn::metadata::FunctionRecord;
use azfn::{
    Out, binding, blob_input, blob_output, blob_trigger, generic_trigger, http_output,
    http_trigger, queue_output, queue_trigger, sendgrid_output, service_bus_trigger, table_input,
    table_output, timer_trigger,
};
use common::{fixtures_dir, function_schema, read_json, schema_errors};
use serde_json::Value;

/// The binding catalog the macros are built from, so this test knows every binding type
/// without a second list.
use azfn_spec::catalog;

/// The attribute reference's examples; compiled here too, so their `function.json` is
/// schema-checked.
#[allow(dead_code, clippy::all)]
mod attribute_examples {
    include!("../ui/pass/attribute_examples.rs");
}

/// The other passing shapes, for the same reason.
#[allow(dead_code, clippy::all)]
mod binding_shapes {
    include!("../ui/pass/binding_shapes.rs");
}

// ---------------------------------------------------------------------------------------------
// Azure-Samples/functions-custom-handlers

#[http_trigger(name = "R__hello", methods = ["get", "post"])]
async fn r_hello(body: String) -> String {
    body
}

#[http_trigger(name = "Rust__SimpleHttpTrigger", methods = ["get", "post"])]
async fn rust_simple_http_trigger() -> &'static str {
    "hello"
}

#[http_trigger(name = "go__SimpleHttpTrigger", methods = ["get", "post"])]
async fn go_simple_http_trigger() -> &'static str {
    "hello"
}

#[http_trigger(name = "go__SimpleHttpTriggerWithReturn", methods = ["GET", "POST"])]
#[http_output]
async fn go_simple_http_trigger_with_return() -> &'static str {
    "hello"
}

/// An HTTP function whose `$return` is a queue: the response is the return value, the queue
/// message is set from a `$return` parameter.
#[http_trigger(name = "go__HttpTriggerWithOutputs", methods = ["get", "post"])]
async fn go_http_trigger_with_outputs(
    #[queue_output(name = "$return", queue_name = "test-output-node")] message: &mut Out<String>,
) -> &'static str {
    message.set("queued".to_owned());
    "ok"
}

#[blob_trigger(
    name = "go__BlobTrigger",
    path = "test-triggerinput-httpworker/{name}",
    data_type = "binary"
)]
#[blob_output(path = "test-output-httpworker/{name}", data_type = "binary")]
async fn go_blob_trigger(#[trigger(name = "triggerBlob")] blob: Vec<u8>) -> Vec<u8> {
    blob
}

#[queue_trigger(name = "go__QueueTrigger", queue_name = "test-input-node")]
#[queue_output(queue_name = "test-output-node")]
async fn go_queue_trigger(#[trigger(name = "myQueueItem")] item: String) -> String {
    item
}

#[queue_trigger(
    name = "go__QueueTriggerWithOutputs",
    queue_name = "test-inputmultiout-node"
)]
#[queue_output(queue_name = "test-output-node")]
async fn go_queue_trigger_with_outputs(
    #[trigger(name = "myQueueItem")] item: String,
    #[queue_output(queue_name = "test-output1-node")] output1: &mut Out<String>,
) -> String {
    output1.set(item.clone());
    item
}

// ---------------------------------------------------------------------------------------------
// SchemaStore's test files for function.json

#[blob_trigger(
    name = "BlobTrigger",
    path = "samples-workitems/{name}",
    connection = "",
    disabled = false
)]
async fn blob_trigger_sample(#[trigger(name = "myBlob")] blob: Vec<u8>) {
    let _ = blob;
}

#[generic_trigger(
    name = "ExternalFileTrigger",
    type = "apiHubFileTrigger",
    path = "input-cs/{name}",
    connection = ""
)]
#[binding(
    type = "apiHubFile",
    direction = "out",
    path = "output-cs/{name}",
    connection = ""
)]
async fn external_file_trigger(#[trigger(name = "inputFile")] file: String) -> String {
    file
}

#[http_trigger(name = "ExternalTable", auth_level = "function")]
async fn external_table(
    #[binding(
        name = "inputTable",
        type = "apiHubTable",
        direction = "in",
        connection = "",
        data_set_name = "default",
        table_name = "Contact"
    )]
    table: Value,
) -> String {
    table.to_string()
}

#[blob_trigger(
    name = "FaceLocator",
    path = "images/{name}.jpg",
    connection = "",
    disabled = false
)]
async fn face_locator(
    #[table_output(name = "outTable", table_name = "faceRectangle", connection = "")]
    rectangle: &mut Out<azfn::Json<Value>>,
    #[trigger(name = "image")] image: Vec<u8>,
) {
    rectangle.set(azfn::Json(serde_json::json!({"bytes": image.len()})));
}

#[http_trigger(name = "HttpGETCRUD", methods = ["get"], disabled = false)]
async fn http_get_crud(
    #[table_input(name = "inTable", table_name = "person", connection = "")] people: Value,
) -> String {
    people.to_string()
}

#[http_trigger(name = "HttpPOSTCRUD", methods = ["post"], disabled = false)]
async fn http_post_crud(
    #[table_output(name = "outTable", table_name = "person", connection = "")] row: &mut Out<
        String,
    >,
    body: String,
) -> &'static str {
    row.set(body);
    "created"
}

#[http_trigger(name = "HttpPUTCRUD", methods = ["put"], request_name = "person", disabled = false)]
async fn http_put_crud(
    #[table_output(name = "outTable", table_name = "person", connection = "")] row: &mut Out<
        String,
    >,
    body: String,
) -> &'static str {
    row.set(body);
    "updated"
}

#[http_trigger(name = "HttpTrigger", auth_level = "function", disabled = false)]
#[http_output]
async fn http_trigger_sample() -> &'static str {
    "hello"
}

#[blob_trigger(
    name = "ImageResizer",
    path = "sample-images/{name}",
    connection = "",
    disabled = false
)]
async fn image_resizer(
    #[trigger(name = "image")] image: azfn::http::Bytes,
    #[blob_output(name = "imageSmall", path = "sample-images-sm/{name}", connection = "")]
    small: &mut Out<azfn::http::Bytes>,
    #[blob_output(
        name = "imageMedium",
        path = "sample-images-md/{name}",
        connection = ""
    )]
    medium: &mut Out<azfn::http::Bytes>,
) {
    small.set(image.clone());
    medium.set(image);
}

// Kusto has no dedicated attribute: the generic one writes it. `{productId}` is read by the
// binding expression in `kqlParameters`, so the function need not extract it.
#[http_trigger(
    name = "Kusto",
    auth_level = "function",
    methods = ["get"],
    route = "getsgetaddproductsetproducts/{productId}",
    disabled = false
)]
#[http_output]
async fn kusto(
    #[binding(
        name = "productget",
        type = "kusto",
        direction = "in",
        connection = "KustoConnectionString",
        database = "sdktestsdb",
        kql_command = "declare query_parameters (productId:long);Products | where ProductID == productId",
        kql_parameters = "@productId={productId}"
    )]
    product: Value,
    #[binding(
        name = "productset",
        type = "kusto",
        direction = "out",
        connection = "KustoConnectionString",
        data_format = "json",
        database = "sdktestsdb",
        mapping_ref = "ref",
        table_name = "Products"
    )]
    stored: &mut Out<azfn::Json<Value>>,
) -> String {
    stored.set(azfn::Json(product.clone()));
    product.to_string()
}

#[generic_trigger(name = "ManualTrigger", type = "manualTrigger", disabled = false)]
async fn manual_trigger(input: String) {
    let _ = input;
}

#[queue_trigger(
    name = "QueueTrigger",
    queue_name = "myqueue-items",
    connection = "",
    disabled = false
)]
async fn queue_trigger_sample(#[trigger(name = "myQueueItem")] item: String) {
    let _ = item;
}

#[http_trigger(
    name = "SasToken",
    auth_level = "function",
    methods = ["post"],
    request_name = "input",
    disabled = false
)]
#[http_output]
async fn sas_token(
    #[blob_input(name = "blobDirectory", path = "{ContainerName}", connection = "")]
    directory: Option<String>,
) -> String {
    directory.unwrap_or_default()
}

#[timer_trigger(name = "ScheduledMail", schedule = "0 0 23 * * *")]
#[sendgrid_output(
    api_key = "SendGridApiKey",
    from = "Azure Functions <samples@functions.com>",
    to = "user@host.com"
)]
async fn scheduled_mail(#[trigger(name = "myTimer")] timer: Value) -> azfn::Json<Value> {
    azfn::Json(serde_json::json!({"subject": "daily", "timer": timer}))
}

#[queue_trigger(name = "SendGrid", queue_name = "samples-orders-csharp")]
#[sendgrid_output(
    api_key = "SendGridApiKey",
    from = "Azure Functions <samples@functions.com>",
    to = "{CustomerEmail}"
)]
async fn send_grid(order: azfn::Json<Value>) -> azfn::Json<Value> {
    order
}

#[service_bus_trigger(
    name = "ServiceBusQueueTrigger",
    connection = "",
    queue_name = "myqueue",
    disabled = false
)]
async fn service_bus_queue_trigger(#[trigger(name = "myQueueItem")] item: String) {
    let _ = item;
}

#[service_bus_trigger(
    name = "ServiceBusTopicTrigger",
    connection = "",
    topic_name = "mytopic",
    subscription_name = "mysubscription",
    disabled = false
)]
async fn service_bus_topic_trigger(#[trigger(name = "mySbMsg")] message: String) {
    let _ = message;
}

#[timer_trigger(
    name = "TimerTrigger",
    schedule = "0 */5 * * * *",
    run_on_startup = false,
    use_monitor = true,
    disabled = false
)]
async fn timer_trigger_sample(#[trigger(name = "myTimer")] timer: Value) {
    let _ = timer;
}

// ---------------------------------------------------------------------------------------------
// The corpus, file by file

/// Corpus files with an equivalent function above: `(file, Azure function name)`.
const COVERED: &[(&str, &str)] = &[
    ("custom-handler-samples/R__hello__function.json", "R__hello"),
    (
        "custom-handler-samples/Rust__SimpleHttpTrigger__function.json",
        "Rust__SimpleHttpTrigger",
    ),
    (
        "custom-handler-samples/go__BlobTrigger__function.json",
        "go__BlobTrigger",
    ),
    (
        "custom-handler-samples/go__HttpTriggerWithOutputs__function.json",
        "go__HttpTriggerWithOutputs",
    ),
    // The same bindings under another folder name.
    (
        "custom-handler-samples/go__HttpTriggerStringReturnValue__function.json",
        "go__HttpTriggerWithOutputs",
    ),
    (
        "custom-handler-samples/go__QueueTriggerWithOutputs__function.json",
        "go__QueueTriggerWithOutputs",
    ),
    (
        "custom-handler-samples/go__QueueTrigger__function.json",
        "go__QueueTrigger",
    ),
    (
        "custom-handler-samples/go__SimpleHttpTriggerWithReturn__function.json",
        "go__SimpleHttpTriggerWithReturn",
    ),
    (
        "custom-handler-samples/go__SimpleHttpTrigger__function.json",
        "go__SimpleHttpTrigger",
    ),
    (
        "schemastore-tests/function__BlobTrigger.json",
        "BlobTrigger",
    ),
    (
        "schemastore-tests/function__ExternalFileTrigger.json",
        "ExternalFileTrigger",
    ),
    (
        "schemastore-tests/function__ExternalTable.json",
        "ExternalTable",
    ),
    (
        "schemastore-tests/function__FaceLocator.json",
        "FaceLocator",
    ),
    (
        "schemastore-tests/function__HttpGETCRUD.json",
        "HttpGETCRUD",
    ),
    (
        "schemastore-tests/function__HttpPOSTCRUD.json",
        "HttpPOSTCRUD",
    ),
    (
        "schemastore-tests/function__HttpPUTCRUD.json",
        "HttpPUTCRUD",
    ),
    (
        "schemastore-tests/function__HttpTrigger.json",
        "HttpTrigger",
    ),
    (
        "schemastore-tests/function__ImageResizer.json",
        "ImageResizer",
    ),
    ("schemastore-tests/function__Kusto.json", "Kusto"),
    (
        "schemastore-tests/function__ManualTrigger.json",
        "ManualTrigger",
    ),
    (
        "schemastore-tests/function__QueueTrigger.json",
        "QueueTrigger",
    ),
    ("schemastore-tests/function__SasToken.json", "SasToken"),
    (
        "schemastore-tests/function__ScheduledMail.json",
        "ScheduledMail",
    ),
    ("schemastore-tests/function__SendGrid.json", "SendGrid"),
    (
        "schemastore-tests/function__ServiceBusQueueTrigger.json",
        "ServiceBusQueueTrigger",
    ),
    (
        "schemastore-tests/function__ServiceBusTopicTrigger.json",
        "ServiceBusTopicTrigger",
    ),
    (
        "schemastore-tests/function__TimerTrigger.json",
        "TimerTrigger",
    ),
];

/// A corpus file azfn does not reproduce, why, and a check that the reason holds for the file.
struct Skipped {
    file: &'static str,
    reason: &'static str,
    holds: fn(&Value) -> bool,
}

fn bindings(function: &Value) -> &[Value] {
    function["bindings"].as_array().map_or(&[], Vec::as_slice)
}

fn has_binding(function: &Value, test: impl Fn(&Value) -> bool) -> bool {
    bindings(function).iter().any(test)
}

fn web_hook(function: &Value) -> bool {
    has_binding(function, |b| b.get("webHookType").is_some())
}

fn duplicate_binding_names(function: &Value) -> bool {
    let mut names: Vec<String> = bindings(function)
        .iter()
        .filter_map(|b| b["name"].as_str())
        .map(str::to_lowercase)
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    names.len() != count
}

const SKIPPED: &[Skipped] = &[
    Skipped {
        file: "schemastore-tests/function__EventHubTrigger.json",
        reason: "`path` is the Functions 1.x name of `eventHubName`; `#[event_hub_trigger]` \
                 writes the v4 name, so the files differ by design",
        holds: |f| {
            has_binding(f, |b| {
                b["type"] == "eventHubTrigger" && b.get("path").is_some()
            })
        },
    },
    Skipped {
        file: "schemastore-tests/function__GenericWebHook.json",
        reason: "`webHookType` exists only in Functions 1.x",
        holds: web_hook,
    },
    Skipped {
        file: "schemastore-tests/function__GitHubCommenter.json",
        reason: "`webHookType` exists only in Functions 1.x (and the function has no response)",
        holds: web_hook,
    },
    Skipped {
        file: "schemastore-tests/function__GitHubWebHook.json",
        reason: "`webHookType` exists only in Functions 1.x",
        holds: web_hook,
    },
    Skipped {
        file: "schemastore-tests/function__MySql.json",
        reason: "a schema test, not a function: two bindings are named `products` (the host \
                 refuses duplicate names, azfn too) and its trigger comes last",
        holds: duplicate_binding_names,
    },
    Skipped {
        file: "schemastore-tests/function__Sql.json",
        reason: "the same shape as function__MySql.json",
        holds: duplicate_binding_names,
    },
    Skipped {
        file: "schemastore-tests/function__function.json",
        reason: "`retry` on an HTTP trigger: the host applies function-level retry only to \
                 timer, Event Hubs, Cosmos DB and Kafka triggers, and azfn refuses it at compile \
                 time (`ui/fail/retry_not_applied_to_trigger.rs`)",
        holds: |f| f.get("retry").is_some() && has_binding(f, |b| b["type"] == "httpTrigger"),
    },
];

/// Differences that the host does not see, removed from both sides before comparing. Each is
/// a default the host applies, or a setting a custom handler never reads:
fn normalise(mut function: Value) -> Value {
    if let Some(object) = function.as_object_mut() {
        // The script file and entry point of language workers: a custom handler is the
        // executable named in host.json, and the host does not read them for it.
        object.remove("scriptFile");
        object.remove("entryPoint");
        // `excluded: false` is the default.
        if object.get("excluded") == Some(&Value::Bool(false)) {
            object.remove("excluded");
        }
    }
    if let Some(bindings) = function["bindings"].as_array_mut() {
        for binding in bindings.iter_mut().filter_map(Value::as_object_mut) {
            let kind = binding["type"].as_str().unwrap_or_default().to_owned();
            // The host's default auth level; azfn writes it out.
            if kind == "httpTrigger" && !binding.contains_key("authLevel") {
                binding.insert("authLevel".into(), "function".into());
            }
            // The host matches methods ignoring case.
            if let Some(Value::Array(methods)) = binding.get_mut("methods") {
                for method in methods.iter_mut() {
                    if let Some(m) = method.as_str() {
                        *method = Value::from(m.to_lowercase());
                    }
                }
            }
            // The Storage extensions' default connection; azfn writes it out.
            let storage = ["queueTrigger", "queue", "blobTrigger", "blob", "table"];
            if storage.contains(&kind.as_str()) && !binding.contains_key("connection") {
                binding.insert("connection".into(), "AzureWebJobsStorage".into());
            }
        }
    }
    function
}

/// The function records compiled into this test binary.
fn records() -> &'static [FunctionRecord] {
    static RECORDS: OnceLock<Vec<FunctionRecord>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test executable");
        let bytes = std::fs::read(&exe).expect("read the test executable");
        azfn::metadata::scan_records(&bytes).expect("records decode")
    })
}

/// The `function.json` of the one function named `name`.
fn emitted(name: &str) -> Value {
    let matching: Vec<&FunctionRecord> = records().iter().filter(|r| r.name == name).collect();
    assert_eq!(matching.len(), 1, "functions named `{name}` in this binary");
    serde_json::to_value(&matching[0].function).unwrap()
}

fn corpus_dir() -> std::path::PathBuf {
    fixtures_dir().join("corpus")
}

#[test]
fn covered_corpus_files_are_emitted_equal() {
    let mut failures = Vec::new();
    for (file, name) in COVERED {
        let expected = normalise(read_json(&corpus_dir().join(file)));
        let actual = normalise(emitted(name));
        if expected != actual {
            failures.push(format!("{file}\n  corpus: {expected}\n  azfn:   {actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_function_file_is_covered_or_skipped_for_a_reason_that_holds() {
    let mut files = Vec::new();
    for (dir, is_function) in [
        (
            "custom-handler-samples",
            (|n: &str| n.ends_with("__function.json")) as fn(&str) -> bool,
        ),
        ("schemastore-tests", |n: &str| n.starts_with("function__")),
    ] {
        for entry in std::fs::read_dir(corpus_dir().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if is_function(&name) {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), COVERED.len() + SKIPPED.len(), "{files:#?}");
    for file in &files {
        let covered = COVERED.iter().any(|(f, _)| f == file);
        let skipped = SKIPPED.iter().find(|s| s.file == file);
        assert!(
            covered != skipped.is_some(),
            "{file} must be either covered or skipped"
        );
        if let Some(skipped) = skipped {
            let function = read_json(&corpus_dir().join(file));
            assert!(
                (skipped.holds)(&function),
                "{file} is skipped because {}, which no longer holds",
                skipped.reason
            );
        }
    }
}

/// A one-binding `function.json` with a queue output and the given extra settings.
fn queue_output_json(extra: Value) -> Value {
    let mut binding = serde_json::json!({"type": "queue", "direction": "out", "name": "x"});
    for (key, value) in extra.as_object().unwrap() {
        binding[key] = value.clone();
    }
    serde_json::json!({ "bindings": [binding] })
}

#[test]
fn the_normalisations_are_only_host_defaults() {
    // Guards the comparison: a real difference survives normalisation.
    let a = queue_output_json(serde_json::json!({"queueName": "a"}));
    let b = queue_output_json(serde_json::json!({"queueName": "b"}));
    assert_ne!(normalise(a.clone()), normalise(b));
    let explicit = queue_output_json(
        serde_json::json!({"queueName": "a", "connection": "AzureWebJobsStorage"}),
    );
    assert_eq!(normalise(a.clone()), normalise(explicit));
    let other = queue_output_json(serde_json::json!({"queueName": "a", "connection": "Other"}));
    assert_ne!(normalise(other), normalise(a));
}

#[test]
fn every_function_in_this_binary_validates_against_the_schema() {
    let schema = function_schema();
    let records = records();
    assert!(records.len() > 60, "only {} records found", records.len());
    let mut failures = Vec::new();
    for record in records {
        let json = serde_json::to_value(&record.function).unwrap();
        let errors = schema_errors(&schema, &json);
        if !errors.is_empty() {
            failures.push(format!(
                "{} ({}): {errors:#?}\n{json}",
                record.name, record.rust_fn
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalog_binding_is_among_the_schema_checked_functions() {
    let seen: Vec<(String, String)> = records()
        .iter()
        .flat_map(|r| r.function.bindings.iter())
        .map(|b| {
            let direction = serde_json::to_value(b.direction).unwrap();
            (b.kind.clone(), direction.as_str().unwrap().to_owned())
        })
        .collect();
    for kind in catalog::TRIGGERS.iter().chain(catalog::BINDINGS) {
        if kind.json_type.is_empty() {
            continue;
        }
        let direction = kind.direction.as_json().to_owned();
        assert!(
            seen.contains(&(kind.json_type.to_owned(), direction)),
            "no function of this binary uses `#[{}]`",
            kind.attr
        );
    }
}

#[test]
fn the_example_app_emits_schema_valid_files_and_its_readme_lists_them() {
    let app = common::triggers_app();
    let schema = function_schema();
    let readme =
        std::fs::read_to_string(common::workspace_root().join("examples/triggers/README.md"))
            .unwrap();
    let mut triggers = Vec::new();
    for name in &app.functions {
        let file = app.out_dir.join(name).join("function.json");
        let json = read_json(&file);
        let errors = schema_errors(&schema, &json);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        assert!(
            readme.contains(&format!("`{name}`")),
            "examples/triggers/README.md does not list `{name}`"
        );
        triggers.push(bindings(&json)[0]["type"].as_str().unwrap().to_owned());
    }
    // One function per trigger kind.
    for kind in catalog::TRIGGERS {
        if !kind.json_type.is_empty() {
            assert!(
                triggers.iter().any(|t| t == kind.json_type),
                "examples/triggers has no `#[{}]` function",
                kind.attr
            );
        }
    }
    assert!(Path::new(&app.executable).is_file());
}

#[test]
fn the_schema_decides_how_some_values_are_written() {
    // Guards the validation above against a validator that accepts everything, and records why
    // the catalog writes Table `take` as a string and SQL `commandType` in camelCase.
    let schema = function_schema();
    let table = |take: Value| {
        serde_json::json!({"bindings": [
            {"type": "table", "direction": "in", "name": "t", "tableName": "x", "take": take}
        ]})
    };
    assert!(schema.is_valid(&table(Value::from("50"))));
    assert!(!schema.is_valid(&table(Value::from(50))));
    let sql = |command_type: &str| {
        serde_json::json!({"bindings": [{"type": "sql", "direction": "in", "name": "s",
            "commandText": "p", "commandType": command_type, "connectionStringSetting": "S"}]})
    };
    assert!(schema.is_valid(&sql("storedProcedure")));
    assert!(!schema.is_valid(&sql("StoredProcedure")));
}
