//! A self-hosted MCP server (the host's `mcp-custom-handler` profile) through `cargo azfn
//! start`: the `mcp` template of `cargo azfn new`, scaffolded and built as a user would, is
//! driven by the official MCP Python SDK (`mcp` on PyPI, installed by `.ci/install-mcp-client`)
//! on `/mcp`, which the local host proxies to the handler as the host does under the profile.

mod mcp_support;
mod start_support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mcp_support::client;
use serde_json::{Value, json};
use start_support::{azurite, http, start};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The `mcp` template, scaffolded in a temporary folder (outside the workspace, as a user's
/// project is) and built once.
fn template_app() -> PathBuf {
    static APP: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    APP.get_or_init(|| {
        let root = workspace_root();
        let base = tempfile::tempdir().unwrap();
        let project = base.path().join("calculator");
        cargo_azfn::scaffold::new_project(&cargo_azfn::scaffold::NewOptions {
            path: project.clone(),
            name: None,
            template: cargo_azfn::scaffold::Template::Mcp,
        })
        .expect("the mcp template scaffolds");
        // The workspace's versions, already compiled (as tests/new.rs does).
        std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
        let out = base.path().join("app");
        cargo_azfn::build(&cargo_azfn::BuildOptions {
            manifest_path: Some(project.join("Cargo.toml")),
            target_dir: Some(root.join("target/azfn-new-projects")),
            out_dir: Some(out.clone()),
            ..Default::default()
        })
        .expect("the mcp template builds and emits");
        (base, out)
    })
    .1
    .clone()
}

#[test]
fn the_emitted_host_json_carries_the_profile_and_no_function_folder() {
    let app = template_app();
    let host: Value =
        serde_json::from_slice(&std::fs::read(app.join("host.json")).unwrap()).unwrap();
    assert_eq!(host["configurationProfile"], "mcp-custom-handler", "{host}");
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        if cfg!(windows) {
            "calculator.exe"
        } else {
            "calculator"
        }
    );
    // What the profile sets itself is not written out.
    assert!(
        host["customHandler"]
            .get("enableProxyingHttpRequest")
            .is_none()
    );
    assert!(host.get("extensions").is_none(), "{host}");
    let function_folders: Vec<_> = std::fs::read_dir(&app)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("function.json").exists())
        .collect();
    assert!(function_folders.is_empty(), "{function_folders:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_client_lists_and_calls_the_templates_tools_through_start() {
    let app = template_app();
    let azurite = azurite().await;
    let host = start(&app, &azurite).await;
    let url = format!("{}/mcp", host.url());

    let out = client(
        &url,
        json!([
            {"call": "add", "arguments": {"a": 2, "b": 40}},
            {"call": "divide", "arguments": {"dividend": 1, "divisor": 4}},
            {"call": "divide", "arguments": {"dividend": 1, "divisor": 0}},
            {"call": "add", "arguments": {"a": 1}},
            {"call": "multiply", "arguments": {"a": 1, "b": 2}},
        ]),
    )
    .await;

    assert_eq!(
        out["server"]["instructions"], "A calculator: add integers, divide numbers.",
        "{}",
        out["server"]
    );
    let tools = out["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["add", "divide"]);
    let add = tools.iter().find(|t| t["name"] == "add").unwrap();
    assert_eq!(add["description"], "Adds two integers");
    // From `struct AddRequest { a: i64, b: i64 }` and its doc comments, by schemars.
    let schema = &add["inputSchema"];
    assert_eq!(schema["type"], "object", "{schema}");
    assert_eq!(schema["required"], json!(["a", "b"]), "{schema}");
    assert_eq!(schema["properties"]["a"]["type"], "integer", "{schema}");
    assert_eq!(
        schema["properties"]["b"]["description"], "The second addend.",
        "{schema}"
    );
    let divide = tools.iter().find(|t| t["name"] == "divide").unwrap();
    assert_eq!(
        divide["inputSchema"]["properties"]["divisor"]["type"], "number",
        "{divide}"
    );

    let steps = out["steps"].as_array().unwrap();
    let text = |i: usize| steps[i]["result"]["content"][0]["text"].clone();
    assert_eq!(text(0), "42", "{}", steps[0]);
    assert_eq!(text(1), "0.25", "{}", steps[1]);
    // The tool's `Err`: a tool error the client reads, not a transport failure.
    assert_eq!(steps[2]["result"]["isError"], true, "{}", steps[2]);
    assert_eq!(text(2), "cannot divide by zero");
    // Arguments that do not fit the schema: rmcp answers a tool error naming what is wrong.
    assert_eq!(steps[3]["result"]["isError"], true, "{}", steps[3]);
    assert!(
        text(3).as_str().unwrap().contains("missing field `b`"),
        "{}",
        steps[3]
    );
    // A tool that does not exist: a JSON-RPC error (invalid params).
    assert_eq!(steps[4]["error"]["code"], -32602, "{}", steps[4]);

    // The host's own function for the profile's route, and nothing but `/mcp` in the server.
    let (status, _, _) = http("GET", &format!("{}/elsewhere", host.url()), "", &[]).await;
    assert_eq!(status, 404);
    host.shutdown().await;
}
