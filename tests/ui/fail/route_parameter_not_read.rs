#[azfn::http_trigger(methods = ["get"], route = "orders/{id}")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
