#[azfn::queue_trigger(queue_name = "q")]
async fn handle<T>(item: String) {
    let _ = item;
}

fn main() {}
