use azfn::http::Path;

#[azfn::http_trigger(route = "orders/{order}/lines/{line}")]
async fn get_line(Path((line, order)): Path<(u32, u64)>) -> String {
    format!("{order}/{line}")
}

fn main() {}
