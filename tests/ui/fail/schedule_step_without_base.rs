#[azfn::timer_trigger(schedule = "0 /5 * * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
