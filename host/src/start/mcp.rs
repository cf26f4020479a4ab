//! `/runtime/webhooks/mcp`: the Functions MCP extension's server, played locally (CONTRACT §9).
//!
//! The extension serves one MCP server per app over streamable HTTP, stateless
//! (`Ext/Http/StreamableHttpRequestHandler.cs` in `Azure/azure-functions-mcp-extension`): a
//! `POST` carries one JSON-RPC message and is answered as a server-sent event stream holding the
//! response (`McpHttpUtility.SetSseContext`), a notification with 202 and no body; any other
//! method is 405 (so a client's optional `GET` stream and session `DELETE` are declined); a
//! request must accept both `application/json` and `text/event-stream` (else 406); the session
//! id is issued in `Mcp-Session-Id` on `initialize` and only checked for being one the server
//! issued (`Invalid client state.`, 400). The extension's errors are JSON-RPC error objects with
//! code -32000 (`WriteJsonRpcErrorAsync`).
//!
//! The requests (`Ext/McpWebJobsBuilderExtensions.cs`, over the MCP C# SDK): `initialize`,
//! `ping`, `tools/list`, `tools/call`, `resources/list`, `resources/templates/list`,
//! `resources/read`, `prompts/list`, `prompts/get`. The registry and each call's payload are
//! [`azfn_spec::mcp_registry`]'s; the function runs through the same path as every other
//! invocation here (inputs read from storage, outputs written), so a tool's blob input on
//! `{mcptoolargs.name}` and its queue output work as on Azure.
//!
//! Not played: the legacy SSE transport (`/runtime/webhooks/mcp/sse`), said once at start, and
//! the system key `mcp_extension` Azure requires (the local host, like Core Tools, asks for no
//! keys). Like the local host's other endpoints, the webhook refuses requests a web page could
//! have sent (an `Origin` header, a foreign `Host`), as the MCP specification asks of local
//! servers.

use bytes::Bytes;
use http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::{Map, Value, json};

use azfn_spec::mcp::{
    self, CallSession, INVALID_PARAMS, PromptInvocationContext, ResourceInvocationContext,
    SESSION_ID_HEADER, ToolInvocationContext, Transport,
};
use azfn_spec::mcp_registry::{self, Call, Prompt, Registered, Resource, Tool};

use super::shared::Shared;
use crate::Function;

type Body = Full<Bytes>;

/// The MCP protocol versions the extension's SDK speaks; a client asking for another gets the
/// newest (the MCP lifecycle's version negotiation).
const PROTOCOL_VERSIONS: [&str; 3] = ["2024-11-05", "2025-03-26", "2025-06-18"];
/// `McpOptions.ServerName` and `ServerVersion`'s defaults; host.json's `extensions.mcp` sets them.
const DEFAULT_SERVER_NAME: &str = "Azure Functions MCP server";
const DEFAULT_SERVER_VERSION: &str = "1.0.0";
/// The prefix of the session ids this host issues, so that a request with another one is told
/// its state is invalid, as the extension tells a session id it cannot decrypt.
const SESSION_PREFIX: &str = "azfn-local-";
/// JSON-RPC's codes.
const METHOD_NOT_FOUND: i64 = -32601;
const INTERNAL_ERROR: i64 = -32603;
/// The extension's transport-level error code (`WriteJsonRpcErrorAsync`).
const TRANSPORT_ERROR: i64 = -32000;
/// An MCP request body is small; anything above this is not a JSON-RPC message from a client.
const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// The line `start` prints once when the app has MCP functions.
pub(crate) fn banner(port: u16) -> String {
    format!(
        "MCP server (the Functions MCP extension's): http://localhost:{port}{} (streamable HTTP). \
         Not played locally: the legacy SSE transport ({}/sse), and the `mcp_extension` system \
         key Azure asks for",
        mcp::WEBHOOK_PATH,
        mcp::WEBHOOK_PATH
    )
}

/// Whether `path` is the webhook (the host's paths ignore case).
pub(crate) fn is_webhook(path: &str) -> bool {
    path.trim_end_matches('/')
        .eq_ignore_ascii_case(mcp::WEBHOOK_PATH)
}

fn transport_error(status: StatusCode, message: &str) -> Response<Body> {
    let body = json!({"jsonrpc": "2.0", "error": {"code": TRANSPORT_ERROR, "message": message}});
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "application/json; charset=utf-8".parse().expect("valid"),
    );
    response
}

fn accepts_both(headers: &HeaderMap) -> bool {
    let accepted: Vec<String> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|part| {
            part.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let has = |media: &str| {
        accepted.iter().any(|a| {
            a == media || a == "*/*" || a.strip_suffix("/*").is_some_and(|t| media.starts_with(t))
        })
    };
    has("application/json") && has("text/event-stream")
}

/// Answers one request to the webhook.
pub(crate) async fn webhook(shared: &Shared, request: Request<Incoming>) -> Response<Body> {
    if request.method() != Method::POST {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        return response;
    }
    if !accepts_both(request.headers()) {
        return transport_error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: Client must accept both application/json and text/event-stream",
        );
    }
    let session = request
        .headers()
        .get(SESSION_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    if session
        .as_deref()
        .is_some_and(|s| !s.starts_with(SESSION_PREFIX))
    {
        return transport_error(StatusCode::BAD_REQUEST, "Invalid client state.");
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_MESSAGE).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return transport_error(
                StatusCode::BAD_REQUEST,
                "Bad Request: The POST body did not contain a valid JSON-RPC message.",
            );
        }
    };
    let Some(message) = serde_json::from_slice::<Value>(&body)
        .ok()
        .filter(|m| m.get("jsonrpc").and_then(Value::as_str) == Some("2.0"))
    else {
        return transport_error(
            StatusCode::BAD_REQUEST,
            "Bad Request: The POST body did not contain a valid JSON-RPC message.",
        );
    };
    let (Some(id), Some(method)) = (
        message.get("id").cloned(),
        message.get("method").and_then(Value::as_str),
    ) else {
        // A notification or a client's response: nothing to answer.
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::ACCEPTED;
        return response;
    };
    let params = message.get("params").cloned().unwrap_or(Value::Null);
    let request = McpRequest {
        shared,
        headers: &parts.headers,
        session: session.clone(),
    };
    let mut new_session = None;
    let outcome = match method {
        "initialize" => {
            let id = format!("{SESSION_PREFIX}{}", crate::new_guid());
            new_session = Some(id);
            Ok(request.initialize(&params))
        }
        _ => request.answer(method, &params).await,
    };
    let reply = match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => {
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
        }
    };
    let event = format!("event: message\ndata: {reply}\n\n");
    let mut response = Response::new(Full::new(Bytes::from(event)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, "text/event-stream".parse().expect("valid"));
    headers.insert(CACHE_CONTROL, "no-cache,no-store".parse().expect("valid"));
    if let Some(session) = new_session.or(session)
        && let Ok(value) = session.parse()
    {
        headers.insert(SESSION_ID_HEADER, value);
    }
    response
}

/// A JSON-RPC error: code and message.
type RpcError = (i64, String);

struct McpRequest<'a> {
    shared: &'a Shared,
    headers: &'a HeaderMap,
    session: Option<String>,
}

impl McpRequest<'_> {
    fn initialize(&self, params: &Value) -> Value {
        let asked = params.get("protocolVersion").and_then(Value::as_str);
        let version = asked
            .filter(|v| PROTOCOL_VERSIONS.contains(v))
            .unwrap_or(PROTOCOL_VERSIONS[PROTOCOL_VERSIONS.len() - 1]);
        let app = self.shared.app();
        let options = app
            .host_json()
            .pointer("/extensions/mcp")
            .cloned()
            .unwrap_or(Value::Null);
        let setting = |key: &str, default: &str| {
            options
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        let mut result = json!({
            "protocolVersion": version,
            "capabilities": {"tools": {}, "resources": {}, "prompts": {}},
            "serverInfo": {
                "name": setting("serverName", DEFAULT_SERVER_NAME),
                "version": setting("serverVersion", DEFAULT_SERVER_VERSION),
            },
        });
        if let Some(instructions) = options.get("instructions").and_then(Value::as_str) {
            result["instructions"] = json!(instructions);
        }
        result
    }

    /// Every MCP function of the app, as the extension registers them; one the extension could
    /// not read is left out (and named on the console).
    fn registry(&self) -> Vec<Registered> {
        let app = self.shared.app();
        let mut registered = Vec::new();
        for function in app.functions().iter().filter(|f| !f.disabled) {
            let Ok(json) = serde_json::from_value(function.json.clone()) else {
                continue;
            };
            match mcp_registry::registered(&function.name, &json) {
                Some(Ok(entry)) => registered.push(entry),
                Some(Err(e)) => self.shared.console().warn(format_args!(
                    "`{}` is left out of the MCP server: {e}",
                    function.name
                )),
                None => {}
            }
        }
        registered
    }

    async fn answer(&self, method: &str, params: &Value) -> Result<Value, RpcError> {
        let registry = self.registry();
        match method {
            "ping" => Ok(json!({})),
            "tools/list" => {
                let tools: Vec<Value> = mcp_registry::tools(&registry)
                    .map(Tool::list_entry)
                    .collect();
                Ok(json!({ "tools": tools }))
            }
            "prompts/list" => {
                let prompts: Vec<Value> = mcp_registry::prompts(&registry)
                    .map(Prompt::list_entry)
                    .collect();
                Ok(json!({ "prompts": prompts }))
            }
            "resources/list" | "resources/templates/list" => {
                let templates = method == "resources/templates/list";
                let listed: Vec<Value> = mcp_registry::resources(&registry)
                    .filter(|r| r.is_template() == templates)
                    .map(Resource::list_entry)
                    .collect();
                let key = if templates {
                    "resourceTemplates"
                } else {
                    "resources"
                };
                Ok(json!({ key: listed }))
            }
            "tools/call" => {
                let name = params.get("name").and_then(Value::as_str).unwrap_or("");
                let Some(tool) = mcp_registry::find_tool(&registry, name) else {
                    return Err(invalid(mcp_registry::unknown_message("tool", name)));
                };
                let arguments = params.get("arguments").and_then(Value::as_object).cloned();
                if let Some(message) = tool.missing_arguments(arguments.as_ref()) {
                    return Err(invalid(message));
                }
                let context = ToolInvocationContext {
                    name: tool.name.clone(),
                    arguments,
                    session: self.call_session(),
                };
                let outcome = self.run(&tool.function, Call::Tool(&context)).await;
                Ok(tool.result(outcome.as_ref().map(Option::as_ref).ok()))
            }
            "prompts/get" => {
                let name = params.get("name").and_then(Value::as_str).unwrap_or("");
                let Some(prompt) = mcp_registry::find_prompt(&registry, name) else {
                    return Err(invalid(mcp_registry::unknown_message("prompt", name)));
                };
                let arguments = params.get("arguments").and_then(Value::as_object).cloned();
                if let Some(message) = prompt.missing_arguments(arguments.as_ref()) {
                    return Err(invalid(message));
                }
                let context = PromptInvocationContext {
                    name: prompt.name.clone(),
                    arguments,
                    session: self.call_session(),
                };
                let value = self
                    .run(&prompt.function, Call::Prompt(&context))
                    .await
                    .map_err(|_| failed(&prompt.name))?;
                mcp::get_prompt_result(value.as_ref(), prompt.use_result_schema)
                    .map_err(|e| (INTERNAL_ERROR, e.to_string()))
            }
            "resources/read" => {
                let uri = params.get("uri").and_then(Value::as_str).unwrap_or("");
                let Some(resource) = mcp_registry::find_resource(&registry, uri) else {
                    return Err(invalid(mcp_registry::unknown_message("resource", uri)));
                };
                let context = ResourceInvocationContext {
                    uri: uri.to_owned(),
                    session: self.call_session(),
                };
                let value = self
                    .run(&resource.function, Call::Resource(&context))
                    .await
                    .map_err(|_| failed(uri))?;
                mcp::read_resource_result(value.as_ref(), uri, resource.mime_type.as_deref())
                    .map_err(|e| (INTERNAL_ERROR, e.to_string()))
            }
            other => Err((
                METHOD_NOT_FOUND,
                format!("Method '{other}' is not available."),
            )),
        }
    }

    /// Who called and how, for the invocation context.
    fn call_session(&self) -> CallSession {
        CallSession {
            sessionid: self.session.clone(),
            clientinfo: None,
            transport: Some(self.transport()),
        }
    }

    /// How the call arrived: the streamable HTTP transport, its session id, the request's
    /// headers (`McpTriggerTransportHelper`).
    fn transport(&self) -> Transport {
        let mut headers = Map::new();
        for name in self.headers.keys() {
            let joined = self
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            headers.insert(name.as_str().to_owned(), Value::String(joined));
        }
        let mut properties = Map::new();
        properties.insert("headers".into(), Value::Object(headers));
        Transport {
            name: mcp::TRANSPORT_STREAMABLE_HTTP.to_owned(),
            session_id: self.session.clone(),
            properties,
        }
    }

    /// Runs `function` for `call` like any invocation of the local host (inputs read, outputs
    /// written, the console told); its `ReturnValue`, or `Err` when the invocation failed.
    async fn run(&self, function: &str, call: Call<'_>) -> Result<Option<Value>, ()> {
        let app = self.shared.app();
        let Some(function): Option<&Function> = app.function(function) else {
            return Err(());
        };
        let json = serde_json::from_value(function.json.clone()).map_err(|_| ())?;
        let payload = mcp_registry::call_payload(&json, call);
        let envelope = json!({
            "Data": payload.data,
            "Metadata": crate::metadata_from_binding_data(&function.name, payload.metadata),
        });
        let report = super::programmatic::run_envelope(
            self.shared,
            function,
            Bytes::from(envelope.to_string()),
        )
        .await;
        if report.succeeded {
            Ok(report.return_value)
        } else {
            Err(())
        }
    }
}

fn invalid(message: String) -> RpcError {
    (INVALID_PARAMS, message)
}

/// A prompt or resource function that failed: the SDK answers a JSON-RPC error (there is no
/// error result for them, unlike tools).
fn failed(name: &str) -> RpcError {
    (
        INTERNAL_ERROR,
        format!("An error occurred invoking '{name}'."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_client_must_accept_json_and_event_streams() {
        assert!(accepts_both(&accept("application/json, text/event-stream")));
        assert!(accepts_both(&accept("*/*")));
        assert!(!accepts_both(&accept("application/json")));
        assert!(!accepts_both(&HeaderMap::new()));
    }

    #[test]
    fn the_webhook_path_ignores_case_and_a_trailing_slash() {
        assert!(is_webhook("/runtime/webhooks/mcp"));
        assert!(is_webhook("/Runtime/Webhooks/MCP/"));
        assert!(!is_webhook("/runtime/webhooks/mcp/sse"));
    }
}
