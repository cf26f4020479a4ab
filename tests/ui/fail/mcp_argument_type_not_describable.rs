use std::collections::HashMap;

/// Arguments of `tag`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Tags {
    /// Tags by name: a map has no MCP property type.
    tags: HashMap<String, String>,
}

/// Tags something.
#[azfn::mcp_tool_trigger(tool_name = "tag")]
async fn tag(args: azfn::mcp::ToolArgs<Tags>) -> String {
    args.tags.len().to_string()
}

fn main() {}
