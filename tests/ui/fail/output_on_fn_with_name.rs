#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::queue_output(name = "copy", queue_name = "outgoing")]
async fn handle(item: String) -> String {
    item
}

fn main() {}
