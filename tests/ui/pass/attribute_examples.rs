// Every example of the attribute reference (`docs/attributes.md`, each attribute's rustdoc),
// verbatim: `tests/tests/readme.rs` checks that each example in `spec/src/catalog.rs` appears
// here, and trybuild compiles this file, so the documented examples are known to compile. `tests/tests/corpus.rs` includes this file
// too and validates the `function.json` of every function against the public schema.

use azfn::http::{Json, Path};
use azfn::*;

#[http_trigger(methods = ["get"], auth_level = "anonymous", route = "orders/{id:int}")]
async fn get_order(Path(id): Path<u64>) -> String {
    format!("order {id}")
}

#[timer_trigger(schedule = "0 */5 * * * *", retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "00:00:10"))]
async fn every_five_minutes(timer: TimerInfo) {
    let _ = timer.is_past_due;
}

#[queue_trigger(queue_name = "orders")]
async fn on_order(order: azfn::Json<serde_json::Value>) {
    let _ = order;
}

#[blob_trigger(path = "uploads/{name}", data_type = "binary")]
async fn on_upload(ctx: Context, content: Vec<u8>) {
    let _ = (content.len(), ctx.invocation_id());
}

#[service_bus_trigger(connection = "ServiceBus", topic_name = "orders", subscription_name = "billing")]
async fn bill(message: String) {
    let _ = message;
}

#[event_hub_trigger(event_hub_name = "telemetry", connection = "EventHub", cardinality = "many")]
async fn on_telemetry(events: azfn::Json<Vec<serde_json::Value>>) {
    let _ = events.0.len();
}

#[event_grid_trigger]
async fn on_event(event: serde_json::Value) {
    let _ = event;
}

#[cosmos_db_trigger(connection = "Cosmos", database_name = "shop", container_name = "orders", create_lease_container_if_not_exists = true)]
async fn on_order_change(documents: azfn::Json<Vec<serde_json::Value>>) {
    let _ = documents;
}

#[sql_trigger(table_name = "dbo.Products", connection_string_setting = "SqlConnection")]
async fn on_product_change(changes: serde_json::Value) {
    let _ = changes;
}

#[mysql_trigger(table_name = "Products", connection_string_setting = "MySqlConnection")]
async fn on_mysql_change(changes: serde_json::Value) {
    let _ = changes;
}

#[kafka_trigger(broker_list = "%BrokerList%", topic = "clicks", consumer_group = "analytics", username = "$ConnectionString", password = "%KafkaPassword%", protocol = "SASLSSL", authentication_mode = "PLAIN")]
async fn on_click(record: String) {
    let _ = record;
}

#[rabbitmq_trigger(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
async fn on_job(job: String) {
    let _ = job;
}

#[warmup_trigger]
async fn warmup(warmup_context: serde_json::Value) {
    let _ = warmup_context;
}

#[orchestration_trigger]
async fn orchestrate(context: serde_json::Value) {
    let _ = context;
}

#[activity_trigger(activity = "SayHello")]
async fn say_hello(name: azfn::Json<String>) {
    let _ = name.0;
}

#[entity_trigger(entity_name = "Counter")]
async fn counter(operation: serde_json::Value) {
    let _ = operation;
}

#[generic_trigger(type = "redisPubSubTrigger", connection = "Redis", channel = "news")]
async fn on_news(message: String) {
    let _ = message;
}

#[queue_trigger(queue_name = "resize")]
async fn resize(
    name: String,
    #[blob_input(path = "images/{queueTrigger}", data_type = "binary")] image: Option<Vec<u8>>,
) {
    let _ = (name, image);
}

#[http_trigger(methods = ["get"], route = "people/{id}")]
async fn get_person(
    Path(id): Path<String>,
    #[table_input(table_name = "people", partition_key = "people", row_key = "{id}")] person: Option<serde_json::Value>,
) -> String {
    format!("{id}: {person:?}")
}

#[queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[cosmos_db_input(connection = "Cosmos", database_name = "shop", container_name = "orders", id = "{queueTrigger}", partition_key = "{queueTrigger}")] order: Option<azfn::Json<serde_json::Value>>,
) {
    let _ = (id, order);
}

#[http_trigger(methods = ["get"], route = "products/{cost}")]
async fn products_by_cost(
    Path(cost): Path<u32>,
    #[sql_input(command_text = "SelectProductsCost", command_type = "storedProcedure", parameters = "@Cost={cost}", connection_string_setting = "SqlConnection")] rows: serde_json::Value,
) -> String {
    format!("{cost}: {rows}")
}

#[timer_trigger(schedule = "0 0 * * * *")]
async fn hourly_report(
    timer: serde_json::Value,
    #[mysql_input(command_text = "SELECT * FROM Products", connection_string_setting = "MySqlConnection")] rows: serde_json::Value,
) {
    let _ = (timer, rows);
}

#[http_trigger(methods = ["post"], auth_level = "anonymous")]
async fn negotiate(
    #[signalr_connection_info_input(hub_name = "chat")] info: serde_json::Value,
) -> String {
    info.to_string()
}

#[http_trigger(methods = ["post"])]
async fn start(#[durable_client_input] client: serde_json::Value) -> String {
    client.to_string()
}

#[http_trigger(auth_level = "function")]
#[http_output]
async fn answers_through_return() -> &'static str {
    "ok"
}

#[queue_trigger(queue_name = "incoming")]
#[queue_output(queue_name = "outgoing")]
async fn relay(item: String) -> String {
    item
}

#[blob_trigger(path = "incoming/{name}")]
async fn archive(
    content: azfn::http::Bytes,
    #[blob_output(path = "archive/{name}")] copy: &mut Out<azfn::http::Bytes>,
) {
    copy.set(content);
}

#[http_trigger(methods = ["post"])]
async fn add_person(
    Json(person): Json<serde_json::Value>,
    #[table_output(table_name = "people")] row: &mut Out<azfn::Json<serde_json::Value>>,
) -> &'static str {
    row.set(azfn::Json(person));
    "added"
}

#[queue_trigger(queue_name = "to-bus")]
#[service_bus_output(connection = "ServiceBus", queue_name = "orders")]
async fn forward(item: String) -> String {
    item
}

#[timer_trigger(schedule = "*/30 * * * * *")]
async fn heartbeat(
    timer: serde_json::Value,
    #[event_hub_output(event_hub_name = "heartbeats", connection = "EventHub")] events: &mut Out<Vec<String>>,
) {
    let _ = timer;
    events.set(vec!["alive".to_owned()]);
}

#[queue_trigger(queue_name = "to-grid")]
#[event_grid_output(topic_endpoint_uri = "TopicEndpoint", topic_key_setting = "TopicKey")]
async fn publish(event: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    event
}

#[http_trigger(methods = ["post"])]
async fn save_order(
    Json(order): Json<serde_json::Value>,
    #[cosmos_db_output(connection = "Cosmos", database_name = "shop", container_name = "orders")] document: &mut Out<azfn::Json<serde_json::Value>>,
) -> &'static str {
    document.set(azfn::Json(order));
    "saved"
}

#[queue_trigger(queue_name = "products")]
#[sql_output(command_text = "dbo.Products", connection_string_setting = "SqlConnection")]
async fn store_product(product: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    product
}

#[queue_trigger(queue_name = "mysql-products")]
#[mysql_output(command_text = "Products", connection_string_setting = "MySqlConnection")]
async fn store_mysql_product(product: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    product
}

#[http_trigger(methods = ["post"])]
async fn produce(
    body: String,
    #[kafka_output(broker_list = "%BrokerList%", topic = "clicks")] record: &mut Out<String>,
) -> &'static str {
    record.set(body);
    "sent"
}

#[queue_trigger(queue_name = "to-rabbit")]
#[rabbitmq_output(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
async fn enqueue_job(job: String) -> String {
    job
}

#[queue_trigger(queue_name = "broadcasts")]
#[signalr_output(hub_name = "chat")]
async fn broadcast(text: String) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"target": "newMessage", "arguments": [text]}))
}

#[queue_trigger(queue_name = "welcome")]
#[sendgrid_output(api_key = "SendGridApiKey", from = "Shop <shop@example.com>", subject = "Welcome")]
async fn welcome(user: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"personalizations": [{"to": [{"email": user.0["email"]}]}]}))
}

#[queue_trigger(queue_name = "sms")]
#[twilio_sms_output(from = "+15550100", body = "Your order shipped")]
async fn notify(order: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"to": order.0["phone"]}))
}

#[http_trigger(methods = ["get"], route = "products/{id}")]
async fn product(
    Path(id): Path<u64>,
    #[binding(type = "kusto", direction = "in", connection = "Kusto", database = "shop", kql_command = "Products | where Id == {id}")] rows: serde_json::Value,
) -> String {
    format!("{id}: {rows}")
}

fn main() {}

// The Functions MCP extension's attributes.

/// Arguments of `greet`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Greeting {
    /// Who to greet.
    name: String,
}

/// Greets someone.
#[mcp_tool_trigger(tool_name = "greet")]
async fn greet(args: azfn::mcp::ToolArgs<Greeting>) -> String {
    format!("Hello, {}!", args.name)
}

/// The shop's opening hours.
#[mcp_resource_trigger(uri = "shop://hours", resource_name = "hours", mime_type = "text/plain")]
async fn hours() -> String {
    "Mon-Fri 9-17".to_owned()
}

/// Arguments of `review`.
#[derive(serde::Deserialize, azfn::PromptArguments)]
struct Review {
    /// The code to review.
    code: String,
}

/// Asks for a code review.
#[mcp_prompt_trigger(prompt_name = "review")]
async fn review(args: azfn::mcp::PromptArgs<Review>) -> String {
    format!("Review this code:\n{}", args.code)
}

/// Says how loud to be.
#[mcp_tool_trigger(tool_name = "shout")]
async fn shout(
    #[mcp_tool_property(property_name = "text", description = "What to shout.", is_required = true)]
    text: String,
) -> String {
    text.to_uppercase()
}

/// Suggests a name.
#[mcp_prompt_trigger(prompt_name = "name_it")]
async fn name_it(
    #[mcp_prompt_argument(argument_name = "thing", description = "What to name.")] thing: String,
) -> String {
    format!("Suggest a name for {thing}.")
}
