//! An MCP server on the Functions MCP extension: the extension serves
//! `/runtime/webhooks/mcp` and calls these functions for `tools/call`, `resources/read` and
//! `prompts/get`. The snippet tools are Microsoft's Python sample
//! (`Azure-Samples/remote-mcp-functions-python`) in Rust; their `function.json` files match the
//! sample's key for key (`tests/tests/mcp_samples.rs`, `fixtures/mcp-samples/`).

use azfn::mcp::{NoArguments, PromptArgs, Structured, ToolArgs, ToolInvocation};
use azfn::{BoxError, Out, blob_input, blob_output, queue_output};
use serde::{Deserialize, Serialize};

/// The sample's `get_snippet` arguments. The sample does not mark the property required, so it
/// is an `Option` here.
#[derive(Deserialize, azfn::ToolArguments)]
struct SnippetName {
    /// The name of the snippet.
    snippetname: Option<String>,
}

/// The sample's `save_snippet` arguments.
#[derive(Deserialize, azfn::ToolArguments)]
struct NewSnippet {
    /// The name of the snippet.
    snippetname: Option<String>,
    /// The content of the snippet.
    snippet: Option<String>,
}

/// Hello world.
#[azfn::mcp_tool_trigger]
async fn hello_mcp(context: ToolInvocation<NoArguments>) -> &'static str {
    let _ = context;
    "Hello I am MCPTool!"
}

// The blob path reads the call's argument (`{mcptoolargs.snippetname}`); a snippet that does
// not exist is an `Err`, which the client receives as a tool error. (A plain comment: the doc
// comment is the tool's description, the sample's.)
/// Retrieve a snippet by name.
#[azfn::mcp_tool_trigger]
async fn get_snippet(
    context: ToolArgs<SnippetName>,
    #[blob_input(path = "snippets/{mcptoolargs.snippetname}.json")] file: Option<String>,
) -> Result<String, BoxError> {
    let name = context.snippetname.as_deref().unwrap_or_default();
    file.ok_or_else(|| format!("no snippet named '{name}'").into())
}

/// Save a snippet with a name.
#[azfn::mcp_tool_trigger]
async fn save_snippet(
    context: ToolArgs<NewSnippet>,
    #[blob_output(path = "snippets/{mcptoolargs.snippetname}.json")] file: &mut Out<String>,
) -> String {
    let NewSnippet {
        snippetname,
        snippet,
    } = context.into_inner();
    let (Some(_), Some(snippet)) = (snippetname, snippet) else {
        return "No snippet name or content provided".to_owned();
    };
    file.set(snippet.clone());
    format!("Snippet '{snippet}' saved successfully")
}

/// Arguments of `share_snippet`.
#[derive(Deserialize, azfn::ToolArguments)]
struct Share {
    /// The name of the snippet to share.
    snippetname: String,
    /// Who to share it with.
    recipients: Vec<String>,
}

/// What `share_snippet` answers: structured content the client can read as JSON.
#[derive(Serialize)]
struct Shared {
    snippetname: String,
    queued: usize,
}

/// Share a snippet: queues one message per recipient and reports how many.
#[azfn::mcp_tool_trigger]
async fn share_snippet(
    args: ToolArgs<Share>,
    #[queue_output(queue_name = "shared-snippets")] shares: &mut Out<Vec<String>>,
) -> Structured<Shared> {
    let messages: Vec<String> = args
        .recipients
        .iter()
        .map(|to| format!("{} -> {to}", args.snippetname))
        .collect();
    let queued = messages.len();
    shares.set(messages);
    Structured(Shared {
        snippetname: args.snippetname.clone(),
        queued,
    })
}

/// How snippets are named and stored.
#[azfn::mcp_resource_trigger(
    uri = "snippets://readme",
    resource_name = "snippets-readme",
    mime_type = "text/markdown"
)]
async fn snippets_readme() -> &'static str {
    "Snippets are JSON blobs in the `snippets` container, named `<snippetname>.json`."
}

/// Arguments of `review_snippet`.
#[derive(Deserialize, azfn::PromptArguments)]
struct Review {
    /// The name of the snippet to review.
    snippetname: String,
    /// What to look for, if anything in particular.
    focus: Option<String>,
}

/// Asks the model to review a snippet.
#[azfn::mcp_prompt_trigger(title = "Review a snippet")]
async fn review_snippet(args: PromptArgs<Review>) -> String {
    match &args.focus {
        Some(focus) => format!(
            "Review the snippet '{}', looking for {focus}.",
            args.snippetname
        ),
        None => format!("Review the snippet '{}'.", args.snippetname),
    }
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::{TestClient, TestError};
    use serde_json::json;

    #[tokio::test]
    async fn the_tools_answer_as_the_extension_would_report() {
        let client = TestClient::new();
        let hello = client.call_tool("hello_mcp", json!({})).await.unwrap();
        assert_eq!(hello["content"][0]["text"], "Hello I am MCPTool!");

        let result = client
            .mcp_tool("get_snippet", json!({"snippetname": "greeting"}))
            .input("file", json!("\"hi there\""))
            .send()
            .await
            .unwrap();
        assert_eq!(result.raw_return_value().unwrap(), "hi there");
        // No blob: the function fails, the client gets a tool error.
        let missing = client
            .call_tool("get_snippet", json!({"snippetname": "nope"}))
            .await
            .unwrap();
        assert_eq!(missing["isError"], true);

        let saved = client
            .mcp_tool("save_snippet", json!({"snippetname": "a", "snippet": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(saved.output("file").unwrap().text(), "x");

        let shared = client
            .call_tool(
                "share_snippet",
                json!({"snippetname": "a", "recipients": ["ann", "bo"]}),
            )
            .await
            .unwrap();
        assert_eq!(
            shared["structuredContent"],
            json!({"snippetname": "a", "queued": 2})
        );
        assert!(matches!(
            client
                .call_tool("share_snippet", json!({"snippetname": "a"}))
                .await,
            Err(TestError::InvalidParams(_))
        ));
    }

    #[tokio::test]
    async fn the_resource_and_the_prompt() {
        let client = TestClient::new();
        let readme = client
            .read_resource("snippets_readme", "snippets://readme")
            .await
            .unwrap();
        assert_eq!(readme["contents"][0]["mimeType"], "text/markdown");
        let prompt = client
            .get_prompt(
                "review_snippet",
                json!({"snippetname": "a", "focus": "bugs"}),
            )
            .await
            .unwrap();
        assert_eq!(
            prompt["messages"][0]["content"]["text"],
            "Review the snippet 'a', looking for bugs."
        );
    }
}
