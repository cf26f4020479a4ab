use azfn::Out;

#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::queue_output(name = "item", queue_name = "outgoing")] copy: &mut Out<String>,
) {
    copy.set(item);
}

fn main() {}
