#[azfn::queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[azfn::cosmos_db_input(connection = "Cosmos", database_name = "shop", container_name = "orders", id = "{queueTrigger}", sql_query = "SELECT * FROM c")]
    order: serde_json::Value,
) {
    let _ = (id, order);
}

fn main() {}
