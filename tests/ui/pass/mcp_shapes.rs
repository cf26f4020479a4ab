// The shapes of MCP extension functions: arguments with every property type the extension
// knows, nested objects, enums, serde renames, the context, argument inputs beside other
// bindings, structured and fallible results.

use azfn::mcp::{NoArguments, PromptInvocation, Structured, ToolArgs, ToolInvocation};
use azfn::{BoxError, Out};

/// A size.
#[derive(serde::Deserialize, azfn::ToolEnum)]
enum Size {
    #[serde(rename = "S")]
    Small,
    Large,
}

/// A nested object.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Address {
    /// Street.
    street: String,
}

/// Every property type.
#[derive(serde::Deserialize, azfn::ToolArguments)]
#[serde(rename_all = "camelCase")]
struct Everything {
    /// Text.
    text_value: String,
    /// A character.
    letter: char,
    /// Integers.
    small: i8,
    /// Big.
    big: u64,
    /// Float.
    ratio: f32,
    /// Flag.
    flag: bool,
    /// Any JSON.
    extra: serde_json::Value,
    /// A nested object.
    address: Address,
    /// Several objects.
    addresses: Vec<Address>,
    /// An enum.
    size: Size,
    /// Several enums.
    sizes: Option<Vec<Size>>,
    /// Boxed.
    boxed: Box<String>,
    #[serde(skip)]
    not_an_argument: u8,
}

/// Takes everything.
#[azfn::mcp_tool_trigger(tool_name = "everything", metadata = r#"{"version": 1}"#, output_schema = r#"{"type": "object"}"#)]
async fn everything(call: ToolInvocation<Everything>) -> Result<Structured<u64>, BoxError> {
    let _ = (call.context.session.sessionid, call.arguments.not_an_argument);
    Ok(Structured(call.arguments.big))
}

/// Without arguments, with the context.
#[azfn::mcp_tool_trigger]
async fn hello(context: ToolInvocation) -> String {
    let NoArguments = context.arguments;
    context.context.name
}

/// Writes a blob from the arguments, and a queue message.
#[azfn::mcp_tool_trigger(tool_name = "save")]
async fn save(
    args: ToolArgs<Address>,
    #[azfn::mcp_tool_property(property_name = "note", property_type = "string", description = "A note.")]
    note: String,
    #[azfn::blob_output(path = "addresses/{mcptoolargs.street}.txt")] file: &mut Out<String>,
    #[azfn::queue_output(queue_name = "saved")] saved: &mut Out<String>,
) -> &'static str {
    file.set(note);
    saved.set(args.street.clone());
    "saved"
}

/// A prompt without arguments.
#[azfn::mcp_prompt_trigger(title = "Hi")]
async fn hi(request: PromptInvocation) -> Result<String, BoxError> {
    Ok(format!("Hi from {}", request.context.name))
}

fn main() {}
