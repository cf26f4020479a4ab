#[azfn::queue_trigger(name = "bad name", queue = "x")]
fn handle<T>(item: String) {
    let _ = item;
}

fn main() {}
