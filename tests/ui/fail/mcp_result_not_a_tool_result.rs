/// Counts.
#[azfn::mcp_tool_trigger(tool_name = "count")]
async fn count() -> u32 {
    3
}

fn main() {}
