struct Handler;

impl Handler {
    #[azfn::queue_trigger(queue_name = "incoming")]
    async fn handle(&self, item: String) {
        let _ = item;
    }
}

fn main() {}
