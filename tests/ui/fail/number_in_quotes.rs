#[azfn::queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[azfn::table_input(table_name = "people", take = "50")] people: serde_json::Value,
) {
    let _ = (id, people);
}

fn main() {}
