#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::queue_output(queue_name = "outgoing")]
#[azfn::blob_output(path = "copies/{queueTrigger}")]
async fn handle(item: String) -> String {
    item
}

fn main() {}
