#[azfn::http_trigger(methods = ["get", "fetch"])]
async fn hello() -> &'static str {
    "hi"
}

fn main() {}
