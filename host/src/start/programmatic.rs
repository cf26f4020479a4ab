//! One invocation the local host's own APIs ask for (`POST /admin/functions/{name}`,
//! `cargo azfn invoke` through `/.azfn/invoke/{name}`, a call to the MCP webhook): the
//! function's inputs are read from storage as a triggered invocation reads them, the handler
//! runs it, its outputs are written, and the console says what happened. Below both
//! [`super::front`] and [`super::mcp`], which call it.

use std::time::Instant;

use bytes::Bytes;
use serde_json::{Value, json};

use super::outputs::{read_inputs, write_outputs};
use super::shared::{Shared, finish};
use crate::invoke_once::Report;
use crate::{Function, HostError, Invocation, envelope_binding_data};
use azfn_spec::expression::BindingData;

/// The binding data of an envelope's invocation: what a queue message or a blob gets, from
/// the envelope's `Data` and `Metadata`.
fn binding_data_of(function: &Function, body: &[u8]) -> BindingData {
    let envelope: Value = serde_json::from_slice(body).unwrap_or_default();
    envelope_binding_data(function, &envelope)
}

/// The envelope `body` with the function's input bindings added to its `Data`, read as a
/// triggered invocation reads them; entries the envelope already has are kept (the caller
/// supplied them).
async fn with_inputs(
    shared: &Shared,
    function: &Function,
    binding: &BindingData,
    body: &Bytes,
) -> Result<Bytes, HostError> {
    let input_error = |message| HostError::InputBinding {
        function: function.name.clone(),
        message,
    };
    let read = read_inputs(shared, function, binding)
        .await
        .map_err(input_error)?;
    if read.is_empty() {
        return Ok(body.clone());
    }
    let mut envelope: Value = serde_json::from_slice(body)
        .map_err(|e| input_error(format!("the envelope is not JSON: {e}")))?;
    let Some(data) = envelope
        .as_object_mut()
        .map(|e| e.entry("Data").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
    else {
        return Err(input_error("the envelope's `Data` is not an object".into()));
    };
    for (name, value) in read {
        data.entry(name).or_insert(value);
    }
    Ok(Bytes::from(envelope.to_string()))
}

pub(super) async fn run_envelope(shared: &Shared, function: &Function, body: Bytes) -> Report {
    let invocation_id = crate::new_guid();
    let started = Instant::now();
    shared.console().info(format_args!(
        "Executing 'Functions.{}' (Reason='This function was programmatically called via the host APIs.', Id={invocation_id})",
        function.name
    ));
    let binding = binding_data_of(function, &body);
    let outcome: Result<Invocation, HostError> = async {
        let body = with_inputs(shared, function, &binding, &body).await?;
        let handler = shared.handler().await?;
        handler
            .invoke_raw_with_id(&function.name, body, &invocation_id)
            .await
    }
    .await;
    let mut report = Report::new(
        function,
        &invocation_id,
        outcome.as_ref().map_err(|e| e.to_string()),
    );
    report.not_read = super::simulated::unread_inputs(function, true);
    let result = match &outcome {
        Ok(invocation) => {
            for log in &invocation.logs {
                shared.console().info(log);
            }
            write_outputs(shared, function, invocation, &binding).await
        }
        Err(error) => Err(error.to_string()),
    };
    match &result {
        Ok(written) => report.written = written.clone(),
        Err(error) => {
            report.succeeded = false;
            report.error = Some(error.clone());
        }
    }
    let _ = finish(shared, &function.name, &invocation_id, started, result);
    report
}
