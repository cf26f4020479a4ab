#[azfn::timer_trigger(schedule = "0 0 12 ? * MON")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
