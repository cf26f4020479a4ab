//! The host's configuration profiles (`host.json`'s `configurationProfile`), and the declaration
//! an app compiles into its binary when it serves a self-hosted MCP server.
//!
//! # What the host does with a profile
//!
//! From the Functions host's source (Azure/azure-functions-host, 2025 and later: older copies
//! have no profiles): `src/WebJobs.Script/Config/HostConfigurationProfile.cs` and its test
//! `test/WebJobs.Script.Tests/Configuration/HostConfigurationProfileTests.cs`:
//!
//! * `HostConfigurationProfile.Get` reads the name ignoring case; `""` and `default` are the
//!   default profile (no settings); `mcp-custom-handler` and `web-app-custom-handler` share one
//!   set of settings; any other name fails the host's start with
//!   `Configuration profile '{name}' is not supported. Supported values: ...`.
//! * Those settings (`CommonHttpCustomHandlerConfiguration`), as configuration keys:
//!   `customHandler:enableProxyingHttpRequest = true`, `extensions:http:routePrefix = ""` and
//!   `customHandler:http:routes:0:route = {*route}`, plus `configurationProfile` itself.
//! * `customHandler.http.routes` (`src/WebJobs.Script/Workers/Http/HttpWorkerFunctionProvider.cs`,
//!   as its tests `HttpWorkerFunctionProviderTests` show) become HTTP
//!   functions the host makes itself, named `http-handler1`, `http-handler2`, ... in order,
//!   each an `httpTrigger` on its route; routes are only allowed for the `custom` worker
//!   runtime, and an app that also has `function.json` functions fails with an
//!   `InvalidOperationException` (*MixedSources*): a self-hosted server is an app of its own.
//! * Each route's authorization level is its `authorizationLevel`, else
//!   `customHandler.http.DefaultAuthorizationLevel`, whose default is `Function`
//!   (`src/WebJobs.Script/Workers/Http/CustomHandlerHttpOptions.cs`): a function
//!   key is required unless `host.json` says `anonymous`. Microsoft's samples
//!   (Azure-Samples `mcp-sdk-functions-hosting-*`, the "Host MCP servers built with MCP SDKs"
//!   page) set `"http": {"DefaultAuthorizationLevel": "anonymous"}` and rely on App Service
//!   authentication instead.
//! * Core tools' `func init --configuration-profile mcp-custom-handler`
//!   (Azure/azure-functions-core-tools, `McpCustomHandlerConfigurationProfile.cs`) adds the
//!   `EnableMcpCustomHandlerPreview` feature flag to `AzureWebJobsFeatureFlags`, "not required
//!   locally, but required when deploying to Azure": an app setting, not a file of the app.
//!
//! The request reaches the handler on the path the client used (proxying, CONTRACT §4.2,
//! with no route prefix to strip). The path the server listens on is not the host's rule but
//! the MCP SDKs' convention, [`MCP_PATH`].
//!
//! # The declaration in the binary
//!
//! An app that mounts a self-hosted server carries one [`SelfHostedServer`] declaration,
//! framed like a function record ([`crate::record`]) under its own magic, so `cargo azfn emit`
//! finds it by scanning the executable without running it.

use serde::{Deserialize, Serialize};

use crate::record::{RecordError, frame_json_with, record_len, write_frame_with};

/// The `host.json` key that selects a profile.
pub const CONFIGURATION_PROFILE_KEY: &str = "configurationProfile";

/// The profile of an MCP server written with an MCP SDK, run as a custom handler.
pub const MCP_CUSTOM_HANDLER: &str = "mcp-custom-handler";

/// The profile of any web app run as a custom handler (same settings as [`MCP_CUSTOM_HANDLER`]).
pub const WEB_APP_CUSTOM_HANDLER: &str = "web-app-custom-handler";

/// The path an MCP SDK's streamable HTTP server listens on by convention (the Python SDK's
/// `streamable_http_path`, the TypeScript and Rust SDKs' examples), and the one azfn serves.
pub const MCP_PATH: &str = "/mcp";

/// `customHandler.http.DefaultAuthorizationLevel` when `host.json` does not set it
/// (`CustomHandlerHttpOptions`).
pub const DEFAULT_ROUTE_AUTHORIZATION_LEVEL: &str = "function";

/// What a profile sets, after `host.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name, lower case.
    pub name: &'static str,
    /// `extensions.http.routePrefix`, if the profile sets it.
    pub route_prefix: Option<&'static str>,
    /// `customHandler.enableProxyingHttpRequest`.
    pub enable_proxying_http_request: bool,
    /// `customHandler.http.routes[0].route`, if the profile sets it.
    pub first_route: Option<&'static str>,
}

const HTTP_CUSTOM_HANDLER: Profile = Profile {
    name: "",
    route_prefix: Some(""),
    enable_proxying_http_request: true,
    first_route: Some("{*route}"),
};

/// The default profile: sets nothing.
pub const DEFAULT: Profile = Profile {
    name: "default",
    route_prefix: None,
    enable_proxying_http_request: false,
    first_route: None,
};

/// A `configurationProfile` the host does not know: it refuses to start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "Configuration profile '{0}' is not supported. Supported values: '', 'default', \
     'mcp-custom-handler', 'web-app-custom-handler'."
)]
pub struct UnsupportedProfile(pub String);

/// The profile `name` selects (`HostConfigurationProfile.Get`): case is ignored, `""` is
/// `default`.
///
/// ```
/// use azfn_spec::profile::{profile, MCP_CUSTOM_HANDLER};
/// let mcp = profile("MCP-Custom-Handler").unwrap();
/// assert_eq!(mcp.name, MCP_CUSTOM_HANDLER);
/// assert_eq!(mcp.route_prefix, Some(""));
/// assert!(profile("mcp").is_err());
/// ```
pub fn profile(name: &str) -> Result<Profile, UnsupportedProfile> {
    match name.to_ascii_lowercase().as_str() {
        "" | "default" => Ok(DEFAULT),
        MCP_CUSTOM_HANDLER => Ok(Profile {
            name: MCP_CUSTOM_HANDLER,
            ..HTTP_CUSTOM_HANDLER
        }),
        WEB_APP_CUSTOM_HANDLER => Ok(Profile {
            name: WEB_APP_CUSTOM_HANDLER,
            ..HTTP_CUSTOM_HANDLER
        }),
        _ => Err(UnsupportedProfile(name.to_owned())),
    }
}

/// The name the host gives the function of `customHandler.http.routes[index]` (0-based):
/// `http-handler1` for the first.
pub fn route_function_name(index: usize) -> String {
    format!("http-handler{}", index + 1)
}

/// Bytes that open a [`SelfHostedServer`] declaration in a binary.
pub const DECLARATION_MAGIC: [u8; 16] = *b"\0azfn:selfhost\x01\0";

/// The version of the declaration's JSON layout.
pub const DECLARATION_FORMAT: u32 = 1;

/// An app's declaration that it serves a self-hosted MCP server, as compiled into its binary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfHostedServer {
    /// Layout version, [`DECLARATION_FORMAT`].
    pub format: u32,
    /// The configuration profile the app needs, [`MCP_CUSTOM_HANDLER`].
    pub profile: String,
    /// The path the server listens on, [`MCP_PATH`].
    pub path: String,
}

/// The JSON of the declaration of an MCP server on [`MCP_PATH`].
pub const MCP_DECLARATION_JSON: &str =
    r#"{"format":1,"profile":"mcp-custom-handler","path":"/mcp"}"#;

/// Length of the framed [`MCP_DECLARATION_JSON`].
pub const MCP_DECLARATION_LEN: usize = record_len(MCP_DECLARATION_JSON.len());

/// The framed declaration of an MCP server on [`MCP_PATH`], at compile time.
pub const fn mcp_declaration() -> [u8; MCP_DECLARATION_LEN] {
    let mut out = [0u8; MCP_DECLARATION_LEN];
    write_frame_with(
        &mut out,
        &DECLARATION_MAGIC,
        MCP_DECLARATION_JSON.as_bytes(),
    );
    out
}

/// The self-hosted server declared in the bytes of an executable, if any. Frames that are not
/// whole are skipped, as for function records; a whole one that does not parse is an error
/// (a mismatched azfn version), and so are two that differ.
pub fn scan_declaration(binary: &[u8]) -> Result<Option<SelfHostedServer>, RecordError> {
    let mut found: Option<SelfHostedServer> = None;
    for start in memchr::memmem::find_iter(binary, &DECLARATION_MAGIC) {
        let Some(json) = frame_json_with(&binary[start..], &DECLARATION_MAGIC) else {
            continue;
        };
        let declaration: SelfHostedServer = serde_json::from_slice(json)?;
        if declaration.format != DECLARATION_FORMAT {
            return Err(RecordError::UnsupportedFormat {
                found: declaration.format,
            });
        }
        match &found {
            Some(first) if *first != declaration => return Err(RecordError::BadFrame),
            _ => found = Some(declaration),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_read_ignoring_case_and_unknown_ones_refused() {
        assert_eq!(profile("").unwrap(), DEFAULT);
        assert_eq!(profile("Default").unwrap(), DEFAULT);
        let mcp = profile("mcp-custom-handler").unwrap();
        assert_eq!(mcp.first_route, Some("{*route}"));
        assert!(mcp.enable_proxying_http_request);
        assert_eq!(
            profile("WEB-App-Custom-Handler").unwrap().route_prefix,
            Some("")
        );
        assert_eq!(
            profile("invalid").unwrap_err().to_string(),
            "Configuration profile 'invalid' is not supported. Supported values: '', \
             'default', 'mcp-custom-handler', 'web-app-custom-handler'."
        );
    }

    #[test]
    fn route_functions_are_numbered_from_one() {
        assert_eq!(route_function_name(0), "http-handler1");
        assert_eq!(route_function_name(1), "http-handler2");
    }

    #[test]
    fn the_declaration_is_found_in_a_binary_and_only_when_whole() {
        const FRAMED: [u8; MCP_DECLARATION_LEN] = mcp_declaration();
        let mut binary = b"\x7fELF".to_vec();
        binary.extend_from_slice(&DECLARATION_MAGIC); // the magic alone, as in the scanner
        binary.extend_from_slice(&FRAMED);
        binary.extend_from_slice(&FRAMED); // a second copy of one codegen unit
        let found = scan_declaration(&binary).unwrap().unwrap();
        assert_eq!(found.profile, MCP_CUSTOM_HANDLER);
        assert_eq!(found.path, MCP_PATH);
        assert_eq!(scan_declaration(b"\x7fELF no declaration").unwrap(), None);
        assert_eq!(scan_declaration(&FRAMED[..FRAMED.len() - 1]).unwrap(), None);
    }
}
