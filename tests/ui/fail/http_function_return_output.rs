#[azfn::http_trigger(methods = ["post"])]
#[azfn::queue_output(queue_name = "orders")]
async fn order(body: String) -> String {
    body
}

fn main() {}
