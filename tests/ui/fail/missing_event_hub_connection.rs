#[azfn::event_hub_trigger(event_hub_name = "telemetry")]
async fn on_event(event: String) {
    let _ = event;
}

fn main() {}
