#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::blob_input(path = "config/{queueTrigger}")] config: std::time::Instant,
) {
    let _ = (item, config);
}

fn main() {}
