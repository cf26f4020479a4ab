#[azfn::queue_trigger(queue_name = "orders", queue_name = "invoices")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
