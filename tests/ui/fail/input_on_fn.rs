#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::blob_input(path = "config/settings.json")]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
