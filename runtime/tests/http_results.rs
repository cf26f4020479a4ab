//! What an HTTP function's `Result` answers (issue 15 item 8): an `Err` that is an error fails
//! the invocation, an `Err` that is a response is that response.

use azfn::http::{Body, Request, StatusCode};
use azfn::testing::{TestClient, TestError};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// `Err(String)` answered `200` with the error text (axum's `IntoResponse` for `Result`).
#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn out_of_stock() -> Result<String, String> {
    Err("item 7 is out of stock".to_owned())
}

#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn anyhow_failure() -> anyhow::Result<&'static str> {
    Err(anyhow::anyhow!("the catalogue is unreachable"))
}

/// An error status on purpose: the `Err` is a response.
#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn missing() -> Result<String, StatusCode> {
    Err(StatusCode::NOT_FOUND)
}

#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn found() -> Result<String, String> {
    Ok("here".to_owned())
}

#[tokio::test]
async fn an_err_that_is_an_error_fails_the_invocation_in_payload_mode() {
    let client = TestClient::new();
    for (function, message) in [
        ("out_of_stock", "item 7 is out of stock"),
        ("anyhow_failure", "the catalogue is unreachable"),
    ] {
        match client.http(function).send().await {
            Err(TestError::Failed {
                status,
                message: got,
            }) => {
                assert_eq!(status, 500, "{function}");
                assert!(got.contains(message), "{function}: {got}");
            }
            other => panic!("{function}: the invocation should fail, got {other:?}"),
        }
    }
    let ok = client.http("found").send().await.unwrap();
    assert_eq!((ok.status(), ok.text()), (200, "here"));
    let missing = client.http("missing").send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn an_err_that_is_an_error_is_a_500_when_forwarded() {
    let router = azfn::App::new().into_router().unwrap();
    let get = |path: &str| {
        let router = router.clone();
        let request = Request::get(path).body(Body::empty()).unwrap();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let (status, text) = get("/api/out_of_stock").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(text, "item 7 is out of stock");
    assert_eq!(get("/api/missing").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get("/api/found").await, (StatusCode::OK, "here".to_owned()));
}

/// Reads a note named by the route from a blob.
#[azfn::http_trigger(methods = ["get"], auth_level = "anonymous", route = "notes/{id}")]
async fn read_note(
    #[azfn::blob_input(path = "notes/{id}.txt")] note: Option<String>,
) -> Result<String, StatusCode> {
    note.ok_or(StatusCode::NOT_FOUND)
}

/// Issue 14 item 3: `TestClient`'s HTTP invocation had no `.input(..)`, so an HTTP function's
/// input binding could not be given in a test.
#[tokio::test]
async fn an_http_invocation_carries_the_inputs_the_host_reads() {
    let client = TestClient::new();
    let response = client
        .http("read_note")
        .get("/api/notes/7")
        .input("note", azfn::testing::encode_text("seven"))
        .send()
        .await
        .unwrap();
    assert_eq!((response.status(), response.text()), (200, "seven"));
    let missing = client
        .http("read_note")
        .get("/api/notes/8")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
