#[azfn::timer_trigger(schedule = "0 */five * * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
