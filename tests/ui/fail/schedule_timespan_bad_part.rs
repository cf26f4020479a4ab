#[azfn::timer_trigger(schedule = "00:5m:00")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
