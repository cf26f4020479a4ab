//! MCP tools, resources and prompts served by the Functions MCP extension
//! (`#[mcp_tool_trigger]`, `#[mcp_resource_trigger]`, `#[mcp_prompt_trigger]`): the values a
//! function takes and returns. The wire (contexts, `toolProperties`, results) is
//! `azfn_spec::mcp`, which says where in the extension's source each rule comes from.
//!
//! A tool's arguments are a plain Rust type:
//!
//! ```
//! /// Arguments of `get_snippet`.
//! #[derive(serde::Deserialize, azfn::ToolArguments)]
//! struct Snippet {
//!     /// The name of the snippet.
//!     snippetname: String,
//!     /// How many lines to return.
//!     lines: Option<u32>,
//! }
//!
//! use azfn::mcp::ToolArguments as _;
//! assert_eq!(
//!     Snippet::TOOL_PROPERTIES,
//!     r#"[{"propertyName":"snippetname","propertyType":"string","description":"The name of the snippet.","isRequired":true},{"propertyName":"lines","propertyType":"integer","description":"How many lines to return."}]"#
//! );
//! ```
//!
//! # How `toolProperties` gets into the record at compile time
//!
//! A function's record is its `function.json`, compiled into the binary as bytes
//! (`azfn_spec::record`). The attribute sees the tool's argument type only as tokens, so it
//! cannot know the type's fields. Instead, each type states its own description in associated
//! consts: [`ToolPropertyType`] for a property's type (`PROPERTY_TYPE`, `REQUIRED`, `IS_ARRAY`,
//! the `enumValues` fragment), and [`ToolArguments`] for a whole arguments struct, whose derive
//! writes one JSON object per field from the field's name, doc comment and
//! `<FieldType as ToolPropertyType>` consts. The tool attribute writes the record's JSON in
//! pieces around `<TriggerParam as ToolTrigger>::TOOL_PROPERTY_ITEMS_ESCAPED` and the return
//! type's `useResultSchema` fragment, and joins them in a `const` item with
//! `azfn_spec::record::{concat_len, concat}` (plain `const fn`s, the loop record framing already
//! runs). The text is put inside a JSON string (the extension reads `toolProperties` as a string),
//! so every piece exists twice, as JSON and escaped for a JSON string; escaping is per character,
//! so the escaped pieces join to the escaped whole. A field type without a description
//! (`HashMap`, a type without the derive) is a compile error at that field.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{BoxError, PayloadError};
use crate::invocation::{FromInvocation, Invocation, InvocationFailure};

pub use azfn_spec::mcp::{
    ClientInfo, PromptInvocationContext, ResourceInvocationContext, ToolInvocationContext,
    Transport,
};

/// A type a tool property can have: the extension's `string`, `integer`, `number`, `boolean`,
/// `object`, an array of one of those, optional or required.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be described as an MCP tool property",
    label = "no MCP property type",
    note = "the MCP extension's property types are string (`String`, `char`), integer (Rust \
            integers), number (`f32`, `f64`), boolean (`bool`), object (a \
            `#[derive(azfn::ToolArguments)]` struct, `serde_json::Value`), `Vec<T>` of one of \
            those, `Option<T>`, and `#[derive(azfn::ToolEnum)]` enums; maps such as `HashMap` \
            have no property type"
)]
pub trait ToolPropertyType {
    /// The JSON type (of the items, for an array).
    const PROPERTY_TYPE: &'static str;
    /// Whether a call must give it.
    const REQUIRED: bool;
    /// Whether it is an array of [`Self::PROPERTY_TYPE`].
    const IS_ARRAY: bool;
    /// `,"enumValues":[...]` for an enum, else empty.
    const ENUM_VALUES_JSON: &'static str;
    /// [`Self::ENUM_VALUES_JSON`] escaped for a JSON string.
    #[doc(hidden)]
    const ENUM_VALUES_JSON_ESCAPED: &'static str;
}

/// A type that can be the item of an array property (not itself an array).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the item type of an MCP array property",
    label = "the MCP extension's arrays are one level deep, of a string, integer, number, boolean or object",
    note = "use `Vec<T>` with `T` a scalar, a `#[derive(azfn::ToolArguments)]` struct or a \
            `#[derive(azfn::ToolEnum)]` enum"
)]
pub trait ToolItemType: ToolPropertyType {}

macro_rules! scalar {
    ($json:literal => $($ty:ty),*) => {$(
        impl ToolPropertyType for $ty {
            const PROPERTY_TYPE: &'static str = $json;
            const REQUIRED: bool = true;
            const IS_ARRAY: bool = false;
            const ENUM_VALUES_JSON: &'static str = "";
            const ENUM_VALUES_JSON_ESCAPED: &'static str = "";
        }
        impl ToolItemType for $ty {}
    )*};
}

scalar!("string" => String, char);
scalar!("integer" => i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
scalar!("number" => f32, f64);
scalar!("boolean" => bool);
scalar!("object" => Value, Map<String, Value>);

impl<T: ToolPropertyType> ToolPropertyType for Option<T> {
    const PROPERTY_TYPE: &'static str = T::PROPERTY_TYPE;
    const REQUIRED: bool = false;
    const IS_ARRAY: bool = T::IS_ARRAY;
    const ENUM_VALUES_JSON: &'static str = T::ENUM_VALUES_JSON;
    const ENUM_VALUES_JSON_ESCAPED: &'static str = T::ENUM_VALUES_JSON_ESCAPED;
}

impl<T: ToolItemType> ToolPropertyType for Vec<T> {
    const PROPERTY_TYPE: &'static str = T::PROPERTY_TYPE;
    const REQUIRED: bool = true;
    const IS_ARRAY: bool = true;
    const ENUM_VALUES_JSON: &'static str = T::ENUM_VALUES_JSON;
    const ENUM_VALUES_JSON_ESCAPED: &'static str = T::ENUM_VALUES_JSON_ESCAPED;
}

impl<T: ToolPropertyType> ToolPropertyType for Box<T> {
    const PROPERTY_TYPE: &'static str = T::PROPERTY_TYPE;
    const REQUIRED: bool = T::REQUIRED;
    const IS_ARRAY: bool = T::IS_ARRAY;
    const ENUM_VALUES_JSON: &'static str = T::ENUM_VALUES_JSON;
    const ENUM_VALUES_JSON_ESCAPED: &'static str = T::ENUM_VALUES_JSON_ESCAPED;
}

/// A tool's arguments: a struct whose fields are the tool's properties. Derive it with
/// `#[derive(serde::Deserialize, azfn::ToolArguments)]`: each field is a property named as
/// serde names it (`rename`, `rename_all`), described by its doc comment, required unless it is
/// an `Option` or has `#[serde(default)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not describe MCP tool arguments",
    label = "not a `#[derive(azfn::ToolArguments)]` type",
    note = "derive it: `#[derive(serde::Deserialize, azfn::ToolArguments)] struct {Self} {{ ... }}`"
)]
pub trait ToolArguments: DeserializeOwned {
    /// The `toolProperties` JSON (an array).
    const TOOL_PROPERTIES: &'static str;
    /// The array's items, escaped for a JSON string, without brackets.
    #[doc(hidden)]
    const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str;
    /// How many properties there are.
    const TOOL_PROPERTY_COUNT: usize;
}

/// A prompt's arguments: a struct of `String` and `Option<String>` fields (MCP prompt arguments
/// are strings). Derive it with `#[derive(serde::Deserialize, azfn::PromptArguments)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not describe MCP prompt arguments",
    label = "not a `#[derive(azfn::PromptArguments)]` type",
    note = "derive it: `#[derive(serde::Deserialize, azfn::PromptArguments)] struct {Self} {{ ... }}`"
)]
pub trait PromptArguments: DeserializeOwned {
    /// The `promptArguments` JSON (an array).
    const PROMPT_ARGUMENTS: &'static str;
    /// The array's items, escaped for a JSON string, without brackets.
    #[doc(hidden)]
    const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str;
    /// How many arguments there are.
    const PROMPT_ARGUMENT_COUNT: usize;
}

/// A prompt argument's type: MCP prompt arguments are strings.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an MCP prompt argument",
    label = "prompt arguments are strings",
    note = "use `String`, or `Option<String>` for an argument the client may leave out"
)]
pub trait PromptArgumentType {
    /// Whether a request must give it.
    const REQUIRED: bool;
}

impl PromptArgumentType for String {
    const REQUIRED: bool = true;
}

impl PromptArgumentType for Option<String> {
    const REQUIRED: bool = false;
}

/// Arguments of a tool without any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoArguments;

impl<'de> Deserialize<'de> for NoArguments {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| NoArguments)
    }
}

impl ToolArguments for NoArguments {
    const TOOL_PROPERTIES: &'static str = "[]";
    const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str = "";
    const TOOL_PROPERTY_COUNT: usize = 0;
}

impl PromptArguments for NoArguments {
    const PROMPT_ARGUMENTS: &'static str = "[]";
    const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str = "";
    const PROMPT_ARGUMENT_COUNT: usize = 0;
}

/// A tool trigger parameter: it says which arguments the tool declares.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the trigger parameter of an MCP tool",
    label = "not a tool trigger value",
    note = "take `azfn::mcp::ToolArgs<T>` (the arguments) or `azfn::mcp::ToolInvocation<T>` \
            (arguments and context), `T` a `#[derive(azfn::ToolArguments)]` struct"
)]
pub trait ToolTrigger {
    /// The declared properties, escaped for a JSON string, without brackets.
    #[doc(hidden)]
    const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str;
    /// How many properties there are.
    #[doc(hidden)]
    const TOOL_PROPERTY_COUNT: usize;
}

/// A prompt trigger parameter: it says which arguments the prompt declares.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the trigger parameter of an MCP prompt",
    label = "not a prompt trigger value",
    note = "take `azfn::mcp::PromptArgs<T>` or `azfn::mcp::PromptInvocation<T>`, `T` a \
            `#[derive(azfn::PromptArguments)]` struct"
)]
pub trait PromptTrigger {
    /// The declared arguments, escaped for a JSON string, without brackets.
    #[doc(hidden)]
    const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str;
    /// How many arguments there are.
    #[doc(hidden)]
    const PROMPT_ARGUMENT_COUNT: usize;
}

/// A resource trigger parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the trigger parameter of an MCP resource",
    label = "not a resource trigger value",
    note = "take `azfn::mcp::ResourceInvocation`, or no trigger parameter"
)]
pub trait ResourceTrigger {}

/// The arguments of a tool call, deserialized from the context's `arguments`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolArgs<T>(pub T);

impl<T> std::ops::Deref for ToolArgs<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> ToolArgs<T> {
    /// The arguments.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// A tool call: its arguments and the whole context the extension sends (session, client,
/// transport).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolInvocation<T = NoArguments> {
    /// The arguments.
    pub arguments: T,
    /// The context.
    pub context: ToolInvocationContext,
}

/// The arguments of a prompt request.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptArgs<T>(pub T);

impl<T> std::ops::Deref for PromptArgs<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A prompt request: its arguments and the whole context.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptInvocation<T = NoArguments> {
    /// The arguments.
    pub arguments: T,
    /// The context.
    pub context: PromptInvocationContext,
}

/// A resource read: the URI and the context.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInvocation {
    /// The context (`context.uri` is the URI read).
    pub context: ResourceInvocationContext,
}

impl<T: ToolArguments> ToolTrigger for ToolArgs<T> {
    const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str = T::TOOL_PROPERTY_ITEMS_ESCAPED;
    const TOOL_PROPERTY_COUNT: usize = T::TOOL_PROPERTY_COUNT;
}

impl<T: ToolArguments> ToolTrigger for ToolInvocation<T> {
    const TOOL_PROPERTY_ITEMS_ESCAPED: &'static str = T::TOOL_PROPERTY_ITEMS_ESCAPED;
    const TOOL_PROPERTY_COUNT: usize = T::TOOL_PROPERTY_COUNT;
}

impl<T: PromptArguments> PromptTrigger for PromptArgs<T> {
    const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str = T::PROMPT_ARGUMENT_ITEMS_ESCAPED;
    const PROMPT_ARGUMENT_COUNT: usize = T::PROMPT_ARGUMENT_COUNT;
}

impl<T: PromptArguments> PromptTrigger for PromptInvocation<T> {
    const PROMPT_ARGUMENT_ITEMS_ESCAPED: &'static str = T::PROMPT_ARGUMENT_ITEMS_ESCAPED;
    const PROMPT_ARGUMENT_COUNT: usize = T::PROMPT_ARGUMENT_COUNT;
}

impl ResourceTrigger for ResourceInvocation {}

/// The context from the trigger's value: the extension hands a custom handler the context
/// serialized as a JSON string (`Mcp*TriggerBinding.BindAsync`); an object is taken as well.
fn context_from_value<C: DeserializeOwned>(value: Value) -> Result<C, String> {
    let value = match value {
        Value::String(text) => {
            serde_json::from_str(&text).map_err(|e| format!("the MCP context is not JSON: {e}"))?
        }
        other => other,
    };
    serde_json::from_value(value).map_err(|e| format!("the MCP context does not fit: {e}"))
}

fn arguments_from<T: DeserializeOwned>(
    arguments: Option<&Map<String, Value>>,
) -> Result<T, String> {
    let arguments = Value::Object(arguments.cloned().unwrap_or_default());
    serde_path_to_error::deserialize(arguments)
        .map_err(|e| format!("the arguments do not fit: {e}"))
}

/// Reads the trigger's value and makes `T` of it; a mistake is the payload's (a 400, which
/// fails the invocation, which the client receives as a tool error).
fn from_trigger<T>(
    invocation: &Invocation,
    trigger: &str,
    expected: &'static str,
    read: impl FnOnce(Value) -> Result<T, String>,
) -> Result<T, InvocationFailure> {
    let value: Value = invocation.input(trigger)?;
    read(value).map_err(|reason| {
        PayloadError::Input {
            binding: trigger.to_owned(),
            expected,
            reason,
        }
        .into()
    })
}

// `FromInvocation` directly, not `FromBindingValue`: these are trigger values only, never
// inputs of other bindings.
impl<T: ToolArguments> FromInvocation for ToolInvocation<T> {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        from_trigger(invocation, trigger, "an MCP tool call", |value| {
            let context: ToolInvocationContext = context_from_value(value)?;
            let arguments = arguments_from(context.arguments.as_ref())?;
            Ok(ToolInvocation { arguments, context })
        })
    }
}

impl<T: ToolArguments> FromInvocation for ToolArgs<T> {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        ToolInvocation::<T>::from_invocation(invocation, trigger).map(|i| ToolArgs(i.arguments))
    }
}

impl<T: PromptArguments> FromInvocation for PromptInvocation<T> {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        from_trigger(invocation, trigger, "an MCP prompt request", |value| {
            let context: PromptInvocationContext = context_from_value(value)?;
            let arguments = arguments_from(context.arguments.as_ref())?;
            Ok(PromptInvocation { arguments, context })
        })
    }
}

impl<T: PromptArguments> FromInvocation for PromptArgs<T> {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        PromptInvocation::<T>::from_invocation(invocation, trigger).map(|i| PromptArgs(i.arguments))
    }
}

impl FromInvocation for ResourceInvocation {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        from_trigger(invocation, trigger, "an MCP resource read", |value| {
            context_from_value(value).map(|context| ResourceInvocation { context })
        })
    }
}

/// A tool result that is structured JSON: sent as the extension's `useResultSchema` envelope,
/// the JSON both as the text block and as `structuredContent`, as the .NET worker SDK sends an
/// `[McpContent]` object (`FunctionsMcpToolResultMiddleware.ProcessDefaultResult`).
#[derive(Debug, Clone, PartialEq)]
pub struct Structured<T>(pub T);

/// What a tool function may return: text (`String`, `&'static str`), nothing (`()`: an empty
/// result), [`Structured`] JSON, or a `Result` of those, whose `Err` fails the invocation (the
/// client gets an MCP tool error, `isError: true`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the result of an MCP tool",
    label = "not a tool result",
    note = "return `String` (text), `azfn::mcp::Structured<T>` with `T: Serialize` (structured \
            JSON), `()`, or a `Result` of one of those"
)]
pub trait IntoToolResult {
    /// Whether the result goes through the extension's `useResultSchema` envelope.
    const USE_RESULT_SCHEMA: bool;
    /// The return value the host reads (`None`: nothing), or the function's error.
    fn into_tool_result(self) -> Result<Option<Value>, BoxError>;
}

impl IntoToolResult for String {
    const USE_RESULT_SCHEMA: bool = false;
    fn into_tool_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self)))
    }
}

impl IntoToolResult for &'static str {
    const USE_RESULT_SCHEMA: bool = false;
    fn into_tool_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self.to_owned())))
    }
}

impl IntoToolResult for () {
    const USE_RESULT_SCHEMA: bool = false;
    fn into_tool_result(self) -> Result<Option<Value>, BoxError> {
        Ok(None)
    }
}

impl<T: Serialize> IntoToolResult for Structured<T> {
    const USE_RESULT_SCHEMA: bool = true;
    fn into_tool_result(self) -> Result<Option<Value>, BoxError> {
        let json = serde_json::to_value(&self.0)?;
        let envelope = azfn_spec::mcp::ToolResultEnvelope::structured(&json);
        Ok(Some(Value::String(envelope.to_return_text())))
    }
}

impl<T: IntoToolResult, E: Into<BoxError>> IntoToolResult for Result<T, E> {
    const USE_RESULT_SCHEMA: bool = T::USE_RESULT_SCHEMA;
    fn into_tool_result(self) -> Result<Option<Value>, BoxError> {
        self.map_err(Into::into)?.into_tool_result()
    }
}

/// A resource's contents as bytes: sent in the extension's worker envelope
/// (`McpResourceResult`, `{"content": "<ResourceContents JSON>"}`) with `blob` in base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlob(pub Vec<u8>);

/// What a resource function may return: its text (`String`, `&'static str`), its bytes
/// ([`ResourceBlob`]), or a `Result` of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the contents of an MCP resource",
    label = "not resource contents",
    note = "return `String` (text), `azfn::mcp::ResourceBlob` (bytes), or a `Result` of one"
)]
pub trait IntoResourceResult {
    /// The return value the host reads, or the function's error.
    fn into_resource_result(self) -> Result<Option<Value>, BoxError>;
}

impl IntoResourceResult for String {
    fn into_resource_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self)))
    }
}

impl IntoResourceResult for &'static str {
    fn into_resource_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self.to_owned())))
    }
}

impl IntoResourceResult for ResourceBlob {
    fn into_resource_result(self) -> Result<Option<Value>, BoxError> {
        use base64::Engine as _;
        let contents = serde_json::json!({
            "blob": base64::engine::general_purpose::STANDARD.encode(&self.0),
        });
        let envelope = serde_json::json!({ "content": contents.to_string() });
        Ok(Some(Value::String(envelope.to_string())))
    }
}

impl<T: IntoResourceResult, E: Into<BoxError>> IntoResourceResult for Result<T, E> {
    fn into_resource_result(self) -> Result<Option<Value>, BoxError> {
        self.map_err(Into::into)?.into_resource_result()
    }
}

/// Who says a [`PromptMessage`] in the conversation a prompt sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The model.
    Assistant,
}

/// One text message of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptMessage {
    /// Who says it.
    pub role: Role,
    /// What is said.
    pub text: String,
}

impl PromptMessage {
    /// A message from the user.
    pub fn user(text: impl Into<String>) -> PromptMessage {
        PromptMessage {
            role: Role::User,
            text: text.into(),
        }
    }

    /// A message from the model (an example answer the conversation starts with).
    pub fn assistant(text: impl Into<String>) -> PromptMessage {
        PromptMessage {
            role: Role::Assistant,
            text: text.into(),
        }
    }
}

/// A prompt's messages, in order: for a prompt that sets up more than one user message, or
/// puts words in the model's mouth. Sent in the extension's `useResultSchema` envelope
/// (`prompt_messages`), which the prompt's `function.json` then declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptMessages(pub Vec<PromptMessage>);

/// What a prompt function may return: the text of one user message (`String`, `&'static
/// str`), several messages ([`PromptMessages`]), or a `Result` of those, whose `Err` fails the
/// request (the client gets a JSON-RPC error).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the result of an MCP prompt",
    label = "not a prompt result",
    note = "return `String` (one user message), `azfn::mcp::PromptMessages`, or a `Result` of \
            one of those"
)]
pub trait IntoPromptResult {
    /// Whether the result goes through the extension's `useResultSchema` envelope.
    const USE_RESULT_SCHEMA: bool;
    /// The return value the host reads, or the function's error.
    fn into_prompt_result(self) -> Result<Option<Value>, BoxError>;
}

impl IntoPromptResult for String {
    const USE_RESULT_SCHEMA: bool = false;
    fn into_prompt_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self)))
    }
}

impl IntoPromptResult for &'static str {
    const USE_RESULT_SCHEMA: bool = false;
    fn into_prompt_result(self) -> Result<Option<Value>, BoxError> {
        Ok(Some(Value::String(self.to_owned())))
    }
}

impl IntoPromptResult for PromptMessages {
    const USE_RESULT_SCHEMA: bool = true;
    fn into_prompt_result(self) -> Result<Option<Value>, BoxError> {
        let messages: Vec<Value> = self
            .0
            .into_iter()
            .map(|message| {
                serde_json::json!({
                    "role": message.role,
                    "content": { "type": "text", "text": message.text },
                })
            })
            .collect();
        let text = azfn_spec::mcp::prompt_messages_return_text(&Value::Array(messages));
        Ok(Some(Value::String(text)))
    }
}

impl<T: IntoPromptResult, E: Into<BoxError>> IntoPromptResult for Result<T, E> {
    const USE_RESULT_SCHEMA: bool = T::USE_RESULT_SCHEMA;
    fn into_prompt_result(self) -> Result<Option<Value>, BoxError> {
        self.map_err(Into::into)?.into_prompt_result()
    }
}

/// The parts of a tool record only known once types are resolved: the `useResultSchema`
/// setting, as JSON text after the trigger's last setting.
#[doc(hidden)]
pub const fn use_result_schema_json(on: bool) -> &'static str {
    if on { ",\"useResultSchema\":true" } else { "" }
}

/// The separator between the argument type's items and the ones of `#[mcp_tool_property]`
/// parameters.
#[doc(hidden)]
pub const fn separator(before: usize, after: usize) -> &'static str {
    if before > 0 && after > 0 { "," } else { "" }
}

/// `,\"isRequired\":true` (escaped) when `on`.
#[doc(hidden)]
pub const fn is_required_escaped(on: bool) -> &'static str {
    if on { ",\\\"isRequired\\\":true" } else { "" }
}

/// `,"isRequired":true` when `on`.
#[doc(hidden)]
pub const fn is_required_json(on: bool) -> &'static str {
    if on { ",\"isRequired\":true" } else { "" }
}

/// `,\"isArray\":true` (escaped) when `on`.
#[doc(hidden)]
pub const fn is_array_escaped(on: bool) -> &'static str {
    if on { ",\\\"isArray\\\":true" } else { "" }
}

/// `,"isArray":true` when `on`.
#[doc(hidden)]
pub const fn is_array_json(on: bool) -> &'static str {
    if on { ",\"isArray\":true" } else { "" }
}

/// `,\"required\":true` (escaped) when `on`, for prompt arguments.
#[doc(hidden)]
pub const fn required_escaped(on: bool) -> &'static str {
    if on { ",\\\"required\\\":true" } else { "" }
}

/// `,"required":true` when `on`, for prompt arguments.
#[doc(hidden)]
pub const fn required_json(on: bool) -> &'static str {
    if on { ",\"required\":true" } else { "" }
}

/// Records a tool function's result as the return value the extension reads.
#[doc(hidden)]
pub fn complete_tool<R: IntoToolResult>(
    invocation: &mut crate::invocation::Invocation,
    result: R,
) -> Result<(), crate::invocation::InvocationFailure> {
    let value = result
        .into_tool_result()
        .map_err(crate::error::InvocationError::Function)?;
    invocation.set_trigger_return(value);
    Ok(())
}

/// Records a resource function's result.
#[doc(hidden)]
pub fn complete_resource<R: IntoResourceResult>(
    invocation: &mut crate::invocation::Invocation,
    result: R,
) -> Result<(), crate::invocation::InvocationFailure> {
    let value = result
        .into_resource_result()
        .map_err(crate::error::InvocationError::Function)?;
    invocation.set_trigger_return(value);
    Ok(())
}

/// Records a prompt function's result.
#[doc(hidden)]
pub fn complete_prompt<R: IntoPromptResult>(
    invocation: &mut crate::invocation::Invocation,
    result: R,
) -> Result<(), crate::invocation::InvocationFailure> {
    let value = result
        .into_prompt_result()
        .map_err(crate::error::InvocationError::Function)?;
    invocation.set_trigger_return(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_results_go_through_the_envelope_the_extension_reads() {
        let value = Structured(serde_json::json!({ "n": 1 }))
            .into_tool_result()
            .unwrap();
        let result = azfn_spec::mcp::call_tool_result(value.as_ref(), true).unwrap();
        assert_eq!(result["structuredContent"], serde_json::json!({ "n": 1 }));
        const { assert!(<Result<Structured<u8>, BoxError> as IntoToolResult>::USE_RESULT_SCHEMA) };
        const { assert!(!<String as IntoToolResult>::USE_RESULT_SCHEMA) };
    }

    #[test]
    fn an_err_is_the_functions_failure() {
        let failed: Result<String, BoxError> = Err("no such snippet".into());
        assert_eq!(
            failed.into_tool_result().unwrap_err().to_string(),
            "no such snippet"
        );
    }

    #[test]
    fn blobs_are_the_workers_resource_envelope() {
        let value = ResourceBlob(vec![0, 1]).into_resource_result().unwrap();
        let result =
            azfn_spec::mcp::read_resource_result(value.as_ref(), "file://x", Some("a/b")).unwrap();
        assert_eq!(
            result,
            serde_json::json!({ "contents": [{ "blob": "AAE=", "uri": "file://x", "mimeType": "a/b" }] })
        );
    }

    #[test]
    fn property_types_of_std_types() {
        assert_eq!(<Vec<u8> as ToolPropertyType>::PROPERTY_TYPE, "integer");
        const { assert!(!<Option<Vec<String>> as ToolPropertyType>::REQUIRED) };
        const { assert!(<Option<Vec<String>> as ToolPropertyType>::IS_ARRAY) };
        assert_eq!(<f32 as ToolPropertyType>::PROPERTY_TYPE, "number");
    }
}
