#[azfn::http_trigger(methods = ["get"], route = "products")]
async fn products(
    #[azfn::sql_input(command_text = "SelectProducts", command_type = "procedure", connection_string_setting = "Sql")]
    rows: serde_json::Value,
) -> String {
    rows.to_string()
}

fn main() {}
