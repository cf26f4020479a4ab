#[azfn::http_trigger(route = "orders?id=1")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
