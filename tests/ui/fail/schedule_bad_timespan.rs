#[azfn::timer_trigger(schedule = "00:75:00")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
