#[azfn::queue_trigger(queue_name = "ab")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
