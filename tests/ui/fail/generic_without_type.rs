#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::binding(direction = "in", database = "shop")] rows: serde_json::Value,
) {
    let _ = (item, rows);
}

fn main() {}
