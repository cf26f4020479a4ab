use azfn::Out;

#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::queue_output(queue_name = "outgoing")] delay: &mut Out<std::time::Duration>,
) {
    let _ = (item, delay);
}

fn main() {}
