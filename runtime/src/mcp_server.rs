//! Self-hosted MCP servers: an MCP server written with [`rmcp`], the official Rust MCP SDK,
//! served by the handler itself for the host's `mcp-custom-handler` configuration profile
//! (feature `mcp-server`).
//!
//! With that profile the Functions host starts the handler as usual and proxies every HTTP
//! request to it, on the path the client used and with no route prefix (the profile's rules and
//! where they come from are in [`azfn_spec::profile`]). The server is rmcp's
//! [`StreamableHttpService`] on [`MCP_PATH`] (`/mcp`), in stateless mode: the host may run
//! several instances of the app and send each request to any of them, so no request may depend
//! on a session held in one process (Microsoft's samples say the same of the Python SDK's
//! `stateless_http=True`).
//!
//! ```no_run
//! use azfn::rmcp::handler::server::ServerHandler;
//! use azfn::rmcp::model::{ServerCapabilities, ServerConfig};
//!
//! #[derive(Clone)]
//! struct Hello;
//!
//! impl ServerHandler for Hello {
//!     fn get_info(&self) -> ServerConfig {
//!         ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
//!     }
//! }
//!
//! fn main() {
//!     azfn::App::new().mcp_server(|| Ok(Hello)).run();
//! }
//! ```
//!
//! The binary then carries a declaration ([`azfn_spec::profile::SelfHostedServer`]) that
//! `cargo azfn build` reads to write `host.json` with the profile. The host makes the app's
//! only function itself (`http-handler1`, route `{*route}`), and refuses an app that has
//! `function.json` functions too: a self-hosted server is an app of its own, and the build
//! refuses both in one binary.
//!
//! `Host` validation (rmcp's guard against DNS rebinding) keeps rmcp's loopback default: the
//! host's proxy, like the local one, addresses the handler at `127.0.0.1:{port}` and passes the
//! client's `Host` only as `X-Forwarded-Host`.

use std::sync::Arc;

use axum::Router;
use azfn_spec::profile::{MCP_DECLARATION_LEN, MCP_PATH, mcp_declaration};
use rmcp::ServerHandler;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::server::App;

/// The declaration `cargo azfn build` finds in the binary. Referenced only from
/// [`App::mcp_server_with_config`], so the linker keeps it exactly in apps that mount a server.
static DECLARATION: [u8; MCP_DECLARATION_LEN] = mcp_declaration();

#[inline(never)]
fn keep_declaration() {
    std::hint::black_box(&DECLARATION);
}

/// The server settings [`App::mcp_server`] uses: stateless, plain JSON answers for plain
/// request-response calls (SSE only when the handler sends notifications first), and the
/// body limit of the host (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`, [`crate::limits`]), which
/// has already accepted the request. Start from this to change one setting.
pub fn stateless_config() -> StreamableHttpServerConfig {
    StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_max_request_body_bytes(crate::limits::request_body_limit())
}

impl App {
    /// Serves the MCP server `factory` makes (one per request, in stateless mode) on
    /// [`MCP_PATH`], beside whatever else the app serves, with [`stateless_config`].
    ///
    /// `cargo azfn build` then writes `host.json` with the `mcp-custom-handler` profile.
    pub fn mcp_server<S, F>(self, factory: F) -> Self
    where
        S: ServerHandler + Send + 'static,
        F: Fn() -> Result<S, std::io::Error> + Send + Sync + 'static,
    {
        self.mcp_server_with_config(factory, stateless_config())
    }

    /// [`App::mcp_server`] with rmcp's settings as given (allowed hosts and origins, SSE
    /// keep-alive, ...). A `config` with `legacy_session_mode` set keeps sessions in this
    /// process, which a scaled-out app cannot rely on.
    pub fn mcp_server_with_config<S, F>(
        mut self,
        factory: F,
        config: StreamableHttpServerConfig,
    ) -> Self
    where
        S: ServerHandler + Send + 'static,
        F: Fn() -> Result<S, std::io::Error> + Send + Sync + 'static,
    {
        keep_declaration();
        let service =
            StreamableHttpService::new(factory, Arc::new(NeverSessionManager::default()), config);
        self.self_hosted = Some(Router::new().route_service(MCP_PATH, service));
        self
    }
}

/// Serves the MCP server `factory` makes, and every function of the binary, until shut down:
/// `azfn::App::new().mcp_server(factory).run()`.
pub fn run_mcp_server<S, F>(factory: F)
where
    S: ServerHandler + Send + 'static,
    F: Fn() -> Result<S, std::io::Error> + Send + Sync + 'static,
{
    App::new().mcp_server(factory).run();
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;
    use rmcp::model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
        PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    };
    use rmcp::service::RequestContext;
    use rmcp::{ErrorData, RoleServer};
    use serde_json::{Value, json};
    use tower::ServiceExt as _;

    #[derive(Clone)]
    struct Echo;

    impl ServerHandler for Echo {
        fn get_info(&self) -> ServerConfig {
            ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
        }

        async fn list_tools(
            &self,
            _: Option<PaginatedRequestParams>,
            _: RequestContext<RoleServer>,
        ) -> Result<ListToolsResult, ErrorData> {
            let schema = json!({"type": "object"}).as_object().unwrap().clone();
            Ok(ListToolsResult::with_all_items(vec![Tool::new(
                "echo",
                "echoes",
                Arc::new(schema),
            )]))
        }

        async fn call_tool(
            &self,
            request: CallToolRequestParams,
            _: RequestContext<RoleServer>,
        ) -> Result<CallToolResponse, ErrorData> {
            let text = request
                .arguments
                .and_then(|a| a.get("text").cloned())
                .unwrap_or(Value::Null);
            Ok(CallToolResult::success(vec![ContentBlock::text(text.to_string())]).into())
        }
    }

    async fn post(router: Router, path: &str, body: Value) -> (u16, Value) {
        let request = http::Request::post(path)
            .header("host", "127.0.0.1:7071")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned())),
        )
    }

    #[tokio::test]
    async fn the_server_answers_on_mcp_without_a_session_and_other_paths_reach_the_functions() {
        let app = || App::new().route_prefix("").mcp_server(|| Ok(Echo));
        let (status, body) = post(
            app().into_router().unwrap(),
            MCP_PATH,
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "test", "version": "1"}}}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body["result"]["capabilities"]["tools"].is_object(),
            "{body}"
        );

        // Stateless: a call on its own, as another instance of the app would receive it.
        let (status, body) = post(
            app().into_router().unwrap(),
            MCP_PATH,
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                   "params": {"name": "echo", "arguments": {"text": "hi"}}}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["result"]["content"][0]["text"], "\"hi\"", "{body}");

        let (status, _) = post(app().into_router().unwrap(), "/elsewhere", json!({})).await;
        assert_eq!(status, 404);
    }

    #[test]
    fn the_declaration_is_what_the_build_tool_scans_for() {
        let found = azfn_spec::profile::scan_declaration(&DECLARATION)
            .unwrap()
            .unwrap();
        assert_eq!(found.path, MCP_PATH);
    }
}
