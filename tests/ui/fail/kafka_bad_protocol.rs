#[azfn::kafka_trigger(broker_list = "%Brokers%", topic = "clicks", protocol = "TLS")]
async fn on_click(record: String) {
    let _ = record;
}

fn main() {}
