#[azfn::rabbitmq_trigger(queue_name = "jobs")]
async fn on_job(job: String) {
    let _ = job;
}

fn main() {}
