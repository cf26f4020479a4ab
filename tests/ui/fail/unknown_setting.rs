#[azfn::queue_trigger(queue_name = "q", queue = "typo")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
