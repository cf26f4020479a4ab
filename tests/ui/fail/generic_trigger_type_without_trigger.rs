#[azfn::generic_trigger(type = "redisPubSub", connection = "Redis", channel = "news")]
async fn on_news(message: String) {
    let _ = message;
}

fn main() {}
