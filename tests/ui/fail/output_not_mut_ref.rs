use azfn::Out;

#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(item: String, #[azfn::queue_output(queue_name = "outgoing")] copy: Out<String>) {
    let _ = (item, copy);
}

fn main() {}
