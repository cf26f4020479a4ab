#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::binding(type = "redisPubSubTrigger", direction = "in")] news: String,
) {
    let _ = (item, news);
}

fn main() {}
