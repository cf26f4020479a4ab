#[azfn::http_trigger(route = "files/{*path}/meta")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
