#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::http_output]
async fn handle(item: String) -> String {
    item
}

fn main() {}
