//! Attribute macros for azfn. Depend on the `azfn` crate, which re-exports them; this crate
//! only holds the proc-macro entry points. Each attribute's rustdoc (its settings, their rules
//! and an example) is `docs/attributes/<attr>.md`, and the whole reference is the repository's
//! `docs/attributes.md`: both generated from `azfn_spec::catalog` by `tests/tests/readme.rs`.

mod attr;
use azfn_spec::catalog;
mod errors;
mod expand;
mod function;
mod mcp;
mod outputs;
mod values;

use proc_macro::TokenStream;

fn location() -> function::Location {
    let span = proc_macro::Span::call_site();
    function::Location {
        file: span.file(),
        line: span.line(),
        column: span.column(),
    }
}

/// Defines a trigger attribute: it goes on the `async fn` and expands it.
macro_rules! trigger_attribute {
    ($(#[doc = $doc:expr])* $name:ident => $kind:ident) => {
        $(#[doc = $doc])*
        ///
        #[doc = include_str!(concat!("../docs/attributes/", stringify!($name), ".md"))]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            expand::expand_trigger(&catalog::$kind, args.into(), item.into(), location()).into()
        }
    };
}

/// Defines a binding attribute: read by the trigger attribute from a parameter, or, on the
/// function, moved under the trigger attribute when written above it.
macro_rules! binding_attribute {
    ($(#[doc = $doc:expr])* $name:ident => $kind:ident) => {
        $(#[doc = $doc])*
        ///
        #[doc = include_str!(concat!("../docs/attributes/", stringify!($name), ".md"))]
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            expand::expand_binding_on_fn(&catalog::$kind, args.into(), item.into()).into()
        }
    };
}

trigger_attribute! {
    /// An HTTP-triggered function, an axum handler: `#[http_trigger(methods = ["get"],
    /// auth_level = "anonymous", route = "orders/{id}")]`. Its parameters are extractors and its
    /// return value is the response.
    http_trigger => HTTP_TRIGGER
}

trigger_attribute! {
    /// A timer-triggered function: `#[timer_trigger(schedule = "0 */5 * * * *")]`. The schedule
    /// is checked at compile time (six-field NCRONTAB, `hh:mm:ss`, or `%AppSetting%`).
    timer_trigger => TIMER_TRIGGER
}

trigger_attribute! {
    /// A Storage-queue-triggered function: `#[queue_trigger(queue_name = "orders")]`.
    queue_trigger => QUEUE_TRIGGER
}

trigger_attribute! {
    /// A blob-triggered function: `#[blob_trigger(path = "uploads/{name}")]`.
    blob_trigger => BLOB_TRIGGER
}

trigger_attribute! {
    /// A Service Bus-triggered function: `queue_name`, or `topic_name` and
    /// `subscription_name`.
    service_bus_trigger => SERVICE_BUS_TRIGGER
}

trigger_attribute! {
    /// An Event Hubs-triggered function (IoT Hub too, through its Event Hub-compatible
    /// endpoint): `#[event_hub_trigger(event_hub_name = "...", connection = "...")]`.
    event_hub_trigger => EVENT_HUB_TRIGGER
}

trigger_attribute! {
    /// An Event Grid-triggered function: `#[event_grid_trigger]`.
    event_grid_trigger => EVENT_GRID_TRIGGER
}

trigger_attribute! {
    /// A Cosmos DB change-feed function, with the v4 extension's settings (`connection`,
    /// `database_name`, `container_name`, `lease_container_name`, ...).
    cosmos_db_trigger => COSMOS_DB_TRIGGER
}

trigger_attribute! {
    /// An Azure SQL change-tracking function: `#[sql_trigger(table_name = "...",
    /// connection_string_setting = "...")]`.
    sql_trigger => SQL_TRIGGER
}

trigger_attribute! {
    /// An Azure Database for MySQL change function: `#[mysql_trigger(table_name = "...",
    /// connection_string_setting = "...")]`.
    mysql_trigger => MYSQL_TRIGGER
}

trigger_attribute! {
    /// A Kafka-triggered function: `#[kafka_trigger(broker_list = "...", topic = "...")]`.
    kafka_trigger => KAFKA_TRIGGER
}

trigger_attribute! {
    /// A RabbitMQ-triggered function: `#[rabbitmq_trigger(queue_name = "...",
    /// connection_string_setting = "...")]`.
    rabbitmq_trigger => RABBITMQ_TRIGGER
}

trigger_attribute! {
    /// A function run when an instance is added: `#[warmup_trigger]`.
    warmup_trigger => WARMUP_TRIGGER
}

trigger_attribute! {
    /// A Durable Functions orchestration, as a plain binding: `#[orchestration_trigger]`.
    orchestration_trigger => ORCHESTRATION_TRIGGER
}

trigger_attribute! {
    /// A Durable Functions activity, as a plain binding: `#[activity_trigger]`.
    activity_trigger => ACTIVITY_TRIGGER
}

trigger_attribute! {
    /// A Durable Functions entity, as a plain binding: `#[entity_trigger]`.
    entity_trigger => ENTITY_TRIGGER
}

trigger_attribute! {
    /// An MCP tool served by the Functions MCP extension: `#[mcp_tool_trigger(tool_name =
    /// "...")]` on a function taking `azfn::mcp::ToolArgs<T>`.
    mcp_tool_trigger => MCP_TOOL_TRIGGER
}

trigger_attribute! {
    /// An MCP resource served by the Functions MCP extension: `#[mcp_resource_trigger(uri =
    /// "...", resource_name = "...")]`.
    mcp_resource_trigger => MCP_RESOURCE_TRIGGER
}

trigger_attribute! {
    /// An MCP prompt served by the Functions MCP extension: `#[mcp_prompt_trigger(prompt_name =
    /// "...")]` on a function taking `azfn::mcp::PromptArgs<T>`.
    mcp_prompt_trigger => MCP_PROMPT_TRIGGER
}

trigger_attribute! {
    /// Any other trigger, present or future: `#[generic_trigger(type = "fooTrigger", ...)]`.
    /// Settings are passed through unchecked, `snake_case` keys turned to `camelCase`.
    generic_trigger => GENERIC_TRIGGER
}

binding_attribute! {
    /// A blob input binding, on a parameter the function reads.
    blob_input => BLOB_INPUT
}

binding_attribute! {
    /// A Table storage input binding, on a parameter the function reads.
    table_input => TABLE_INPUT
}

binding_attribute! {
    /// A Cosmos DB input binding (v4 settings), on a parameter the function reads.
    cosmos_db_input => COSMOS_DB_INPUT
}

binding_attribute! {
    /// An Azure SQL input binding, on a parameter the function reads.
    sql_input => SQL_INPUT
}

binding_attribute! {
    /// An Azure Database for MySQL input binding, on a parameter the function reads.
    mysql_input => MYSQL_INPUT
}

binding_attribute! {
    /// A SignalR Service connection-info input binding, on a parameter the function reads.
    signalr_connection_info_input => SIGNALR_CONNECTION_INFO_INPUT
}

binding_attribute! {
    /// A Durable Functions client input binding, on a parameter the function reads.
    durable_client_input => DURABLE_CLIENT_INPUT
}

binding_attribute! {
    /// One argument of an MCP tool call, on a parameter of an `#[mcp_tool_trigger]` function.
    mcp_tool_property => MCP_TOOL_PROPERTY
}

binding_attribute! {
    /// One argument of an MCP prompt request, on a parameter of an `#[mcp_prompt_trigger]`
    /// function.
    mcp_prompt_argument => MCP_PROMPT_ARGUMENT
}

binding_attribute! {
    /// Names the response binding of an HTTP function: on the function, its return value goes
    /// to `$return` (or to `name = "..."`) instead of `res`.
    http_output => HTTP_OUTPUT
}

binding_attribute! {
    /// A Storage-queue output binding, on a `&mut Out<T>` parameter or on the function (its
    /// return value).
    queue_output => QUEUE_OUTPUT
}

binding_attribute! {
    /// A blob output binding, on a `&mut Out<T>` parameter or on the function.
    blob_output => BLOB_OUTPUT
}

binding_attribute! {
    /// A Table storage output binding, on a `&mut Out<T>` parameter or on the function.
    table_output => TABLE_OUTPUT
}

binding_attribute! {
    /// A Service Bus output binding (`queue_name` or `topic_name`), on a `&mut Out<T>`
    /// parameter or on the function.
    service_bus_output => SERVICE_BUS_OUTPUT
}

binding_attribute! {
    /// An Event Hubs output binding, on a `&mut Out<T>` parameter or on the function.
    event_hub_output => EVENT_HUB_OUTPUT
}

binding_attribute! {
    /// An Event Grid output binding, on a `&mut Out<T>` parameter or on the function.
    event_grid_output => EVENT_GRID_OUTPUT
}

binding_attribute! {
    /// A Cosmos DB output binding (v4 settings), on a `&mut Out<T>` parameter or on the
    /// function.
    cosmos_db_output => COSMOS_DB_OUTPUT
}

binding_attribute! {
    /// An Azure SQL output binding, on a `&mut Out<T>` parameter or on the function.
    sql_output => SQL_OUTPUT
}

binding_attribute! {
    /// An Azure Database for MySQL output binding, on a `&mut Out<T>` parameter or on the
    /// function.
    mysql_output => MYSQL_OUTPUT
}

binding_attribute! {
    /// A Kafka output binding, on a `&mut Out<T>` parameter or on the function.
    kafka_output => KAFKA_OUTPUT
}

binding_attribute! {
    /// A RabbitMQ output binding, on a `&mut Out<T>` parameter or on the function.
    rabbitmq_output => RABBITMQ_OUTPUT
}

binding_attribute! {
    /// A SignalR Service output binding, on a `&mut Out<T>` parameter or on the function.
    signalr_output => SIGNALR_OUTPUT
}

binding_attribute! {
    /// A SendGrid email output binding, on a `&mut Out<T>` parameter or on the function.
    sendgrid_output => SENDGRID_OUTPUT
}

binding_attribute! {
    /// A Twilio SMS output binding, on a `&mut Out<T>` parameter or on the function.
    twilio_sms_output => TWILIO_SMS_OUTPUT
}

binding_attribute! {
    /// Any other binding, present or future: `#[binding(type = "kusto", direction = "in",
    /// ...)]`. `in` reads like an input binding; `out` and `inout` are set like an output.
    /// Settings are passed through unchecked, `snake_case` keys turned to `camelCase`.
    binding => GENERIC_BINDING
}

/// A struct of several outputs, returned by a function that declares its output bindings by
/// name on itself. See `azfn::output::OutputSet`.
#[proc_macro_derive(Outputs, attributes(output))]
pub fn derive_outputs(input: TokenStream) -> TokenStream {
    outputs::expand(input.into()).into()
}

/// Derives `azfn::mcp::ToolArguments`: each field is an MCP tool property (see `azfn::mcp`).
#[proc_macro_derive(ToolArguments, attributes(serde))]
pub fn derive_tool_arguments(input: TokenStream) -> TokenStream {
    mcp::derive_tool_arguments(input.into()).into()
}

/// Derives `azfn::mcp::PromptArguments`: each field is an MCP prompt argument.
#[proc_macro_derive(PromptArguments, attributes(serde))]
pub fn derive_prompt_arguments(input: TokenStream) -> TokenStream {
    mcp::derive_prompt_arguments(input.into()).into()
}

/// Derives `azfn::mcp::ToolPropertyType` for an enum of unit variants: a `string` property
/// with `enumValues`.
#[proc_macro_derive(ToolEnum, attributes(serde))]
pub fn derive_tool_enum(input: TokenStream) -> TokenStream {
    mcp::derive_tool_enum(input.into()).into()
}
