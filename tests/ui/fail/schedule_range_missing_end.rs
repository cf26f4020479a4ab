#[azfn::timer_trigger(schedule = "0 0 9- * * *")]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
