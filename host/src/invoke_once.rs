//! `cargo azfn invoke FUNCTION`: one host-shaped invocation (CONTRACT §2), its outputs as
//! the bindings would receive them (§3.3–§3.5), its return value and its logs.
//!
//! The invocation goes through a running `cargo azfn start` when one listens on the port
//! (so outputs land in Azurite), else to a handler started for the occasion (outputs are
//! shown, not written). `--example KIND` sends a realistic payload for the trigger kind,
//! shipped with the tool.
//!
//! ```no_run
//! use azfn_host::invoke_once::{ExampleKind, InvokeInput, InvokeOptions, invoke};
//!
//! # async fn demo() -> Result<(), azfn_host::start::StartError> {
//! let report = invoke(&InvokeOptions::for_app(
//!     "target/azfn/orders",
//!     "MyQueueFunction",
//!     InvokeInput::Example(ExampleKind::Queue),
//! ))
//! .await?;
//! println!("{}", report.render());
//! # Ok(()) }
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use azfn_spec::encoding::{HttpTriggerRequest, add_client_headers, parse_query};
use azfn_spec::route::{self, RouteTemplate};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::dotnet::url_encode;
use crate::start::{Rebuild, StartError};
use crate::{
    App, Delivered, Function, Handler, HandlerOptions, HostError, HttpOutput, Invocation,
    OutputStream, RETURN_BINDING, encode_bytes, encode_text, encode_value,
};

/// A trigger kind with a sample payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    /// A storage queue message (`queueTrigger`).
    Queue,
    /// A timer tick (`timerTrigger`).
    Timer,
    /// A new blob (`blobTrigger`).
    Blob,
    /// An Event Grid event (`eventGridTrigger`).
    EventGrid,
    /// An Event Hubs event (`eventHubTrigger`).
    EventHub,
    /// A Service Bus message (`serviceBusTrigger`).
    ServiceBus,
    /// A batch of Cosmos DB changed documents (`cosmosDBTrigger`).
    CosmosDb,
    /// An HTTP request in payload mode (`httpTrigger`).
    Http,
}

impl ExampleKind {
    /// Every kind.
    pub const ALL: [ExampleKind; 8] = [
        ExampleKind::Queue,
        ExampleKind::Timer,
        ExampleKind::Blob,
        ExampleKind::EventGrid,
        ExampleKind::EventHub,
        ExampleKind::ServiceBus,
        ExampleKind::CosmosDb,
        ExampleKind::Http,
    ];

    /// The function.json trigger `type`.
    pub fn trigger_type(self) -> &'static str {
        match self {
            ExampleKind::Queue => "queueTrigger",
            ExampleKind::Timer => "timerTrigger",
            ExampleKind::Blob => "blobTrigger",
            ExampleKind::EventGrid => "eventGridTrigger",
            ExampleKind::EventHub => "eventHubTrigger",
            ExampleKind::ServiceBus => "serviceBusTrigger",
            ExampleKind::CosmosDb => "cosmosDBTrigger",
            ExampleKind::Http => "httpTrigger",
        }
    }

    /// The name `--example` takes (`queue`, `event-grid`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ExampleKind::Queue => "queue",
            ExampleKind::Timer => "timer",
            ExampleKind::Blob => "blob",
            ExampleKind::EventGrid => "event-grid",
            ExampleKind::EventHub => "event-hub",
            ExampleKind::ServiceBus => "service-bus",
            ExampleKind::CosmosDb => "cosmos-db",
            ExampleKind::Http => "http",
        }
    }

    /// The kind for a trigger `type`, any case.
    pub fn for_trigger(kind: &str) -> Option<ExampleKind> {
        ExampleKind::ALL
            .into_iter()
            .find(|k| k.trigger_type().eq_ignore_ascii_case(kind))
    }

    /// The sample payload, with `$trigger` for the trigger binding's name and `$function` for
    /// the function's.
    pub fn payload(self) -> &'static str {
        match self {
            ExampleKind::Queue => include_str!("examples/queue.json"),
            ExampleKind::Timer => include_str!("examples/timer.json"),
            ExampleKind::Blob => include_str!("examples/blob.json"),
            ExampleKind::EventGrid => include_str!("examples/eventgrid.json"),
            ExampleKind::EventHub => include_str!("examples/eventhub.json"),
            ExampleKind::ServiceBus => include_str!("examples/servicebus.json"),
            ExampleKind::CosmosDb => include_str!("examples/cosmosdb.json"),
            ExampleKind::Http => include_str!("examples/http.json"),
        }
    }
}

/// What to send as the trigger value.
#[derive(Clone, Debug)]
pub enum InvokeInput {
    /// The sample payload of the function's own trigger kind (or a bare trigger value).
    Default,
    /// This text as the trigger value: a queue/Service Bus/Event Hubs message, blob content,
    /// an HTTP body (POST), a timer's `TimerInfo` JSON, a Cosmos DB JSON array.
    Data(String),
    /// The sample payload of this kind.
    Example(ExampleKind),
    /// A request to an HTTP-triggered function, built as the host builds `Data.req` from a
    /// request it routed.
    Http(HttpInput),
}

/// The body of `--example http`: an order, as the custom-handler documentation posts one.
const SAMPLE_HTTP_BODY: &str = r#"{"id": 1005, "quantity": 2, "color": "black"}"#;

/// The request `invoke` sends an HTTP-triggered function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpInput {
    /// The method; default `POST` with a body, else `GET`.
    pub method: Option<String>,
    /// The path, with the route prefix (`/api/items/7`); default the function's route under
    /// `/api`, which must then have no parameter without a default.
    pub path: Option<String>,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, in order (`Content-Type` defaults to `text/plain` with a body).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<String>,
}

impl HttpInput {
    /// The trigger value and binding data of this request to `function`, as the host's front
    /// door makes them ([`azfn_spec::encoding::HttpTriggerRequest`]).
    fn encode(&self, function: &Function) -> Result<(Value, Map<String, Value>), StartError> {
        let route = function.route().unwrap_or(&function.name).to_owned();
        let (template, _) = RouteTemplate::parse_lenient(&route);
        let path = match &self.path {
            Some(path) => format!("/{}", path.trim_start_matches('/')),
            None if template
                .parameters()
                .any(|p| !p.optional && p.default.is_none()) =>
            {
                return Err(StartError::Input(format!(
                    "`{}` has the route `{route}`: give the path to call with --path, e.g. \
                     --path /api/{}",
                    function.name,
                    example_path(&template)
                )));
            }
            None => format!("/api/{}", route.trim_start_matches('/')),
        };
        let segments = route::path_segments(&path);
        // The route prefix is the running app's; the route matches after some prefix of the path.
        let route_values = (0..=segments.len())
            .find_map(|skip| template.matches(&segments[skip..]))
            .ok_or_else(|| {
                StartError::Input(format!(
                    "the path `{path}` does not match `{}`'s route `{route}`",
                    function.name
                ))
            })?;
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect();
        let uri = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let body = self.body.clone().unwrap_or_default();
        let method = self
            .method
            .clone()
            .unwrap_or_else(|| if self.body.is_some() { "POST" } else { "GET" }.to_owned());
        let mut request = http::Request::builder()
            .method(method.to_ascii_uppercase().as_str())
            .uri(&uri);
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut request = request
            .body(Bytes::from(body))
            .map_err(|e| StartError::Input(format!("not a valid HTTP request: {e}")))?;
        if !request.body().is_empty() && !request.headers().contains_key(http::header::CONTENT_TYPE)
        {
            request.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
        add_client_headers(&mut request, "localhost:7071");
        let query = parse_query(request.uri().query().unwrap_or(""));
        let trigger_request = HttpTriggerRequest {
            request: &request,
            query: &query,
            route_values: &route_values,
        };
        Ok((trigger_request.data(), trigger_request.binding_data()))
    }
}

/// The route with each parameter replaced by a sample value, for a hint.
fn example_path(template: &RouteTemplate) -> String {
    template
        .segments()
        .iter()
        .map(|segment| {
            segment
                .parts
                .iter()
                .map(|part| match part {
                    route::Part::Literal(text) => text.clone(),
                    route::Part::Parameter(_) => "1".to_owned(),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What `invoke` does.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InvokeOptions {
    /// The function.
    pub function: String,
    /// The trigger value.
    pub input: InvokeInput,
    /// Where a running `cargo azfn start` would listen; `None` never looks for one.
    pub port: Option<u16>,
    /// An emitted app folder to run (with no `start` running).
    pub app_dir: Option<PathBuf>,
    /// How to build the app when `app_dir` is `None`.
    pub build: Option<std::sync::Arc<dyn Rebuild>>,
}

impl InvokeOptions {
    /// Invoke `function`, with no running host to look for, no app folder and no build: set
    /// [`InvokeOptions::port`], [`InvokeOptions::app_dir`] or [`InvokeOptions::build`].
    pub fn new(function: &str, input: InvokeInput) -> Self {
        InvokeOptions {
            function: function.to_string(),
            input,
            port: None,
            app_dir: None,
            build: None,
        }
    }

    /// Invoke `function` of the app folder `app_dir` with a handler started for it.
    pub fn for_app(app_dir: impl Into<PathBuf>, function: &str, input: InvokeInput) -> Self {
        InvokeOptions {
            function: function.to_string(),
            input,
            port: None,
            app_dir: Some(app_dir.into()),
            build: None,
        }
    }
}

/// Builds the request body for `function`: the example of its (or the chosen) trigger kind
/// with the binding and function names filled in and fresh `sys` values, the trigger value
/// replaced by `--data` when given, encoded by §2.3.
pub fn envelope(function: &Function, input: &InvokeInput) -> Result<Value, StartError> {
    let trigger = function
        .trigger()
        .ok_or_else(|| StartError::Input(format!("function `{}` has no trigger", function.name)))?;
    // An HTTP function is sent a request routed like the host routes one, whatever the input.
    let http = match input {
        InvokeInput::Http(http) => Some(http.clone()),
        _ if !trigger.kind.eq_ignore_ascii_case("httpTrigger") => None,
        InvokeInput::Data(text) => Some(HttpInput {
            body: Some(text.clone()),
            ..HttpInput::default()
        }),
        InvokeInput::Default => Some(HttpInput::default()),
        InvokeInput::Example(ExampleKind::Http) => Some(HttpInput {
            method: Some("POST".into()),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(SAMPLE_HTTP_BODY.into()),
            ..HttpInput::default()
        }),
        InvokeInput::Example(_) => None,
    };
    if let Some(http) = http {
        let (req, binding_data) = http.encode(function)?;
        let mut data = Map::new();
        data.insert(trigger.name.clone(), req);
        let metadata = crate::metadata_from_binding_data(&function.name, binding_data);
        return Ok(json!({"Data": data, "Metadata": metadata}));
    }
    let own_kind = ExampleKind::for_trigger(&trigger.kind);
    let kind = match input {
        InvokeInput::Example(kind) => Some(*kind),
        _ => own_kind,
    };
    let template = kind.map_or(r#"{"Data":{"$trigger":"\"\""},"Metadata":{}}"#, |k| {
        k.payload()
    });
    let template = template.replace("$function", &function.name);
    let mut envelope: Value = serde_json::from_str(&template)
        .map_err(|e| StartError::Input(format!("bad example payload: {e}")))?;
    let data = envelope["Data"]
        .as_object_mut()
        .ok_or_else(|| StartError::Input("example has no Data".into()))?;
    let mut value = data.remove("$trigger").unwrap_or(Value::Null);
    if let InvokeInput::Data(text) = input {
        value = match kind {
            Some(ExampleKind::Timer) => serde_json::from_str::<Value>(text)
                .ok()
                .filter(Value::is_object)
                .ok_or_else(|| {
                    StartError::Input(
                        "a timer's --data must be a TimerInfo JSON object, e.g. \
                         {\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":false}"
                            .into(),
                    )
                })?,
            Some(ExampleKind::CosmosDb) => {
                let documents = serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(Value::is_array)
                    .ok_or_else(|| {
                        StartError::Input(
                            "a Cosmos DB trigger's --data must be a JSON array of documents".into(),
                        )
                    })?;
                encode_value(&documents)
            }
            Some(ExampleKind::Http) => {
                let mut req = value.as_object().cloned().unwrap_or_default();
                req.insert("Method".into(), json!("POST"));
                req.insert("Body".into(), json!(text));
                if let Some(headers) = req.get_mut("Headers").and_then(Value::as_object_mut) {
                    headers.insert("Content-Length".into(), json!([text.len().to_string()]));
                    headers.insert("Content-Type".into(), json!(["text/plain; charset=utf-8"]));
                }
                Value::Object(req)
            }
            _ => encode_text(text),
        };
    }
    // A `dataType: binary` trigger gets bytes (base64) where the example holds text.
    if trigger.is_binary()
        && let Some(text) = value
            .as_str()
            .and_then(|s| serde_json::from_str::<String>(s).ok())
    {
        value = encode_bytes(text.as_bytes());
    }
    data.insert(trigger.name.clone(), value);
    let metadata = envelope["Metadata"]
        .as_object_mut()
        .ok_or_else(|| StartError::Input("example has no Metadata".into()))?;
    metadata.insert(
        "sys".into(),
        json!({
            "MethodName": function.name,
            "UtcNow": crate::utc_now(),
            "RandGuid": crate::new_guid(),
        }),
    );
    Ok(envelope)
}

/// What one output binding received, in a form that survives JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Received {
    /// Text, passed on unchanged.
    Text {
        /// The text.
        text: String,
    },
    /// Bytes: a string the host base64-decoded (§3.3), or binary.
    Bytes {
        /// The bytes, base64.
        base64: String,
        /// The bytes as text, when they are UTF-8.
        utf8: Option<String>,
    },
    /// A number, boolean or object.
    Json {
        /// The value.
        value: Value,
    },
    /// Several items (e.g. queue messages).
    Items {
        /// The items.
        items: Vec<Value>,
    },
    /// An HTTP response.
    Http {
        /// Status code.
        status: u16,
        /// Headers.
        headers: Vec<(String, String)>,
        /// Body (lossy UTF-8).
        body: String,
        /// Why the host would fail it, if it would.
        problem: Option<String>,
    },
}

impl Received {
    fn from_delivered(delivered: &Delivered) -> Received {
        match delivered {
            Delivered::Bytes(b) => Received::Bytes {
                base64: base64::engine::general_purpose::STANDARD.encode(b),
                utf8: std::str::from_utf8(b).ok().map(str::to_string),
            },
            Delivered::Text(t) => Received::Text { text: t.clone() },
            Delivered::Json(v) => Received::Json { value: v.clone() },
            Delivered::Items(items) => Received::Items {
                items: items.clone(),
            },
        }
    }

    fn from_http(h: &HttpOutput) -> Received {
        Received::Http {
            status: h.status.as_u16(),
            headers: h
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                .collect(),
            body: h.text().into_owned(),
            problem: h.problem.clone(),
        }
    }
}

/// One output binding's share of the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutputReport {
    /// The binding name (`$return` for the return value's binding).
    pub binding: String,
    /// Its `type`.
    pub kind: String,
    /// What it receives.
    pub received: Received,
}

/// The result of one invocation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The function.
    pub function: String,
    /// The invocation id.
    pub invocation_id: String,
    /// Whether the host counts it as a success.
    pub succeeded: bool,
    /// Why not.
    pub error: Option<String>,
    /// Each output binding that received something.
    pub outputs: Vec<OutputReport>,
    /// `ReturnValue` as sent.
    pub return_value: Option<Value>,
    /// `Logs`.
    pub logs: Vec<String>,
    /// What was written to storage (only through a running `start`).
    pub written: Vec<String>,
    /// The handler's own output during the invocation (only for a handler started here).
    pub handler_output: Vec<String>,
    /// The input bindings the function received no value for, and why.
    #[serde(default)]
    pub not_read: Vec<String>,
}

impl Report {
    /// A report for an invocation's outcome.
    pub fn new(
        function: &Function,
        invocation_id: &str,
        outcome: Result<&Invocation, String>,
    ) -> Report {
        let mut report = Report {
            function: function.name.clone(),
            invocation_id: invocation_id.to_string(),
            succeeded: outcome.is_ok(),
            error: outcome.as_ref().err().cloned(),
            outputs: Vec::new(),
            return_value: None,
            logs: Vec::new(),
            written: Vec::new(),
            handler_output: Vec::new(),
            not_read: Vec::new(),
        };
        if let Ok(invocation) = outcome {
            report.return_value = invocation.return_value.clone();
            report.logs = invocation.logs.clone();
            let received = invocation
                .outputs
                .iter()
                .map(|(name, d)| (name, Received::from_delivered(d)))
                .chain(
                    invocation
                        .http_outputs
                        .iter()
                        .map(|(name, h)| (name, Received::from_http(h))),
                );
            for (name, received) in received {
                report.outputs.push(OutputReport {
                    binding: name.clone(),
                    kind: function
                        .output(name)
                        .map(|b| b.kind.clone())
                        .unwrap_or_default(),
                    received,
                });
            }
            // In binding-name order, as one map of them would list them.
            report.outputs.sort_by(|a, b| a.binding.cmp(&b.binding));
        }
        report
    }

    /// The report as the console shows it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let status = if self.succeeded {
            "Succeeded"
        } else {
            "Failed"
        };
        let _ = writeln!(
            out,
            "Executed 'Functions.{}' ({status}, Id={})",
            self.function, self.invocation_id
        );
        if let Some(error) = &self.error {
            let _ = writeln!(out, "  error: {error}");
        }
        for line in &self.not_read {
            let _ = writeln!(out, "  input {line}");
        }
        if !self.outputs.is_empty() {
            let _ = writeln!(out, "Outputs (as each binding receives them):");
        }
        for output in &self.outputs {
            let name = if output.binding == RETURN_BINDING {
                "$return".to_string()
            } else {
                output.binding.clone()
            };
            let what = match &output.received {
                Received::Text { text } => format!("text {text:?}"),
                // What the binding receives, not how it travelled: the runtime sends text
                // base64-encoded so the host hands the binding these very bytes.
                Received::Bytes { base64, utf8 } => match utf8 {
                    Some(text) => format!(
                        "{} bytes: {text:?}",
                        base64::engine::general_purpose::STANDARD
                            .decode(base64)
                            .map_or(0, |b| b.len())
                    ),
                    None => format!("bytes, base64 {base64}"),
                },
                Received::Json { value } => format!("JSON {value}"),
                Received::Items { items } => {
                    format!("{} item(s): {}", items.len(), Value::Array(items.clone()))
                }
                Received::Http {
                    status,
                    headers,
                    body,
                    problem,
                } => {
                    let mut text = format!("HTTP {status}");
                    for (k, v) in headers {
                        let _ = write!(text, "\n      {k}: {v}");
                    }
                    let _ = write!(text, "\n      {body}");
                    if let Some(problem) = problem {
                        let _ = write!(text, "\n      (the host fails this response: {problem})");
                    }
                    text
                }
            };
            let _ = writeln!(out, "  {name} ({}): {what}", output.kind);
        }
        // The wire form only where no binding received it (a `$return` binding is listed above).
        let delivered = self.outputs.iter().any(|o| o.binding == RETURN_BINDING);
        if let Some(value) = self.return_value.as_ref().filter(|_| !delivered) {
            let _ = writeln!(out, "ReturnValue: {value}");
        }
        if !self.logs.is_empty() {
            let _ = writeln!(out, "Logs:");
            for log in &self.logs {
                let _ = writeln!(out, "  {log}");
            }
        }
        for line in &self.written {
            let _ = writeln!(out, "Written: {line}");
        }
        if !self.handler_output.is_empty() {
            let _ = writeln!(out, "Handler output:");
            for line in &self.handler_output {
                let _ = writeln!(out, "  {line}");
            }
        }
        out
    }
}

/// Runs one invocation, through a running `start` if one answers on `options.port`, else
/// with a handler started for it.
pub async fn invoke(options: &InvokeOptions) -> Result<Report, StartError> {
    if let Some(port) = options.port
        && let Some(report) = through_start(port, options).await?
    {
        return Ok(report);
    }
    let app_dir = match &options.app_dir {
        Some(dir) => dir.clone(),
        None => {
            let build = options.build.clone().ok_or_else(|| {
                StartError::Input("no app folder to run and no way to build one".into())
            })?;
            let built = tokio::task::spawn_blocking(move || build.rebuild())
                .await
                .map_err(|e| StartError::Io(std::io::Error::other(e)))??;
            let mut dirs = built.app_dirs;
            if dirs.len() != 1 {
                return Err(StartError::SeveralApps {
                    apps: dirs.iter().map(|d| d.display().to_string()).collect(),
                });
            }
            dirs.remove(0)
        }
    };
    let app = App::load(&app_dir)?;
    let function = find(&app, &options.function)?;
    let body = envelope(function, &options.input)?;
    let handler = Handler::start(&app, HandlerOptions::new()).await?;
    let invocation_id = crate::new_guid();
    let outcome = handler
        .invoke_raw_with_id(&function.name, body.to_string(), &invocation_id)
        .await;
    let mut report = Report::new(
        function,
        &invocation_id,
        outcome.as_ref().map_err(HostError::to_string),
    );
    report.not_read = crate::start::simulated::unread_inputs(function, false);
    if let Ok(invocation) = &outcome
        && let Err(error) = check_output_targets(&app, function, &body, invocation)
    {
        report.succeeded = false;
        report.error = Some(error);
    }
    // Give the pipes a moment to deliver what the handler printed.
    tokio::time::sleep(Duration::from_millis(50)).await;
    report.handler_output = handler
        .output()
        .into_iter()
        .map(|line| match line.stream {
            OutputStream::Stdout => line.text,
            OutputStream::Stderr => format!("stderr: {}", line.text),
        })
        .collect();
    handler.kill().await;
    Ok(report)
}

/// Resolves the output paths and queue names of an invocation run without `start`, with the
/// binding data `start` would build from the same envelope
/// ([`crate::envelope_binding_data`]): nothing is written, but an expression Azure could not
/// resolve fails the invocation here as it does through `start`.
fn check_output_targets(
    app: &App,
    function: &Function,
    envelope: &Value,
    invocation: &Invocation,
) -> Result<(), String> {
    let data = crate::envelope_binding_data(function, envelope);
    // The environment first, then local.settings.json `Values`, as `start` reads settings.
    let setting = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| app.settings().get(name).cloned())
    };
    for name in invocation.outputs.keys() {
        if let Some(binding) = function.output(name) {
            crate::start::outputs::output_target(binding, &data, &setting)?;
        }
    }
    Ok(())
}

fn find<'a>(app: &'a App, name: &str) -> Result<&'a Function, StartError> {
    app.function(name)
        .ok_or_else(|| StartError::UnknownFunction {
            name: name.to_string(),
            available: app.functions().iter().map(|f| f.name.clone()).collect(),
        })
}

/// Asks a running `start` for the app, builds the envelope and posts it to its invoke
/// endpoint. `None` when nothing (or something else) listens there.
async fn through_start(port: u16, options: &InvokeOptions) -> Result<Option<Report>, StartError> {
    if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        return Ok(None);
    }
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let send = |method: http::Method, path: String, body: Bytes| {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("http://127.0.0.1:{port}{path}"))
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("a well-formed request");
        let client = client.clone();
        async move {
            let response = client.request(request).await.ok()?;
            let status = response.status();
            let body = response.into_body().collect().await.ok()?.to_bytes();
            Some((status, body))
        }
    };
    // The function's bindings come from the running host, which may have been rebuilt.
    let Some((status, body)) = send(
        http::Method::GET,
        format!("/.azfn/functions/{}", options.function),
        Bytes::new(),
    )
    .await
    else {
        return Ok(None);
    };
    match status.as_u16() {
        200 => {}
        404 if body.starts_with(b"{") => {
            let error: Value = serde_json::from_slice(&body).unwrap_or_default();
            return Err(StartError::UnknownFunction {
                name: options.function.clone(),
                available: serde_json::from_value(error["available"].clone()).unwrap_or_default(),
            });
        }
        // Not an azfn host (a real `func start`, or something else).
        _ => return Ok(None),
    }
    let function_json: Value = serde_json::from_slice(&body).unwrap_or_default();
    let function = function_from_json(&options.function, &function_json)?;
    let envelope = envelope(&function, &options.input)?;
    let Some((status, body)) = send(
        http::Method::POST,
        format!("/.azfn/invoke/{}", function.name),
        Bytes::from(envelope.to_string()),
    )
    .await
    else {
        return Ok(None);
    };
    if !status.is_success() {
        return Err(StartError::InvocationFailed {
            function: function.name.clone(),
            message: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| StartError::Input(format!("unreadable answer from `cargo azfn start`: {e}")))
}

/// A `Function` from its function.json, by writing it to a scratch app folder: the host
/// model only loads from disk, and this keeps its parsing rules in one place.
fn function_from_json(name: &str, json: &Value) -> Result<Function, StartError> {
    let dir = std::env::temp_dir().join(format!(
        "azfn-invoke-{}-{}",
        std::process::id(),
        crate::new_guid()
    ));
    let result = (|| {
        std::fs::create_dir_all(dir.join(name))?;
        std::fs::write(
            dir.join("host.json"),
            r#"{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler"}}}"#,
        )?;
        std::fs::write(dir.join(name).join("function.json"), json.to_string())?;
        Ok::<_, std::io::Error>(())
    })();
    let loaded = result
        .map_err(StartError::Io)
        .and_then(|()| Ok(App::load(&dir)?));
    let _ = std::fs::remove_dir_all(&dir);
    let app = loaded?;
    Ok(find(&app, name)?.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 item 12: `invoke` said "(a base64-looking string is decoded by the host)" of
    /// text that is not base64-like, and showed the wire form (`ReturnValue: "aGVsbG8="`) beside
    /// what the binding received.
    #[test]
    fn the_report_shows_what_the_binding_receives_not_the_wire_form() {
        let report = Report {
            function: "relay".into(),
            invocation_id: "id".into(),
            succeeded: true,
            error: None,
            outputs: vec![OutputReport {
                binding: RETURN_BINDING.into(),
                kind: "queue".into(),
                received: Received::Bytes {
                    base64: "aGVsbG8=".into(),
                    utf8: Some("hello".into()),
                },
            }],
            return_value: Some(json!("aGVsbG8=")),
            logs: Vec::new(),
            written: Vec::new(),
            handler_output: Vec::new(),
            not_read: Vec::new(),
        };
        let text = report.render();
        assert!(
            text.contains(r#"$return (queue): 5 bytes: "hello""#),
            "{text}"
        );
        assert!(!text.contains("base64-looking"), "{text}");
        assert!(!text.contains("aGVsbG8="), "{text}");
    }
}
