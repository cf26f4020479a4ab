#[azfn::service_bus_trigger(connection = "ServiceBus", queue_name = "orders", topic_name = "orders", subscription_name = "billing")]
async fn on_message(message: String) {
    let _ = message;
}

fn main() {}
