#[azfn::timer_trigger(schedule = "0 0 * * * *", run_on_startup = "true")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
