#[azfn::timer_trigger(schedule = "0 0 * * * *")]
async fn host(timer: String) {
    let _ = timer;
}

fn main() {}
