//! One function per trigger kind azfn supports, with every input and output binding used
//! somewhere around them. The app builds and emits without any of the services; in Azure each
//! function needs the app settings its `connection` names. The tests at the bottom invoke a few
//! functions in-process.
//!
//! Build and emit the app folder with
//! `cargo run -p cargo-azfn -- azfn build --manifest-path examples/triggers/Cargo.toml`.

use azfn::http::{Json, Path, StatusCode};
use azfn::{
    Context, Out, activity_trigger, blob_input, blob_output, blob_trigger, cosmos_db_input,
    cosmos_db_output, cosmos_db_trigger, durable_client_input, entity_trigger, event_grid_output,
    event_grid_trigger, event_hub_output, event_hub_trigger, generic_trigger, http_trigger,
    kafka_output, kafka_trigger, mysql_input, mysql_output, mysql_trigger, orchestration_trigger,
    queue_output, queue_trigger, rabbitmq_output, rabbitmq_trigger, sendgrid_output,
    service_bus_output, service_bus_trigger, signalr_connection_info_input, signalr_output,
    sql_input, sql_output, sql_trigger, table_input, table_output, timer_trigger,
    twilio_sms_output, warmup_trigger,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An order as it travels through the queue.
#[derive(Debug, Deserialize, Serialize)]
struct Order {
    id: String,
    customer: String,
    total: f64,
}

/// HTTP: `GET /api/orders/{id}` reads the order from Table storage.
#[http_trigger(methods = ["get"], auth_level = "function", route = "orders/{id}")]
async fn get_order(
    Path(id): Path<String>,
    #[table_input(table_name = "orders", partition_key = "orders", row_key = "{id}")] order: Option<
        Value,
    >,
) -> Result<Json<Value>, (StatusCode, String)> {
    order
        .map(Json)
        .ok_or_else(|| (StatusCode::NOT_FOUND, format!("no order {id}")))
}

/// Timer: every night at 02:00, mails yesterday's sales from Azure SQL. Retried three times,
/// ten seconds apart, if it fails.
#[timer_trigger(
    schedule = "0 0 2 * * *",
    retry(
        strategy = "fixedDelay",
        max_retry_count = 3,
        delay_interval = "00:00:10"
    )
)]
#[sendgrid_output(
    api_key = "SendGridApiKey",
    from = "Shop <shop@example.com>",
    to = "sales@example.com"
)]
async fn nightly_report(
    timer: Value,
    #[sql_input(
        command_text = "SELECT Name, Sold FROM dbo.SalesYesterday",
        connection_string_setting = "SqlConnection"
    )]
    sales: Value,
) -> azfn::Json<Value> {
    let _ = timer;
    azfn::Json(json!({
        "subject": "Yesterday's sales",
        "content": [{"type": "text/plain", "value": sales.to_string()}]
    }))
}

/// Storage queue: records an order in Table storage and sends its invoice to Service Bus, with
/// the customer read from Cosmos DB by the message's own `customer` field.
#[queue_trigger(queue_name = "orders")]
async fn process_order(
    order: azfn::Json<Order>,
    #[cosmos_db_input(
        connection = "Cosmos",
        database_name = "shop",
        container_name = "customers",
        id = "{customer}",
        partition_key = "{customer}"
    )]
    customer: Option<Value>,
    #[table_output(table_name = "orders")] row: &mut Out<azfn::Json<Value>>,
    #[service_bus_output(connection = "ServiceBus", topic_name = "invoices")] invoice: &mut Out<
        azfn::Json<Value>,
    >,
) {
    let order = order.0;
    let email = customer
        .as_ref()
        .and_then(|c| c["email"].as_str())
        .unwrap_or("unknown")
        .to_owned();
    row.set(azfn::Json(json!({
        "PartitionKey": "orders",
        "RowKey": order.id,
        "Customer": order.customer,
        "Total": order.total,
    })));
    invoice.set(azfn::Json(
        json!({"order": order.id, "email": email, "total": order.total}),
    ));
}

/// Blob storage: archives every upload, stamped with the watermark read from another blob.
#[blob_trigger(path = "uploads/{name}", data_type = "binary")]
// No `dataType` on the output: bytes reach the blob as they are (with `binary`, the host would
// write the base64 text the runtime sends).
#[blob_output(path = "archive/{name}")]
async fn archive_upload(
    ctx: Context,
    #[blob_input(path = "config/watermark.bin", data_type = "binary")] watermark: Option<Vec<u8>>,
    upload: Vec<u8>,
) -> Vec<u8> {
    let _ = ctx.invocation_id();
    let mut archived = upload;
    archived.extend(watermark.unwrap_or_default());
    archived
}

/// Service Bus: texts the customer when an invoice is issued (topic `invoices`, subscription
/// `sms`).
#[service_bus_trigger(
    connection = "ServiceBus",
    topic_name = "invoices",
    subscription_name = "sms"
)]
#[twilio_sms_output(from = "+15550100")]
async fn text_invoice(invoice: azfn::Json<Value>) -> azfn::Json<Value> {
    azfn::Json(json!({
        "to": invoice.0["phone"],
        "body": format!("Your invoice for order {} is ready", invoice.0["order"]),
    }))
}

/// Event Hubs, here an IoT hub's built-in endpoint: stores each batch of device readings in
/// Cosmos DB.
#[event_hub_trigger(
    event_hub_name = "iothub-ehub-devices",
    connection = "IoTHubEndpoint",
    cardinality = "many"
)]
#[cosmos_db_output(
    connection = "Cosmos",
    database_name = "telemetry",
    container_name = "readings"
)]
async fn ingest_telemetry(readings: azfn::Json<Vec<Value>>) -> azfn::Json<Vec<Value>> {
    readings
}

/// Event Grid: pushes every event to the dashboards over SignalR.
#[event_grid_trigger]
#[signalr_output(hub_name = "dashboard")]
async fn on_grid_event(event: Value) -> azfn::Json<Value> {
    azfn::Json(json!({"target": "event", "arguments": [event]}))
}

/// Cosmos DB: publishes an `OrderChanged` event for each changed order.
#[cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders",
    lease_container_name = "leases",
    create_lease_container_if_not_exists = true
)]
#[event_grid_output(
    topic_endpoint_uri = "OrdersTopicEndpoint",
    topic_key_setting = "OrdersTopicKey"
)]
async fn on_order_changed(documents: azfn::Json<Vec<Value>>) -> azfn::Json<Vec<Value>> {
    let event = |order: Value| {
        json!({
            "eventType": "OrderChanged",
            "subject": order["id"],
            "data": order,
            "dataVersion": "1",
        })
    };
    azfn::Json(documents.0.into_iter().map(event).collect())
}

/// Azure SQL: streams product changes to Kafka.
#[sql_trigger(
    table_name = "dbo.Products",
    connection_string_setting = "SqlConnection"
)]
#[kafka_output(broker_list = "%KafkaBrokers%", topic = "product-changes")]
async fn on_product_changed(changes: Value) -> Vec<String> {
    changes
        .as_array()
        .map(|c| c.iter().map(Value::to_string).collect())
        .unwrap_or_default()
}

/// MySQL: copies changed prices into an audit table, with the currency table read alongside.
#[mysql_trigger(table_name = "Prices", connection_string_setting = "MySqlConnection")]
#[mysql_output(
    command_text = "PriceAudit",
    connection_string_setting = "MySqlConnection"
)]
async fn audit_prices(
    changes: Value,
    #[mysql_input(
        command_text = "SELECT * FROM Currencies",
        connection_string_setting = "MySqlConnection"
    )]
    currencies: Value,
) -> azfn::Json<Value> {
    azfn::Json(json!({"changes": changes, "currencies": currencies}))
}

/// Kafka: counts clicks into an event hub.
#[kafka_trigger(
    broker_list = "%KafkaBrokers%",
    topic = "clicks",
    consumer_group = "analytics",
    username = "$ConnectionString",
    password = "%KafkaPassword%",
    protocol = "SASLSSL",
    authentication_mode = "PLAIN"
)]
#[event_hub_output(event_hub_name = "clicks", connection = "EventHub")]
async fn on_click(click: String) -> String {
    click
}

/// RabbitMQ: records finished jobs in Azure SQL.
#[rabbitmq_trigger(
    queue_name = "jobs-done",
    connection_string_setting = "RabbitMQConnection"
)]
#[sql_output(
    command_text = "dbo.FinishedJobs",
    connection_string_setting = "SqlConnection"
)]
async fn record_job(job: azfn::Json<Value>) -> azfn::Json<Value> {
    job
}

/// Arguments of the `find_order` tool.
#[derive(Deserialize, azfn::ToolArguments)]
struct FindOrder {
    /// The order's id.
    id: String,
}

/// Finds an order (an MCP tool, served by the Functions MCP extension).
#[azfn::mcp_tool_trigger(tool_name = "find_order")]
async fn find_order(
    args: azfn::mcp::ToolArgs<FindOrder>,
    #[table_input(
        table_name = "orders",
        partition_key = "orders",
        row_key = "{mcptoolargs.id}"
    )]
    order: Value,
) -> String {
    format!("{}: {order}", args.id)
}

/// The order statuses (an MCP resource).
#[azfn::mcp_resource_trigger(
    uri = "orders://statuses",
    resource_name = "statuses",
    mime_type = "text/plain"
)]
async fn order_statuses() -> String {
    "new, paid, shipped".to_owned()
}

/// Arguments of the `summarize_order` prompt.
#[derive(Deserialize, azfn::PromptArguments)]
struct SummarizeOrder {
    /// The order's id.
    id: String,
}

/// Asks for a summary of an order (an MCP prompt).
#[azfn::mcp_prompt_trigger(prompt_name = "summarize_order")]
async fn summarize_order(args: azfn::mcp::PromptArgs<SummarizeOrder>) -> String {
    format!("Summarize order {}.", args.id)
}

/// Warmup: runs when the platform adds an instance (Premium plans).
#[warmup_trigger]
async fn warmup(warmup_context: Value) {
    let _ = warmup_context;
}

/// Durable Functions, as plain bindings: an orchestration...
#[orchestration_trigger]
async fn orchestrator(context: Value) {
    let _ = context;
}

/// ...an activity, which queues a RabbitMQ job...
#[activity_trigger]
#[rabbitmq_output(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
async fn say_hello(name: azfn::Json<String>) -> String {
    format!("Hello {}", name.0)
}

/// ...an entity...
#[entity_trigger(entity_name = "Counter")]
async fn counter(operation: Value) {
    let _ = operation;
}

/// ...and `POST /api/start`, which reads the durable client to start an orchestration.
#[http_trigger(methods = ["post"], route = "start")]
async fn start_orchestration(#[durable_client_input] client: Value) -> String {
    client["createNewInstancePostUri"].to_string()
}

/// SignalR: `POST /api/negotiate` gives a browser its SignalR endpoint and token.
#[http_trigger(methods = ["post"], auth_level = "anonymous")]
async fn negotiate(
    #[signalr_connection_info_input(hub_name = "dashboard")] info: Value,
) -> Json<Value> {
    Json(info)
}

/// Any other trigger, here Redis pub/sub through the generic attribute: each message is
/// forwarded to a Storage queue.
#[generic_trigger(type = "redisPubSubTrigger", connection = "Redis", channel = "news")]
#[queue_output(queue_name = "news")]
async fn on_redis_message(message: String) -> String {
    message
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;
    use serde_json::json;

    #[tokio::test]
    async fn a_queued_order_reads_its_customer_and_writes_row_and_invoice() {
        let client = TestClient::new();
        let result = client
            .queue(
                "process_order",
                r#"{"id": "7", "customer": "c1", "total": 12.5}"#,
            )
            .input("customer", json!({"id": "c1", "email": "c1@example.com"}))
            .send()
            .await
            .unwrap();
        let invoice: serde_json::Value = result.output("invoice").unwrap().json().unwrap();
        assert_eq!(
            invoice,
            json!({"order": "7", "email": "c1@example.com", "total": 12.5})
        );
        let row: serde_json::Value = result.output("row").unwrap().json().unwrap();
        assert_eq!(row["RowKey"], "7");
    }

    #[tokio::test]
    async fn a_missing_optional_input_is_none() {
        let client = TestClient::new();
        let result = client
            .queue(
                "process_order",
                r#"{"id": "8", "customer": "c2", "total": 1}"#,
            )
            .send()
            .await
            .unwrap();
        let invoice: serde_json::Value = result.output("invoice").unwrap().json().unwrap();
        assert_eq!(invoice["email"], "unknown");
    }

    #[tokio::test]
    async fn an_http_function_reads_its_table_input_in_payload_mode() {
        let client = TestClient::new();
        let payload = json!({
            "Data": {
                "req": {
                    "Url": "http://localhost:7071/api/orders/7",
                    "Method": "GET",
                    "Query": {},
                    "Headers": {},
                    "Params": {"id": "7"}
                },
                "order": {"RowKey": "7", "Total": 12.5}
            },
            "Metadata": {}
        });
        let result = client.invoke_raw("get_order", &payload).await.unwrap();
        let response = result.http_response().unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().unwrap();
        assert_eq!(body, json!({"RowKey": "7", "Total": 12.5}));
    }

    #[tokio::test]
    async fn a_generic_trigger_is_an_event_function_with_a_return_binding() {
        let client = TestClient::new();
        let result = client
            .event("on_redis_message")
            .trigger_value(json!("\"breaking\""))
            .send()
            .await
            .unwrap();
        assert_eq!(result.return_value().unwrap().text(), "breaking");
    }

    #[tokio::test]
    async fn a_blob_is_archived_with_the_watermark_input() {
        let client = TestClient::new();
        let result = client
            .blob("archive_upload", "a.bin", &[1, 2, 3])
            .input("watermark", json!("BAU="))
            .send()
            .await
            .unwrap();
        assert_eq!(result.return_value().unwrap().bytes(), [1, 2, 3, 4, 5]);
    }
}
