//! Storage for the app: whether it needs any, and Azurite started for it when it uses
//! `UseDevelopmentStorage=true` and nothing listens on the emulator's ports.

use std::collections::BTreeMap;

use super::console::Console;
use super::options::StartOptions;
use super::simulated::trigger_kind;
use crate::App;
use crate::storage::{Azurite, AzuriteOptions, StorageAccount, StorageError};

/// Whether the app needs storage: a trigger other than HTTP, a queue or blob output, or a blob
/// input.
pub(super) fn needs_storage(app: &App) -> bool {
    has_non_http_trigger(app)
        || app.functions().iter().any(|f| {
            f.bindings
                .iter()
                .any(|b| !b.is_trigger() && is_storage_binding(&b.kind))
        })
}

pub(super) fn has_non_http_trigger(app: &App) -> bool {
    app.functions()
        .iter()
        .any(|f| trigger_kind(f).is_some_and(|k| k != "httptrigger"))
}

/// Whether `AzureWebJobsStorage` (the environment first, then local.settings.json) is
/// `UseDevelopmentStorage=true`.
pub(super) fn uses_development_storage(app: &App, env: &BTreeMap<String, String>) -> bool {
    env.get("AzureWebJobsStorage")
        .or_else(|| app.settings().get("AzureWebJobsStorage"))
        .is_some_and(|v| StorageAccount::parse(v).is_ok_and(|a| a == StorageAccount::development()))
}

/// Whether something accepts connections on the queue port of `account`.
pub(super) fn emulator_listening(account: &StorageAccount) -> bool {
    account
        .queue_authority()
        .is_some_and(|a| std::net::TcpStream::connect(a).is_ok())
}

/// What [`start_emulator`] found or did.
pub(super) enum Emulator {
    /// The app needs no emulator (or `start_azurite` is off).
    NotNeeded,
    /// Something already listens on the emulator's ports.
    Listening,
    /// Azurite was started.
    Started(Azurite),
    /// Azurite could not be started.
    Failed(StorageError),
}

/// Starts Azurite on the emulator's ports, with its data beside the app folder, when the app
/// needs storage, `AzureWebJobsStorage` is `UseDevelopmentStorage=true` and nothing listens
/// at `development` yet.
pub(super) async fn start_emulator(
    options: &StartOptions,
    app: &App,
    env: &BTreeMap<String, String>,
    development: &StorageAccount,
    console: &Console,
) -> Emulator {
    if !(options.start_azurite && needs_storage(app) && uses_development_storage(app, env)) {
        return Emulator::NotNeeded;
    }
    if emulator_listening(development) {
        console.info(format_args!(
            "Using the storage emulator already listening at {}",
            development.queue_endpoint()
        ));
        return Emulator::Listening;
    }
    let location = options
        .app_dir
        .parent()
        .unwrap_or(&options.app_dir)
        .join(".azurite");
    match Azurite::start(AzuriteOptions::default_ports(location.clone())).await {
        Ok(started) => {
            console.info(format_args!(
                "Started Azurite (data in {}): blobs on 127.0.0.1:{}, queues on 127.0.0.1:{}",
                location.display(),
                started.blob_port(),
                started.queue_port()
            ));
            Emulator::Started(started)
        }
        Err(error) => Emulator::Failed(error),
    }
}

fn is_storage_binding(kind: &str) -> bool {
    matches!(kind.to_ascii_lowercase().as_str(), "queue" | "blob")
}
