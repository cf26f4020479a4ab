#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(item: String) -> String {
    item
}

fn main() {}
