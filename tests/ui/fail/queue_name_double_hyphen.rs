#[azfn::queue_trigger(queue_name = "orders--v2")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
