use azfn::Out;

#[azfn::queue_trigger(queue_name = "in")]
async fn handle(item: String, #[azfn::queue_output(queue_name = "out")] copy: Out<String>) {
    let _ = (item, copy);
}

fn main() {}
