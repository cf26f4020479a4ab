use azfn::Out;

#[azfn::queue_trigger(queue_name = "incoming", connection = 1)]
async fn handle(
    item: String,
    #[azfn::queue_output(queue = "outgoing")] copy: &mut Out<String>,
    #[azfn::blob_output(path = "b", data_type = "text")] blob: &mut Out<String>,
    #[azfn::table_input(table_name = "t", partition_key = "p", rowkey = "r")] row: serde_json::Value,
) {
    let _ = (item, copy, blob, row);
}

fn main() {}
