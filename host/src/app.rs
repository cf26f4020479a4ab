//! The app folder as the host reads it: `host.json`, `local.settings.json` and one
//! `function.json` per function.
//!
//! This model is deliberately independent of the function records (`azfn_spec::record`): it
//! parses what is on disk with the host's own leniency (case-insensitive keys, `direction`
//! defaulting to `in`, …) so that it can judge what the build tool wrote instead of sharing its
//! assumptions. The host's rules themselves (which binding is the trigger) come from
//! `azfn_spec`, like everyone else's.
//!
//! `configurationProfile` is applied after host.json, as the host adds the profile's settings
//! ([`azfn_spec::profile`]): `mcp-custom-handler` empties the route prefix, turns proxying on
//! and routes `{*route}` to the handler. `customHandler.http.routes` become the functions the
//! host makes itself (`HttpWorkerFunctionProvider`): `http-handler1`, ..., each an
//! HTTP-in/HTTP-out function on its route (every method: the host's list is not known here),
//! at its `authorizationLevel` or `DefaultAuthorizationLevel` (`function` by default); an app
//! that has them and `function.json` functions too is refused, as the host refuses it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http::Method;
use serde_json::{Map, Value};

use super::HostError;
use azfn_spec::profile::{
    CONFIGURATION_PROFILE_KEY, DEFAULT_ROUTE_AUTHORIZATION_LEVEL, Profile, profile,
    route_function_name,
};
use azfn_spec::route::{RouteTemplate, RouteValues, path_segments, strip_route_prefix};
use azfn_spec::timespan::TimeSpan;

use super::route::load_template;

/// How HTTP-triggered functions reach the handler (CONTRACT §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMode {
    /// The JSON payload of §2: `POST /{FunctionName}` with `Data.req`, answer in `Outputs`.
    Payload,
    /// `enableForwardingHttpRequest` (§4.1): the original request is re-sent to the handler
    /// (original method and path, query rebuilt) and its answer relayed.
    Forward,
    /// `enableProxyingHttpRequest` (§4.2): the request is reverse-proxied, YARP style.
    Proxy,
}

impl fmt::Display for HttpMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HttpMode::Payload => "payload",
            HttpMode::Forward => "forward",
            HttpMode::Proxy => "proxy",
        })
    }
}

/// Which host.json section configured the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigSection {
    /// `customHandler`, the current name.
    CustomHandler,
    /// `httpWorker`, the legacy name: HTTP in/out functions are always forwarded, to
    /// `/{FunctionName}` rather than to the original path (§4.1).
    HttpWorker,
}

/// The `customHandler` section of host.json, after the host's defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HandlerConfig {
    /// The section it came from.
    pub section: ConfigSection,
    /// `description.defaultExecutablePath`, as written (expansion and resolution happen at start).
    pub default_executable_path: String,
    /// `description.defaultWorkerPath`, passed quoted after `arguments`.
    pub default_worker_path: Option<String>,
    /// `description.arguments`.
    pub arguments: Vec<String>,
    /// `description.workerArguments`, passed after the worker path.
    pub worker_arguments: Vec<String>,
    /// `description.workerDirectory` (where a relative executable is looked up).
    pub worker_directory: Option<String>,
    /// `description.workingDirectory` (the process's current directory).
    pub working_directory: Option<String>,
    /// `enableForwardingHttpRequest`.
    pub enable_forwarding_http_request: bool,
    /// `enableProxyingHttpRequest`.
    pub enable_proxying_http_request: bool,
    /// `initializationTimeout`, if set (the host's default is 30 s).
    pub initialization_timeout: Option<Duration>,
    /// `port`, if fixed (otherwise a free port is picked).
    pub port: Option<u16>,
}

/// Which way a binding's data flows (`in` is also the host's default when `direction` is
/// missing; `inout` counts as an input and as an output).
pub use azfn_spec::catalog::Direction;

/// One entry of a function's `bindings`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Binding {
    /// `type`, e.g. `httpTrigger`, `queue`.
    pub kind: String,
    /// `direction`.
    pub direction: Direction,
    /// `name`: the key in `Data` or `Outputs`, or `$return`.
    pub name: String,
    /// `dataType`, if any (`binary`, `string`, `stream`).
    pub data_type: Option<String>,
    /// The whole binding object as written, for settings such as `route` or `queueName`.
    pub settings: Map<String, Value>,
}

/// The binding name that receives a function's `ReturnValue`.
pub const RETURN_BINDING: &str = "$return";

impl Binding {
    /// True for the function's trigger, by the host's rule
    /// ([`azfn_spec::catalog::is_trigger_binding`]): an input whose `type` ends in `Trigger`, in
    /// any case.
    pub fn is_trigger(&self) -> bool {
        azfn_spec::catalog::is_trigger_binding(&self.kind, self.direction)
    }

    /// True when `dataType` is `binary`: the host then passes output values on unchanged
    /// instead of base64-decoding strings (§3.3).
    pub fn is_binary(&self) -> bool {
        self.data_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("binary"))
    }

    /// True for an input (direction `in` or `inout`).
    pub fn is_input(&self) -> bool {
        self.direction != Direction::Out
    }

    /// True for an output (direction `out` or `inout`).
    pub fn is_output(&self) -> bool {
        self.direction != Direction::In
    }

    /// A setting by name, matched case-insensitively like the host's configuration binder.
    pub fn setting(&self, key: &str) -> Option<&Value> {
        get_ci(&self.settings, key)
    }

    /// A string setting by name.
    pub fn setting_str(&self, key: &str) -> Option<&str> {
        self.setting(key).and_then(Value::as_str)
    }
}

/// One function of the app.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Function {
    /// The folder name: the function name, and the payload-mode path `/{name}`.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// `bindings`, in file order.
    pub bindings: Vec<Binding>,
    /// True if `disabled` is set in function.json, or `AzureWebJobs.{name}.Disabled` in the
    /// settings: the host then answers 404 for its route.
    pub disabled: bool,
    /// function.json as written.
    pub json: Value,
    route: Option<RouteTemplate>,
}

impl Function {
    /// The trigger binding.
    pub fn trigger(&self) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.is_trigger())
    }

    /// The `httpTrigger` binding, if this function is HTTP-triggered.
    pub fn http_trigger(&self) -> Option<&Binding> {
        self.bindings
            .iter()
            .find(|b| b.is_input() && b.kind.eq_ignore_ascii_case("httpTrigger"))
    }

    /// Input bindings (`in` and `inout`), in order.
    pub fn inputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_input())
    }

    /// Output bindings (`out` and `inout`), in order.
    pub fn outputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_output())
    }

    /// The output binding of that name (case-sensitive, as the host matches `Outputs` keys).
    pub fn output(&self, name: &str) -> Option<&Binding> {
        self.outputs().find(|b| b.name == name)
    }

    /// The host's `IsHttpInAndOutFunction` (§4): exactly one input, an `httpTrigger`, and
    /// exactly one output, of type `http` (any name, `$return` included). Only such functions
    /// are forwarded or proxied; every other function uses the JSON payload.
    pub fn is_http_in_and_out(&self) -> bool {
        azfn_spec::record::is_http_in_and_out(
            self.bindings.iter().map(|b| (b.direction, b.kind.as_str())),
        )
    }

    /// The route template (the trigger's `route`, or the function name), for HTTP triggers.
    pub fn route(&self) -> Option<&str> {
        let trigger = self.http_trigger()?;
        Some(
            trigger
                .setting_str("route")
                .filter(|r| !r.is_empty())
                .unwrap_or(&self.name),
        )
    }

    /// The trigger's `methods`, upper-cased; `None` when absent or empty (every method).
    pub fn methods(&self) -> Option<Vec<String>> {
        let methods: Vec<String> = self
            .http_trigger()?
            .setting("methods")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect();
        (!methods.is_empty()).then_some(methods)
    }

    /// True when an HTTP request with this method may reach the function.
    pub fn allows_method(&self, method: &Method) -> bool {
        self.methods()
            .is_none_or(|m| m.iter().any(|m| m == method.as_str()))
    }
}

/// A request path resolved to a function (see [`App::find_route`]).
#[derive(Clone, Debug)]
pub struct RouteMatch<'a> {
    /// The function.
    pub function: &'a Function,
    /// Route values in template order; `None` for an optional parameter the path left out.
    pub values: Vec<(String, Option<String>)>,
}

/// An app folder, loaded.
///
/// ```no_run
/// use azfn_host::{App, HttpMode};
/// let app = App::load("target/azfn/app")?.with_http_mode(HttpMode::Forward);
/// for f in app.functions() {
///     println!("{} -> {:?} ({})", f.name, app.url_path(f), app.mode_for(f));
/// }
/// # Ok::<(), azfn_host::HostError>(())
/// ```
#[derive(Clone, Debug)]
pub struct App {
    root: PathBuf,
    host_json: Value,
    handler: HandlerConfig,
    settings: BTreeMap<String, String>,
    functions: Vec<Function>,
    mode: HttpMode,
    route_prefix: String,
    function_timeout: Option<Duration>,
}

/// The host's `functionTimeout` default outside the Consumption plan (and under core tools).
const DEFAULT_FUNCTION_TIMEOUT: Duration = Duration::from_secs(30 * 60);

impl App {
    /// Reads an app folder.
    ///
    /// Unlike the real host, which logs a broken function and runs the others, any invalid
    /// function.json fails the whole load: a simulation should be loud about what the build
    /// tool wrote.
    pub fn load(dir: impl AsRef<Path>) -> Result<App, HostError> {
        let root = std::path::absolute(dir.as_ref())?;
        let host_path = root.join("host.json");
        let host_json = read_json(&host_path)?;
        let host_obj = host_json.as_object().ok_or_else(|| HostError::Config {
            path: host_path.clone(),
            message: "host.json must be a JSON object".into(),
        })?;
        let mut handler = parse_handler(host_obj, &host_path)?;
        let profile = match get_ci(host_obj, CONFIGURATION_PROFILE_KEY) {
            None | Some(Value::Null) => azfn_spec::profile::DEFAULT,
            Some(Value::String(name)) => {
                profile(name).map_err(|e| config_error(&host_path, e.to_string()))?
            }
            Some(other) => {
                return Err(config_error(
                    &host_path,
                    format!("`{CONFIGURATION_PROFILE_KEY}` must be a string, not `{other}`"),
                ));
            }
        };
        handler.enable_proxying_http_request |= profile.enable_proxying_http_request;

        let settings_path = root.join("local.settings.json");
        let settings = if settings_path.exists() {
            parse_settings(&read_json(&settings_path)?, &settings_path)?
        } else {
            BTreeMap::new()
        };

        let route_prefix = get_ci(host_obj, "extensions")
            .and_then(Value::as_object)
            .and_then(|e| get_ci(e, "http"))
            .and_then(Value::as_object)
            .and_then(|h| get_ci(h, "routePrefix"))
            .and_then(Value::as_str)
            .map(|p| p.trim_matches('/').to_string())
            .unwrap_or_else(|| "api".to_string());
        let route_prefix = profile
            .route_prefix
            .map_or(route_prefix, |p| p.trim_matches('/').to_string());

        let function_timeout = match get_ci(host_obj, "functionTimeout").and_then(config_string) {
            None => Some(DEFAULT_FUNCTION_TIMEOUT),
            Some(text) => TimeSpan::parse(&text)
                .map(TimeSpan::to_duration)
                .ok_or_else(|| HostError::Config {
                    path: host_path.clone(),
                    message: format!("functionTimeout `{text}` is not a TimeSpan"),
                })?,
        };

        let mut functions = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&root)
            .map_err(|source| HostError::Read {
                path: root.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("function.json").is_file())
            .collect();
        entries.sort();
        for dir in entries {
            functions.push(parse_function(&dir, &settings)?);
        }
        let routed = route_functions(host_obj, &profile, &root, &host_path, &settings)?;
        if !routed.is_empty() && !functions.is_empty() {
            return Err(config_error(
                &host_path,
                format!(
                    "`customHandler.http.routes` (set by the `{}` profile or host.json) make the \
                     host's own functions, and this app also has function.json functions ({}): \
                     the host refuses both in one app",
                    if profile.name.is_empty() {
                        "default"
                    } else {
                        profile.name
                    },
                    functions
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        functions.extend(routed);

        let mode = if handler.enable_proxying_http_request {
            HttpMode::Proxy
        } else if handler.section == ConfigSection::HttpWorker
            || handler.enable_forwarding_http_request
        {
            HttpMode::Forward
        } else {
            HttpMode::Payload
        };

        Ok(App {
            root,
            host_json,
            handler,
            settings,
            functions,
            mode,
            route_prefix,
            function_timeout,
        })
    }

    /// The app folder (absolute): `FUNCTIONS_APP_ROOT_PATH` and the default working directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// host.json as written.
    pub fn host_json(&self) -> &Value {
        &self.host_json
    }

    /// The custom handler section of host.json.
    pub fn handler_config(&self) -> &HandlerConfig {
        &self.handler
    }

    /// `Values` of local.settings.json (empty when the file is absent).
    pub fn settings(&self) -> &BTreeMap<String, String> {
        &self.settings
    }

    /// Every function, sorted by name.
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// A function by name (exact match first, then case-insensitive like the host's lookups).
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name).or_else(|| {
            self.functions
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(name))
        })
    }

    /// The HTTP mode host.json selects, or the one set with [`App::set_http_mode`].
    pub fn http_mode(&self) -> HttpMode {
        self.mode
    }

    /// Overrides the HTTP mode, so that one app can be exercised in all three modes.
    pub fn set_http_mode(&mut self, mode: HttpMode) {
        self.mode = mode;
    }

    /// [`App::set_http_mode`], builder style.
    pub fn with_http_mode(mut self, mode: HttpMode) -> App {
        self.mode = mode;
        self
    }

    /// The mode a function actually gets: [`HttpMode::Payload`] unless it is HTTP in and out.
    pub fn mode_for(&self, function: &Function) -> HttpMode {
        if function.is_http_in_and_out() {
            self.mode
        } else {
            HttpMode::Payload
        }
    }

    /// `extensions.http.routePrefix` without slashes (`api` by default; may be empty).
    pub fn route_prefix(&self) -> &str {
        &self.route_prefix
    }

    /// `functionTimeout` (30 minutes by default); `None` when host.json makes it unbounded.
    pub fn function_timeout(&self) -> Option<Duration> {
        self.function_timeout
    }

    /// The public URL path of an HTTP-triggered function, e.g. `/api/products/{id:int}`.
    pub fn url_path(&self, function: &Function) -> Option<String> {
        let route = function
            .route()?
            .trim_start_matches("~/")
            .trim_start_matches('/');
        Some(match (self.route_prefix.is_empty(), route.is_empty()) {
            (true, _) => format!("/{route}"),
            (false, true) => format!("/{}", self.route_prefix),
            (false, false) => format!("/{}/{route}", self.route_prefix),
        })
    }

    /// Resolves a request to the function the host would run: the path must start with the
    /// route prefix and match a route template, the method must be allowed, and the function
    /// must not be disabled. Among several matches, the first in the host's route order wins
    /// ([`RouteTemplate::compare_precedence`]: literal segments before parameters, more
    /// constraints before fewer, longer routes before shorter).
    pub fn find_route(&self, method: &Method, path: &str) -> Option<RouteMatch<'_>> {
        if !path.starts_with('/') {
            return None;
        }
        let segments = path_segments(path);
        let rest = strip_route_prefix(&segments, &self.route_prefix)?;
        let mut candidates: Vec<(&RouteTemplate, &Function, RouteValues)> = self
            .functions
            .iter()
            .filter(|f| !f.disabled && f.allows_method(method))
            .filter_map(|f| {
                let template = f.route.as_ref()?;
                Some((template, f, template.matches(rest)?))
            })
            .collect();
        candidates.sort_by(|a, b| a.0.compare_precedence(b.0));
        candidates
            .into_iter()
            .next()
            .map(|(_, function, values)| RouteMatch { function, values })
    }
}

fn read_json(path: &Path) -> Result<Value, HostError> {
    let text = std::fs::read(path).map_err(|source| HostError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // The host's readers skip a UTF-8 byte order mark; editors on Windows like to write one.
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    serde_json::from_slice(text).map_err(|source| HostError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Looks a key up the way .NET configuration and Newtonsoft do: exact first, then ignoring case.
pub(crate) fn get_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A scalar as .NET configuration sees it after host.json is flattened to strings
/// (`JValue.ToString`: booleans become `True`/`False`).
fn config_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn config_error(path: &Path, message: impl Into<String>) -> HostError {
    HostError::Config {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn parse_handler(host: &Map<String, Value>, path: &Path) -> Result<HandlerConfig, HostError> {
    // When both sections exist the host warns and uses `customHandler`.
    let (section, kind) = match (get_ci(host, "customHandler"), get_ci(host, "httpWorker")) {
        (Some(s), _) => (s, ConfigSection::CustomHandler),
        (None, Some(s)) => (s, ConfigSection::HttpWorker),
        (None, None) => {
            return Err(config_error(
                path,
                "no `customHandler` section: this is not a custom handler app",
            ));
        }
    };
    let section = section
        .as_object()
        .ok_or_else(|| config_error(path, "`customHandler` must be an object"))?;
    let description = get_ci(section, "description")
        .and_then(Value::as_object)
        .ok_or_else(|| config_error(path, "Missing worker Description."))?;
    let text = |obj: &Map<String, Value>, key: &str| get_ci(obj, key).and_then(config_string);
    let default_executable_path = text(description, "defaultExecutablePath")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            config_error(
                path,
                "WorkerDescription DefaultExecutablePath cannot be empty",
            )
        })?;
    let list = |key: &str| -> Result<Vec<String>, HostError> {
        match get_ci(description, key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| {
                    config_string(v).ok_or_else(|| {
                        config_error(path, format!("`{key}` must be a list of strings"))
                    })
                })
                .collect(),
            // An app setting override arrives as a JSON array in a string (`GetArgumentList`).
            Some(Value::String(s)) => serde_json::from_str::<Vec<String>>(s).map_err(|_| {
                config_error(
                    path,
                    format!("`{key}` is a string but not a JSON array of strings"),
                )
            }),
            Some(_) => Err(config_error(
                path,
                format!("`{key}` must be a list of strings"),
            )),
        }
    };
    let flag = |key: &str| -> Result<bool, HostError> {
        match get_ci(section, key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
            Some(other) => Err(config_error(
                path,
                format!(
                    "Failed to convert configuration value `{other}` of `{key}` to type 'System.Boolean'"
                ),
            )),
        }
    };
    let initialization_timeout = match text(section, "initializationTimeout") {
        None => None,
        Some(t) => match TimeSpan::parse(&t).map(TimeSpan::to_duration) {
            Some(Some(d)) => Some(d),
            _ => {
                return Err(config_error(
                    path,
                    format!("initializationTimeout `{t}` is not a positive TimeSpan"),
                ));
            }
        },
    };
    let port = match text(section, "port") {
        None => None,
        Some(p) => Some(
            p.trim()
                .parse::<u16>()
                .map_err(|_| config_error(path, format!("port `{p}` is not a TCP port number")))?,
        ),
    };
    Ok(HandlerConfig {
        section: kind,
        default_executable_path,
        default_worker_path: text(description, "defaultWorkerPath").filter(|p| !p.is_empty()),
        arguments: list("arguments")?,
        worker_arguments: list("workerArguments")?,
        worker_directory: text(description, "workerDirectory").filter(|p| !p.is_empty()),
        working_directory: text(description, "workingDirectory").filter(|p| !p.is_empty()),
        enable_forwarding_http_request: flag("enableForwardingHttpRequest")?,
        enable_proxying_http_request: flag("enableProxyingHttpRequest")?,
        initialization_timeout,
        port,
    })
}

fn parse_settings(json: &Value, path: &Path) -> Result<BTreeMap<String, String>, HostError> {
    let object = json
        .as_object()
        .ok_or_else(|| config_error(path, "local.settings.json must be a JSON object"))?;
    if get_ci(object, "IsEncrypted").is_some_and(|v| v.as_bool() == Some(true)) {
        return Err(config_error(
            path,
            "local.settings.json is encrypted; decrypt it (`func settings decrypt`) to run locally",
        ));
    }
    let mut settings = BTreeMap::new();
    if let Some(values) = get_ci(object, "Values").and_then(Value::as_object) {
        for (key, value) in values {
            // Core tools reads Values as strings with Newtonsoft's `ReadAsString`: numbers keep
            // their text, booleans become `true`/`false`, nulls are skipped.
            let text = match value {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) => value.to_string(),
                _ => {
                    return Err(config_error(path, format!("Values.{key} must be a string")));
                }
            };
            settings.insert(key.clone(), text);
        }
    }
    Ok(settings)
}

/// The functions of `customHandler.http.routes`, the profile's first route in place of the
/// file's.
fn route_functions(
    host: &Map<String, Value>,
    profile: &Profile,
    root: &Path,
    host_path: &Path,
    settings: &BTreeMap<String, String>,
) -> Result<Vec<Function>, HostError> {
    let http = get_ci(host, "customHandler")
        .and_then(Value::as_object)
        .and_then(|c| get_ci(c, "http"))
        .and_then(Value::as_object);
    let default_level = http
        .and_then(|h| get_ci(h, "DefaultAuthorizationLevel"))
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_ROUTE_AUTHORIZATION_LEVEL)
        .to_ascii_lowercase();
    let mut routes: Vec<Map<String, Value>> = match http.and_then(|h| get_ci(h, "routes")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_object().cloned().ok_or_else(|| {
                    config_error(host_path, "`customHandler.http.routes` must hold objects")
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(config_error(
                host_path,
                "`customHandler.http.routes` must be an array",
            ));
        }
    };
    if let Some(first) = profile.first_route {
        if routes.is_empty() {
            routes.push(Map::new());
        }
        routes[0].insert("route".to_owned(), Value::String(first.to_owned()));
    }
    let mut functions = Vec::new();
    for (index, route) in routes.iter().enumerate() {
        let name = route_function_name(index);
        let template = get_ci(route, "route")
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| {
                config_error(
                    host_path,
                    format!("{name}: Route cannot be null, empty or whitespace."),
                )
            })?;
        let level = get_ci(route, "authorizationLevel")
            .and_then(Value::as_str)
            .map_or_else(|| default_level.clone(), str::to_ascii_lowercase);
        let json = serde_json::json!({
            "bindings": [
                {"type": "httpTrigger", "direction": "in", "name": "req",
                 "authLevel": level, "route": template},
                {"type": "http", "direction": "out", "name": "res"}
            ]
        });
        functions.push(function_from_json(
            name.clone(),
            &root.join(&name),
            host_path,
            json,
            settings,
        )?);
    }
    Ok(functions)
}

fn parse_function(dir: &Path, settings: &BTreeMap<String, String>) -> Result<Function, HostError> {
    let path = dir.join("function.json");
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| config_error(&path, "function folder name is not UTF-8"))?
        .to_string();
    let json = read_json(&path)?;
    function_from_json(name, dir, &path, json, settings)
}

/// A function from its function.json (`path` names it in errors).
fn function_from_json(
    name: String,
    dir: &Path,
    path: &Path,
    json: Value,
    settings: &BTreeMap<String, String>,
) -> Result<Function, HostError> {
    let path = path.to_path_buf();
    let object = json
        .as_object()
        .ok_or_else(|| config_error(&path, "function.json must be a JSON object"))?;
    let raw_bindings = get_ci(object, "bindings")
        .and_then(Value::as_array)
        .ok_or_else(|| config_error(&path, "function.json has no `bindings` array"))?;
    let mut bindings = Vec::new();
    for (index, raw) in raw_bindings.iter().enumerate() {
        let settings = raw
            .as_object()
            .ok_or_else(|| config_error(&path, format!("bindings[{index}] is not an object")))?;
        let field = |key: &str| get_ci(settings, key).and_then(Value::as_str);
        let kind = field("type")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| config_error(&path, format!("bindings[{index}] has no `type`")))?;
        let binding_name = field("name")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| config_error(&path, format!("bindings[{index}] has no `name`")))?;
        let direction = match field("direction").map(str::to_ascii_lowercase).as_deref() {
            None | Some("in") => Direction::In,
            Some("out") => Direction::Out,
            Some("inout") => Direction::InOut,
            Some(other) => {
                return Err(config_error(
                    &path,
                    format!("bindings[{index}]: unknown direction `{other}` (in, out, inout)"),
                ));
            }
        };
        bindings.push(Binding {
            kind: kind.to_string(),
            direction,
            name: binding_name.to_string(),
            data_type: field("dataType").map(str::to_string),
            settings: settings.clone(),
        });
    }
    match bindings.iter().filter(|b| b.is_trigger()).count() {
        0 => {
            return Err(config_error(
                &path,
                "No trigger binding specified. A function must have a trigger input binding.",
            ));
        }
        1 => {}
        _ => {
            return Err(config_error(
                &path,
                "Multiple trigger bindings defined. A function can only have a single trigger binding.",
            ));
        }
    }

    let truthy = |v: &str| v.trim().eq_ignore_ascii_case("true") || v.trim() == "1";
    let disabled_key = format!("AzureWebJobs.{name}.Disabled");
    let disabled = match get_ci(object, "disabled") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => truthy(s),
        _ => false,
    } || settings
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case(&disabled_key) && truthy(v));

    let mut function = Function {
        name,
        dir: dir.to_path_buf(),
        bindings,
        disabled,
        json: json.clone(),
        route: None,
    };
    if let Some(template) = function.route() {
        let template = template.to_string();
        function.route = Some(
            load_template(&template).map_err(|message| HostError::Route {
                function: function.name.clone(),
                template,
                message,
            })?,
        );
    }
    Ok(function)
}
