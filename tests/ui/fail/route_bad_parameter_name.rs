#[azfn::http_trigger(route = "orders/{1st}")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
