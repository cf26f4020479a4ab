use azfn::Out;

#[azfn::queue_trigger(queue_name = "in")]
async fn handle(
    item: String,
    #[azfn::queue_output(name = "item", queue_name = "out")] copy: &mut Out<String>,
) {
    copy.set(item);
}

fn main() {}
