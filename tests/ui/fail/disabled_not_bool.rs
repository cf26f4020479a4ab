#[azfn::queue_trigger(queue_name = "orders", disabled = "yes")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
