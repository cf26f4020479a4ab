#[azfn::queue_trigger(queueName = "orders")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
