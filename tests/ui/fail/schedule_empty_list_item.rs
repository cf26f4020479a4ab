#[azfn::timer_trigger(schedule = "0 0 9,,17 * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
