#[azfn::queue_trigger(queue_name = "Orders")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
