#[azfn::http_trigger]
async fn hello(#[trigger(name = "request")] body: String) -> String {
    body
}

fn main() {}
