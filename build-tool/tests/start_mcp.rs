//! `cargo azfn start` serves the MCP extension's `/runtime/webhooks/mcp` for `examples/mcp`,
//! driven by the official MCP Python SDK (`mcp` on PyPI, installed by `.ci/install-mcp-client`):
//! the client lists exactly the example's tools with the input schemas derived from their Rust
//! argument types, calls each, and gets the functions' results; a function's `Err` reaches it
//! as a tool error (`isError`), a call missing a required argument as a JSON-RPC error.

mod mcp_support;
mod start_support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use mcp_support::client;
use serde_json::{Value, json};
use start_support::{azurite, eventually, http, queue_contents, start};

/// The MCP example, built and emitted once.
fn mcp_app() -> PathBuf {
    // Both tests share one build: two concurrent emits into one folder would race.
    static APP: OnceLock<PathBuf> = OnceLock::new();
    APP.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let out = root.join("target/azfn-tests/start-mcp");
        cargo_azfn::build(&cargo_azfn::BuildOptions {
            manifest_path: Some(root.join("examples/mcp/Cargo.toml")),
            out_dir: Some(out.clone()),
            ..Default::default()
        })
        .expect("examples/mcp builds and emits");
        out
    })
    .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_client_lists_and_calls_the_example_tools_through_start() {
    let azurite = azurite().await;
    let host = start(&mcp_app(), &azurite).await;
    let storage = host.storage(None).unwrap();
    storage.create_container("snippets").await.unwrap();
    storage
        .upload_blob("snippets", "greeting.json", "hello from a blob")
        .await
        .unwrap();
    let url = format!("{}/runtime/webhooks/mcp", host.url());

    let out = client(
        &url,
        json!([
            {"call": "hello_mcp"},
            {"call": "get_snippet", "arguments": {"snippetname": "greeting"}},
            {"call": "get_snippet", "arguments": {"snippetname": "missing"}},
            {"call": "save_snippet", "arguments": {"snippetname": "fresh", "snippet": "new text"}},
            {"call": "share_snippet", "arguments": {"snippetname": "greeting"}},
            {"call": "share_snippet", "arguments": {"snippetname": "greeting", "recipients": ["ana", "bo"]}},
            {"call": "no_such_tool"},
            {"read": "snippets://readme"},
            {"prompt": "review_snippet", "arguments": {"snippetname": "greeting", "focus": "typos"}},
            {"prompt": "review_snippet", "arguments": {}},
        ]),
    )
    .await;

    assert_eq!(
        out["server"]["serverInfo"]["name"],
        "Azure Functions MCP server"
    );
    let mut names: Vec<&str> = out["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["get_snippet", "hello_mcp", "save_snippet", "share_snippet"]
    );
    let share = out["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "share_snippet")
        .unwrap();
    // From `struct Share { snippetname: String, recipients: Vec<String> }` and its doc comments.
    assert_eq!(
        share["inputSchema"],
        json!({"type": "object", "required": ["snippetname", "recipients"], "properties": {
            "snippetname": {"type": "string", "description": "The name of the snippet to share."},
            "recipients": {"type": "array", "items": {"type": "string"}, "description": "Who to share it with."}
        }})
    );
    assert_eq!(
        share["description"],
        "Share a snippet: queues one message per recipient and reports how many."
    );

    let steps = out["steps"].as_array().unwrap();
    let text = |i: usize| steps[i]["result"]["content"][0]["text"].clone();
    assert_eq!(text(0), "Hello I am MCPTool!");
    assert_eq!(text(1), "hello from a blob", "{}", steps[1]);
    // The function's `Err`: a tool error the client reads, not a transport failure.
    assert_eq!(steps[2]["result"]["isError"], true, "{}", steps[2]);
    assert_eq!(text(2), "An error occurred invoking 'get_snippet'.");
    assert_eq!(text(3), "Snippet 'new text' saved successfully");
    // A missing required argument: refused before the function runs, as a JSON-RPC error.
    assert_eq!(steps[4]["error"]["code"], -32602, "{}", steps[4]);
    assert!(
        steps[4]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("recipients"),
        "{}",
        steps[4]
    );
    assert_eq!(
        steps[5]["result"]["structuredContent"],
        json!({"snippetname": "greeting", "queued": 2}),
        "{}",
        steps[5]
    );
    assert_eq!(steps[6]["error"]["code"], -32602);
    assert_eq!(steps[6]["error"]["message"], "Unknown tool: 'no_such_tool'");
    assert_eq!(
        steps[7]["result"]["contents"][0]["mimeType"], "text/markdown",
        "{}",
        steps[7]
    );
    assert_eq!(
        steps[8]["result"]["messages"][0]["content"]["text"],
        "Review the snippet 'greeting', looking for typos."
    );
    assert_eq!(steps[9]["error"]["code"], -32602, "{}", steps[9]);

    // The tools' other bindings, played by the local host: the blob output and the queue output.
    let saved = storage
        .download_blob("snippets", "fresh.json")
        .await
        .unwrap();
    assert_eq!(saved.as_deref(), Some(&b"new text"[..]));
    let shared = eventually(Duration::from_secs(10), || {
        let storage = storage.clone();
        async move {
            let m = queue_contents(&storage, "shared-snippets").await;
            (m.len() >= 2).then_some(m)
        }
    })
    .await;
    assert_eq!(
        shared,
        [b"greeting -> ana".to_vec(), b"greeting -> bo".to_vec()]
    );
    host.shutdown().await;
}

/// What the extension's transport refuses, checked without an SDK (which never sends these).
#[tokio::test(flavor = "multi_thread")]
async fn the_webhook_refuses_what_the_extension_refuses() {
    let azurite = azurite().await;
    let host = start(&mcp_app(), &azurite).await;
    let url = format!("{}/runtime/webhooks/mcp", host.url());
    let both = "application/json, text/event-stream";
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let json = ("content-type", "application/json");
    let (status, _, _) = http("GET", &url, "", &[("accept", both)]).await;
    assert_eq!(status, 405);
    let (status, _, _) = http("POST", &url, ping, &[("accept", "application/json"), json]).await;
    assert_eq!(status, 406);
    let (status, _, _) = http("POST", &url, "[1, 2", &[("accept", both), json]).await;
    assert_eq!(status, 400);
    let foreign = [("accept", both), json, ("mcp-session-id", "not-ours")];
    let (status, _, body) = http("POST", &url, ping, &foreign).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("Invalid client state."));
    // A web page's request (it carries an Origin) cannot reach the functions through it.
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello_mcp"}}"#;
    let from_page = [("accept", both), json, ("origin", "http://evil.example")];
    let (status, _, _) = http("POST", &url, call, &from_page).await;
    assert_eq!(status, 403);
    let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let (status, _, body) = http("POST", &url, initialized, &[("accept", both), json]).await;
    assert_eq!((status, body.len()), (202, 0));
    // A ping, answered as the one event of a server-sent event stream.
    let (status, headers, body) = http("POST", &url, ping, &[("accept", both), json]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    let event = String::from_utf8_lossy(&body);
    let data = event
        .strip_prefix("event: message\ndata: ")
        .and_then(|rest| rest.strip_suffix("\n\n"))
        .unwrap_or_else(|| panic!("one message event, got {event:?}"));
    let answer: Value = serde_json::from_str(data).unwrap();
    assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    host.shutdown().await;
}
