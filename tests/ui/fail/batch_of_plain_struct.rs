#[derive(serde::Deserialize)]
struct Order {
    id: u64,
}

#[azfn::cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders"
)]
async fn changed(orders: Vec<Order>) {
    let _ = orders.len();
}

fn main() {}
