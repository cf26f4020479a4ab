use azfn::Out;

#[azfn::queue_trigger(queue_name = "incoming")]
async fn handle(
    item: String,
    #[azfn::binding(type = "webPubSub", direction = "both", hub = "h")] notice: &mut Out<String>,
) {
    notice.set(item);
}

fn main() {}
