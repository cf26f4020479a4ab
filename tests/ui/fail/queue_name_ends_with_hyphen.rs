#[azfn::queue_trigger(queue_name = "orders-")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
