#[azfn::queue_trigger(queue_name = "in")]
async fn handle(item: String) -> String {
    item
}

fn main() {}
