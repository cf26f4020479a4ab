//! The host's request body limit, the one every HTTP extractor applies in both HTTP modes.
//!
//! The Functions host refuses a request body over `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` bytes
//! (an app setting, 100 MiB by default) before the handler sees it, so the handler must accept
//! anything up to it. axum's extractors (`String`, `Bytes`, `Json`, forms) otherwise stop at
//! their own 2 MB default, which they read from the request's extensions; the limit goes there
//! for every HTTP request the runtime builds or routes.

use std::sync::OnceLock;

use axum::response::{IntoResponse as _, Response};
use futures_util::FutureExt as _;
use tower::{Layer as _, ServiceExt as _};

/// The host's default for `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`: 100 MiB.
pub const DEFAULT_REQUEST_BODY_LIMIT: usize = 100 * 1024 * 1024;

/// The largest request body the host forwards: `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` when it is a
/// number of bytes, else the default.
pub fn request_body_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_REQUEST_BODY_LIMIT)
    })
}

/// The largest invocation payload read in payload mode: a body of the host's limit, base64
/// encoded (4/3 larger), with room for the envelope, headers and metadata.
pub(crate) fn payload_limit() -> usize {
    request_body_limit()
        .saturating_mul(4)
        .div_ceil(3)
        .saturating_add(8 * 1024 * 1024)
}

/// The request extensions that tell axum's extractors the limit, as its `DefaultBodyLimit` layer
/// sets them (the kind it stores is private to axum, so the layer itself makes them, once).
pub(crate) fn body_limit_extensions() -> &'static http::Extensions {
    static EXTENSIONS: OnceLock<http::Extensions> = OnceLock::new();
    EXTENSIONS.get_or_init(|| {
        let capture = tower::service_fn(|request: http::Request<()>| async move {
            Ok::<_, std::convert::Infallible>(request.extensions().clone())
        });
        axum::extract::DefaultBodyLimit::max(request_body_limit())
            .layer(capture)
            .oneshot(http::Request::new(()))
            .now_or_never()
            .and_then(Result::ok)
            .expect("the capturing service answers at once")
    })
}

/// Gives `request` the host's body limit for axum's extractors.
pub(crate) fn apply<B>(request: &mut http::Request<B>) {
    request
        .extensions_mut()
        .extend(body_limit_extensions().clone());
}

/// The answer to a body over the limit: 413, with the limit and the setting that raises it.
pub(crate) fn too_large() -> Response {
    (
        http::StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than {} bytes, the host's limit \
             (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`)",
            request_body_limit()
        ),
    )
        .into_response()
}
