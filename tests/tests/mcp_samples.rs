//! `examples/mcp` emitted by `cargo azfn`: every `function.json` validates against the public
//! schema, and the tools that are Microsoft's Python MCP sample in Rust declare what the sample
//! declares, key for key (`fixtures/mcp-samples/`, from `Azure-Samples/remote-mcp-functions-python`).

mod common;

use std::sync::OnceLock;

use cargo_azfn::{BuildOptions, EmitReport};
use serde_json::Value;

fn mcp_app() -> &'static EmitReport {
    static APP: OnceLock<EmitReport> = OnceLock::new();
    APP.get_or_init(|| {
        let reports = cargo_azfn::build(&BuildOptions {
            manifest_path: Some(common::workspace_root().join("examples/mcp/Cargo.toml")),
            out_dir: Some(common::workspace_root().join("target/azfn-tests/mcp")),
            ..BuildOptions::default()
        })
        .expect("cargo azfn build of examples/mcp");
        assert_eq!(reports.len(), 1, "one app");
        reports.into_iter().next().unwrap()
    })
}

fn emitted(name: &str) -> Value {
    common::read_json(&mcp_app().out_dir.join(name).join("function.json"))
}

/// A binding with its JSON-text settings parsed, so that the sample's `json.dumps` spacing does
/// not count: the extension parses them.
fn parsed(binding: &Value) -> Value {
    let mut binding = binding.clone();
    for key in ["toolProperties", "promptArguments"] {
        if let Some(Value::String(text)) = binding.get(key) {
            binding[key] = serde_json::from_str(text).expect("JSON text");
        }
    }
    binding
}

#[test]
fn every_function_validates_against_the_schema() {
    let schema = common::function_schema();
    let app = mcp_app();
    let mut kinds = Vec::new();
    for name in &app.functions {
        let json = emitted(name);
        let errors = common::schema_errors(&schema, &json);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        kinds.push(json["bindings"][0]["type"].as_str().unwrap().to_owned());
    }
    for kind in ["mcpToolTrigger", "mcpResourceTrigger", "mcpPromptTrigger"] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
}

#[test]
fn the_sample_tools_match_the_sample_key_for_key() {
    for tool in ["hello_mcp", "get_snippet", "save_snippet"] {
        let sample = common::read_json(
            &common::fixtures_dir()
                .join("mcp-samples")
                .join(format!("{tool}.function.json")),
        );
        let ours = emitted(tool);
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&ours), keys(&sample), "{tool}: top-level keys");
        let ours_bindings = ours["bindings"].as_array().unwrap();
        let sample_bindings = sample["bindings"].as_array().unwrap();
        assert_eq!(
            ours_bindings.len(),
            sample_bindings.len(),
            "{tool}: bindings"
        );
        for expected in sample_bindings {
            let found = ours_bindings
                .iter()
                .find(|b| b["name"] == expected["name"])
                .unwrap_or_else(|| panic!("{tool}: no binding `{}`", expected["name"]));
            assert_eq!(
                parsed(found),
                parsed(expected),
                "{tool}: binding `{}`",
                expected["name"]
            );
        }
    }
}

#[test]
fn the_input_schema_the_local_host_lists_comes_from_the_rust_types() {
    let share = emitted("share_snippet");
    let text = share["bindings"][0]["toolProperties"].as_str().unwrap();
    let properties = azfn_spec::mcp::parse_tool_properties(text).unwrap();
    assert_eq!(
        azfn_spec::mcp::input_schema_from_tool_properties(&properties),
        serde_json::json!({
            "type": "object",
            "properties": {
                "snippetname": {"type": "string", "description": "The name of the snippet to share."},
                "recipients": {"type": "array", "items": {"type": "string"}, "description": "Who to share it with."},
            },
            "required": ["snippetname", "recipients"],
        })
    );
    assert_eq!(share["bindings"][0]["useResultSchema"], true);
}
