#[azfn::queue_trigger(queue_name = "incoming")]
struct Handler;

fn main() {}
