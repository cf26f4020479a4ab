#[derive(serde::Deserialize)]
struct Plain {
    name: String,
}

/// Greets.
#[azfn::mcp_tool_trigger(tool_name = "greet")]
async fn greet(args: azfn::mcp::ToolArgs<Plain>) -> String {
    args.0.name
}

fn main() {}
