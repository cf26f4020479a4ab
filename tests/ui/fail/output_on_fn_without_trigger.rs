#[azfn::queue_output(queue_name = "out")]
async fn handle() -> String {
    String::new()
}

fn main() {}
