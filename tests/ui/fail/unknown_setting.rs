#[azfn::queue_trigger(queue_name = "tasks", queue = "typo")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
