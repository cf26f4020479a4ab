//! One invocation of a non-HTTP function, as the generated code drives it.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::context::Context;
use crate::encode::encode_output;
use crate::error::{InvocationError, OutputError, PayloadError};
use crate::metadata::{Binding, FunctionRecord, RETURN_BINDING};
use crate::output::{Completion, OutParam, OutputSet, ReturnError, ReturnValue};
use crate::payload::{FromBindingValue, InvocationRequest};
use crate::state::SharedState;

/// Why an invocation did not complete: the payload could not be bound (answered with 400), or
/// the function failed (answered with 500). Both fail the invocation on the host's side.
#[derive(Debug)]
pub enum InvocationFailure {
    /// The payload does not fit the function.
    Payload(PayloadError),
    /// The function or its outputs failed.
    Invocation(InvocationError),
}

impl From<PayloadError> for InvocationFailure {
    fn from(e: PayloadError) -> Self {
        Self::Payload(e)
    }
}

impl From<InvocationError> for InvocationFailure {
    fn from(e: InvocationError) -> Self {
        Self::Invocation(e)
    }
}

impl From<OutputError> for InvocationFailure {
    fn from(e: OutputError) -> Self {
        Self::Invocation(InvocationError::Output(e))
    }
}

/// The state of one invocation: the decoded payload going in, the encoded outputs going out.
#[derive(Debug)]
pub struct Invocation {
    record: Arc<FunctionRecord>,
    request: InvocationRequest,
    context: Context,
    state: SharedState,
    outputs: Map<String, Value>,
    return_value: Option<Value>,
}

/// What a completed invocation sends back: `Outputs` and `ReturnValue`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct InvocationOutcome {
    /// Encoded output values keyed by binding name.
    pub outputs: Map<String, Value>,
    /// The encoded value for the `$return` binding.
    pub return_value: Option<Value>,
}

impl Invocation {
    pub(crate) fn new(
        record: Arc<FunctionRecord>,
        request: InvocationRequest,
        context: Context,
        state: SharedState,
    ) -> Self {
        Self {
            record,
            request,
            context,
            state,
            outputs: Map::new(),
            return_value: None,
        }
    }

    fn binding(&self, name: &str) -> Result<&Binding, OutputError> {
        self.record
            .function
            .binding(name)
            .ok_or_else(|| OutputError::Undeclared {
                binding: name.to_owned(),
            })
    }

    /// Reads the input binding `name` as `T`.
    pub fn input<T: FromBindingValue>(&self, name: &str) -> Result<T, InvocationFailure> {
        let binding = self.binding(name)?;
        let raw = self.request.raw_data(name);
        T::from_raw_binding_value(binding, raw).map_err(|reason| {
            if raw.is_none() {
                PayloadError::MissingInput {
                    binding: name.to_owned(),
                }
            } else {
                PayloadError::Input {
                    binding: name.to_owned(),
                    expected: T::EXPECTED,
                    reason,
                }
            }
            .into()
        })
    }

    /// The invocation context.
    pub fn context(&self) -> Context {
        self.context.clone()
    }

    pub(crate) fn state(&self) -> &SharedState {
        &self.state
    }

    /// Records the value of an `Out` parameter.
    pub fn set_output<P: OutParam>(&mut self, name: &str, out: P) -> Result<(), InvocationFailure> {
        let value = out.into_output().map_err(|source| OutputError::Json {
            binding: name.to_owned(),
            source,
        })?;
        if let Some(value) = value {
            let encoded = encode_output(self.binding(name)?, value)?;
            self.outputs.insert(name.to_owned(), encoded);
        }
        Ok(())
    }

    /// Records the function's return value for its `$return` binding.
    pub fn set_return<R: ReturnValue>(&mut self, ret: R) -> Result<(), InvocationFailure> {
        let value = ret.into_return_value().map_err(|e| match e {
            ReturnError::Function(e) => InvocationFailure::from(InvocationError::Function(e)),
            ReturnError::Json(source) => OutputError::Json {
                binding: RETURN_BINDING.to_owned(),
                source,
            }
            .into(),
        })?;
        if let Some(value) = value {
            self.return_value = Some(encode_output(self.binding(RETURN_BINDING)?, value)?);
        }
        Ok(())
    }

    /// Records the outputs of a returned `#[derive(Outputs)]` struct.
    pub fn set_outputs<R: OutputSet>(&mut self, ret: R) -> Result<(), InvocationFailure> {
        let values = ret.into_outputs().map_err(|e| match e {
            ReturnError::Function(e) => InvocationFailure::from(InvocationError::Function(e)),
            ReturnError::Json(source) => OutputError::Json {
                binding: "(returned outputs)".to_owned(),
                source,
            }
            .into(),
        })?;
        for (name, value) in values {
            if let Some(value) = value {
                let encoded = encode_output(self.binding(name)?, value)?;
                self.outputs.insert(name.to_owned(), encoded);
            }
        }
        Ok(())
    }

    /// Records a return value for a trigger that consumes it, without a `$return` binding
    /// (CONTRACT §3.5: the host keeps the raw value for such triggers, e.g. the MCP extension's).
    pub fn set_trigger_return(&mut self, value: Option<Value>) {
        self.return_value = value;
    }

    /// Records the completion of a function without a return binding.
    pub fn complete<C: Completion>(&mut self, result: C) -> Result<(), InvocationFailure> {
        result
            .into_completion()
            .map_err(|e| InvocationError::Function(e).into())
    }

    /// The outputs to send back.
    pub fn finish(self) -> InvocationOutcome {
        InvocationOutcome {
            outputs: self.outputs,
            return_value: self.return_value,
        }
    }
}

/// A parameter of a non-HTTP function: the trigger's value (any [`FromBindingValue`] type) or
/// the [`Context`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of this function",
    label = "not a trigger value or context",
    note = "take the trigger value as `String`, `Vec<u8>`, `bytes::Bytes`, `azfn::Json<T>` or \
            `serde_json::Value`, the context as `azfn::Context`, and outputs as `&mut Out<T>` \
            with an output attribute"
)]
pub trait FromInvocation: Sized {
    /// Reads the parameter; `trigger` is the trigger's binding name.
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure>;
}

impl<T: FromBindingValue> FromInvocation for T {
    fn from_invocation(invocation: &Invocation, trigger: &str) -> Result<Self, InvocationFailure> {
        invocation.input(trigger)
    }
}

impl FromInvocation for Context {
    fn from_invocation(invocation: &Invocation, _: &str) -> Result<Self, InvocationFailure> {
        Ok(invocation.context())
    }
}
