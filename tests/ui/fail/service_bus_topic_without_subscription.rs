#[azfn::service_bus_trigger(connection = "ServiceBus", topic_name = "orders")]
async fn on_message(message: String) {
    let _ = message;
}

fn main() {}
