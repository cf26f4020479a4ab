//! What the Functions MCP extension registers from an app's functions, and what it sends a
//! custom handler when a client calls one: the server side of [`crate::mcp`]'s wire.
//!
//! At start the extension registers each `mcpToolTrigger`, `mcpPromptTrigger` and
//! `mcpResourceTrigger` function in a registry (`Ext/DefaultToolRegistry.cs`,
//! `Ext/DefaultPromptRegistry.cs`, `Ext/DefaultResourceRegistry.cs` in
//! `Azure/azure-functions-mcp-extension`); `tools/list`, `prompts/list`, `resources/list` and
//! `resources/templates/list` answer from it ([`Tool::list_entry`] and the like), and
//! `tools/call`, `prompts/get` and `resources/read` find the entry by name (ignoring case) or URI
//! (`Ext/McpWebJobsBuilderExtensions.cs`, which answers an unknown one with a JSON-RPC
//! `InvalidParams` error, [`unknown_message`]). Before a tool or prompt function runs, its
//! required arguments are checked ([`Tool::missing_arguments`]). The invocation then carries the
//! context as the trigger's value, the binding data `mcptoolargs`, `mcptoolcontext`,
//! `mcpsessionid` (and the prompt and resource equivalents), and one text per
//! `mcpToolProperty` / `mcpPromptArgument` input ([`call_payload`]; `Ext/Trigger/*Binding.cs`,
//! `Ext/InputBinding/*InputBinding.cs`).
//!
//! The local host (`cargo azfn start`'s `/runtime/webhooks/mcp`) and `azfn::testing` both build
//! calls with these functions, so a tool behaves the same in a unit test and under the local host.

use serde_json::{Map, Value, json};

use crate::encoding::encode_text;
use crate::mcp::{
    self, McpWireError, PromptArgument, PromptInvocationContext, ResourceInvocationContext,
    ToolInvocationContext, ToolProperty, binding_data, keys,
};
use crate::record::{Binding, FunctionJson};

/// A tool as the extension registers it from an `mcpToolTrigger` function.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// The function's name.
    pub function: String,
    /// `toolName`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `toolProperties`.
    pub properties: Vec<ToolProperty>,
    /// `useResultSchema`: the return value is a result envelope.
    pub use_result_schema: bool,
    /// `outputSchema`, when the function declares one.
    pub output_schema: Option<Value>,
    /// `metadata`, listed as `_meta`.
    pub metadata: Option<Value>,
}

/// A prompt as the extension registers it from an `mcpPromptTrigger` function.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// The function's name.
    pub function: String,
    /// `promptName`.
    pub name: String,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `promptArguments`.
    pub arguments: Vec<PromptArgument>,
    /// `useResultSchema`.
    pub use_result_schema: bool,
    /// `metadata`, listed as `_meta`.
    pub metadata: Option<Value>,
}

/// A resource (or resource template, when its URI has `{...}` parts) as the extension registers
/// it from an `mcpResourceTrigger` function.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The function's name.
    pub function: String,
    /// `uri`.
    pub uri: String,
    /// `resourceName`.
    pub name: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `mimeType`.
    pub mime_type: Option<String>,
    /// `size`.
    pub size: Option<u64>,
    /// `metadata`, listed as `_meta`.
    pub metadata: Option<Value>,
}

/// One registered MCP function.
#[derive(Debug, Clone, PartialEq)]
pub enum Registered {
    /// An `mcpToolTrigger` function.
    Tool(Tool),
    /// An `mcpPromptTrigger` function.
    Prompt(Prompt),
    /// An `mcpResourceTrigger` function.
    Resource(Resource),
}

/// The tools among `registry`.
pub fn tools(registry: &[Registered]) -> impl Iterator<Item = &Tool> {
    registry.iter().filter_map(|r| match r {
        Registered::Tool(t) => Some(t),
        _ => None,
    })
}

/// The prompts among `registry`.
pub fn prompts(registry: &[Registered]) -> impl Iterator<Item = &Prompt> {
    registry.iter().filter_map(|r| match r {
        Registered::Prompt(p) => Some(p),
        _ => None,
    })
}

/// The resources (and resource templates) among `registry`.
pub fn resources(registry: &[Registered]) -> impl Iterator<Item = &Resource> {
    registry.iter().filter_map(|r| match r {
        Registered::Resource(r) => Some(r),
        _ => None,
    })
}

/// The tool a `tools/call` for `name` reaches: names compare ignoring case
/// ([`mcp::registry_key`], `DefaultToolRegistry`).
pub fn find_tool<'a>(registry: &'a [Registered], name: &str) -> Option<&'a Tool> {
    let key = mcp::registry_key(name);
    tools(registry).find(|t| mcp::registry_key(&t.name) == key)
}

/// The prompt a `prompts/get` for `name` reaches, as [`find_tool`] finds tools
/// (`DefaultPromptRegistry`).
pub fn find_prompt<'a>(registry: &'a [Registered], name: &str) -> Option<&'a Prompt> {
    let key = mcp::registry_key(name);
    prompts(registry).find(|p| mcp::registry_key(&p.name) == key)
}

/// The resource a `resources/read` of `uri` reaches ([`Resource::serves`]).
pub fn find_resource<'a>(registry: &'a [Registered], uri: &str) -> Option<&'a Resource> {
    resources(registry).find(|r| r.serves(uri))
}

fn text_setting(trigger: &Binding, key: &str) -> Option<String> {
    trigger
        .settings
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A setting that holds JSON, either as the JSON text the extension's attributes take (the
/// workers write `metadata` and `outputSchema` as strings) or as the value itself.
fn json_setting(trigger: &Binding, key: &str) -> Result<Option<Value>, McpWireError> {
    match trigger.settings.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => {
            serde_json::from_str(text)
                .map(Some)
                .map_err(|e| McpWireError::Invalid {
                    what: "a JSON setting of an MCP trigger",
                    detail: format!("`{key}`: {e}"),
                })
        }
        Some(other) => Ok(Some(other.clone())),
    }
}

fn flag(trigger: &Binding, key: &str) -> bool {
    trigger
        .settings
        .get(key)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// What the extension registers from `function` (named `function_name`), or `None` when its
/// trigger is not an MCP trigger. A setting the extension could not read is an error.
pub fn registered(
    function_name: &str,
    function: &FunctionJson,
) -> Option<Result<Registered, McpWireError>> {
    let trigger = function.bindings.iter().find(|b| b.is_trigger())?;
    let read = || -> Result<Registered, McpWireError> {
        let function = function_name.to_owned();
        Ok(match trigger.kind.as_str() {
            mcp::TOOL_TRIGGER => Registered::Tool(Tool {
                name: text_setting(trigger, keys::TOOL_NAME).unwrap_or_else(|| function.clone()),
                function,
                description: text_setting(trigger, keys::DESCRIPTION),
                properties: match trigger.settings.get(keys::TOOL_PROPERTIES) {
                    Some(Value::String(text)) if !text.trim().is_empty() => {
                        mcp::parse_tool_properties(text)?
                    }
                    _ => Vec::new(),
                },
                use_result_schema: flag(trigger, keys::USE_RESULT_SCHEMA),
                output_schema: json_setting(trigger, keys::OUTPUT_SCHEMA)?,
                metadata: json_setting(trigger, keys::METADATA)?,
            }),
            mcp::PROMPT_TRIGGER => Registered::Prompt(Prompt {
                name: text_setting(trigger, keys::PROMPT_NAME).unwrap_or_else(|| function.clone()),
                function,
                title: text_setting(trigger, keys::TITLE),
                description: text_setting(trigger, keys::DESCRIPTION),
                arguments: match trigger.settings.get(keys::PROMPT_ARGUMENTS) {
                    Some(Value::String(text)) if !text.trim().is_empty() => {
                        mcp::parse_prompt_arguments(text)?
                    }
                    _ => Vec::new(),
                },
                use_result_schema: flag(trigger, keys::USE_RESULT_SCHEMA),
                metadata: json_setting(trigger, keys::METADATA)?,
            }),
            mcp::RESOURCE_TRIGGER => Registered::Resource(Resource {
                uri: text_setting(trigger, keys::URI).unwrap_or_default(),
                function,
                name: text_setting(trigger, keys::RESOURCE_NAME),
                title: text_setting(trigger, keys::TITLE),
                description: text_setting(trigger, keys::DESCRIPTION),
                mime_type: text_setting(trigger, keys::MIME_TYPE),
                size: trigger.settings.get(keys::SIZE).and_then(Value::as_u64),
                metadata: json_setting(trigger, keys::METADATA)?,
            }),
            _ => unreachable!("checked below"),
        })
    };
    matches!(
        trigger.kind.as_str(),
        mcp::TOOL_TRIGGER | mcp::PROMPT_TRIGGER | mcp::RESOURCE_TRIGGER
    )
    .then(read)
}

/// Inserts `value` under `key` when there is one (the SDK leaves null members out).
fn insert_some(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

impl Tool {
    /// The `Tool` entry of `tools/list`: name, description, input schema from the properties,
    /// output schema, `_meta`.
    pub fn list_entry(&self) -> Value {
        let mut entry = Map::new();
        entry.insert("name".into(), json!(self.name));
        insert_some(
            &mut entry,
            "description",
            self.description.clone().map(Value::from),
        );
        entry.insert(
            "inputSchema".into(),
            mcp::input_schema_from_tool_properties(&self.properties),
        );
        insert_some(&mut entry, "outputSchema", self.output_schema.clone());
        insert_some(&mut entry, "_meta", self.metadata.clone());
        Value::Object(entry)
    }

    /// The message of the `InvalidParams` error the extension answers a call with when it lacks
    /// a required argument, or `None` when the call has them all.
    pub fn missing_arguments(&self, arguments: Option<&Map<String, Value>>) -> Option<String> {
        let required = self
            .properties
            .iter()
            .filter(|p| p.is_required)
            .map(|p| p.property_name.as_str());
        let missing = mcp::missing_required(required, arguments);
        (!missing.is_empty()).then(|| mcp::missing_tool_arguments_message(&missing))
    }

    /// The result the client gets: the return value as [`mcp::call_tool_result`] reads it, or,
    /// for a failed invocation (`None`) or a value that does not fit, the tool error.
    pub fn result(&self, return_value: Option<Option<&Value>>) -> Value {
        return_value
            .and_then(|value| mcp::call_tool_result(value, self.use_result_schema).ok())
            .unwrap_or_else(|| mcp::tool_error_result(&self.name))
    }
}

impl Prompt {
    /// The `Prompt` entry of `prompts/list`.
    pub fn list_entry(&self) -> Value {
        let mut entry = Map::new();
        entry.insert("name".into(), json!(self.name));
        insert_some(&mut entry, "title", self.title.clone().map(Value::from));
        insert_some(
            &mut entry,
            "description",
            self.description.clone().map(Value::from),
        );
        if !self.arguments.is_empty() {
            entry.insert(
                "arguments".into(),
                serde_json::to_value(&self.arguments).expect("arguments serialize"),
            );
        }
        insert_some(&mut entry, "_meta", self.metadata.clone());
        Value::Object(entry)
    }

    /// The message of the `InvalidParams` error for a request that lacks a required argument.
    pub fn missing_arguments(&self, arguments: Option<&Map<String, Value>>) -> Option<String> {
        let required = self
            .arguments
            .iter()
            .filter(|a| a.required)
            .map(|a| a.name.as_str());
        let missing = mcp::missing_required(required, arguments);
        (!missing.is_empty()).then(|| mcp::missing_prompt_arguments_message(&missing))
    }
}

impl Resource {
    /// Whether the URI is a template (`ResourceUriHelper.IsTemplate`: it holds a `{...}` part),
    /// listed by `resources/templates/list` instead of `resources/list`.
    pub fn is_template(&self) -> bool {
        self.uri.contains('{') && self.uri.contains('}')
    }

    /// The `Resource` entry of `resources/list`, or the `ResourceTemplate` entry of
    /// `resources/templates/list` for a template.
    pub fn list_entry(&self) -> Value {
        let mut entry = Map::new();
        let uri_key = if self.is_template() {
            "uriTemplate"
        } else {
            "uri"
        };
        entry.insert(uri_key.into(), json!(self.uri));
        entry.insert(
            "name".into(),
            json!(self.name.clone().unwrap_or_else(|| self.function.clone())),
        );
        insert_some(&mut entry, "title", self.title.clone().map(Value::from));
        insert_some(
            &mut entry,
            "description",
            self.description.clone().map(Value::from),
        );
        insert_some(
            &mut entry,
            "mimeType",
            self.mime_type.clone().map(Value::from),
        );
        if !self.is_template() {
            insert_some(&mut entry, "size", self.size.map(Value::from));
        }
        insert_some(&mut entry, "_meta", self.metadata.clone());
        Value::Object(entry)
    }

    /// Whether a `resources/read` of `uri` reaches this resource: the same URI ignoring case, or,
    /// for a template, a URI whose `{...}` parts each match one or more characters other than
    /// `/` (`ResourceUriHelper.BuildTemplateRegex`).
    pub fn serves(&self, uri: &str) -> bool {
        if !self.is_template() {
            return self.uri.eq_ignore_ascii_case(uri);
        }
        template_matches(&self.uri, uri)
    }
}

/// `{name}` parts match `[^/]+`, everything else literally, ignoring case.
fn template_matches(template: &str, uri: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        pieces.push(Some(&rest[..open]));
        pieces.push(None);
        rest = &rest[open + close + 1..];
    }
    pieces.push(Some(rest));
    fn walk(pieces: &[Option<&str>], uri: &str) -> bool {
        match pieces.split_first() {
            None => uri.is_empty(),
            Some((Some(literal), tail)) => {
                uri.len() >= literal.len()
                    && uri.is_char_boundary(literal.len())
                    && uri[..literal.len()].eq_ignore_ascii_case(literal)
                    && walk(tail, &uri[literal.len()..])
            }
            Some((None, tail)) => {
                let segment_end = uri.find('/').unwrap_or(uri.len());
                (1..=segment_end)
                    .filter(|&end| uri.is_char_boundary(end))
                    .any(|end| walk(tail, &uri[end..]))
            }
        }
    }
    walk(&pieces, uri)
}

/// The message of the `InvalidParams` error for a tool, prompt or resource the registry does not
/// have (`Unknown tool: 'x'`).
pub fn unknown_message(kind: &str, name: &str) -> String {
    format!("Unknown {kind}: '{name}'")
}

/// One client request to a function.
#[derive(Debug, Clone, Copy)]
pub enum Call<'a> {
    /// `tools/call`.
    Tool(&'a ToolInvocationContext),
    /// `prompts/get`.
    Prompt(&'a PromptInvocationContext),
    /// `resources/read`.
    Resource(&'a ResourceInvocationContext),
}

/// An invocation's `Data` and `Metadata` entries for a call, encoded as the host sends them
/// (§2.3), without `sys` (which the host adds to every invocation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallPayload {
    /// The trigger's value (the context, as JSON text) and each argument input's text.
    pub data: Map<String, Value>,
    /// The binding data: the context, the arguments as texts, the session id, the URI.
    pub metadata: Map<String, Value>,
}

/// What the extension sends a custom handler for `call` to `function`: the context serialized
/// as the trigger's value (a worker whose parameter is not a .NET type gets the JSON text), the
/// binding data, and each `mcpToolProperty` / `mcpPromptArgument` input's argument as text (an
/// absent argument as `""`).
pub fn call_payload(function: &FunctionJson, call: Call<'_>) -> CallPayload {
    let mut payload = CallPayload::default();
    let (context, arguments, session, args_key, context_key) = match call {
        Call::Tool(c) => (
            serde_json::to_value(c),
            c.arguments.as_ref(),
            c.session.sessionid.as_deref(),
            Some(binding_data::TOOL_ARGS),
            binding_data::TOOL_CONTEXT,
        ),
        Call::Prompt(c) => (
            serde_json::to_value(c),
            c.arguments.as_ref(),
            c.session.sessionid.as_deref(),
            Some(binding_data::PROMPT_ARGS),
            binding_data::PROMPT_CONTEXT,
        ),
        Call::Resource(c) => (
            serde_json::to_value(c),
            None,
            c.session.sessionid.as_deref(),
            None,
            binding_data::RESOURCE_CONTEXT,
        ),
    };
    let context = context.expect("contexts serialize");
    if let Some(trigger) = function.bindings.iter().find(|b| b.is_trigger()) {
        payload
            .data
            .insert(trigger.name.clone(), encode_text(&context.to_string()));
    }
    let texts = arguments.map(mcp::arguments_as_text).unwrap_or_default();
    for binding in &function.bindings {
        let key = match binding.kind.as_str() {
            mcp::TOOL_PROPERTY_INPUT => keys::PROPERTY_NAME,
            mcp::PROMPT_ARGUMENT_INPUT => keys::ARGUMENT_NAME,
            _ => continue,
        };
        let text = binding
            .settings
            .get(key)
            .and_then(Value::as_str)
            .and_then(|name| texts.get(name))
            .and_then(Value::as_str)
            .unwrap_or_default();
        payload.data.insert(binding.name.clone(), encode_text(text));
    }
    if let Call::Resource(c) = call {
        payload
            .metadata
            .insert(binding_data::RESOURCE_URI.into(), encode_text(&c.uri));
    }
    payload.metadata.insert(context_key.into(), context);
    if let Some(session) = session {
        payload
            .metadata
            .insert(binding_data::SESSION_ID.into(), encode_text(session));
    }
    if let (Some(key), Some(_)) = (args_key, arguments) {
        payload.metadata.insert(key.into(), Value::Object(texts));
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::CallSession;

    fn function(text: &str) -> FunctionJson {
        serde_json::from_str(text).unwrap()
    }

    const GET_SNIPPET: &str = r#"{"bindings":[
        {"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"get_snippet",
         "description":"Retrieve a snippet by name.",
         "toolProperties":"[{\"propertyName\":\"snippetname\",\"propertyType\":\"string\",\"description\":\"The name of the snippet.\",\"isRequired\":true}]"},
        {"type":"mcpToolProperty","direction":"in","name":"name","propertyName":"snippetname"},
        {"type":"blob","direction":"in","name":"file","path":"snippets/{mcptoolargs.snippetname}.json"}]}"#;

    fn tool() -> Tool {
        match registered("GetSnippet", &function(GET_SNIPPET)) {
            Some(Ok(Registered::Tool(tool))) => tool,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_call_finds_its_tool_by_name_ignoring_case_and_nothing_else() {
        let registry = [Registered::Tool(tool())];
        assert_eq!(find_tool(&registry, "GET_Snippet"), Some(&tool()));
        assert_eq!(find_tool(&registry, "get_snippets"), None);
        assert_eq!(find_prompt(&registry, "get_snippet"), None);
        assert_eq!(find_resource(&registry, "get_snippet"), None);
    }

    #[test]
    fn a_tool_is_listed_with_the_schema_of_its_properties() {
        assert_eq!(
            tool().list_entry(),
            json!({"name": "get_snippet", "description": "Retrieve a snippet by name.",
                "inputSchema": {"type": "object", "required": ["snippetname"], "properties": {
                    "snippetname": {"type": "string", "description": "The name of the snippet."}}}})
        );
        let http =
            function(r#"{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}"#);
        assert_eq!(registered("hello", &http), None);
    }

    #[test]
    fn a_call_without_a_required_argument_is_refused_before_the_function_runs() {
        let tool = tool();
        assert!(
            tool.missing_arguments(None)
                .unwrap()
                .contains("snippetname")
        );
        let args = json!({"snippetname": "a"});
        assert_eq!(tool.missing_arguments(args.as_object()), None);
    }

    #[test]
    fn a_call_carries_the_context_the_binding_data_and_each_property_input() {
        let context = ToolInvocationContext {
            name: "get_snippet".into(),
            arguments: json!({"snippetname": "greeting", "n": 2})
                .as_object()
                .cloned(),
            session: CallSession {
                sessionid: Some("s-1".into()),
                ..CallSession::default()
            },
        };
        let payload = call_payload(&function(GET_SNIPPET), Call::Tool(&context));
        let wire = payload.data["context"].as_str().unwrap();
        let text: String = serde_json::from_str(wire).unwrap();
        let sent: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(sent["arguments"]["snippetname"], "greeting");
        assert_eq!(payload.data["name"], encode_text("greeting"));
        assert_eq!(
            payload.metadata[binding_data::TOOL_ARGS],
            json!({"snippetname": "greeting", "n": "2"})
        );
        assert_eq!(
            payload.metadata[binding_data::SESSION_ID],
            encode_text("s-1")
        );
        assert_eq!(
            payload.metadata[binding_data::TOOL_CONTEXT]["name"],
            "get_snippet"
        );
    }

    #[test]
    fn a_failed_call_is_the_tool_error_and_a_value_is_text() {
        let tool = tool();
        assert_eq!(tool.result(None)["isError"], true);
        assert_eq!(
            tool.result(Some(Some(&json!("hi")))),
            json!({"content": [{"type": "text", "text": "hi"}]})
        );
    }

    #[test]
    fn resource_templates_match_one_segment_per_part() {
        let resource = |uri: &str| Resource {
            function: "f".into(),
            uri: uri.into(),
            name: None,
            title: None,
            description: None,
            mime_type: None,
            size: Some(3),
            metadata: None,
        };
        let fixed = resource("snippets://readme");
        assert!(!fixed.is_template());
        assert!(fixed.serves("SNIPPETS://README"));
        assert!(!fixed.serves("snippets://readme2"));
        assert_eq!(fixed.list_entry()["size"], 3);
        let template = resource("snippets://{name}/text");
        assert!(template.is_template());
        assert!(template.serves("snippets://hello/text"));
        assert!(!template.serves("snippets://a/b/text"));
        assert!(!template.serves("snippets:///text"));
        assert_eq!(
            template.list_entry()["uriTemplate"],
            "snippets://{name}/text"
        );
        assert!(template.list_entry().get("size").is_none());
    }
}
