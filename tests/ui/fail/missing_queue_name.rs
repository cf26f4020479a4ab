#[azfn::queue_trigger(connection = "Storage")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
