#[azfn::timer_trigger(run_on_startup = true)]
async fn tick(timer: String) {
    let _ = timer;
}

fn main() {}
