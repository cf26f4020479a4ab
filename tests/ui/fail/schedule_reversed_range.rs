#[azfn::timer_trigger(schedule = "0 0 22-2 * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
