#[azfn::timer_trigger(schedule = "0 30 9 * * Mo")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
