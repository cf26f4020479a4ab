#[azfn::timer_trigger(schedule = "0 0 * * * *", retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "0:00:10"))]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
