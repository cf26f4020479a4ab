#[derive(azfn::Outputs)]
struct Routed {
    audit: String,
    extra: String,
}

#[azfn::queue_trigger(queue_name = "incoming")]
#[azfn::queue_output(name = "audit", queue_name = "audit")]
async fn route(item: String) -> Routed {
    Routed {
        audit: item.clone(),
        extra: item,
    }
}

fn main() {}
