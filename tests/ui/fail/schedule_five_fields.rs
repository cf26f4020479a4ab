#[azfn::timer_trigger(schedule = "*/5 * * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
