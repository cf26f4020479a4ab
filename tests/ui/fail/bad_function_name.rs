#[azfn::queue_trigger(name = "1st function", queue_name = "tasks")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
