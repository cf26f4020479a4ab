#[azfn::http_trigger(route = "orders/{id}/items/{Id}")]
async fn get_order() -> &'static str {
    "an order"
}

fn main() {}
