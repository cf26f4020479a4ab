#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(item: std::time::Duration) {
    let _ = item;
}

fn main() {}
