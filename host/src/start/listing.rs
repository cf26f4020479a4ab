//! The function list `start` prints when an app is loaded, and a line for each binding it does
//! not play.

use super::shared::Shared;
use super::simulated;

pub(super) fn print_functions(shared: &Shared) {
    let app = shared.app();
    let console = &shared.console;
    console.plain("\nFunctions:\n");
    for function in app.functions() {
        let line = match app.url_path(function) {
            Some(path) => {
                let methods = function
                    .methods()
                    .map(|m| m.join(","))
                    .unwrap_or_else(|| "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS".into());
                format!(
                    "        {}: [{methods}] http://localhost:{}{path}",
                    function.name, shared.port
                )
            }
            None => format!(
                "        {}: {}",
                function.name,
                function.trigger().map_or("", |t| t.kind.as_str())
            ),
        };
        let disabled = if function.disabled { " (disabled)" } else { "" };
        console.plain(format_args!("{line}{disabled}\n"));
    }
    let is_mcp = |kind: &str| {
        [
            azfn_spec::mcp::TOOL_TRIGGER,
            azfn_spec::mcp::PROMPT_TRIGGER,
            azfn_spec::mcp::RESOURCE_TRIGGER,
        ]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(kind))
    };
    if app
        .functions()
        .iter()
        .any(|f| f.trigger().is_some_and(|t| is_mcp(&t.kind)))
    {
        console.plain(format_args!("{}\n", super::mcp::banner(shared.port)));
    }
    for function in app.functions() {
        for line in simulated::not_simulated(function) {
            console.warn(line);
        }
    }
    // The mode only matters, and is only worth a line, when some HTTP function could use it.
    if app.functions().iter().any(|f| f.is_http_in_and_out()) {
        console.plain(format_args!(
            "HTTP functions without other bindings are reached in {} mode.\n",
            app.http_mode()
        ));
    }
}
