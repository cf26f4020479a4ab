#[azfn::queue_trigger(queue_name = "events")]
#[azfn::event_grid_output(topic_key_setting = "TopicKey")]
async fn publish(event: String) -> String {
    event
}

fn main() {}
