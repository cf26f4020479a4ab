//! MCP extension triggers through the test harness: the records the attributes write (tool
//! properties from the arguments type, the description from the doc comment, `useResultSchema`
//! from the return type) and the results the extension would build from the answers.

use azfn::mcp::{
    PromptArgs, PromptMessage, PromptMessages, ResourceBlob, ResourceInvocation, Structured,
    ToolArgs, ToolArguments as _, ToolInvocation,
};
use azfn::testing::{TestClient, TestError};
use azfn::{BoxError, Out};
use serde_json::{Value, json};

/// A colour.
#[derive(serde::Deserialize, azfn::ToolEnum)]
#[serde(rename_all = "lowercase")]
enum Colour {
    Red,
    DarkBlue,
}

/// Arguments of `paint`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
#[serde(rename_all = "camelCase")]
struct Paint {
    /// The wall to paint.
    wall_name: String,
    /// Colours, in order.
    colours: Vec<Colour>,
    /// Coats of paint.
    #[serde(default)]
    coats: u8,
    /// How glossy, 0 to 1.
    gloss: Option<f64>,
    #[serde(rename = "dry")]
    dry_run: Option<bool>,
}

/// Paints a wall.
#[azfn::mcp_tool_trigger(tool_name = "paint")]
async fn paint_wall(
    args: ToolArgs<Paint>,
    #[azfn::queue_output(queue_name = "jobs")] jobs: &mut Out<String>,
) -> Result<String, BoxError> {
    if args.wall_name.is_empty() {
        return Err("which wall?".into());
    }
    jobs.set(args.wall_name.clone());
    Ok(format!(
        "{} gets {} coat(s) in {} colour(s), gloss {:?}, dry run {:?}",
        args.wall_name,
        args.coats,
        args.colours.len(),
        args.gloss,
        args.dry_run
    ))
}

#[derive(serde::Serialize)]
struct Total {
    total: i64,
}

/// Arguments of `add`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Add {
    /// The numbers to add.
    numbers: Vec<i64>,
}

/// Adds numbers.
#[azfn::mcp_tool_trigger]
async fn add(call: ToolInvocation<Add>) -> Structured<Total> {
    assert_eq!(call.context.name, "add");
    Structured(Total {
        total: call.arguments.numbers.iter().sum(),
    })
}

/// Shouts.
#[azfn::mcp_tool_trigger(tool_name = "shout", description = "Shouts the text back.")]
async fn shout(
    #[azfn::mcp_tool_property(
        property_name = "text",
        description = "What to shout.",
        is_required = true
    )]
    text: String,
) -> String {
    text.to_uppercase()
}

/// The house rules.
#[azfn::mcp_resource_trigger(
    uri = "house://rules",
    resource_name = "rules",
    mime_type = "text/plain"
)]
async fn rules(read: ResourceInvocation) -> String {
    format!("rules at {}", read.context.uri)
}

/// The house logo.
#[azfn::mcp_resource_trigger(uri = "house://logo", resource_name = "logo", mime_type = "image/png")]
async fn logo() -> ResourceBlob {
    ResourceBlob(vec![0x89, 0x50])
}

/// Arguments of `plan`.
#[derive(serde::Deserialize, azfn::PromptArguments)]
struct Plan {
    /// The room.
    room: String,
    /// A budget.
    budget: Option<String>,
}

/// Plans a room.
#[azfn::mcp_prompt_trigger(prompt_name = "plan")]
async fn plan(args: PromptArgs<Plan>) -> String {
    format!("Plan the {} within {:?}.", args.room, args.budget)
}

/// Sets up a review: the user's request and the model's first words.
#[azfn::mcp_prompt_trigger(prompt_name = "review")]
async fn review(args: PromptArgs<Plan>) -> Result<PromptMessages, BoxError> {
    if args.room == "attic" {
        return Err("nobody goes to the attic".into());
    }
    Ok(PromptMessages(vec![
        PromptMessage::user(format!("Review the plan for the {}.", args.room)),
        PromptMessage::assistant("Here is what I would change:"),
    ]))
}

fn trigger(client: &TestClient, function: &str) -> serde_json::Map<String, Value> {
    let record = client.function_record(function).expect("registered");
    let json = serde_json::to_value(&record.function).unwrap();
    json["bindings"][0].as_object().unwrap().clone()
}

#[test]
fn tool_properties_come_from_the_arguments_type() {
    let client = TestClient::new();
    let binding = trigger(&client, "paint_wall");
    assert_eq!(binding["type"], "mcpToolTrigger");
    assert_eq!(binding["toolName"], "paint");
    assert_eq!(binding["description"], "Paints a wall.");
    assert!(binding.get("useResultSchema").is_none());
    let text = binding["toolProperties"].as_str().expect("a JSON string");
    assert_eq!(text, Paint::TOOL_PROPERTIES);
    let properties: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        properties,
        json!([
            {"propertyName": "wallName", "propertyType": "string", "description": "The wall to paint.", "isRequired": true},
            {"propertyName": "colours", "propertyType": "string", "description": "Colours, in order.", "isRequired": true, "isArray": true, "enumValues": ["red", "darkblue"]},
            {"propertyName": "coats", "propertyType": "integer", "description": "Coats of paint."},
            {"propertyName": "gloss", "propertyType": "number", "description": "How glossy, 0 to 1."},
            {"propertyName": "dry", "propertyType": "boolean", "description": ""},
        ])
    );
    let parsed = azfn_spec::mcp::parse_tool_properties(text).unwrap();
    assert_eq!(
        azfn_spec::mcp::input_schema_from_tool_properties(&parsed)["required"],
        json!(["wallName", "colours"])
    );
}

#[test]
fn defaults_and_the_return_type_decide_the_rest() {
    let client = TestClient::new();
    let add = trigger(&client, "add");
    assert_eq!(add["toolName"], "add");
    assert_eq!(add["description"], "Adds numbers.");
    assert_eq!(add["useResultSchema"], true);
    let shout = trigger(&client, "shout");
    assert_eq!(shout["description"], "Shouts the text back.");
    assert_eq!(
        serde_json::from_str::<Value>(shout["toolProperties"].as_str().unwrap()).unwrap(),
        json!([{"propertyName": "text", "propertyType": "string", "description": "What to shout.", "isRequired": true}])
    );
    let plan = trigger(&client, "plan");
    assert_eq!(
        serde_json::from_str::<Value>(plan["promptArguments"].as_str().unwrap()).unwrap(),
        json!([{"name": "room", "description": "The room.", "required": true}, {"name": "budget", "description": "A budget."}])
    );
    let rules = trigger(&client, "rules");
    assert_eq!(rules["description"], "The house rules.");
    assert_eq!(rules["uri"], "house://rules");
}

#[tokio::test]
async fn a_tool_call_returns_text_and_sets_outputs() {
    let client = TestClient::new();
    let args = json!({"wallName": "north", "colours": ["red"], "gloss": 0.5});
    let result = client
        .mcp_tool("paint_wall", args.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(result.output("jobs").unwrap().text(), "north");
    let call = client.call_tool("paint_wall", args).await.unwrap();
    assert_eq!(
        call,
        json!({"content": [{"type": "text", "text": "north gets 0 coat(s) in 1 colour(s), gloss Some(0.5), dry run None"}]})
    );
}

#[tokio::test]
async fn an_err_is_a_tool_error_and_missing_arguments_are_invalid_params() {
    let client = TestClient::new();
    let failed = client
        .call_tool("paint_wall", json!({"wallName": "", "colours": []}))
        .await
        .unwrap();
    assert_eq!(failed["isError"], true);
    assert_eq!(
        failed["content"][0]["text"],
        "An error occurred invoking 'paint'."
    );
    let missing = client
        .call_tool("paint_wall", json!({"colours": null}))
        .await;
    assert!(
        matches!(&missing, Err(TestError::InvalidParams(m)) if m.ends_with("Please provide: wallName, colours")),
        "{missing:?}"
    );
    // Arguments of the wrong type fail the invocation: a tool error too.
    let wrong = client
        .call_tool("paint_wall", json!({"wallName": "w", "colours": ["green"]}))
        .await
        .unwrap();
    assert_eq!(wrong["isError"], true);
}

#[tokio::test]
async fn structured_results_and_tool_property_inputs() {
    let client = TestClient::new();
    let total = client
        .call_tool("add", json!({"numbers": [1, 2, 3]}))
        .await
        .unwrap();
    assert_eq!(total["structuredContent"], json!({"total": 6}));
    assert_eq!(total["content"][0]["text"], "{\"total\":6}");
    let loud = client
        .call_tool("shout", json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(loud["content"][0]["text"], "HI");
}

#[tokio::test]
async fn resources_and_prompts() {
    let client = TestClient::new();
    assert_eq!(
        client
            .read_resource("rules", "house://rules")
            .await
            .unwrap(),
        json!({"contents": [{"text": "rules at house://rules", "uri": "house://rules", "mimeType": "text/plain"}]})
    );
    assert_eq!(
        client.read_resource("logo", "house://logo").await.unwrap()["contents"][0]["blob"],
        "iVA="
    );
    assert_eq!(
        client
            .get_prompt("plan", json!({"room": "kitchen"}))
            .await
            .unwrap(),
        json!({"messages": [{"role": "user", "content": {"type": "text", "text": "Plan the kitchen within None."}}]})
    );
    assert!(matches!(
        client.get_prompt("plan", json!({})).await,
        Err(TestError::InvalidParams(_))
    ));
}

#[tokio::test]
async fn a_prompt_of_several_messages_goes_through_the_result_envelope() {
    let client = TestClient::new();
    assert_eq!(trigger(&client, "review")["useResultSchema"], true);
    assert_eq!(trigger(&client, "plan").get("useResultSchema"), None);
    assert_eq!(
        client
            .get_prompt("review", json!({"room": "kitchen"}))
            .await
            .unwrap(),
        json!({"messages": [
            {"role": "user", "content": {"type": "text", "text": "Review the plan for the kitchen."}},
            {"role": "assistant", "content": {"type": "text", "text": "Here is what I would change:"}},
        ]})
    );
    assert!(
        client
            .get_prompt("review", json!({"room": "attic"}))
            .await
            .is_err()
    );
}
