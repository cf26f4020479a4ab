#[azfn::http_trigger(route = "orders/id}")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
