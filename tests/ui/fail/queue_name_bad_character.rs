#[azfn::queue_trigger(queue_name = "orders_v2")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
