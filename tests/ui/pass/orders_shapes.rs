use azfn::http::{Json, Method, Path};
use azfn::{Context, Out};

#[derive(serde::Deserialize, serde::Serialize)]
struct Order {
    id: u64,
}

#[azfn::http_trigger(methods = [get], route = "orders/{id}")]
async fn get_order(Path(id): Path<u64>, ctx: Context) -> String {
    format!("{id} {:?}", ctx.invocation_id())
}

#[azfn::http_trigger]
async fn no_params() -> &'static str {
    "ok"
}

#[azfn::http_trigger(methods = [post])]
async fn post_order(
    method: Method,
    Json(order): Json<Order>,
    #[azfn::queue_output(queue_name = "orders")] message: &mut Out<azfn::Json<Order>>,
) -> Result<&'static str, (azfn::http::StatusCode, String)> {
    let _ = method;
    message.set(azfn::Json(order));
    Ok("queued")
}

#[azfn::queue_trigger(queue_name = "incoming")]
async fn with_context(ctx: Context, item: azfn::Json<Order>) -> Result<(), std::io::Error> {
    let _ = (ctx.function_name(), item.0.id);
    Ok(())
}

#[azfn::queue_trigger(queue_name = "incoming2")]
#[azfn::queue_output(queue_name = "outgoing2")]
async fn returns_option(item: Vec<u8>) -> Result<Option<Vec<String>>, String> {
    Ok(Some(vec![String::from_utf8_lossy(&item).into_owned()]))
}

fn main() {}
