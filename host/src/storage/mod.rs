//! Azure Storage queues and blobs, as `cargo azfn start` needs them, against Azurite.
//!
//! The clients are Microsoft's maintained SDK crates, `azure_storage_queue` and
//! `azure_storage_blob` (1.x). Those authenticate only with Entra ID tokens over HTTPS or with
//! SAS URLs, and bring reqwest with a TLS stack by default; Azurite wants Shared Key over plain
//! HTTP. So the crates are used without default features, with a hyper transport and a
//! Shared Key signing policy plugged into their pipeline (see `transport.rs`). The consequence:
//! accounts are reached over `http://` only (Azurite, or any emulator-style endpoint given in
//! a connection string); an `https://` account is refused with a message saying so.
//!
//! ```no_run
//! use azfn_host::storage::{MessageEncoding, Storage, StorageAccount};
//!
//! # async fn demo() -> Result<(), azfn_host::storage::StorageError> {
//! let storage = Storage::new(StorageAccount::parse("UseDevelopmentStorage=true")?)?;
//! storage.create_queue("messages-incoming").await?;
//! storage
//!     .put_message("messages-incoming", b"hello", MessageEncoding::Base64)
//!     .await?;
//! for message in storage.peek_messages("messages-incoming", 32).await? {
//!     println!("{:?}", message.content(MessageEncoding::Base64));
//! }
//! # Ok(()) }
//! ```

mod azurite;
mod connection;
mod error;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use azure_core::http::{ClientOptions, RequestContent, StatusCode, Transport, Url};
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use azure_storage_queue::models::QueueMessage as SdkMessage;
use azure_storage_queue::{QueueServiceClient, QueueServiceClientOptions};
use base64::Engine as _;
use bytes::Bytes;
use futures_util::StreamExt as _;
use time::OffsetDateTime;

pub use azurite::{Azurite, AzuriteOptions, find_azurite};
pub use connection::{
    DEFAULT_BLOB_PORT, DEFAULT_QUEUE_PORT, DEVELOPMENT_ACCOUNT, DEVELOPMENT_KEY, StorageAccount,
};
pub use error::StorageError;

/// How queue message bodies are encoded (host.json `extensions.queues.messageEncoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MessageEncoding {
    /// The Functions default (Storage Queues extension 5.x): message text is base64 of the
    /// content.
    #[default]
    Base64,
    /// The message text is the content (UTF-8).
    None,
}

impl MessageEncoding {
    /// Reads the setting's value (`base64` or `none`, any case).
    pub fn parse(text: &str) -> Option<MessageEncoding> {
        match text.trim().to_ascii_lowercase().as_str() {
            "base64" => Some(MessageEncoding::Base64),
            "none" => Some(MessageEncoding::None),
            _ => None,
        }
    }

    /// The message text for some content.
    pub fn encode(self, content: &[u8]) -> String {
        match self {
            MessageEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(content),
            MessageEncoding::None => String::from_utf8_lossy(content).into_owned(),
        }
    }
}

/// A queue message as received (or peeked).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct QueueMessage {
    /// `MessageId`.
    pub id: String,
    /// `PopReceipt` (empty for a peeked message).
    pub pop_receipt: String,
    /// `MessageText` as stored.
    pub text: String,
    /// `DequeueCount`.
    pub dequeue_count: u32,
    /// `InsertionTime`.
    pub insertion_time: Option<OffsetDateTime>,
    /// `ExpirationTime`.
    pub expiration_time: Option<OffsetDateTime>,
    /// `TimeNextVisible` (received messages only).
    pub next_visible_time: Option<OffsetDateTime>,
}

impl QueueMessage {
    /// The content, after undoing the encoding.
    pub fn content(&self, encoding: MessageEncoding) -> Result<Vec<u8>, StorageError> {
        match encoding {
            MessageEncoding::None => Ok(self.text.clone().into_bytes()),
            MessageEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(self.text.trim())
                .map_err(|_| StorageError::NotBase64 {
                    id: self.id.clone(),
                }),
        }
    }
}

/// A blob as listed, with the properties the blob trigger reports.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BlobInfo {
    /// The blob name within its container.
    pub name: String,
    /// `ETag`, with its quotes as the service sends them.
    pub etag: String,
    /// `Content-Length`.
    pub content_length: u64,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-MD5`, base64.
    pub content_md5: Option<String>,
    /// `Creation-Time`.
    pub created: Option<OffsetDateTime>,
    /// `Last-Modified`.
    pub last_modified: Option<OffsetDateTime>,
}

/// Queue and blob clients for one account.
#[derive(Clone)]
pub struct Storage {
    account: Arc<StorageAccount>,
    queues: Arc<QueueServiceClient>,
    blobs: Arc<BlobServiceClient>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Storage {
    /// Clients for the account. Nothing is sent yet.
    pub fn new(account: StorageAccount) -> Result<Storage, StorageError> {
        for endpoint in [account.queue_endpoint(), account.blob_endpoint()] {
            if !endpoint.starts_with("http://") {
                return Err(StorageError::Https {
                    endpoint: endpoint.to_string(),
                });
            }
        }
        let parse = |e: &str| {
            Url::parse(e).map_err(|_| StorageError::ConnectionString {
                message: format!("`{e}` is not a URL"),
            })
        };
        // Local storage answers at once or not at all: a long retry ladder would only hide a
        // stopped Azurite.
        let options = ClientOptions {
            transport: Some(Transport::new(Arc::new(transport::HyperTransport::new()))),
            per_try_policies: vec![transport::SharedKeyPolicy::new(
                account.name(),
                account.key(),
            )],
            retry: azure_core::http::RetryOptions::fixed(azure_core::http::FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(200),
                max_retries: 2,
                ..Default::default()
            }),
            ..Default::default()
        };
        let queues = QueueServiceClient::new(
            parse(account.queue_endpoint())?,
            None,
            Some(QueueServiceClientOptions {
                client_options: options.clone(),
                ..Default::default()
            }),
        )
        .map_err(StorageError::request("create the queue client"))?;
        let blobs = BlobServiceClient::new(
            parse(account.blob_endpoint())?,
            None,
            Some(BlobServiceClientOptions {
                client_options: options,
                ..Default::default()
            }),
        )
        .map_err(StorageError::request("create the blob client"))?;
        Ok(Storage {
            account: Arc::new(account),
            queues: Arc::new(queues),
            blobs: Arc::new(blobs),
        })
    }

    /// The account.
    pub fn account(&self) -> &StorageAccount {
        &self.account
    }

    fn queue(
        &self,
        name: &str,
        operation: &str,
    ) -> Result<azure_storage_queue::QueueClient, StorageError> {
        self.queues
            .queue_client(name)
            .map_err(StorageError::request(format!("{operation} queue `{name}`")))
    }

    /// Creates a queue if it does not exist.
    pub async fn create_queue(&self, name: &str) -> Result<(), StorageError> {
        self.queue(name, "create")?
            .create(None)
            .await
            .map_err(StorageError::request(format!("create queue `{name}`")))?;
        Ok(())
    }

    /// Whether a queue exists.
    pub async fn queue_exists(&self, name: &str) -> Result<bool, StorageError> {
        self.queue(name, "look up")?
            .exists()
            .await
            .map_err(StorageError::request(format!("look up queue `{name}`")))
    }

    /// Adds a message whose text is given as stored.
    pub async fn send_message(&self, queue: &str, text: &str) -> Result<(), StorageError> {
        let client = self.queue(queue, "send to")?;
        let message = SdkMessage {
            message_text: Some(text.to_string()),
        };
        let content = message.try_into().map_err(StorageError::request(format!(
            "encode a message for `{queue}`"
        )))?;
        match client.send_message(content, None).await {
            Ok(_) => Ok(()),
            // The host's queue output creates the queue on first use.
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => {
                self.create_queue(queue).await?;
                let message = SdkMessage {
                    message_text: Some(text.to_string()),
                };
                let content = message.try_into().map_err(StorageError::request(format!(
                    "encode a message for `{queue}`"
                )))?;
                client
                    .send_message(content, None)
                    .await
                    .map_err(StorageError::request(format!(
                        "send a message to `{queue}`"
                    )))?;
                Ok(())
            }
            Err(e) => Err(StorageError::request(format!(
                "send a message to `{queue}`"
            ))(e)),
        }
    }

    /// Adds a message with this content, encoded as `encoding` says.
    pub async fn put_message(
        &self,
        queue: &str,
        content: &[u8],
        encoding: MessageEncoding,
    ) -> Result<(), StorageError> {
        self.send_message(queue, &encoding.encode(content)).await
    }

    /// Receives up to `max` (≤ 32) messages, hiding them for `visibility`. A missing queue has
    /// no messages.
    pub async fn receive_messages(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
    ) -> Result<Vec<QueueMessage>, StorageError> {
        let client = self.queue(queue, "receive from")?;
        let options = azure_storage_queue::models::QueueClientReceiveMessagesOptions {
            number_of_messages: Some(max.clamp(1, 32) as i32),
            visibility_timeout: Some(visibility.as_secs().max(1) as i32),
            ..Default::default()
        };
        let response = match client.receive_messages(Some(options)).await {
            Ok(r) => r,
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => return Ok(Vec::new()),
            Err(e) => {
                return Err(StorageError::request(format!(
                    "receive messages from `{queue}`"
                ))(e));
            }
        };
        let model = response
            .into_model()
            .map_err(StorageError::request(format!(
                "read messages from `{queue}`"
            )))?;
        Ok(model
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|m| QueueMessage {
                id: m.message_id.unwrap_or_default(),
                pop_receipt: m.pop_receipt.unwrap_or_default(),
                text: m.message_text.unwrap_or_default(),
                dequeue_count: m.dequeue_count.unwrap_or(0).max(0) as u32,
                insertion_time: m.insertion_time,
                expiration_time: m.expiration_time,
                next_visible_time: m.time_next_visible,
            })
            .collect())
    }

    /// Reads up to `max` (≤ 32) messages without hiding them. A missing queue has none.
    pub async fn peek_messages(
        &self,
        queue: &str,
        max: u32,
    ) -> Result<Vec<QueueMessage>, StorageError> {
        let client = self.queue(queue, "peek at")?;
        let options = azure_storage_queue::models::QueueClientPeekMessagesOptions {
            number_of_messages: Some(max.clamp(1, 32) as i32),
            ..Default::default()
        };
        let response = match client.peek_messages(Some(options)).await {
            Ok(r) => r,
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(StorageError::request(format!("peek at `{queue}`"))(e)),
        };
        let model = response
            .into_model()
            .map_err(StorageError::request(format!(
                "read messages from `{queue}`"
            )))?;
        Ok(model
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|m| QueueMessage {
                id: m.message_id.unwrap_or_default(),
                pop_receipt: String::new(),
                text: m.message_text.unwrap_or_default(),
                dequeue_count: m.dequeue_count.unwrap_or(0).max(0) as u32,
                insertion_time: m.insertion_time,
                expiration_time: m.expiration_time,
                next_visible_time: None,
            })
            .collect())
    }

    /// Deletes a received message.
    pub async fn delete_message(
        &self,
        queue: &str,
        message: &QueueMessage,
    ) -> Result<(), StorageError> {
        self.queue(queue, "delete from")?
            .delete_message(&message.id, &message.pop_receipt, None)
            .await
            .map_err(StorageError::request(format!(
                "delete message `{}` from `{queue}`",
                message.id
            )))?;
        Ok(())
    }

    /// Makes a received message visible again after `visibility` (the host's release after a
    /// failed invocation; zero means at once).
    pub async fn release_message(
        &self,
        queue: &str,
        message: &QueueMessage,
        visibility: Duration,
    ) -> Result<(), StorageError> {
        self.queue(queue, "update")?
            .update_message(
                &message.id,
                &message.pop_receipt,
                visibility.as_secs() as i32,
                None,
            )
            .await
            .map_err(StorageError::request(format!(
                "release message `{}` in `{queue}`",
                message.id
            )))?;
        Ok(())
    }

    /// Creates a blob container if it does not exist.
    pub async fn create_container(&self, container: &str) -> Result<(), StorageError> {
        match self
            .blobs
            .blob_container_client(container)
            .create(None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.http_status() == Some(StatusCode::Conflict) => Ok(()),
            Err(e) => Err(StorageError::request(format!(
                "create container `{container}`"
            ))(e)),
        }
    }

    /// Writes a block blob, creating its container on first use (as the host's blob output
    /// does).
    pub async fn upload_blob(
        &self,
        container: &str,
        name: &str,
        content: impl Into<Bytes>,
    ) -> Result<(), StorageError> {
        let content: Bytes = content.into();
        let client = self
            .blobs
            .blob_container_client(container)
            .blob_client(name);
        let operation = || format!("upload blob `{container}/{name}`");
        match client
            .upload(RequestContent::from(content.to_vec()), None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => {
                self.create_container(container).await?;
                client
                    .upload(RequestContent::from(content.to_vec()), None)
                    .await
                    .map_err(StorageError::request(operation()))?;
                Ok(())
            }
            Err(e) => Err(StorageError::request(operation())(e)),
        }
    }

    /// Reads a blob; `None` when it (or its container) does not exist.
    pub async fn download_blob(
        &self,
        container: &str,
        name: &str,
    ) -> Result<Option<Bytes>, StorageError> {
        let client = self
            .blobs
            .blob_container_client(container)
            .blob_client(name);
        let operation = || format!("download blob `{container}/{name}`");
        match client.download(None).await {
            Ok(result) => Ok(Some(
                result
                    .body
                    .collect()
                    .await
                    .map_err(StorageError::request(operation()))?,
            )),
            Err(e) if e.http_status() == Some(StatusCode::NotFound) => Ok(None),
            Err(e) => Err(StorageError::request(operation())(e)),
        }
    }

    /// Lists the blobs of a container whose names start with `prefix`; a missing container has
    /// none.
    pub async fn list_blobs(
        &self,
        container: &str,
        prefix: &str,
    ) -> Result<Vec<BlobInfo>, StorageError> {
        let operation = || format!("list blobs in `{container}`");
        let options = azure_storage_blob::models::BlobContainerClientListBlobsOptions {
            prefix: (!prefix.is_empty()).then(|| prefix.to_string()),
            ..Default::default()
        };
        let mut pages = self
            .blobs
            .blob_container_client(container)
            .list_blobs(Some(options))
            .map_err(StorageError::request(operation()))?
            .into_pages();
        let mut blobs = Vec::new();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) if e.http_status() == Some(StatusCode::NotFound) => return Ok(Vec::new()),
                Err(e) => return Err(StorageError::request(operation())(e)),
            };
            let page = page
                .into_model()
                .map_err(StorageError::request(operation()))?;
            for item in page.blob_items {
                let Some(name) = item.name else {
                    continue;
                };
                let properties = item.properties.unwrap_or_default();
                blobs.push(BlobInfo {
                    name,
                    etag: properties.etag.map(|e| e.to_string()).unwrap_or_default(),
                    content_length: properties.content_length.unwrap_or(0),
                    content_type: properties.content_type,
                    content_md5: properties
                        .content_md5
                        .map(|m| base64::engine::general_purpose::STANDARD.encode(m)),
                    created: properties.creation_time,
                    last_modified: properties.last_modified,
                });
            }
        }
        Ok(blobs)
    }

    /// True when the blob exists.
    pub async fn blob_exists(&self, container: &str, name: &str) -> Result<bool, StorageError> {
        self.blobs
            .blob_container_client(container)
            .blob_client(name)
            .exists()
            .await
            .map_err(StorageError::request(format!(
                "check blob `{container}/{name}`"
            )))
    }

    /// The URL of a blob, as the blob trigger reports it in `Uri`.
    pub fn blob_url(&self, container: &str, name: &str) -> String {
        format!("{}/{container}/{name}", self.account.blob_endpoint())
    }
}
