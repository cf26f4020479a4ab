#[azfn::queue_trigger(queue_name = "orders", cardinality = "many")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
