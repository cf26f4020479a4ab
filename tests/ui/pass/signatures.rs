//! The handler shapes Alibaba's Function Compute Go SDK accepts, in Rust form, plus plain
//! returns: every one compiles as an azfn function.

use azfn::Context;

#[derive(Debug, thiserror::Error)]
#[error("failed")]
struct Failed;

#[azfn::queue_trigger(queue_name = "shape-1")]
async fn unit() {}

#[azfn::queue_trigger(queue_name = "shape-2")]
async fn unit_result() -> Result<(), Failed> {
    Ok(())
}

#[azfn::queue_trigger(queue_name = "shape-3")]
async fn input_result(item: String) -> Result<(), Failed> {
    let _ = item;
    Ok(())
}

#[azfn::queue_trigger(queue_name = "shape-4")]
#[azfn::queue_output(queue_name = "shape-4-out")]
async fn output_result() -> Result<String, Failed> {
    Ok("out".into())
}

#[azfn::queue_trigger(queue_name = "shape-5")]
#[azfn::queue_output(queue_name = "shape-5-out")]
async fn input_output_result(item: String) -> Result<String, anyhow::Error> {
    Ok(item)
}

#[azfn::queue_trigger(queue_name = "shape-6")]
async fn ctx_result(ctx: Context) -> Result<(), Failed> {
    let _ = ctx;
    Ok(())
}

#[azfn::queue_trigger(queue_name = "shape-7")]
async fn ctx_input_result(ctx: Context, item: Vec<u8>) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _ = (ctx, item);
    Ok(())
}

#[azfn::queue_trigger(queue_name = "shape-8")]
#[azfn::queue_output(queue_name = "shape-8-out")]
async fn ctx_output_result(ctx: Context) -> Result<String, String> {
    Ok(ctx.function_name().to_owned())
}

#[azfn::queue_trigger(queue_name = "shape-9")]
#[azfn::queue_output(queue_name = "shape-9-out")]
async fn ctx_input_output_result(ctx: Context, item: azfn::Json<serde_json::Value>) -> Result<azfn::Json<serde_json::Value>, Failed> {
    let _ = ctx;
    Ok(item)
}

#[azfn::queue_trigger(queue_name = "shape-plain")]
#[azfn::queue_output(queue_name = "shape-plain-out")]
async fn plain(item: String) -> String {
    item
}

fn main() {}
