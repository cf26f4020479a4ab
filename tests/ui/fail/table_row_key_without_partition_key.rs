#[azfn::queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[azfn::table_input(table_name = "people", row_key = "{queueTrigger}")] person: serde_json::Value,
) {
    let _ = (id, person);
}

fn main() {}
