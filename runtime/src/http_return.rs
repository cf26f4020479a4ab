//! What an HTTP function's return value answers: its response, or, for an `Err` that is an error
//! rather than a response, a failed invocation.
//!
//! axum answers `Result<T, E>` with `E`'s response when `E: IntoResponse`, so an
//! `Err(String)` would be a `200` with the error text, and the host would count the invocation
//! as a success. Here an `Err` whose type converts into an error (`E: Into<BoxError>`: `String`,
//! `anyhow::Error`, any `std::error::Error`) fails the invocation: `500` with the message, logged,
//! and in payload mode the host fails the invocation and its trigger retries it. An `Err` that is
//! only a response (`StatusCode`, `(StatusCode, String)`, `Response`) is that response, which is
//! how a function answers an error status on purpose.
//!
//! Which of the two a return type is decided at compile time by method resolution on a
//! reference to the value ("autoref specialization"): stable Rust has no specialization, and
//! `String` is both a response and an error, so no pair of trait impls could tell them apart.

use axum::response::{IntoResponse, Response};

use crate::error::BoxError;

/// The return value of an HTTP function, borrowed to decide how it answers.
pub struct HttpReturn<'a, R>(pub &'a R);

/// An `Ok` answers with its response; an `Err` fails the invocation.
#[derive(Clone, Copy, Debug)]
pub struct FailsOnErr;

/// The value is the response.
#[derive(Clone, Copy, Debug)]
pub struct AnswersAsIs;

/// Chosen first: `Result<T, E>` with an error type `E`.
pub trait FailsOnErrKind {
    /// How this return value answers.
    fn __azfn_kind(&self) -> FailsOnErr {
        FailsOnErr
    }
}

impl<T: IntoResponse, E: Into<BoxError>> FailsOnErrKind for HttpReturn<'_, Result<T, E>> {}

/// Chosen otherwise: any response.
pub trait AnswersAsIsKind {
    /// How this return value answers.
    fn __azfn_kind(&self) -> AnswersAsIs {
        AnswersAsIs
    }
}

impl<R> AnswersAsIsKind for &HttpReturn<'_, R> {}

impl FailsOnErr {
    /// The `Ok` value's response, or a `500` marked as the function's failure.
    pub fn respond<T: IntoResponse, E: Into<BoxError>>(self, result: Result<T, E>) -> Response {
        match result {
            Ok(value) => value.into_response(),
            Err(error) => {
                let error: BoxError = error.into();
                let message = error.to_string();
                tracing::error!("HTTP function failed: {message}");
                let mut response =
                    (http::StatusCode::INTERNAL_SERVER_ERROR, message.clone()).into_response();
                response.extensions_mut().insert(FunctionFailed(message));
                response
            }
        }
    }
}

impl AnswersAsIs {
    /// The value's response.
    pub fn respond<R: IntoResponse>(self, value: R) -> Response {
        value.into_response()
    }
}

/// Marks a `500` that stands for an `Err` the function returned, so payload mode fails the
/// invocation instead of answering the caller with a `500` the host would count as a success.
#[derive(Clone, Debug)]
pub(crate) struct FunctionFailed(pub(crate) String);
