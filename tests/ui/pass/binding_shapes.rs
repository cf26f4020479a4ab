// Shapes beyond the documented examples: every binding attribute written above the trigger (moved
// under it), inputs in both kinds of function, generic bindings in every direction, route
// parameters read by tuples, structs or binding expressions, and function-level settings.

use azfn::http::{Json, Path, Query};
use azfn::{Context, Out};

#[derive(serde::Deserialize, serde::Serialize)]
struct Item {
    id: u64,
}

#[derive(serde::Deserialize)]
struct OrderLine {
    order: u64,
    line: u32,
}

// Output attributes above the trigger are moved below it, so the trigger sees them.
#[azfn::queue_output(queue_name = "above-queue")]
#[azfn::queue_trigger(queue_name = "above-in", disabled = true)]
async fn output_above_trigger(item: String) -> String {
    item
}

#[azfn::blob_output(path = "out/{queueTrigger}")]
#[azfn::queue_trigger(queue_name = "only-one")]
async fn output_above_with_parameter_output(
    item: String,
    #[azfn::table_output(table_name = "log", partition_key = "p", row_key = "r")] row: &mut Out<
        azfn::Json<serde_json::Value>,
    >,
) -> String {
    row.set(azfn::Json(serde_json::json!({"item": item.clone()})));
    item
}

#[azfn::service_bus_output(connection = "Bus", topic_name = "t")]
#[azfn::timer_trigger(schedule = "%Schedule%", run_on_startup = false, use_monitor = true)]
async fn schedule_from_app_setting(timer: serde_json::Value) -> String {
    timer.to_string()
}

#[azfn::timer_trigger(schedule = "01:00:00", retry(strategy = "exponentialBackoff", max_retry_count = -1, minimum_interval = "00:00:05", maximum_interval = "00:10:00"))]
#[azfn::event_hub_output(event_hub_name = "hub", connection = "Hub", data_type = "binary")]
async fn timespan_schedule(timer: serde_json::Value) -> Vec<azfn::http::Bytes> {
    vec![timer.to_string().into_bytes().into()]
}

// Inputs of an event function, around the trigger value and the context.
#[azfn::service_bus_trigger(connection = "Bus", queue_name = "work", is_sessions_enabled = true, auto_complete = true)]
async fn inputs_in_event_function(
    #[azfn::blob_input(path = "cfg/settings.json")] settings: azfn::Json<serde_json::Value>,
    ctx: Context,
    #[azfn::table_input(table_name = "t", partition_key = "p", take = 10, filter = "x eq 1")]
    rows: Option<serde_json::Value>,
    #[azfn::cosmos_db_input(connection = "C", database_name = "d", container_name = "c", sql_query = "SELECT * FROM c")]
    docs: serde_json::Value,
    #[trigger(name = "message")] body: Vec<u8>,
    #[azfn::sql_input(command_text = "SELECT 1", command_type = "TEXT", connection_string_setting = "S")]
    sql: String,
    #[azfn::mysql_input(command_text = "p", command_type = "StoredProcedure", parameters = "@a=1", connection_string_setting = "M")]
    mysql: serde_json::Value,
    #[azfn::signalr_connection_info_input(hub_name = "h", user_id = "u", connection_string_setting = "Sig")]
    info: serde_json::Value,
    #[azfn::durable_client_input(task_hub = "hub", connection_name = "Storage")] client: Option<String>,
) {
    let _ = (settings, ctx, rows, docs, body, sql, mysql, info, client);
}

// Inputs of an HTTP function are read before the last extractor consumes the request.
#[azfn::http_trigger(methods = [post], route = "items/{id}")]
async fn inputs_in_http_function(
    Path(id): Path<u64>,
    #[azfn::blob_input(path = "items/{id}.json")] stored: Option<azfn::Json<Item>>,
    Json(item): Json<Item>,
    #[azfn::cosmos_db_output(connection = "C", database_name = "d", container_name = "c", create_if_not_exists = true, partition_key = "/id", container_throughput = 400)]
    doc: &mut Out<azfn::Json<Item>>,
) -> String {
    let previous = stored.map(|s| s.0.id);
    doc.set(azfn::Json(item));
    format!("{id} {previous:?}")
}

// A tuple reads parameters by position, a struct by name; a parameter may also be used only by
// a binding expression.
#[azfn::http_trigger(route = "orders/{order}/lines/{line}")]
async fn tuple_route(Path((order, line)): Path<(u64, u32)>) -> String {
    format!("{order}/{line}")
}

#[azfn::http_trigger(route = "orders/{order}/lines/{line:int}/{rest?}")]
async fn struct_route(Path(OrderLine { order, line, .. }): Path<OrderLine>) -> String {
    format!("{order}/{line}")
}

#[azfn::http_trigger(route = "blobs/{blobName}", methods = ["GET"])]
async fn route_used_by_binding(
    #[azfn::blob_input(path = "files/{blobName}")] content: Option<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> String {
    format!("{content:?} {query:?}")
}

#[azfn::http_trigger(route = "products/{product_id}")]
async fn snake_case_route_parameter(Path(product_id): Path<String>) -> String {
    product_id
}

// The HTTP request and response bindings can be renamed.
#[azfn::http_trigger(request_name = "input", auth_level = "admin")]
#[azfn::http_output(name = "response")]
async fn renamed_http_bindings() -> &'static str {
    "ok"
}

// Generic bindings: input, output on a parameter, `inout`, output on the function.
#[azfn::generic_trigger(type = "redisListTrigger", connection = "Redis", key = "jobs", polling_interval_in_ms = 1000, disabled = false)]
#[azfn::binding(type = "redis", direction = "out", command = "SET", connection = "Redis")]
async fn generic_everything(
    #[azfn::binding(type = "kusto", direction = "in", database = "db", kql_command = "T")]
    rows: serde_json::Value,
    #[azfn::binding(type = "webPubSub", direction = "out", hub = "h")] notice: &mut Out<String>,
    #[azfn::binding(type = "custom", direction = "inout", tags = ["a", "b"], on = true)]
    state: &mut Out<azfn::Json<serde_json::Value>>,
    job: String,
) -> String {
    notice.set(job.clone());
    state.set(azfn::Json(rows));
    job
}

#[azfn::orchestration_trigger(orchestration = "Flow")]
async fn orchestration(#[trigger(name = "context")] ctx: serde_json::Value) {
    let _ = ctx;
}

#[azfn::kafka_output(broker_list = "b", topic = "t", batch_size = 10, enable_idempotence = true, max_message_bytes = 1000, message_timeout_ms = 5, request_timeout_ms = 5, max_retries = 2, protocol = "saslssl", authentication_mode = "plain", username = "u", password = "p", ssl_ca_location = "ca", schema_registry_url = "s")]
#[azfn::kafka_trigger(broker_list = "b", topic = "in", cardinality = "many", data_type = "binary", lag_threshold = 100, retry(strategy = "fixedDelay", max_retry_count = 0, delay_interval = "00:00:01"))]
async fn kafka_batch(records: azfn::Json<Vec<serde_json::Value>>) -> Vec<String> {
    records.0.iter().map(ToString::to_string).collect()
}

#[azfn::cosmos_db_trigger(connection = "C", database_name = "d", container_name = "c", lease_connection = "L", lease_database_name = "ld", lease_container_name = "leases", leases_container_throughput = 400, lease_container_prefix = "p", feed_poll_delay = 5000, lease_acquire_interval = 1, lease_expiration_interval = 2, lease_renew_interval = 3, max_items_per_invocation = 100, start_from_time = "2021-02-16T14:19:29Z", preferred_locations = "East US")]
#[azfn::signalr_output(hub_name = "h", connection_string_setting = "S")]
async fn cosmos_everything(docs: serde_json::Value) -> azfn::Json<serde_json::Value> {
    azfn::Json(docs)
}

#[azfn::blob_trigger(path = "inbox/{name}", source = "eventgrid", connection = "")]
#[azfn::sendgrid_output(api_key = "K", to = "a@example.com", from = "b@example.com", subject = "s", text = "t")]
async fn blob_to_mail(content: String) -> String {
    content
}

#[azfn::rabbitmq_trigger(queue_name = "q1", host_name = "localhost", user_name_setting = "U", password_setting = "P", port = 5672)]
#[azfn::twilio_sms_output(account_sid_setting = "Sid", auth_token_setting = "Tok", to = "+1", from = "+2", body = "b")]
async fn rabbit_to_sms(message: String) -> String {
    message
}

#[azfn::sql_trigger(table_name = "dbo.T", connection_string_setting = "S", leases_table_name = "L")]
#[azfn::mysql_output(command_text = "T", connection_string_setting = "M")]
async fn sql_to_mysql(changes: serde_json::Value) -> azfn::Json<serde_json::Value> {
    azfn::Json(changes)
}

#[azfn::event_hub_trigger(event_hub_name = "iot-hub-compatible-name", connection = "IoTHub", consumer_group = "$Default", cardinality = "one", data_type = "string")]
#[azfn::event_grid_output(connection = "Grid")]
async fn iot_to_grid(event: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    event
}

#[azfn::entity_trigger]
#[azfn::rabbitmq_output(queue_name = "q2", connection_string_setting = "R")]
async fn entity(operation: serde_json::Value) -> String {
    operation.to_string()
}

#[azfn::activity_trigger]
async fn activity(input: azfn::Json<String>) -> Result<(), String> {
    let _ = input;
    Ok(())
}

#[azfn::event_grid_trigger(name = "EventGridFunction")]
#[azfn::sql_output(command_text = "dbo.Events", connection_string_setting = "S")]
async fn event_grid_to_sql(event: serde_json::Value) -> Option<azfn::Json<serde_json::Value>> {
    Some(azfn::Json(event))
}

fn main() {}
