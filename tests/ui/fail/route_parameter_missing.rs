use azfn::http::Path;

#[azfn::http_trigger(methods = ["get"])]
async fn get_order(Path(id): Path<u64>) -> String {
    id.to_string()
}

fn main() {}
