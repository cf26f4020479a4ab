/// Gets a snippet.
#[azfn::mcp_tool_trigger(tool_name = "get_snippet")]
async fn get_snippet() -> String {
    String::new()
}

/// Gets a snippet too: the extension compares tool names ignoring case.
#[azfn::mcp_tool_trigger(tool_name = "Get_Snippet")]
async fn get_snippet_again() -> String {
    String::new()
}

fn main() {}
