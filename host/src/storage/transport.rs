//! What the Azure SDK's clients are plugged into: a hyper transport and Shared Key signing.
//!
//! The SDK crates (`azure_storage_queue`, `azure_storage_blob` 1.x) only authenticate with
//! Entra ID tokens (over HTTPS) or SAS URLs, and their default transport is reqwest with a
//! TLS stack. Azurite speaks plain HTTP and Shared Key, so both are supplied here through the
//! SDK's own extension points: `ClientOptions::transport` and a per-try policy.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::Secret;
use azure_core::error::ErrorKind;
use azure_core::http::headers::Headers;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{AsyncRawResponse, Body, Context, HttpClient, Request};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The SDK's `HttpClient` over a pooled hyper client (HTTP/1.1, plain HTTP only).
#[derive(Debug)]
pub(crate) struct HyperTransport {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl HyperTransport {
    pub(crate) fn new() -> Self {
        HyperTransport {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

fn io_error(
    error: impl std::error::Error + Send + Sync + 'static,
    what: &str,
) -> azure_core::Error {
    azure_core::Error::with_error(ErrorKind::Io, error, what.to_string())
}

#[async_trait]
impl HttpClient for HyperTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.clone(),
            // Only used by the SDK for uploads from a stream, which this crate never does.
            Body::SeekableStream(_) => {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Other,
                    "streamed request bodies are not supported by the local transport",
                ));
            }
        };
        let mut builder = http::Request::builder()
            .method(request.method().as_ref())
            .uri(request.url().as_str());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let outgoing = builder
            .body(Full::new(body))
            .map_err(|e| io_error(e, "cannot build the storage request"))?;
        let response = self.client.request(outgoing).await.map_err(|e| {
            let kind = if e.is_connect() {
                ErrorKind::Connection
            } else {
                ErrorKind::Io
            };
            azure_core::Error::with_error(kind, e, "storage request failed")
        })?;
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .map_err(|e| io_error(e, "cannot read the storage response"))?
            .to_bytes();
        let mut headers = Headers::new();
        for (name, value) in &parts.headers {
            if let Ok(value) = value.to_str() {
                headers.insert(name.as_str().to_owned(), value.to_owned());
            }
        }
        Ok(AsyncRawResponse::from_bytes(
            parts.status.as_u16().into(),
            headers,
            bytes,
        ))
    }
}

/// Signs every try with the account key ("Authorize with Shared Key", blob and queue
/// services, version 2009-09-19 and later).
#[derive(Debug)]
pub(crate) struct SharedKeyPolicy {
    account: String,
    key: Secret,
}

impl SharedKeyPolicy {
    pub(crate) fn new(account: &str, key: &str) -> Arc<Self> {
        Arc::new(SharedKeyPolicy {
            account: account.to_string(),
            key: Secret::new(key.to_string()),
        })
    }
}

// `async_trait` cannot name the lifetime `Context` carries in the trait's own signature.
#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for SharedKeyPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let date = azure_core::time::to_rfc7231(&azure_core::time::OffsetDateTime::now_utc());
        request.insert_header("x-ms-date", date);
        let to_sign = string_to_sign(&self.account, request);
        let signature = azure_core::hmac::hmac_sha256(&to_sign, &self.key)?;
        request.insert_header(
            "authorization",
            format!("SharedKey {}:{signature}", self.account),
        );
        next[0].send(ctx, request, &next[1..]).await
    }
}

fn string_to_sign(account: &str, request: &Request) -> String {
    let header = |name: &str| -> String {
        request
            .headers()
            .iter()
            .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str().to_string())
            .unwrap_or_default()
    };
    // Content-Length is what hyper will send for the body; zero is signed as empty.
    let length = match request.body().len() {
        Some(0) | None => String::new(),
        Some(n) => n.to_string(),
    };
    let mut canonical_headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str().to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.as_str().trim().to_string(),
            )
        })
        .collect();
    canonical_headers.sort();

    let url = request.url();
    let mut resource = format!("/{account}{}", url.path());
    let mut query: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in url.query_pairs() {
        query
            .entry(k.to_ascii_lowercase())
            .or_default()
            .push(v.into_owned());
    }
    for (k, mut values) in query {
        values.sort();
        resource.push_str(&format!("\n{k}:{}", values.join(",")));
    }

    let mut text = String::new();
    for part in [
        request.method().as_ref().to_string(),
        header("content-encoding"),
        header("content-language"),
        length,
        header("content-md5"),
        header("content-type"),
        // Date: empty because x-ms-date is set.
        String::new(),
        header("if-modified-since"),
        header("if-match"),
        header("if-none-match"),
        header("if-unmodified-since"),
        header("range"),
    ] {
        text.push_str(&part);
        text.push('\n');
    }
    for (k, v) in canonical_headers {
        text.push_str(&format!("{k}:{v}\n"));
    }
    text.push_str(&resource);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{Method, Url};

    #[test]
    fn string_to_sign_follows_the_documented_layout() {
        let url =
            Url::parse("http://127.0.0.1:10001/devstoreaccount1/q/messages?numofmessages=2&b=x")
                .unwrap();
        let mut request = Request::new(url, Method::Get);
        request.insert_header("x-ms-version", "2026-04-06");
        request.insert_header("x-ms-date", "Mon, 23 Nov 2026 19:35:17 GMT");
        assert_eq!(
            string_to_sign("devstoreaccount1", &request),
            "GET\n\n\n\n\n\n\n\n\n\n\n\n\
             x-ms-date:Mon, 23 Nov 2026 19:35:17 GMT\nx-ms-version:2026-04-06\n\
             /devstoreaccount1/devstoreaccount1/q/messages\nb:x\nnumofmessages:2"
        );
    }
}
