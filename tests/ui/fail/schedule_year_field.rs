#[azfn::timer_trigger(schedule = "0 0 0 1 1 * 2030")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
