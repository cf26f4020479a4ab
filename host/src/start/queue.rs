//! The storage queue trigger: poll, invoke, delete on success; on failure make the message
//! visible again until `maxDequeueCount`, then move it to `<queue>-poison` (the Storage
//! Queues extension's `QueueProcessor`).
//!
//! When the poller must stop (a reload, or the host stopping), it takes no new messages; the
//! ones it holds are processed, and one whose invocation fails then is made visible again at
//! once, whatever its dequeue count, rather than retried later or poisoned: its failure is
//! the reload's, not the function's.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::dates::format_offset;
use super::options::HostEvent;
use super::queue_settings::{MIN_POLLING_INTERVAL, QueueSettings};
use super::scope::Scope;
use super::shared::{Shared, finish};
use crate::storage::{QueueMessage, Storage};
use crate::{binding_data, encode_bytes, encode_text, encode_value};

/// How long a message being processed stays invisible to other pollers (the extension
/// renews it while the function runs; one generous lease is enough locally).
const PROCESSING_VISIBILITY: Duration = Duration::from_secs(10 * 60);

/// Polls the queue of one queue-triggered function until its scope ends.
pub(crate) async fn poll(scope: Scope, function: String) {
    let shared = &scope.shared;
    let app = scope.app.clone();
    let Some(f) = app.function(&function) else {
        return;
    };
    let Some(trigger) = f.trigger() else { return };
    let queue = match trigger
        .setting_str("queueName")
        .map(|q| shared.resolve_settings(q))
    {
        Some(Ok(q)) => q,
        Some(Err(e)) => {
            shared.console().error(format_args!("`{function}`: {e}"));
            return;
        }
        None => {
            shared.console().error(format_args!(
                "`{function}`: queue trigger without `queueName`"
            ));
            return;
        }
    };
    let storage = match shared.storage(trigger.setting_str("connection")) {
        Ok(s) => s,
        Err(e) => {
            shared.console().error(format_args!(
                "The listener for function '{function}' was unable to start: {e}"
            ));
            return;
        }
    };
    let settings = QueueSettings::from_app(&app);
    let mut interval = MIN_POLLING_INTERVAL;
    let mut reported = false;
    while !scope.ended() {
        let messages = storage
            .receive_messages(&queue, settings.batch_size, PROCESSING_VISIBILITY)
            .await;
        let messages = match messages {
            Ok(m) => {
                reported = false;
                m
            }
            Err(error) => {
                if !reported {
                    shared.console().error(format_args!(
                        "`{function}`: polling queue `{queue}` failed: {error}"
                    ));
                    reported = true;
                }
                Vec::new()
            }
        };
        if messages.is_empty() {
            if !scope.sleep(interval).await {
                break;
            }
            // Exponential back-off up to maxPollingInterval, as `RandomizedExponentialBackoffStrategy`.
            interval = (interval * 2).min(settings.max_polling_interval);
            continue;
        }
        interval = MIN_POLLING_INTERVAL;
        // Received, so in flight: processed even if the scope ends meanwhile.
        let work = messages.into_iter().map(|message| {
            let scope = scope.clone();
            let storage = storage.clone();
            let function = function.clone();
            let queue = queue.clone();
            let settings = settings.clone();
            async move { process(&scope, &storage, &function, &queue, &settings, message).await }
        });
        futures_util::future::join_all(work).await;
    }
}

async fn process(
    scope: &Scope,
    storage: &Storage,
    function: &str,
    queue: &str,
    settings: &QueueSettings,
    message: QueueMessage,
) {
    let shared = &*scope.shared;
    let console = shared.console();
    let poison = format!("{queue}-poison");
    // `QueueProcessor.BeginProcessingMessageAsync`: a message already past the limit goes
    // straight to the poison queue.
    if message.dequeue_count > settings.max_dequeue_count {
        move_to_poison(shared, storage, queue, &poison, &message, settings).await;
        return;
    }
    let content = match message.content(settings.encoding) {
        Ok(content) => content,
        Err(error) => {
            // The extension's decoding-failure handler moves such messages to the poison
            // queue rather than retrying them.
            console.warn(format_args!(
                "{error}: moving it to `{poison}`. Messages must be base64 unless host.json sets \
                 `extensions.queues.messageEncoding` to `none`."
            ));
            move_to_poison(shared, storage, queue, &poison, &message, settings).await;
            return;
        }
    };
    let outcome = invoke(scope, function, queue, &message, &content).await;
    match outcome {
        Ok(()) => {
            if let Err(error) = storage.delete_message(queue, &message).await {
                console.error(format_args!("{error}"));
            }
        }
        // Failed as the app is reloaded or stopped: the next poller (of the reloaded app, or
        // of the next `start`) takes it.
        Err(_) if scope.ended() => {
            if let Err(error) = storage
                .release_message(queue, &message, Duration::ZERO)
                .await
            {
                console.error(format_args!("{error}"));
            }
        }
        Err(_) if message.dequeue_count >= settings.max_dequeue_count => {
            move_to_poison(shared, storage, queue, &poison, &message, settings).await;
        }
        Err(_) => {
            if let Err(error) = storage
                .release_message(queue, &message, settings.visibility_timeout)
                .await
            {
                console.error(format_args!("{error}"));
            }
        }
    }
}

async fn move_to_poison(
    shared: &Shared,
    storage: &Storage,
    queue: &str,
    poison: &str,
    message: &QueueMessage,
    settings: &QueueSettings,
) {
    shared.console().warn(format_args!(
        "Message has reached MaxDequeueCount of {}. Moving message to queue '{poison}'.",
        settings.max_dequeue_count
    ));
    let moved = async {
        storage.send_message(poison, &message.text).await?;
        storage.delete_message(queue, message).await
    }
    .await;
    match moved {
        Ok(()) => shared.emit(HostEvent::Poisoned {
            queue: queue.to_string(),
            poison_queue: poison.to_string(),
            message_id: message.id.clone(),
        }),
        Err(error) => shared.console().error(format_args!("{error}")),
    }
}

/// One invocation: `Data` and `Metadata` as the host builds them for a queue message (§2.3,
/// §2.5), then the outputs.
async fn invoke(
    scope: &Scope,
    function: &str,
    queue: &str,
    message: &QueueMessage,
    content: &[u8],
) -> Result<(), String> {
    let shared = &*scope.shared;
    let app = scope.app.clone();
    let f = app
        .function(function)
        .ok_or_else(|| format!("function `{function}` is gone"))?;
    let trigger = f.trigger().ok_or("no trigger")?;
    let text = String::from_utf8_lossy(content).into_owned();

    let mut data = Map::new();
    data.insert(
        trigger.name.clone(),
        if trigger.is_binary() {
            encode_bytes(content)
        } else {
            encode_text(&text)
        },
    );
    let started = Instant::now();
    let invocation_id = crate::new_guid();
    let console = shared.console();
    console.info(format_args!(
        "Executing 'Functions.{function}' (Reason='New queue message detected on '{queue}'.', Id={invocation_id})"
    ));
    console.info(format_args!(
        "Trigger Details: MessageId: {}, DequeueCount: {}, InsertionTime: {}",
        message.id,
        message.dequeue_count,
        message
            .insertion_time
            .map(format_offset)
            .unwrap_or_default()
    ));
    let result: Result<Vec<String>, String> = async {
        let mut metadata = Map::new();
        metadata.insert(
            "DequeueCount".into(),
            encode_value(&Value::from(message.dequeue_count)),
        );
        for (key, time) in [
            ("ExpirationTime", message.expiration_time),
            ("InsertionTime", message.insertion_time),
            ("NextVisibleTime", message.next_visible_time),
        ] {
            if let Some(time) = time {
                metadata.insert(key.into(), Value::String(format_offset(time)));
            }
        }
        metadata.insert("Id".into(), encode_text(&message.id));
        metadata.insert("PopReceipt".into(), encode_text(&message.pop_receipt));
        metadata.insert("QueueTrigger".into(), encode_text(&text));
        let binding = binding_data(f, &data, &metadata);
        scope
            .run_bindings(f, &binding, data, metadata, &invocation_id)
            .await
    }
    .await;
    finish(shared, function, &invocation_id, started, result)
}
