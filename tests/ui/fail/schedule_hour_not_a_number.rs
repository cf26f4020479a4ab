#[azfn::timer_trigger(schedule = "0 0 noon * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
