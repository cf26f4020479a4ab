#[azfn::queue_trigger(queue_name = "in")]
async fn handle(item: std::time::Duration) {
    let _ = item;
}

fn main() {}
