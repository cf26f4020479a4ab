/// Pings.
#[azfn::mcp_tool_trigger(tool_name = "ping", metadata = "[1, 2]")]
async fn ping() -> &'static str {
    "pong"
}

fn main() {}
