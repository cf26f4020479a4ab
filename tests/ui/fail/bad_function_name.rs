#[azfn::queue_trigger(name = "1st function", queue_name = "q")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
