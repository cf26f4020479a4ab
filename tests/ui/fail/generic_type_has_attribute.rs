#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::binding(type = "queue", direction = "out", queue_name = "outgoing")]
async fn handle(item: String) -> String {
    item
}

fn main() {}
