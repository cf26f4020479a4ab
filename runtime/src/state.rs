//! Shared state: values built once in `main` (clients, pools, configuration) that every
//! function can take as a parameter.

use std::any::type_name;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::error::InvocationError;
use crate::invocation::{FromInvocation, Invocation, InvocationFailure};

/// The states registered with [`crate::App::state`], shared by all invocations.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedState(pub(crate) Arc<http::Extensions>);

impl SharedState {
    fn get<T: Clone + Send + Sync + 'static>(&self) -> Result<T, StateMissing> {
        self.0.get::<T>().cloned().ok_or(StateMissing {
            type_name: type_name::<T>(),
        })
    }
}

/// A value registered with [`crate::App::state`], as a function parameter: `State(pool):
/// State<Pool>`. Works in HTTP functions (it is an axum extractor) and in all others.
///
/// The value is cloned for each invocation, so register something cheap to clone: an `Arc`,
/// or a client that is an `Arc` inside (most are).
#[derive(Clone, Copy, Debug, Default)]
pub struct State<T>(pub T);

/// A function asked for a state that `main` never registered.
#[derive(Debug, thiserror::Error)]
#[error(
    "no state of type `{type_name}` was registered; add it in `main` with \
     `azfn::App::new().state(value)`"
)]
pub struct StateMissing {
    type_name: &'static str,
}

impl IntoResponse for StateMissing {
    fn into_response(self) -> Response {
        tracing::error!("{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

impl<T, S> axum::extract::FromRequestParts<S> for State<T>
where
    T: Clone + Send + Sync + 'static,
    S: Send + Sync,
{
    type Rejection = StateMissing;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let in_payload = crate::http_output::PayloadParts::with(|payload| {
            payload.map(|p| p.state.get().map(State))
        });
        match in_payload {
            Some(state) => state,
            // Forwarded and proxied requests carry the state alone.
            None => parts
                .extensions
                .get::<SharedState>()
                .cloned()
                .unwrap_or_default()
                .get()
                .map(State),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> FromInvocation for State<T> {
    fn from_invocation(invocation: &Invocation, _: &str) -> Result<Self, InvocationFailure> {
        invocation
            .state()
            .get()
            .map(State)
            .map_err(|e| InvocationError::Function(Box::new(e)).into())
    }
}
