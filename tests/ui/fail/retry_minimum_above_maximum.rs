#[azfn::event_hub_trigger(event_hub_name = "hub", connection = "Hub", retry(strategy = "exponentialBackoff", max_retry_count = 5, minimum_interval = "00:10:00", maximum_interval = "00:01:00"))]
async fn on_event(event: String) {
    let _ = event;
}

fn main() {}
