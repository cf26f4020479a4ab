#[azfn::queue_output(queue_name = "outgoing")]
async fn handle() -> String {
    String::new()
}

fn main() {}
