#[azfn::queue_trigger(queue_name = "orders", retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "00:00:10"))]
async fn handle(item: String) {
    let _ = item;
}

fn main() {}
