//! A handler with one slow function, for the graceful-shutdown test (`tests/shutdown.rs`).

/// Answers after 600 ms, long enough for a SIGTERM to arrive while it runs.
#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn slow() -> &'static str {
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    "finished"
}

fn main() {
    azfn::run();
}
