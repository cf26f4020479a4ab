#[azfn::mcp_tool_trigger(tool_name = "undocumented")]
async fn undocumented() -> String {
    String::new()
}

fn main() {}
