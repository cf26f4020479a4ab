#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::queue_output(queue_name = "copies")]
#[azfn::queue_output(name = "audit", queue_name = "audit")]
async fn route(item: String) -> String {
    item
}

fn main() {}
