//! The one error type of the storage layer, below the clients and the connection strings that
//! both report it.

/// What can go wrong talking to storage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The connection string cannot be read.
    #[error("invalid storage connection string: {message}")]
    ConnectionString {
        /// What is wrong.
        message: String,
    },

    /// The account's endpoint is HTTPS, which the local transport does not speak.
    #[error(
        "storage endpoint `{endpoint}` uses https, but `cargo azfn start` reaches storage over \
         plain HTTP only: use `UseDevelopmentStorage=true` (Azurite) or an http:// endpoint"
    )]
    Https {
        /// The endpoint.
        endpoint: String,
    },

    /// A storage request failed.
    #[error("{operation}: {source}")]
    Request {
        /// What was being done, e.g. `receive messages from queue \`orders\``.
        operation: String,
        /// The SDK's error (status, storage error code and message).
        source: azure_core::Error,
    },

    /// A queue message is not valid for the configured `messageEncoding`.
    #[error(
        "queue message `{id}` is not valid base64 (host.json `extensions.queues.messageEncoding` is `base64`)"
    )]
    NotBase64 {
        /// The message id.
        id: String,
    },

    /// Azurite is needed but cannot be found or started.
    #[error("{0}")]
    Azurite(String),
}

impl StorageError {
    /// The HTTP status of a failed request, if it got that far.
    pub fn status(&self) -> Option<u16> {
        match self {
            StorageError::Request { source, .. } => source.http_status().map(u16::from),
            _ => None,
        }
    }

    pub(super) fn request(
        operation: impl Into<String>,
    ) -> impl FnOnce(azure_core::Error) -> StorageError {
        let operation = operation.into();
        move |source| StorageError::Request { operation, source }
    }
}
