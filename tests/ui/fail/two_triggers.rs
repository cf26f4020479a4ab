#[azfn::queue_trigger(queue_name = "first")]
#[azfn::queue_trigger(queue_name = "second")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
