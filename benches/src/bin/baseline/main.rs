//! The hand-written axum handler azfn is benchmarked against: `examples/orders`'s `order`
//! function with no azfn code, speaking the same custom-handler contract.
//!
//! Run it as the host would: `FUNCTIONS_CUSTOMHANDLER_PORT=8080 cargo run -p azfn-benches --bin baseline`,
//! then `POST /order` the host's payload. The benchmark driver (`azfn-bench`) does that.

mod handler;

#[tokio::main]
async fn main() {
    let port = std::env::var("FUNCTIONS_CUSTOMHANDLER_PORT")
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok());
    let Some(port) = port else {
        eprintln!("error: FUNCTIONS_CUSTOMHANDLER_PORT is missing or not a port number");
        // Never 0: the host does not restart a handler that exits with 0.
        std::process::exit(1);
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = axum::serve(listener, handler::router()).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use crate::handler::invoke;

    const PAYLOAD: &str = r#"{"Data":{"req":{"Url":"http://localhost:7071/api/order","Method":"POST","Body":"{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"}},"Metadata":{"sys":{"MethodName":"order"}}}"#;

    #[test]
    fn the_order_goes_to_the_message_output_and_the_caller_is_answered() {
        let answer: serde_json::Value =
            serde_json::from_slice(&invoke(PAYLOAD.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({
                "Outputs": {
                    "res": {
                        "statusCode": 200,
                        "headers": {"content-type": "text/plain; charset=utf-8"},
                        "body": "Order enqueued"
                    },
                    "message": "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"
                },
                "Logs": [],
                "ReturnValue": null
            })
        );
    }

    #[test]
    fn a_payload_without_an_order_fails_the_invocation() {
        assert!(invoke(br#"{"Data":{"req":{"Method":"POST"}}}"#).is_err());
        assert!(invoke(br#"{"Data":{"req":{"Body":"{\"id\":\"x\"}"}}}"#).is_err());
        assert!(invoke(b"not json").is_err());
    }
}
