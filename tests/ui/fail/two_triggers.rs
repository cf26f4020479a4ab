#[azfn::queue_trigger(queue_name = "a")]
#[azfn::queue_trigger(queue_name = "b")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
