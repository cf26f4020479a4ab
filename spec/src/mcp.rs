//! The wire of the Azure Functions MCP extension (`Microsoft.Azure.Functions.Extensions.Mcp`),
//! once: the binding types and settings a `function.json` declares, the `toolProperties` and
//! `promptArguments` formats, the input schema the extension builds for `tools/list`, the
//! invocation contexts it hands a worker, and how it turns a worker's return value into an MCP
//! result.
//!
//! The macros write these formats, the runtime reads the contexts and writes return values in
//! them, and the local host (`/runtime/webhooks/mcp`) builds contexts and reads return values
//! with the same functions.
//!
//! Where each fact comes from (paths in `Azure/azure-functions-mcp-extension`, commit
//! `cd0d1e8cd222`; `Ext/` is `src/Microsoft.Azure.Functions.Extensions.Mcp/`, `Worker/` is
//! `src/Microsoft.Azure.Functions.Worker.Extensions.Mcp/`, `Sdk/` is
//! `src/Microsoft.Azure.Functions.Worker.Extensions.Mcp.Sdk/`):
//!
//! - Binding types and setting keys: `Worker/Constants.cs`; the settings each trigger reads:
//!   `Ext/Trigger/Mcp{Tool,Resource,Prompt}TriggerAttribute.cs`,
//!   `Ext/InputBinding/Mcp{ToolProperty,PromptArgument}Attribute.cs`.
//! - `toolProperties` is a JSON *string* holding an array of `{propertyName, propertyType,
//!   description, isRequired, isArray, enumValues}`: `Worker/Configuration/ToolProperty.cs`,
//!   read by `Ext/Trigger/McpToolTriggerBinding.cs` (`GetProperties`) with
//!   `Ext/Serialization/McpJsonSerializerOptions.cs` (property names case-insensitive). The
//!   Python sample declares it as `json.dumps([...])` (`fixtures/mcp-samples/`).
//! - Property types: `string`, `integer`, `number`, `boolean`, `object`, arrays through
//!   `isArray`, enums as `string` with `enumValues`: `Worker/TypeExtensions.cs`
//!   (`MapToToolPropertyType`).
//! - The input schema: `Ext/ToolInputSchema/PropertyBasedToolInputSchema.cs`; the check of
//!   required arguments before the function runs, and its JSON-RPC error (`InvalidParams`):
//!   `Ext/ToolInputSchema/ToolInputSchema.cs`; for prompts `Ext/Trigger/McpPromptListener.cs`.
//! - Contexts: `Ext/Abstractions/{Tool,Resource,Prompt}InvocationContext.cs`,
//!   `Ext/Abstractions/Transport.cs`, `Ext/Trigger/McpTriggerTransportHelper.cs` (transport
//!   names `http-streamable`, `http-sse`); a worker whose trigger parameter is not a .NET type
//!   receives the context serialized as a JSON string (`Mcp*TriggerBinding.BindAsync`).
//!   Binding data (`mcptoolargs`, `mcpsessionid`, ...): the same `BindAsync`s.
//! - Return values: `Ext/Trigger/SimpleToolReturnValueBinder.cs` (text),
//!   `Ext/Trigger/ToolReturnValueBinder.cs` and `Ext/Trigger/McpToolResult.cs`
//!   (`useResultSchema`), `Sdk/FunctionsMiddleware/FunctionsMcpToolResultMiddleware.cs` (what a
//!   worker sends for structured content), `Ext/Trigger/ResourceReturnValueBinder.cs`,
//!   `Ext/Trigger/SimplePromptReturnValueBinder.cs`, `Ext/Trigger/PromptReturnValueBinder.cs`.
//! - A failed invocation: `Ext/Trigger/McpToolListener.cs` rethrows the function's exception; the
//!   MCP C# SDK's server (`McpServerImpl`, the call-tool filter) turns any exception that is not
//!   an `McpProtocolException` into `CallToolResult { isError: true }` with the text
//!   `An error occurred invoking '<tool>'.`: a tool error, not a JSON-RPC error. Prompt and
//!   resource handlers have no such filter: their failures are JSON-RPC errors.
//! - Names: tools and prompts are registered by name ignoring case, a second one with the same
//!   name is refused (`Ext/DefaultToolRegistry.cs`, `Ext/DefaultPromptRegistry.cs`); resources
//!   by URI ignoring case (`Ext/DefaultResourceRegistry.cs`); empty names are refused
//!   (`Worker/DependencyInjection/McpToolBuilder.cs`, `ArgumentException.ThrowIfNullOrEmpty`); a
//!   property whose name is empty or white space is left out of the input schema
//!   (`PropertyBasedToolInputSchema.BuildSchemaElement`), so azfn refuses it.

//!
//! For a local `/runtime/webhooks/mcp`: `tools/list` is [`parse_tool_properties`] of each tool
//! trigger's `toolProperties` then [`input_schema_from_tool_properties`]; `tools/call` checks
//! [`missing_required`] (a JSON-RPC [`INVALID_PARAMS`] error with
//! [`missing_tool_arguments_message`]), sends a [`ToolInvocationContext`] as a JSON string in the
//! trigger's `Data` (with [`arguments_as_text`] as the `mcptoolargs` metadata), and answers with
//! [`call_tool_result`] of the `ReturnValue`, or [`tool_error_result`] when the invocation failed
//! or the value does not fit.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// `type` of the tool trigger.
pub const TOOL_TRIGGER: &str = "mcpToolTrigger";
/// `type` of the resource trigger.
pub const RESOURCE_TRIGGER: &str = "mcpResourceTrigger";
/// `type` of the prompt trigger.
pub const PROMPT_TRIGGER: &str = "mcpPromptTrigger";
/// `type` of the input binding that hands a function one tool argument.
pub const TOOL_PROPERTY_INPUT: &str = "mcpToolProperty";
/// `type` of the input binding that hands a function one prompt argument.
pub const PROMPT_ARGUMENT_INPUT: &str = "mcpPromptArgument";

/// The path the extension serves (extension name `mcp`, `Ext/McpExtensionConfigProvider.cs`).
pub const WEBHOOK_PATH: &str = "/runtime/webhooks/mcp";

/// Transport name of the streamable HTTP endpoint (`StreamableHttpRequestHandler.cs`).
pub const TRANSPORT_STREAMABLE_HTTP: &str = "http-streamable";
/// Transport name of the legacy SSE endpoint (`SseRequestHandler.cs`).
pub const TRANSPORT_SSE: &str = "http-sse";
/// The header carrying the MCP session id (`Ext/McpConstants.cs`).
pub const SESSION_ID_HEADER: &str = "Mcp-Session-Id";

/// JSON-RPC error code of a call with missing required arguments or an unknown tool, prompt or
/// resource (`McpErrorCode.InvalidParams`).
pub const INVALID_PARAMS: i64 = -32602;

/// `function.json` keys of the MCP bindings (`Worker/Constants.cs` and the attributes).
pub mod keys {
    /// Tool trigger: the tool's name.
    pub const TOOL_NAME: &str = "toolName";
    /// Tool, resource, prompt: description.
    pub const DESCRIPTION: &str = "description";
    /// Tool trigger: the tool properties, a JSON string.
    pub const TOOL_PROPERTIES: &str = "toolProperties";
    /// Tool, resource, prompt: metadata, a JSON string holding an object (`_meta`).
    pub const METADATA: &str = "metadata";
    /// Tool and prompt: the worker shapes the result envelope.
    pub const USE_RESULT_SCHEMA: &str = "useResultSchema";
    /// Tool: a whole input schema given by the worker (with `useWorkerInputSchema`).
    pub const INPUT_SCHEMA: &str = "inputSchema";
    /// Tool: the schema given in `inputSchema` replaces the one built from `toolProperties`.
    pub const USE_WORKER_INPUT_SCHEMA: &str = "useWorkerInputSchema";
    /// Tool: output schema, a JSON string.
    pub const OUTPUT_SCHEMA: &str = "outputSchema";
    /// Resource: URI or URI template.
    pub const URI: &str = "uri";
    /// Resource: name.
    pub const RESOURCE_NAME: &str = "resourceName";
    /// Resource, prompt: title.
    pub const TITLE: &str = "title";
    /// Resource: MIME type.
    pub const MIME_TYPE: &str = "mimeType";
    /// Resource: size in bytes.
    pub const SIZE: &str = "size";
    /// Prompt trigger: the prompt's name.
    pub const PROMPT_NAME: &str = "promptName";
    /// Prompt trigger: the prompt arguments, a JSON string.
    pub const PROMPT_ARGUMENTS: &str = "promptArguments";
    /// Prompt trigger: icons, a JSON string.
    pub const ICONS: &str = "icons";
    /// Tool property input: the argument's name.
    pub const PROPERTY_NAME: &str = "propertyName";
    /// Tool property input: the argument's type.
    pub const PROPERTY_TYPE: &str = "propertyType";
    /// Tool property input: required.
    pub const IS_REQUIRED: &str = "isRequired";
    /// Prompt argument input: the argument's name.
    pub const ARGUMENT_NAME: &str = "argumentName";
}

/// Names of the binding data the triggers add (usable as `{mcptoolargs.name}` in other
/// bindings' expressions).
pub mod binding_data {
    /// Tool: the call's arguments, each as its text.
    pub const TOOL_ARGS: &str = "mcptoolargs";
    /// Tool: the whole [`ToolInvocationContext`](super::ToolInvocationContext).
    pub const TOOL_CONTEXT: &str = "mcptoolcontext";
    /// All three triggers: the MCP session id, when there is one.
    pub const SESSION_ID: &str = "mcpsessionid";
    /// Resource: the URI that was read.
    pub const RESOURCE_URI: &str = "mcpresourceuri";
    /// Resource: the whole [`ResourceInvocationContext`](super::ResourceInvocationContext).
    pub const RESOURCE_CONTEXT: &str = "mcpresourcecontext";
    /// Prompt: the whole [`PromptInvocationContext`](super::PromptInvocationContext).
    pub const PROMPT_CONTEXT: &str = "mcppromptcontext";
    /// Prompt: the request's arguments, each as its text.
    pub const PROMPT_ARGS: &str = "mcppromptargs";
}

/// A mistake in an MCP wire value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McpWireError {
    /// A JSON text that does not parse or has the wrong shape.
    #[error("{what} is not valid: {detail}")]
    Invalid {
        /// Which value.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}

fn invalid(what: &'static str, detail: impl std::fmt::Display) -> McpWireError {
    McpWireError::Invalid {
        what,
        detail: detail.to_string(),
    }
}

/// The property types the extension knows (`MapToToolPropertyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    /// `string` (also .NET `DateTime`, `Guid`, `char` and enums).
    String,
    /// `integer` (.NET `int`).
    Integer,
    /// `number` (the other numeric types).
    Number,
    /// `boolean`.
    Boolean,
    /// `object`: anything else, without a nested schema.
    Object,
}

impl PropertyType {
    /// Every type, in the order the extension's mapping tries them.
    pub const ALL: [PropertyType; 5] = [
        PropertyType::String,
        PropertyType::Integer,
        PropertyType::Boolean,
        PropertyType::Number,
        PropertyType::Object,
    ];

    /// The name in `propertyType` and in the JSON Schema `type`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PropertyType::String => "string",
            PropertyType::Integer => "integer",
            PropertyType::Number => "number",
            PropertyType::Boolean => "boolean",
            PropertyType::Object => "object",
        }
    }

    /// The type named `name`, if the extension knows it.
    pub fn parse(name: &str) -> Option<PropertyType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One entry of `toolProperties`.
///
/// The extension writes the type into the schema as given, so an unknown `property_type` is
/// kept as text here; [`check_tool_properties`] says whether it is one the extension's workers
/// produce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolProperty {
    /// The argument's name.
    pub property_name: String,
    /// The JSON type (of the items, when `is_array`).
    pub property_type: String,
    /// Description; the schema gets `""` when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Listed in the schema's `required`, checked before the function runs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_required: bool,
    /// An array of `property_type`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_array: bool,
    /// Allowed values (strings), as the schema's `enum`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

const TOOL_PROPERTY_KEYS: [&str; 6] = [
    "propertyName",
    "propertyType",
    "description",
    "isRequired",
    "isArray",
    "enumValues",
];

/// Reads a `toolProperties` text as the extension does: a JSON array of objects whose keys are
/// matched ignoring case (`PropertyNameCaseInsensitive`); `null` entries are skipped.
pub fn parse_tool_properties(text: &str) -> Result<Vec<ToolProperty>, McpWireError> {
    const WHAT: &str = "toolProperties";
    let entries: Vec<Value> = serde_json::from_str(text).map_err(|e| invalid(WHAT, e))?;
    let mut properties = Vec::with_capacity(entries.len());
    for entry in entries {
        let object = match entry {
            Value::Null => continue,
            Value::Object(object) => object,
            other => return Err(invalid(WHAT, format!("an entry is not an object: {other}"))),
        };
        let mut normalized = Map::new();
        for (key, value) in object {
            let known = TOOL_PROPERTY_KEYS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(&key));
            if let Some(known) = known
                && !value.is_null()
            {
                normalized.insert((*known).to_owned(), value);
            }
        }
        let property: ToolProperty =
            serde_json::from_value(Value::Object(normalized)).map_err(|e| invalid(WHAT, e))?;
        properties.push(property);
    }
    Ok(properties)
}

/// Writes `toolProperties` text (the value of the `function.json` setting, before it is put in
/// a JSON string).
pub fn tool_properties_text(properties: &[ToolProperty]) -> String {
    serde_json::to_string(properties).expect("tool properties always serialize")
}

/// The tool's `inputSchema` for `tools/list`, built from its properties as
/// `PropertyBasedToolInputSchema` does: `type: object`, every property with a non-blank name
/// (an array's type under `items`, `enum` beside its `type`, `description` always, `""` when
/// missing), and `required` always present.
pub fn input_schema_from_tool_properties(properties: &[ToolProperty]) -> Value {
    let kept = properties
        .iter()
        .filter(|p| !p.property_name.trim().is_empty());
    let mut schema_properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    for p in kept {
        let mut typed = Map::new();
        typed.insert("type".into(), Value::String(p.property_type.clone()));
        if !p.enum_values.is_empty() {
            typed.insert("enum".into(), json!(p.enum_values));
        }
        let mut entry = if p.is_array {
            let mut array = Map::new();
            array.insert("type".into(), json!("array"));
            array.insert("items".into(), Value::Object(typed));
            array
        } else {
            typed
        };
        entry.insert(
            "description".into(),
            json!(p.description.as_deref().unwrap_or("")),
        );
        schema_properties.insert(p.property_name.clone(), Value::Object(entry));
        if p.is_required && !required.contains(&p.property_name.as_str()) {
            required.push(&p.property_name);
        }
    }
    json!({ "type": "object", "properties": schema_properties, "required": required })
}

/// The required names (from a schema's `required`, or the properties marked required) that a
/// call's `arguments` lack or give as `null`, in declaration order (`ToolInputSchema.Validate`,
/// `McpPromptListener.ValidateRequiredArguments`).
pub fn missing_required<'a>(
    required: impl IntoIterator<Item = &'a str>,
    arguments: Option<&Map<String, Value>>,
) -> Vec<&'a str> {
    required
        .into_iter()
        .filter(|name| {
            arguments
                .and_then(|args| args.get(*name))
                .is_none_or(Value::is_null)
        })
        .collect()
}

/// The message of the JSON-RPC `InvalidParams` error for missing tool arguments.
pub fn missing_tool_arguments_message(missing: &[&str]) -> String {
    format!(
        "One or more required tool properties are missing values. Please provide: {}",
        missing.join(", ")
    )
}

/// The message of the JSON-RPC `InvalidParams` error for missing prompt arguments.
pub fn missing_prompt_arguments_message(missing: &[&str]) -> String {
    format!(
        "One or more required prompt arguments are missing values. Please provide: {}",
        missing.join(", ")
    )
}

/// One entry of `promptArguments` (the SDK's `PromptArgument`, as the worker writes it in
/// `Worker/Configuration/PromptArgumentDefinition.cs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptArgument {
    /// The argument's name.
    pub name: String,
    /// Display title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Checked before the function runs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// Reads a `promptArguments` text (a JSON array; keys matched ignoring case).
pub fn parse_prompt_arguments(text: &str) -> Result<Vec<PromptArgument>, McpWireError> {
    const WHAT: &str = "promptArguments";
    const KEYS: [&str; 4] = ["name", "title", "description", "required"];
    let entries: Vec<Map<String, Value>> =
        serde_json::from_str(text).map_err(|e| invalid(WHAT, e))?;
    entries
        .into_iter()
        .map(|object| {
            let normalized: Map<String, Value> = object
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .filter_map(|(k, v)| {
                    KEYS.iter()
                        .find(|known| known.eq_ignore_ascii_case(&k))
                        .map(|known| ((*known).to_owned(), v))
                })
                .collect();
            serde_json::from_value(Value::Object(normalized)).map_err(|e| invalid(WHAT, e))
        })
        .collect()
}

/// The client, as it named itself in `initialize` (`Implementation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// The client's name.
    pub name: String,
    /// The client's version.
    pub version: String,
    /// Other fields the client sent (`title`, `icons`, ...).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// How the call arrived (`Transport.cs`): its name, the session id header and the request's
/// headers under `properties.headers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transport {
    /// [`TRANSPORT_STREAMABLE_HTTP`], [`TRANSPORT_SSE`], or `unknown`.
    pub name: String,
    /// The `Mcp-Session-Id` header, when there was one.
    #[serde(rename = "sessionId", default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// `headers`: the request's headers, each joined with `,`.
    #[serde(default)]
    pub properties: Map<String, Value>,
}

/// The part every invocation context shares (`sessionid`, `clientinfo`, `transport` in the
/// extension's `*InvocationContext.cs`): who called, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallSession {
    /// The MCP session id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "SessionId")]
    pub sessionid: Option<String>,
    /// The client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "ClientInfo")]
    pub clientinfo: Option<ClientInfo>,
    /// The transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "Transport")]
    pub transport: Option<Transport>,
}

/// What a tool function receives (`ToolInvocationContext.cs`; keys are lower case as there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInvocationContext {
    /// The tool's name.
    #[serde(alias = "Name")]
    pub name: String,
    /// The call's arguments, as the client sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "Arguments")]
    pub arguments: Option<Map<String, Value>>,
    /// Who called, and how: keys of the context object itself, beside the ones above.
    #[serde(flatten)]
    pub session: CallSession,
}

/// What a resource function receives (`ResourceInvocationContext.cs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceInvocationContext {
    /// The URI that was read.
    #[serde(alias = "Uri")]
    pub uri: String,
    /// Who called, and how: keys of the context object itself, beside the ones above.
    #[serde(flatten)]
    pub session: CallSession,
}

/// What a prompt function receives (`PromptInvocationContext.cs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptInvocationContext {
    /// The prompt's name.
    #[serde(alias = "Name")]
    pub name: String,
    /// The request's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "Arguments")]
    pub arguments: Option<Map<String, Value>>,
    /// Who called, and how: keys of the context object itself, beside the ones above.
    #[serde(flatten)]
    pub session: CallSession,
}

/// The binding data values `mcptoolargs` / `mcppromptargs` hold: each argument as its text (a
/// string as itself, anything else as its JSON, `JsonElement.ToString()`).
pub fn arguments_as_text(arguments: &Map<String, Value>) -> Map<String, Value> {
    arguments
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), Value::String(text))
        })
        .collect()
}

/// `type` values of the [`ToolResultEnvelope`] (`McpConstants.ToolResultContentTypes`).
pub mod tool_result_types {
    /// `content` is a whole `CallToolResult`.
    pub const CALL_TOOL_RESULT: &str = "call_tool_result";
    /// `content` is an array of content blocks.
    pub const MULTI_CONTENT_RESULT: &str = "multi_content_result";
    /// `content` is one text block.
    pub const TEXT: &str = "text";
    /// `content` is one image block.
    pub const IMAGE: &str = "image";
    /// `content` is one audio block.
    pub const AUDIO: &str = "audio";
    /// `content` is one embedded resource block.
    pub const RESOURCE: &str = "resource";
    /// `content` is one resource link block.
    pub const RESOURCE_LINK: &str = "resource_link";
}

/// The envelope a worker returns for a tool with `useResultSchema` (`McpToolResult.cs`): each
/// field a JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultEnvelope {
    /// One of [`tool_result_types`].
    #[serde(rename = "type")]
    pub kind: String,
    /// The content, as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The structured content, as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<String>,
}

impl ToolResultEnvelope {
    /// A text result, as the worker SDK sends a string.
    pub fn text(text: &str) -> ToolResultEnvelope {
        ToolResultEnvelope {
            kind: tool_result_types::TEXT.to_owned(),
            content: Some(json!({ "type": "text", "text": text }).to_string()),
            structured_content: None,
        }
    }

    /// A structured result, as the worker SDK sends an object with `[McpContent]`
    /// (`ProcessDefaultResult`): the JSON both as the text block and as structured content.
    pub fn structured(value: &Value) -> ToolResultEnvelope {
        let text = value.to_string();
        ToolResultEnvelope {
            kind: tool_result_types::TEXT.to_owned(),
            content: Some(json!({ "type": "text", "text": text }).to_string()),
            structured_content: Some(text),
        }
    }

    /// The envelope as the return value text the host reads.
    pub fn to_return_text(&self) -> String {
        serde_json::to_string(self).expect("the envelope always serializes")
    }
}

/// The `CallToolResult` the extension answers `tools/call` with, from the function's return
/// value (`None` when the function returned nothing or `null`).
///
/// Without `useResultSchema` (`SimpleToolReturnValueBinder`), the value's text becomes one text
/// block. With it (`ToolReturnValueBinder`), the value must be the JSON text of a
/// [`ToolResultEnvelope`]; any mistake is an error, which fails the invocation (and so becomes
/// [`tool_error_result`]). Nothing at all gives `{"content": []}` (`McpToolListener.RunAsync`).
pub fn call_tool_result(
    return_value: Option<&Value>,
    use_result_schema: bool,
) -> Result<Value, McpWireError> {
    const WHAT: &str = "the tool's return value";
    let value = match return_value {
        None | Some(Value::Null) => return Ok(json!({ "content": [] })),
        Some(value) => value,
    };
    if !use_result_schema {
        return Ok(json!({ "content": [{ "type": "text", "text": value_text(value) }] }));
    }
    let Value::String(text) = value else {
        return Err(invalid(WHAT, "expected a JSON string"));
    };
    let envelope = parse_case_insensitive::<ToolResultEnvelope>(
        text,
        &["type", "content", "structuredContent"],
        WHAT,
    )?;
    let content = envelope.content.as_deref().unwrap_or("null");
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| invalid(WHAT, e));
    if envelope
        .kind
        .eq_ignore_ascii_case(tool_result_types::CALL_TOOL_RESULT)
    {
        let result = parse(content)?;
        if !result.is_object() {
            return Err(invalid(WHAT, "a call_tool_result is not an object"));
        }
        return Ok(result);
    }
    let blocks = if envelope
        .kind
        .eq_ignore_ascii_case(tool_result_types::MULTI_CONTENT_RESULT)
    {
        match parse(content)? {
            Value::Array(blocks) => blocks,
            _ => return Err(invalid(WHAT, "a multi_content_result is not an array")),
        }
    } else {
        match parse(content)? {
            block @ Value::Object(_) => vec![block],
            _ => return Err(invalid(WHAT, "the content block is not an object")),
        }
    };
    if blocks.is_empty() {
        return Err(invalid(WHAT, "no content items were produced"));
    }
    let mut result = json!({ "content": blocks });
    if let Some(structured) = envelope.structured_content.filter(|s| !s.is_empty()) {
        result["structuredContent"] = parse(&structured)?;
    }
    Ok(result)
}

/// The `CallToolResult` a client gets when the function fails: the MCP C# SDK's wrapping of the
/// exception the extension rethrows.
pub fn tool_error_result(tool_name: &str) -> Value {
    json!({
        "content": [{ "type": "text", "text": format!("An error occurred invoking '{tool_name}'.") }],
        "isError": true,
    })
}

/// The `ReadResourceResult` from a resource function's return value
/// (`ResourceReturnValueBinder`): a string that is the JSON of `{"content": "<ResourceContents
/// JSON>"}` gives those contents (URI and MIME type filled in when missing), any other string
/// gives text contents. `uri` is the URI that was read, `mime_type` the trigger's.
pub fn read_resource_result(
    return_value: Option<&Value>,
    uri: &str,
    mime_type: Option<&str>,
) -> Result<Value, McpWireError> {
    const WHAT: &str = "the resource's return value";
    let text = match return_value {
        None | Some(Value::Null) => return Ok(json!({ "contents": [] })),
        Some(Value::String(text)) => text.as_str(),
        Some(_) => return Err(invalid(WHAT, "expected a string")),
    };
    let worker_contents = serde_json::from_str::<Map<String, Value>>(text)
        .ok()
        .and_then(|object| {
            object
                .into_iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content"))
                .map(|(_, v)| v)
        });
    let mut contents = match worker_contents {
        Some(Value::String(inner)) => match serde_json::from_str::<Value>(&inner) {
            Ok(Value::Object(contents)) => contents,
            _ => return Err(invalid(WHAT, "content is not resource contents")),
        },
        _ => {
            let mut contents = Map::new();
            contents.insert("text".into(), json!(text));
            contents
        }
    };
    let blank = |v: Option<&Value>| v.and_then(Value::as_str).is_none_or(str::is_empty);
    if blank(contents.get("uri")) {
        contents.insert("uri".into(), json!(uri));
    }
    if blank(contents.get("mimeType"))
        && let Some(mime) = mime_type
    {
        contents.insert("mimeType".into(), json!(mime));
    }
    Ok(json!({ "contents": [contents] }))
}

/// `type` values of the prompt envelope (`McpConstants.PromptResultContentTypes`).
pub mod prompt_result_types {
    /// `content` is a whole `GetPromptResult`.
    pub const GET_PROMPT_RESULT: &str = "get_prompt_result";
    /// `content` is an array of prompt messages.
    pub const PROMPT_MESSAGES: &str = "prompt_messages";
}

/// The return value text of a prompt with `useResultSchema` answering `messages` (a JSON array
/// of MCP `PromptMessage`s), in the envelope [`get_prompt_result`] reads
/// (`PromptReturnValueBinder`: `{"type": "prompt_messages", "content": "<JSON text>"}`).
pub fn prompt_messages_return_text(messages: &Value) -> String {
    json!({
        "type": prompt_result_types::PROMPT_MESSAGES,
        "content": messages.to_string(),
    })
    .to_string()
}

/// The `GetPromptResult` from a prompt function's return value: without `useResultSchema`
/// (`SimplePromptReturnValueBinder`) the text becomes one user message; with it
/// (`PromptReturnValueBinder`) the value is the JSON of `{"type", "content"}`.
pub fn get_prompt_result(
    return_value: Option<&Value>,
    use_result_schema: bool,
) -> Result<Value, McpWireError> {
    const WHAT: &str = "the prompt's return value";
    let value = match return_value {
        None | Some(Value::Null) => return Ok(json!({ "messages": [] })),
        Some(value) => value,
    };
    if !use_result_schema {
        return Ok(json!({ "messages": [{
            "role": "user",
            "content": { "type": "text", "text": value_text(value) },
        }] }));
    }
    let Value::String(text) = value else {
        return Err(invalid(WHAT, "expected a JSON string"));
    };
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(rename = "type")]
        kind: String,
        content: Option<String>,
    }
    let envelope = parse_case_insensitive::<Envelope>(text, &["type", "content"], WHAT)?;
    let content = envelope
        .content
        .ok_or_else(|| invalid(WHAT, "content is missing"))?;
    let content: Value = serde_json::from_str(&content).map_err(|e| invalid(WHAT, e))?;
    if envelope
        .kind
        .eq_ignore_ascii_case(prompt_result_types::GET_PROMPT_RESULT)
        && content.is_object()
    {
        Ok(content)
    } else if envelope
        .kind
        .eq_ignore_ascii_case(prompt_result_types::PROMPT_MESSAGES)
        && content.is_array()
    {
        Ok(json!({ "messages": content }))
    } else {
        Err(invalid(
            WHAT,
            format!("unknown or malformed type '{}'", envelope.kind),
        ))
    }
}

/// A return value's text as .NET's `ToString()` gives it for the values a custom handler can
/// return: a string is itself, anything else its JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_case_insensitive<T: serde::de::DeserializeOwned>(
    text: &str,
    keys: &[&str],
    what: &'static str,
) -> Result<T, McpWireError> {
    let object: Map<String, Value> = serde_json::from_str(text).map_err(|e| invalid(what, e))?;
    let normalized: Map<String, Value> = object
        .into_iter()
        .filter_map(|(k, v)| {
            keys.iter()
                .find(|known| known.eq_ignore_ascii_case(&k))
                .map(|known| ((*known).to_owned(), v))
        })
        .collect();
    serde_json::from_value(Value::Object(normalized)).map_err(|e| invalid(what, e))
}

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McpNameError {
    /// An empty tool, prompt or resource name (`ThrowIfNullOrEmpty`).
    #[error("the {0} name is empty; the MCP extension refuses an empty name")]
    Empty(&'static str),
    /// A property or argument name that is empty or white space: the extension leaves it out of
    /// the tool's input schema, so the client could never send it.
    #[error("the {0} name {1:?} is blank; the MCP extension leaves a blank name out of the schema")]
    Blank(&'static str, String),
    /// Two properties of one tool (or arguments of one prompt) with the same name.
    #[error("two arguments are named {0:?}; the declaration has one entry per name")]
    Duplicate(String),
}

/// Checks a tool name (also used for prompt names, `what` = `"prompt"`).
pub fn check_tool_name(name: &str, what: &'static str) -> Result<(), McpNameError> {
    if name.is_empty() {
        Err(McpNameError::Empty(what))
    } else {
        Ok(())
    }
}

/// Checks the property names of one tool (or argument names of one prompt).
pub fn check_property_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
    what: &'static str,
) -> Result<(), McpNameError> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if name.trim().is_empty() {
            return Err(McpNameError::Blank(what, name.to_owned()));
        }
        if seen.contains(&name) {
            return Err(McpNameError::Duplicate(name.to_owned()));
        }
        seen.push(name);
    }
    Ok(())
}

/// The key under which the extension registers a tool, prompt or resource: names compare
/// ignoring case (`StringComparer.OrdinalIgnoreCase`), so two names with the same key collide.
pub fn registry_key(name: &str) -> String {
    name.chars().flat_map(char::to_uppercase).collect()
}

/// A Rust identifier, `prefix` then [`registry_key`] in lower case, that is the same for two
/// names exactly when their keys are: ASCII letters and digits stay, `_` is `__`, any other
/// character is `_x<hex>_`. The macros name a generated item with it so that a duplicate tool
/// name is a compile error.
pub fn registry_ident(prefix: &str, name: &str) -> String {
    let mut ident = prefix.to_owned();
    for c in registry_key(name).chars() {
        if c.is_ascii_alphanumeric() {
            ident.push(c.to_ascii_lowercase());
        } else if c == '_' {
            ident.push_str("__");
        } else {
            ident.push_str(&format!("_x{:x}_", c as u32));
        }
    }
    ident
}

/// What an MCP trigger registers with the extension: its kind (`"tool"`, `"prompt"`,
/// `"resource"`) and the name the extension's registry knows it by (`toolName`, `promptName`,
/// or the resource's `uri`). `None` for a function without an MCP trigger.
pub fn registration(function: &crate::record::FunctionJson) -> Option<(&'static str, &str)> {
    let trigger = function.bindings.iter().find(|b| b.is_trigger())?;
    let (kind, key) = match trigger.kind.as_str() {
        TOOL_TRIGGER => ("tool", keys::TOOL_NAME),
        PROMPT_TRIGGER => ("prompt", keys::PROMPT_NAME),
        RESOURCE_TRIGGER => ("resource", keys::URI),
        _ => return None,
    };
    Some((kind, trigger.settings.get(key)?.as_str()?))
}

/// The functions of one app that register the same tool, prompt or resource name as the
/// extension compares them ([`registry_key`]): each group holds the indexes into `functions`
/// of two or more of them, in order. The extension refuses the second at start
/// (`DefaultToolRegistry.Register`), so an app with a group cannot serve its MCP server. The
/// macros refuse such names within one module; this finds them across the whole app.
pub fn duplicate_registrations(functions: &[&crate::record::FunctionJson]) -> Vec<Vec<usize>> {
    let mut groups: Vec<((&str, String), Vec<usize>)> = Vec::new();
    for (index, function) in functions.iter().enumerate() {
        let Some((kind, name)) = registration(function) else {
            continue;
        };
        let key = (kind, registry_key(name));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(index),
            None => groups.push((key, vec![index])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(_, members)| members)
        .collect()
}

/// Checks the `toolProperties` of a tool: names by [`check_property_names`], types among
/// [`PropertyType`].
pub fn check_tool_properties(properties: &[ToolProperty]) -> Result<(), String> {
    check_property_names(
        properties.iter().map(|p| p.property_name.as_str()),
        "tool property",
    )
    .map_err(|e| e.to_string())?;
    for p in properties {
        if PropertyType::parse(&p.property_type).is_none() {
            return Err(format!(
                "tool property {:?} has type {:?}; the MCP extension's types are {}",
                p.property_name,
                p.property_type,
                PropertyType::ALL.map(PropertyType::as_str).join(", ")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function_json(text: &str) -> crate::record::FunctionJson {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn tools_registered_under_one_name_ignoring_case_are_found_across_the_app() {
        let tool = |name: &str| {
            function_json(&format!(
                r#"{{"bindings":[{{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"{name}","description":"d"}}]}}"#
            ))
        };
        let prompt = function_json(
            r#"{"bindings":[{"type":"mcpPromptTrigger","direction":"in","name":"context","promptName":"hello"}]}"#,
        );
        let http =
            function_json(r#"{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}"#);
        let (a, b, c) = (tool("Hello"), tool("other"), tool("hello"));
        let app = [&a, &prompt, &b, &http, &c];
        assert_eq!(registration(&a), Some(("tool", "Hello")));
        assert_eq!(registration(&http), None);
        // The prompt named `hello` is another registry: no clash with the tools.
        assert_eq!(duplicate_registrations(&app), vec![vec![0, 4]]);
    }

    /// The Python sample's `get_snippet` declaration (`fixtures/mcp-samples/`).
    const SAMPLE: &str = r#"[{"propertyName": "snippetname", "propertyType": "string", "description": "The name of the snippet."}]"#;

    #[test]
    fn reads_the_samples_tool_properties() {
        let properties = parse_tool_properties(SAMPLE).unwrap();
        assert_eq!(properties.len(), 1);
        assert_eq!(properties[0].property_name, "snippetname");
        assert_eq!(properties[0].property_type, "string");
        assert!(!properties[0].is_required);
        assert_eq!(
            tool_properties_text(&properties),
            r#"[{"propertyName":"snippetname","propertyType":"string","description":"The name of the snippet."}]"#
        );
        assert_eq!(parse_tool_properties("[]").unwrap(), vec![]);
    }

    #[test]
    fn keys_match_ignoring_case_as_the_extensions_serializer_options_do() {
        let properties = parse_tool_properties(
            r#"[{"PropertyName":"a","PROPERTYTYPE":"integer","isrequired":true}]"#,
        )
        .unwrap();
        assert_eq!(properties[0].property_name, "a");
        assert_eq!(properties[0].property_type, "integer");
        assert!(properties[0].is_required);
    }

    #[test]
    fn bad_tool_properties_are_errors() {
        assert!(parse_tool_properties("{").is_err());
        assert!(parse_tool_properties(r#"{"propertyName":"a"}"#).is_err());
        assert!(parse_tool_properties(r#"[{"propertyType":"string"}]"#).is_err());
        assert!(parse_tool_properties(r#"[1]"#).is_err());
    }

    #[test]
    fn input_schema_is_built_as_property_based_tool_input_schema_does() {
        let properties = parse_tool_properties(
            r#"[{"propertyName":"name","propertyType":"string","description":"Who.","isRequired":true},
                {"propertyName":"tags","propertyType":"string","isArray":true,"isRequired":true},
                {"propertyName":"colour","propertyType":"string","enumValues":["red","blue"]},
                {"propertyName":"  ","propertyType":"string","isRequired":true}]"#,
        )
        .unwrap();
        let schema = input_schema_from_tool_properties(&properties);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "Who." },
                    "tags": { "type": "array", "items": { "type": "string" }, "description": "" },
                    "colour": { "type": "string", "enum": ["red", "blue"], "description": "" },
                },
                "required": ["name", "tags"],
            })
        );
        assert_eq!(
            input_schema_from_tool_properties(&[]),
            json!({ "type": "object", "properties": {}, "required": [] })
        );
    }

    #[test]
    fn null_and_absent_required_arguments_are_missing() {
        let args: Map<String, Value> = serde_json::from_str(r#"{"a":null,"b":0}"#).unwrap();
        assert_eq!(missing_required(["a", "b", "c"], Some(&args)), ["a", "c"]);
        assert_eq!(missing_required(["a"], None), ["a"]);
        assert_eq!(
            missing_tool_arguments_message(&["a", "c"]),
            "One or more required tool properties are missing values. Please provide: a, c"
        );
    }

    #[test]
    fn a_plain_return_value_is_one_text_block() {
        assert_eq!(
            call_tool_result(Some(&json!("Hello")), false).unwrap(),
            json!({ "content": [{ "type": "text", "text": "Hello" }] })
        );
        assert_eq!(
            call_tool_result(Some(&json!(42)), false).unwrap(),
            json!({ "content": [{ "type": "text", "text": "42" }] })
        );
        assert_eq!(
            call_tool_result(None, false).unwrap(),
            json!({ "content": [] })
        );
    }

    #[test]
    fn the_result_envelope_gives_content_and_structured_content() {
        let envelope = ToolResultEnvelope::structured(&json!({ "total": 3 }));
        let result =
            call_tool_result(Some(&Value::String(envelope.to_return_text())), true).unwrap();
        assert_eq!(
            result,
            json!({
                "content": [{ "type": "text", "text": "{\"total\":3}" }],
                "structuredContent": { "total": 3 },
            })
        );
        let whole = ToolResultEnvelope {
            kind: "CALL_TOOL_RESULT".into(),
            content: Some(r#"{"content":[],"isError":true}"#.into()),
            structured_content: None,
        };
        assert_eq!(
            call_tool_result(Some(&Value::String(whole.to_return_text())), true).unwrap(),
            json!({ "content": [], "isError": true })
        );
        let many = r#"{"type":"multi_content_result","content":"[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]"}"#;
        assert_eq!(
            call_tool_result(Some(&json!(many)), true).unwrap()["content"][1]["text"],
            "b"
        );
    }

    #[test]
    fn a_bad_envelope_is_an_error() {
        assert!(call_tool_result(Some(&json!({ "type": "text" })), true).is_err());
        assert!(call_tool_result(Some(&json!("plain text")), true).is_err());
        assert!(
            call_tool_result(
                Some(&json!(r#"{"type":"multi_content_result","content":"[]"}"#)),
                true
            )
            .is_err()
        );
    }

    #[test]
    fn a_failure_is_a_tool_error_with_the_sdks_text() {
        assert_eq!(
            tool_error_result("get_snippet"),
            json!({
                "content": [{ "type": "text", "text": "An error occurred invoking 'get_snippet'." }],
                "isError": true,
            })
        );
    }

    #[test]
    fn resource_results() {
        assert_eq!(
            read_resource_result(Some(&json!("hi")), "file://a", Some("text/plain")).unwrap(),
            json!({ "contents": [{ "text": "hi", "uri": "file://a", "mimeType": "text/plain" }] })
        );
        let worker = json!({ "content": r#"{"blob":"AAE=","uri":""}"# }).to_string();
        assert_eq!(
            read_resource_result(Some(&json!(worker)), "file://b", None).unwrap(),
            json!({ "contents": [{ "blob": "AAE=", "uri": "file://b" }] })
        );
        assert!(read_resource_result(Some(&json!(1)), "file://a", None).is_err());
    }

    #[test]
    fn prompt_results() {
        assert_eq!(
            get_prompt_result(Some(&json!("Say hi")), false).unwrap(),
            json!({ "messages": [{ "role": "user", "content": { "type": "text", "text": "Say hi" } }] })
        );
        assert_eq!(
            get_prompt_result(None, true).unwrap(),
            json!({ "messages": [] })
        );
        let envelope = json!({ "type": "prompt_messages", "content": "[]" }).to_string();
        assert_eq!(
            get_prompt_result(Some(&json!(envelope)), true).unwrap(),
            json!({ "messages": [] })
        );
        let unknown = json!({ "type": "other", "content": "[]" }).to_string();
        assert!(get_prompt_result(Some(&json!(unknown)), true).is_err());
    }

    #[test]
    fn contexts_round_trip_with_the_extensions_keys() {
        let text = r#"{"name":"get_snippet","arguments":{"snippetname":"a"},"sessionid":"s1",
            "clientinfo":{"name":"mcp","version":"1.0"},
            "transport":{"name":"http-streamable","sessionId":"s1","properties":{"headers":{}}}}"#;
        let context: ToolInvocationContext = serde_json::from_str(text).unwrap();
        assert_eq!(context.arguments.as_ref().unwrap()["snippetname"], "a");
        assert_eq!(
            context.session.transport.as_ref().unwrap().name,
            TRANSPORT_STREAMABLE_HTTP
        );
        let back = serde_json::to_value(&context).unwrap();
        assert_eq!(back["sessionid"], "s1");
        assert_eq!(back["transport"]["sessionId"], "s1");
        let minimal: ToolInvocationContext = serde_json::from_str(r#"{"name":"t"}"#).unwrap();
        assert_eq!(serde_json::to_string(&minimal).unwrap(), r#"{"name":"t"}"#);
    }

    #[test]
    fn arguments_as_binding_data_text() {
        let args: Map<String, Value> = serde_json::from_str(r#"{"a":"x","b":2,"c":[1]}"#).unwrap();
        assert_eq!(
            Value::Object(arguments_as_text(&args)),
            json!({ "a": "x", "b": "2", "c": "[1]" })
        );
    }

    #[test]
    fn names() {
        assert!(check_tool_name("", "tool").is_err());
        assert!(check_tool_name("hello_mcp", "tool").is_ok());
        assert!(matches!(
            check_property_names(["a", " "], "tool property"),
            Err(McpNameError::Blank(..))
        ));
        assert!(matches!(
            check_property_names(["a", "a"], "tool property"),
            Err(McpNameError::Duplicate(_))
        ));
        assert_eq!(
            registry_ident("tool_", "Get-Snippet"),
            registry_ident("tool_", "get-SNIPPET")
        );
        assert_eq!(
            registry_ident("tool_", "get-snippet"),
            "tool_get_x2d_snippet"
        );
        assert_ne!(
            registry_ident("tool_", "a_b"),
            registry_ident("tool_", "a-b")
        );
        assert_ne!(
            registry_ident("tool_", "a_x2d_"),
            registry_ident("tool_", "a-")
        );
    }

    #[test]
    fn property_types() {
        for t in PropertyType::ALL {
            assert_eq!(PropertyType::parse(t.as_str()), Some(t));
        }
        let bad = parse_tool_properties(r#"[{"propertyName":"a","propertyType":"date"}]"#).unwrap();
        assert!(check_tool_properties(&bad).unwrap_err().contains("date"));
        let prompt = parse_prompt_arguments(r#"[{"Name":"topic","required":true}]"#).unwrap();
        assert_eq!(prompt[0].name, "topic");
        assert!(prompt[0].required);
    }
}
