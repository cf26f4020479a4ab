//! What one trigger loop runs with ([`Scope`]): its app, when it must stop, and the
//! invocation of a triggered function with its input and output bindings.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::watch as tokio_watch;

use super::outputs::{read_inputs, write_outputs};
use super::shared::Shared;
use crate::{App, Function, Handler, Invocation};
use azfn_spec::expression::BindingData;

/// What one trigger loop runs with: the app it belongs to, and when it must stop.
#[derive(Clone)]
pub(crate) struct Scope {
    pub(crate) shared: Arc<Shared>,
    /// The app the loop was started for; its invocations use this app's function.json, even
    /// once a reload has replaced it.
    pub(crate) app: Arc<App>,
    cancel: tokio_watch::Receiver<bool>,
}

impl Scope {
    /// The scope of a loop of `app`, ended when `cancel` turns `true` or the host stops.
    pub(crate) fn new(
        shared: Arc<Shared>,
        app: Arc<App>,
        cancel: tokio_watch::Receiver<bool>,
    ) -> Scope {
        Scope {
            shared,
            app,
            cancel,
        }
    }

    /// Whether the loop must stop taking work: the host stops, or its app was replaced.
    pub(crate) fn ended(&self) -> bool {
        self.shared.stopping() || *self.cancel.borrow()
    }

    /// Resolves once the loop must stop.
    async fn until_ended(&self) {
        let mut cancel = self.cancel.clone();
        tokio::select! {
            _ = self.shared.stopped() => {}
            // An error: the set of loops was dropped, which ends them too.
            _ = cancel.wait_for(|cancelled| *cancelled) => {}
        }
    }

    /// Sleeps, but wakes up (returning `false`) when the loop must stop.
    pub(crate) async fn sleep(&self, duration: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(duration) => true,
            _ = self.until_ended() => false,
        }
    }

    /// The handler of this loop's app, waiting while it (re)starts. An invocation that has
    /// not reached the handler when the loop must stop does not start: it fails at once, so
    /// that a reload does not wait for a handler that is not there (a queue message goes
    /// back to the queue).
    pub(crate) async fn handler(&self) -> Result<Arc<Handler>, String> {
        let reloaded = || {
            format!(
                "Not invoked: the app is being {}",
                if self.shared.stopping() {
                    "stopped"
                } else {
                    "reloaded"
                }
            )
        };
        tokio::select! {
            biased;
            handler = self.shared.handler_for(&self.app) => match handler {
                Ok(Some(handler)) => Ok(handler),
                Ok(None) => Err(reloaded()),
                Err(error) => Err(error.to_string()),
            },
            _ = self.until_ended() => Err(reloaded()),
        }
    }
}

impl Scope {
    /// Invokes `function` on this loop's handler with the host's id for the invocation, and
    /// shows the invocation's logs as the host does.
    pub(crate) async fn invoke(
        &self,
        function: &str,
        data: Map<String, Value>,
        metadata: Map<String, Value>,
        invocation_id: &str,
    ) -> Result<Invocation, String> {
        let invocation = self
            .handler()
            .await?
            .invoke_with_id(function, data, metadata, invocation_id)
            .await
            .map_err(|e| e.to_string())?;
        for log in &invocation.logs {
            self.shared.console().info(log);
        }
        Ok(invocation)
    }

    /// One triggered invocation as the host runs it: the input bindings read with the
    /// trigger's binding data, the function invoked, its outputs written.
    pub(crate) async fn run_bindings(
        &self,
        function: &Function,
        binding: &BindingData,
        mut data: Map<String, Value>,
        metadata: Map<String, Value>,
        invocation_id: &str,
    ) -> Result<Vec<String>, String> {
        data.extend(read_inputs(&self.shared, function, binding).await?);
        let invocation = self
            .invoke(&function.name, data, metadata, invocation_id)
            .await?;
        write_outputs(&self.shared, function, &invocation, binding).await
    }
}
