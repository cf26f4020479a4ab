const QUEUE: &str = "orders";

#[azfn::queue_trigger(queue_name = QUEUE)]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
