#[azfn::queue_trigger(queue_name = "tasks")]
async fn handle<T>(item: String) {
    let _ = item;
}

fn main() {}
