#[azfn::queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[azfn::cosmos_db_input(connection = "Cosmos", database_name = "shop", collection_name = "orders")]
    order: serde_json::Value,
) {
    let _ = (id, order);
}

fn main() {}
