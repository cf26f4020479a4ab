#[azfn::http_trigger(methods = ["get"])]
async fn settings(#[azfn::blob_input(path = "config/settings.json")] config: std::net::IpAddr) -> String {
    config.to_string()
}

fn main() {}
