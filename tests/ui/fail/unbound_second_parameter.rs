// Issue 14 item 10: a second, unannotated parameter compiled and received the trigger value too.
#[azfn::queue_trigger(queue_name = "incoming")]
async fn relay(item: String, other: String) {
    let _ = (item, other);
}

fn main() {}
