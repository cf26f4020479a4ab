#[azfn::http_trigger(methods = [])]
async fn hello() -> &'static str {
    "hi"
}

fn main() {}
