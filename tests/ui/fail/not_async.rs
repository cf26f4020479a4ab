#[azfn::queue_trigger(queue_name = "q")]
fn handle(item: String) {
    let _ = item;
}

fn main() {}
