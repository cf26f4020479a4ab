//! Test functions in-process, through the same dispatch path as production: no sockets, no host.
//!
//! A [`TestClient`] holds the handler's router. Each call builds the payload the Functions host
//! would send (contract §2), dispatches it exactly as a real invocation, and reads the answer by
//! the host's rules (§3): outputs come back as what the binding would *receive* (base64 already
//! undone where the host would undo it), the HTTP response as the caller would see it.
//!
//! ```no_run
//! use azfn::testing::TestClient;
//!
//! # async fn example() {
//! let client = TestClient::new();
//! let result = client.queue("MyQueueFunction", "abcd").send().await.unwrap();
//! assert_eq!(result.return_value().unwrap().text(), "abcd");
//!
//! let response = client.http("hello").get("/api/hello").send().await.unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.text(), "hello world");
//! # }
//! ```

use std::collections::BTreeMap;

use axum::Router;
use bytes::Bytes;
use http_body_util::BodyExt as _;
use serde_json::{Map, Value, json};
use tower::ServiceExt as _;

use crate::error::ServeError;
use azfn_spec::answer::{Answer, HttpOutput, OutputBinding};
use azfn_spec::encoding::{
    HttpTriggerRequest, add_client_headers, metadata_from_binding_data, parse_query,
};
use azfn_spec::route::{self, RouteTemplate};

use crate::metadata::{Binding, FunctionRecord, RETURN_BINDING, decode_record};
use crate::registry::FUNCTIONS;
use crate::server::App;

/// Rules of the Functions host that decide what a binding receives.
pub mod host_rules {
    /// `System.Convert.FromBase64String`: the decoded bytes, or `None` where .NET throws.
    ///
    /// The host applies it to every output string of a binding without `dataType: binary`
    /// (§3.3). One implementation, [`azfn_spec::dotnet::from_base64_string`], shared with
    /// `cargo azfn`'s local host.
    pub use azfn_spec::dotnet::from_base64_string;
}

pub use azfn_spec::answer::Delivered;
/// How the host encodes a value in `Data` and `Metadata` (CONTRACT §2.3), for
/// [`EventInvocation::input`], [`HttpInvocation::input`] and raw payloads.
pub use azfn_spec::encoding::{encode_bytes, encode_text, encode_value};

/// Why a test invocation did not produce outputs.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// No function of that name is registered.
    #[error("no function named `{0}` is registered in this binary")]
    UnknownFunction(String),
    /// The handler answered non-2xx: the host would fail the invocation (and retry it).
    #[error("the invocation failed with {status}: {message}")]
    Failed {
        /// The handler's status code.
        status: u16,
        /// The error the handler reported.
        message: String,
    },
    /// The handler's answer breaks the contract (a bug in azfn if it ever happens).
    #[error("the handler's answer breaks the host contract: {0}")]
    Contract(String),
    /// The app could not be built.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// The MCP extension would refuse the request before running the function: a JSON-RPC
    /// `InvalidParams` error (missing required arguments, a function that is not an MCP one).
    #[error("JSON-RPC error -32602: {0}")]
    InvalidParams(String),
}

/// Invokes registered functions in-process.
#[derive(Clone, Debug)]
pub struct TestClient {
    router: Router,
    records: BTreeMap<String, FunctionRecord>,
    route_prefix: String,
}

impl Default for TestClient {
    fn default() -> Self {
        Self::new()
    }
}

impl TestClient {
    /// A client for every function registered in this binary, with no shared state and the
    /// default route prefix `api`.
    ///
    /// # Panics
    ///
    /// If the registered functions are inconsistent (two with the same name).
    pub fn new() -> Self {
        Self::from_app(App::new()).expect("the registered functions form a valid app")
    }

    /// A client for `app`: its state, layers and route prefix (default `api`).
    ///
    /// Installs azfn's logging (unless the test installed a subscriber already), so that
    /// `tracing` events land in each invocation's `Logs` as they do in production.
    pub fn from_app(app: App) -> Result<Self, TestError> {
        crate::logging::init();
        let route_prefix = app
            .route_prefix_setting()
            .unwrap_or(crate::server::DEFAULT_ROUTE_PREFIX)
            .to_owned();
        let router = app.route_prefix(route_prefix.clone()).into_router()?;
        let mut records = BTreeMap::new();
        for entry in FUNCTIONS.iter() {
            let record = decode_record(entry.record)
                .map_err(|e| TestError::Serve(ServeError::Registry(e.into())))?;
            records.insert(record.name.clone(), record);
        }
        Ok(Self {
            router,
            records,
            route_prefix,
        })
    }

    /// The record (`function.json` and source location) of a registered function.
    pub fn function_record(&self, function: &str) -> Option<&FunctionRecord> {
        self.records.get(function)
    }

    fn record(&self, function: &str) -> Result<&FunctionRecord, TestError> {
        self.records
            .get(function)
            .ok_or_else(|| TestError::UnknownFunction(function.to_owned()))
    }

    /// An invocation of a non-HTTP function with an explicit trigger value, encoded as the host
    /// encodes a .NET string (§2.3).
    pub fn event(&self, function: &str) -> EventInvocation<'_> {
        EventInvocation {
            client: self,
            function: function.to_owned(),
            data: Map::new(),
            metadata: Map::new(),
            trigger: None,
            invocation_id: None,
        }
    }

    /// A queue message, as text.
    pub fn queue(&self, function: &str, message: impl Into<String>) -> EventInvocation<'_> {
        let message = message.into();
        self.event(function)
            .trigger_value(encode_text(&message))
            .metadata("DequeueCount", json!("1"))
            .metadata("Id", json!("\"00000000-0000-0000-0000-000000000001\""))
            .metadata("PopReceipt", json!("\"test\""))
    }

    /// A timer tick (not past due).
    pub fn timer(&self, function: &str) -> EventInvocation<'_> {
        self.event(function).trigger_value(json!({
            "Schedule": {"AdjustForDST": true},
            "ScheduleStatus": null,
            "IsPastDue": false
        }))
    }

    /// A new blob. Its content is sent as base64 when the trigger has `dataType: binary` and as
    /// a .NET string otherwise, as the host does.
    pub fn blob(&self, function: &str, name: &str, content: &[u8]) -> EventInvocation<'_> {
        let binary = self
            .record(function)
            .ok()
            .and_then(|r| r.function.trigger())
            .is_some_and(Binding::is_binary);
        let value = if binary {
            encode_bytes(content)
        } else {
            encode_text(&String::from_utf8_lossy(content))
        };
        self.event(function)
            .trigger_value(value)
            .metadata("name", encode_text(name))
    }

    /// A call of an MCP tool, as the Functions MCP extension hands it to a custom handler: the
    /// [`ToolInvocationContext`](azfn_spec::mcp::ToolInvocationContext) as a JSON string, the
    /// arguments as the `mcptoolargs` binding data (`azfn_spec::mcp_registry::call_payload`).
    pub fn mcp_tool(&self, function: &str, arguments: Value) -> EventInvocation<'_> {
        let context = azfn_spec::mcp::ToolInvocationContext {
            name: self
                .trigger_setting(function, azfn_spec::mcp::keys::TOOL_NAME)
                .unwrap_or_else(|| function.to_owned()),
            arguments: into_object(arguments),
            session: test_session(),
        };
        self.mcp_event(function, Call::Tool(&context))
    }

    /// A request of an MCP prompt, as the extension hands it to a custom handler.
    pub fn mcp_prompt(&self, function: &str, arguments: Value) -> EventInvocation<'_> {
        let context = azfn_spec::mcp::PromptInvocationContext {
            name: self
                .trigger_setting(function, azfn_spec::mcp::keys::PROMPT_NAME)
                .unwrap_or_else(|| function.to_owned()),
            arguments: into_object(arguments),
            session: test_session(),
        };
        self.mcp_event(function, Call::Prompt(&context))
    }

    /// A read of an MCP resource at `uri`, as the extension hands it to a custom handler.
    pub fn mcp_resource(&self, function: &str, uri: &str) -> EventInvocation<'_> {
        let context = azfn_spec::mcp::ResourceInvocationContext {
            uri: uri.to_owned(),
            session: test_session(),
        };
        self.mcp_event(function, Call::Resource(&context))
    }

    fn mcp_event(&self, function: &str, call: Call<'_>) -> EventInvocation<'_> {
        let mut invocation = self.event(function);
        let Some(record) = self.records.get(function) else {
            // Unknown functions are reported when the invocation is sent.
            return invocation;
        };
        let payload = azfn_spec::mcp_registry::call_payload(&record.function, call);
        let trigger = record.function.trigger().map(|t| t.name.as_str());
        for (name, value) in payload.data {
            invocation = if Some(name.as_str()) == trigger {
                invocation.trigger_value(value)
            } else {
                invocation.input(&name, value)
            };
        }
        for (key, value) in payload.metadata {
            invocation = invocation.metadata(&key, value);
        }
        invocation
    }

    fn trigger_setting(&self, function: &str, key: &str) -> Option<String> {
        let record = self.records.get(function)?;
        record
            .function
            .trigger()?
            .setting_str(key)
            .map(str::to_owned)
    }

    /// What the extension registered from `function`.
    fn registered(&self, function: &str) -> Result<Registered, TestError> {
        let record = self.record(function)?;
        match azfn_spec::mcp_registry::registered(function, &record.function) {
            Some(Ok(registered)) => Ok(registered),
            Some(Err(e)) => Err(TestError::Contract(e.to_string())),
            None => Err(TestError::InvalidParams(format!(
                "`{function}` is not an MCP function"
            ))),
        }
    }

    /// Calls an MCP tool function as the extension does and returns the `CallToolResult` the
    /// client would get: required arguments checked first ([`TestError::InvalidParams`]), the
    /// return value turned into the result (`azfn_spec::mcp::call_tool_result`), and a failed
    /// invocation turned into the tool error (`isError: true`) the MCP SDK reports.
    pub async fn call_tool(&self, function: &str, arguments: Value) -> Result<Value, TestError> {
        let Registered::Tool(tool) = self.registered(function)? else {
            return Err(TestError::InvalidParams(format!(
                "`{function}` is not an MCP tool"
            )));
        };
        if let Some(message) = tool.missing_arguments(arguments.as_object()) {
            return Err(TestError::InvalidParams(message));
        }
        match self.mcp_tool(function, arguments).send().await {
            Ok(result) => Ok(tool.result(Some(result.raw_return_value()))),
            Err(TestError::Failed { .. }) => Ok(tool.result(None)),
            Err(other) => Err(other),
        }
    }

    /// Requests an MCP prompt as the extension does and returns the `GetPromptResult`; a failed
    /// invocation is an error (the extension answers it with a JSON-RPC error).
    pub async fn get_prompt(&self, function: &str, arguments: Value) -> Result<Value, TestError> {
        let Registered::Prompt(prompt) = self.registered(function)? else {
            return Err(TestError::InvalidParams(format!(
                "`{function}` is not an MCP prompt"
            )));
        };
        if let Some(message) = prompt.missing_arguments(arguments.as_object()) {
            return Err(TestError::InvalidParams(message));
        }
        let result = self.mcp_prompt(function, arguments).send().await?;
        azfn_spec::mcp::get_prompt_result(result.raw_return_value(), prompt.use_result_schema)
            .map_err(|e| TestError::Contract(e.to_string()))
    }

    /// Reads an MCP resource as the extension does and returns the `ReadResourceResult`.
    pub async fn read_resource(&self, function: &str, uri: &str) -> Result<Value, TestError> {
        let Registered::Resource(resource) = self.registered(function)? else {
            return Err(TestError::InvalidParams(format!(
                "`{function}` is not an MCP resource"
            )));
        };
        let result = self.mcp_resource(function, uri).send().await?;
        azfn_spec::mcp::read_resource_result(
            result.raw_return_value(),
            uri,
            resource.mime_type.as_deref(),
        )
        .map_err(|e| TestError::Contract(e.to_string()))
    }

    /// An HTTP request to an HTTP function, delivered in payload mode.
    pub fn http(&self, function: &str) -> HttpInvocation<'_> {
        HttpInvocation {
            client: self,
            function: function.to_owned(),
            method: http::Method::GET,
            path: None,
            headers: Vec::new(),
            body: Bytes::new(),
            inputs: Map::new(),
        }
    }

    /// Sends a raw payload (`{"Data": ..., "Metadata": ...}`) to `function`.
    pub async fn invoke_raw(
        &self,
        function: &str,
        payload: &Value,
    ) -> Result<InvocationResult, TestError> {
        let record = self.record(function)?.clone();
        let body = serde_json::to_vec(payload).expect("a JSON value serializes");
        self.dispatch(&record, body, None).await
    }

    async fn dispatch(
        &self,
        record: &FunctionRecord,
        body: Vec<u8>,
        invocation_id: Option<&str>,
    ) -> Result<InvocationResult, TestError> {
        let request = http::Request::post(format!("/{}", record.name))
            .header(
                http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(
                crate::context::INVOCATION_ID_HEADER,
                invocation_id.unwrap_or("00000000-0000-0000-0000-00000000feed"),
            )
            .body(axum::body::Body::from(body))
            .expect("a valid request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TestError::Contract(e.to_string()))?
            .to_bytes();
        if !status.is_success() {
            let message = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
            return Err(TestError::Failed {
                status: status.as_u16(),
                message,
            });
        }
        InvocationResult::read(record, &bytes)
    }
}

/// A non-HTTP invocation being built.
#[derive(Debug)]
#[must_use = "call `.send().await`"]
pub struct EventInvocation<'a> {
    client: &'a TestClient,
    function: String,
    data: Map<String, Value>,
    metadata: Map<String, Value>,
    trigger: Option<Value>,
    invocation_id: Option<String>,
}

impl EventInvocation<'_> {
    /// The trigger's value exactly as it appears in `Data` (already encoded by §2.3).
    pub fn trigger_value(mut self, value: Value) -> Self {
        self.trigger = Some(value);
        self
    }

    /// An input binding's value exactly as it appears in `Data`.
    pub fn input(mut self, binding: &str, value: Value) -> Self {
        self.data.insert(binding.to_owned(), value);
        self
    }

    /// A metadata entry exactly as it appears in `Metadata`.
    pub fn metadata(mut self, key: &str, value: Value) -> Self {
        self.metadata.insert(key.to_owned(), value);
        self
    }

    /// The invocation id header.
    pub fn invocation_id(mut self, id: &str) -> Self {
        self.invocation_id = Some(id.to_owned());
        self
    }

    /// Dispatches the invocation.
    pub async fn send(self) -> Result<InvocationResult, TestError> {
        let record = self.client.record(&self.function)?.clone();
        let mut data = self.data;
        if let (Some(value), Some(trigger)) = (self.trigger, record.function.trigger()) {
            data.insert(trigger.name.clone(), value);
        }
        let mut metadata = self.metadata;
        metadata.insert("sys".into(), sys_metadata(&record.name));
        let body = serde_json::to_vec(&json!({"Data": data, "Metadata": metadata}))
            .expect("a JSON value serializes");
        self.client
            .dispatch(&record, body, self.invocation_id.as_deref())
            .await
    }
}

/// The clock and GUID of the test host's `sys` metadata: fixed, so tests are repeatable.
const TEST_UTC_NOW: &str = "2024-10-24T21:32:18.1974545Z";
const TEST_RAND_GUID: &str = "d9ba2785-ee1a-4260-a83b-f57cb54b969e";
/// The MCP session of the test client's calls.
const TEST_MCP_SESSION: &str = "azfn-test-session";

use azfn_spec::mcp_registry::{Call, Registered};

/// A call's arguments: an object, or none at all.
fn into_object(arguments: Value) -> Option<Map<String, Value>> {
    match arguments {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The session of every test MCP call: the test session id over streamable HTTP.
fn test_session() -> azfn_spec::mcp::CallSession {
    azfn_spec::mcp::CallSession {
        sessionid: Some(TEST_MCP_SESSION.to_owned()),
        clientinfo: None,
        transport: Some(azfn_spec::mcp::Transport {
            name: azfn_spec::mcp::TRANSPORT_STREAMABLE_HTTP.to_owned(),
            session_id: Some(TEST_MCP_SESSION.to_owned()),
            properties: Map::new(),
        }),
    }
}

fn sys_metadata(function: &str) -> Value {
    json!({"MethodName": function, "UtcNow": TEST_UTC_NOW, "RandGuid": TEST_RAND_GUID})
}

/// The outcome of a successful invocation, as the host reads it.
#[derive(Clone, Debug, Default)]
pub struct InvocationResult {
    outputs: BTreeMap<String, Delivered>,
    http: Option<HttpResult>,
    return_value: Option<Delivered>,
    raw_return_value: Option<Value>,
    logs: Vec<String>,
}

impl InvocationResult {
    /// Reads the answer by the host's rules ([`azfn_spec::answer`]), as the local host does.
    fn read(record: &FunctionRecord, body: &[u8]) -> Result<Self, TestError> {
        let bindings: Vec<OutputBinding<'_>> = record
            .function
            .outputs()
            .map(|b| OutputBinding {
                name: &b.name,
                kind: &b.kind,
                binary: b.is_binary(),
            })
            .collect();
        let mut answer =
            Answer::read(body, &bindings).map_err(|e| TestError::Contract(e.to_string()))?;
        let return_value = answer.outputs.remove(RETURN_BINDING);
        Ok(Self {
            raw_return_value: answer.return_value.take(),
            http: answer
                .http
                .into_values()
                .next()
                .map(HttpResult::from_output),
            outputs: answer.outputs,
            return_value,
            logs: answer.logs,
        })
    }

    /// What the output binding `name` receives, if the function set it.
    pub fn output(&self, name: &str) -> Option<&Delivered> {
        self.outputs.get(name)
    }

    /// `ReturnValue` as the handler sent it, for triggers that consume it without a `$return`
    /// binding (the MCP triggers).
    pub fn raw_return_value(&self) -> Option<&Value> {
        self.raw_return_value.as_ref()
    }

    /// What the `$return` binding receives.
    pub fn return_value(&self) -> Option<&Delivered> {
        self.return_value.as_ref()
    }

    /// The HTTP response, for HTTP functions.
    pub fn http_response(&self) -> Option<&HttpResult> {
        self.http.as_ref()
    }

    /// The invocation's `Logs`, in order.
    pub fn logs(&self) -> &[String] {
        &self.logs
    }
}

/// An HTTP request being built for an HTTP function.
#[derive(Debug)]
#[must_use = "call `.send().await`"]
pub struct HttpInvocation<'a> {
    client: &'a TestClient,
    function: String,
    method: http::Method,
    path: Option<String>,
    headers: Vec<(String, String)>,
    body: Bytes,
    inputs: Map<String, Value>,
}

impl HttpInvocation<'_> {
    /// An input binding's value exactly as it appears in `Data` (already encoded by §2.3, e.g.
    /// [`encode_text`] for a blob read as text), as the host reads the
    /// binding before it invokes the function.
    pub fn input(mut self, binding: &str, value: Value) -> Self {
        self.inputs.insert(binding.to_owned(), value);
        self
    }

    /// Sets the method and the path (with query), e.g. `/api/orders/7?verbose=1`.
    pub fn request(mut self, method: http::Method, path_and_query: &str) -> Self {
        self.method = method;
        self.path = Some(path_and_query.to_owned());
        self
    }

    /// A `GET` of `path_and_query`.
    pub fn get(self, path_and_query: &str) -> Self {
        self.request(http::Method::GET, path_and_query)
    }

    /// A `POST` of `path_and_query`.
    pub fn post(self, path_and_query: &str) -> Self {
        self.request(http::Method::POST, path_and_query)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a JSON body and its content type.
    pub fn json<T: serde::Serialize>(self, value: &T) -> Self {
        let body = serde_json::to_vec(value).expect("the value serializes to JSON");
        self.header("Content-Type", "application/json").body(body)
    }

    /// Delivers the request in payload mode and returns what the caller gets, with the
    /// invocation's other outputs and logs.
    pub async fn send(self) -> Result<HttpResult, TestError> {
        let client = self.client;
        let record = client.record(&self.function)?.clone();
        let path = self.path.unwrap_or_else(|| {
            let route = record
                .function
                .trigger()
                .and_then(|t| t.setting_str("route"))
                .unwrap_or(&record.name)
                .to_owned();
            format!("/{}/{}", client.route_prefix, route).replace("//", "/")
        });
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(&path);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(self.body.clone())
            .map_err(|e| TestError::Contract(format!("not a valid HTTP request: {e}")))?;
        add_client_headers(&mut request, "localhost");
        let query = parse_query(request.uri().query().unwrap_or(""));
        // The route's values as the host's routing finds them, for `Params` and the metadata.
        let template = record
            .function
            .trigger()
            .and_then(|t| t.setting_str("route"))
            .unwrap_or(&record.name);
        let segments = route::path_segments(request.uri().path());
        let route_values = RouteTemplate::parse(template)
            .ok()
            .zip(route::strip_route_prefix(&segments, &client.route_prefix))
            .and_then(|(template, rest)| template.matches(rest))
            .unwrap_or_default();
        let trigger_request = HttpTriggerRequest {
            request: &request,
            query: &query,
            route_values: &route_values,
        };
        let trigger = record
            .function
            .trigger()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "req".to_owned());
        let metadata = metadata_from_binding_data(
            &record.name,
            trigger_request.binding_data(),
            TEST_UTC_NOW,
            TEST_RAND_GUID,
        );
        let mut data = self.inputs;
        data.insert(trigger, trigger_request.data());
        let body = serde_json::to_vec(&json!({"Data": data, "Metadata": metadata}))
            .expect("a JSON value serializes");
        let result = client.dispatch(&record, body, None).await?;
        // Without a response set the host's middleware answers `OkResult`: 200, empty.
        let mut http = result.http.clone().unwrap_or_else(|| HttpResult {
            status: 200,
            ..HttpResult::default()
        });
        http.outputs = result.outputs;
        http.logs = result.logs;
        Ok(http)
    }
}

/// The HTTP response as the caller gets it, with the invocation's other outputs and logs.
#[derive(Clone, Debug, Default)]
pub struct HttpResult {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
    bytes: Bytes,
    outputs: BTreeMap<String, Delivered>,
    logs: Vec<String>,
}

impl HttpResult {
    fn from_output(output: HttpOutput) -> Self {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in &output.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert_with(|| value.into_owned());
        }
        Self {
            status: output.status.as_u16(),
            headers,
            body: output.text().into_owned(),
            bytes: output.body,
            ..Self::default()
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A response header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body text (lossy UTF-8).
    pub fn text(&self) -> &str {
        &self.body
    }

    /// The body bytes, exactly as the caller receives them.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body read as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.body)
    }

    /// What the output binding `name` receives.
    pub fn output(&self, name: &str) -> Option<&Delivered> {
        self.outputs.get(name)
    }

    /// The invocation's `Logs`.
    pub fn logs(&self) -> &[String] {
        &self.logs
    }
}
