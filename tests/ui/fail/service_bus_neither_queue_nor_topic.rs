#[azfn::service_bus_trigger(connection = "ServiceBus")]
async fn on_message(message: String) {
    let _ = message;
}

fn main() {}
