//! Typed trigger metadata and values of the Kafka, RabbitMQ, Azure SQL and Cosmos DB triggers,
//! through the test harness: payloads shaped as the host sends them, read by the functions'
//! parameters.

use azfn::Metadata;
use azfn::testing::{TestClient, TestError};
use azfn::trigger::{
    KafkaBatchMetadata, KafkaMetadata, RabbitMqMetadata, SqlChange, SqlChangeOperation,
};
use serde_json::{Value, json};

/// A .NET string as the host puts it in `Data` or `Metadata`: its JSON text, in a JSON string.
fn dotnet_string(text: &str) -> Value {
    Value::String(Value::String(text.to_owned()).to_string())
}

/// A .NET array or scalar as the host puts it in `Data` or `Metadata`: its JSON text.
fn dotnet_json(value: Value) -> Value {
    Value::String(value.to_string())
}

/// The message of an invocation refused because its payload cannot be read (400).
fn failure(err: TestError) -> String {
    match err {
        TestError::Failed {
            status: 400,
            message,
        } => message,
        other => panic!("expected a failed invocation, got {other:?}"),
    }
}

#[azfn::kafka_trigger(broker_list = "%BrokerList%", topic = "clicks")]
#[azfn::queue_output(queue_name = "seen")]
async fn on_click(Metadata(meta): Metadata<KafkaMetadata>, record: String) -> String {
    let trace = meta
        .headers
        .iter()
        .find(|h| h.key == "trace")
        .and_then(|h| h.value_str())
        .unwrap_or("-");
    format!(
        "{record} key={} {}/{}@{} at {} trace={trace}",
        meta.key.as_deref().unwrap_or("-"),
        meta.topic,
        meta.partition,
        meta.offset,
        meta.timestamp
            .format(azfn::time::macros::format_description!(
                "[hour]:[minute]:[second]"
            ))
            .unwrap(),
    )
}

fn click(client: &TestClient) -> azfn::testing::EventInvocation<'_> {
    client
        .event("on_click")
        .trigger_value(dotnet_string("{\"page\":\"/\"}"))
        .metadata("Key", dotnet_string("user-7"))
        .metadata("Partition", json!("3"))
        .metadata("Topic", dotnet_string("clicks"))
        .metadata("Timestamp", json!("2024-10-24T21:32:17"))
        .metadata("Offset", json!("42"))
        .metadata(
            "Headers",
            dotnet_json(json!([{"Key": "trace", "Value": "YWJj"}])),
        )
        .metadata("LeaderEpoch", json!("0"))
        .metadata("IsPartitionEOF", json!("false"))
}

#[tokio::test]
async fn a_kafka_function_reads_its_record_metadata() {
    let client = TestClient::new();
    let result = click(&client).send().await.unwrap();
    assert_eq!(
        result.return_value().unwrap().text(),
        "{\"page\":\"/\"} key=user-7 clicks/3@42 at 21:32:17 trace=abc"
    );
    // No key and no headers: the host leaves null entries out.
    let result = client
        .event("on_click")
        .trigger_value(dotnet_string("r"))
        .metadata("Partition", json!("0"))
        .metadata("Topic", dotnet_string("clicks"))
        .metadata("Timestamp", json!("2024-10-24T21:32:17"))
        .metadata("Offset", json!("0"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        result.return_value().unwrap().text(),
        "r key=- clicks/0@0 at 21:32:17 trace=-"
    );
}

#[tokio::test]
async fn malformed_kafka_metadata_fails_the_invocation_with_the_reason() {
    let client = TestClient::new();
    let message = failure(
        click(&client)
            .metadata("Timestamp", json!("last tuesday"))
            .send()
            .await
            .unwrap_err(),
    );
    assert!(message.contains("KafkaMetadata"), "{message}");
    assert!(
        message.contains("\"last tuesday\" is not a timestamp"),
        "{message}"
    );
}

#[azfn::kafka_trigger(broker_list = "%BrokerList%", topic = "clicks", cardinality = "many")]
#[azfn::queue_output(queue_name = "seen-many")]
async fn on_clicks(
    Metadata(batch): Metadata<KafkaBatchMetadata>,
    records: Vec<String>,
) -> Result<String, String> {
    if batch.records.len() != records.len() {
        return Err(format!(
            "{} records, {} metadata",
            records.len(),
            batch.records.len()
        ));
    }
    Ok(records
        .iter()
        .zip(&batch.records)
        .map(|(record, meta)| {
            format!(
                "{record}:{}@{}",
                meta.key.as_deref().unwrap_or("-"),
                meta.offset
            )
        })
        .collect::<Vec<_>>()
        .join(" "))
}

#[tokio::test]
async fn a_kafka_batch_reads_one_metadata_per_record() {
    let client = TestClient::new();
    let result = client
        .event("on_clicks")
        .trigger_value(dotnet_json(json!(["a", "b"])))
        .metadata("KeyArray", dotnet_json(json!(["k1", null])))
        .metadata("PartitionArray", dotnet_json(json!([0, 0])))
        .metadata("OffsetArray", dotnet_json(json!([7, 8])))
        .metadata(
            "TimestampArray",
            dotnet_json(json!(["2024-10-24T21:32:17.5Z", "2024-10-24T21:32:18Z"])),
        )
        .metadata("TopicArray", dotnet_json(json!(["clicks", "clicks"])))
        .metadata("HeadersArray", dotnet_json(json!([[], []])))
        .send()
        .await
        .unwrap();
    assert_eq!(result.return_value().unwrap().text(), "a:k1@7 b:-@8");
}

#[azfn::rabbitmq_trigger(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
#[azfn::queue_output(queue_name = "jobs-seen")]
async fn on_job(Metadata(meta): Metadata<RabbitMqMetadata>, job: String) -> String {
    let p = &meta.basic_properties;
    format!(
        "{job} #{} via {:?}/{} redelivered={} id={} tenant={} persistent={}",
        meta.delivery_tag,
        meta.exchange,
        meta.routing_key,
        meta.redelivered,
        p.message_id.as_deref().unwrap_or("-"),
        p.header_text("tenant").as_deref().unwrap_or("-"),
        p.is_persistent(),
    )
}

#[tokio::test]
async fn a_rabbitmq_function_reads_its_delivery_and_properties() {
    let client = TestClient::new();
    let result = client
        .event("on_job")
        .trigger_value(dotnet_string("resize"))
        .metadata("ConsumerTag", dotnet_string("amq.ctag-1"))
        .metadata("DeliveryTag", json!("12"))
        .metadata("Redelivered", json!("false"))
        .metadata("Exchange", dotnet_string(""))
        .metadata("RoutingKey", dotnet_string("jobs"))
        .metadata(
            "BasicProperties",
            json!({"AppId": null, "ContentType": "text/plain", "DeliveryMode": 2,
                   "Headers": {"tenant": "Y29udG9zbw=="}, "MessageId": "m-9", "Persistent": true,
                   "Priority": 0, "Timestamp": {"UnixTime": 0}, "Type": null}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        result.return_value().unwrap().text(),
        "resize #12 via \"\"/jobs redelivered=false id=m-9 tenant=contoso persistent=true"
    );
    let message = failure(
        client
            .event("on_job")
            .trigger_value(dotnet_string("resize"))
            .metadata("ConsumerTag", dotnet_string("amq.ctag-1"))
            .metadata("Redelivered", json!("false"))
            .metadata("Exchange", dotnet_string(""))
            .metadata("RoutingKey", dotnet_string("jobs"))
            .send()
            .await
            .unwrap_err(),
    );
    assert!(message.contains("missing field `DeliveryTag`"), "{message}");
}

#[derive(Debug, serde::Deserialize)]
struct Product {
    #[serde(rename = "ProductId")]
    id: u32,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[azfn::sql_trigger(
    table_name = "dbo.Products",
    connection_string_setting = "SqlConnection"
)]
#[azfn::queue_output(queue_name = "product-changes")]
async fn on_product_change(changes: Vec<SqlChange<Product>>) -> String {
    changes
        .iter()
        .map(|c| match c.operation {
            SqlChangeOperation::Insert | SqlChangeOperation::Update => format!(
                "{:?} {} {}",
                c.operation,
                c.item.id,
                c.item.name.as_deref().unwrap_or("?")
            ),
            SqlChangeOperation::Delete => format!("Delete {}", c.item.id),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn a_sql_function_reads_typed_changes() {
    let client = TestClient::new();
    // The extension serializes the changes to JSON text; the host sends that string encoded.
    let changes = json!([
        {"Operation": 0, "Item": {"ProductId": 1, "Name": "Pen", "Cost": 2}},
        {"Operation": 1, "Item": {"ProductId": 1, "Name": "Red pen", "Cost": 3}},
        {"Operation": 2, "Item": {"ProductId": 1}}
    ])
    .to_string();
    let result = client
        .event("on_product_change")
        .trigger_value(dotnet_string(&changes))
        .send()
        .await
        .unwrap();
    assert_eq!(
        result.return_value().unwrap().text(),
        "Insert 1 Pen; Update 1 Red pen; Delete 1"
    );
    let message = failure(
        client
            .event("on_product_change")
            .trigger_value(dotnet_string(r#"[{"Operation":5,"Item":{"ProductId":1}}]"#))
            .send()
            .await
            .unwrap_err(),
    );
    assert!(message.contains("item 0"), "{message}");
    assert!(message.contains("2 (Delete)"), "{message}");
}

#[derive(Debug, serde::Deserialize)]
struct Order {
    id: String,
    total: f64,
}

#[azfn::cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders"
)]
#[azfn::queue_output(queue_name = "order-totals")]
async fn on_order_change(documents: Vec<azfn::Json<Order>>) -> String {
    documents
        .iter()
        .map(|d| format!("{}={}", d.0.id, d.0.total))
        .collect::<Vec<_>>()
        .join(",")
}

#[azfn::cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders",
    lease_container_prefix = "whole"
)]
#[azfn::queue_output(queue_name = "order-count")]
async fn on_order_change_whole(documents: azfn::Json<Vec<Order>>) -> String {
    documents.0.len().to_string()
}

#[tokio::test]
async fn cosmos_db_changes_are_a_vec_of_documents() {
    let client = TestClient::new();
    // The extension hands over the documents as a list; the host sends its JSON text.
    let documents = dotnet_json(json!([
        {"id": "o1", "total": 9.5, "_rid": "x", "_ts": 1729805537},
        {"id": "o2", "total": 20.0, "_rid": "y", "_ts": 1729805538}
    ]));
    let result = client
        .event("on_order_change")
        .trigger_value(documents.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(result.return_value().unwrap().text(), "o1=9.5,o2=20");
    let result = client
        .event("on_order_change_whole")
        .trigger_value(documents)
        .send()
        .await
        .unwrap();
    assert_eq!(result.return_value().unwrap().text(), "2");
    let message = failure(
        client
            .event("on_order_change")
            .trigger_value(dotnet_json(json!([{"id": "o3"}])))
            .send()
            .await
            .unwrap_err(),
    );
    assert!(message.contains("missing field `total`"), "{message}");
}
