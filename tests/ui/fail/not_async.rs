#[azfn::queue_trigger(queue_name = "tasks")]
fn handle(item: String) {
    let _ = item;
}

fn main() {}
