#[azfn::http_trigger(auth_level = "public")]
async fn hello() -> &'static str {
    "hi"
}

fn main() {}
