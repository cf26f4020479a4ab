//! Reading app folders and planning the handler's start, without running anything.

mod host_support;

use std::ffi::OsStr;

use azfn_host::{App, Direction, HandlerOptions, HostError, HttpMode, Launch};
use host_support::TestApp;
use http::Method;
use serde_json::json;

fn http_function(app: &TestApp, name: &str, trigger_extra: serde_json::Value) {
    let mut trigger =
        json!({"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"});
    for (k, v) in trigger_extra.as_object().unwrap() {
        trigger[k] = v.clone();
    }
    app.function(
        name,
        json!([trigger, {"type": "http", "direction": "out", "name": "res"}]),
    );
}

#[test]
fn functions_bindings_and_defaults() {
    let t = TestApp::new();
    http_function(&t, "hello", json!({}));
    t.function(
        "worker",
        json!([
            {"Type": "queueTrigger", "Name": "msg", "queueName": "in"},
            {"type": "queue", "direction": "OUT", "name": "$return", "queueName": "out", "dataType": "binary"}
        ]),
    );
    std::fs::create_dir(t.path().join("not-a-function")).unwrap();
    let app = t.load();

    let names: Vec<_> = app.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["hello", "worker"]);
    assert_eq!(app.route_prefix(), "api");
    assert_eq!(app.http_mode(), HttpMode::Payload);
    assert_eq!(app.root(), std::path::absolute(t.path()).unwrap());

    let worker = app.function("worker").unwrap();
    // Keys are read case-insensitively and a missing direction means `in`.
    assert_eq!(worker.trigger().unwrap().name, "msg");
    assert_eq!(worker.bindings[0].direction, Direction::In);
    let ret = worker.output("$return").unwrap();
    assert_eq!(ret.direction, Direction::Out);
    assert!(ret.is_binary());
    assert_eq!(ret.setting_str("QUEUENAME"), Some("out"));
    assert!(!worker.is_http_in_and_out());
    assert!(app.function("hello").unwrap().is_http_in_and_out());
    assert_eq!(
        app.url_path(app.function("hello").unwrap()).as_deref(),
        Some("/api/hello")
    );
    assert_eq!(app.url_path(worker), None);
}

#[test]
fn http_mode_comes_from_host_json_and_only_applies_to_http_in_and_out() {
    let t = TestApp::new();
    http_function(&t, "plain", json!({}));
    t.function(
        "withqueue",
        json!([
            {"type": "httpTrigger", "direction": "in", "name": "req"},
            {"type": "http", "direction": "out", "name": "res"},
            {"type": "queue", "direction": "out", "name": "msg", "queueName": "q"}
        ]),
    );
    let description = json!({"defaultExecutablePath": "python3"});
    let cases = [
        (json!({"description": description}), HttpMode::Payload),
        (
            json!({"description": description, "enableForwardingHttpRequest": true}),
            HttpMode::Forward,
        ),
        (
            json!({"description": description, "enableForwardingHttpRequest": "True",
                   "enableProxyingHttpRequest": true}),
            HttpMode::Proxy,
        ),
    ];
    for (section, mode) in cases {
        t.custom_handler(section);
        let app = t.load();
        assert_eq!(app.http_mode(), mode);
        assert_eq!(app.mode_for(app.function("plain").unwrap()), mode);
        assert_eq!(
            app.mode_for(app.function("withqueue").unwrap()),
            HttpMode::Payload
        );
    }
    // The legacy section always forwards.
    t.host_json(json!({"version": "2.0", "httpWorker": {"description": description}}));
    assert_eq!(t.load().http_mode(), HttpMode::Forward);
    // And tests can override the mode.
    let app = t.load().with_http_mode(HttpMode::Proxy);
    assert_eq!(
        app.mode_for(app.function("plain").unwrap()),
        HttpMode::Proxy
    );
}

#[test]
fn routes_prefix_methods_and_precedence() {
    let t = TestApp::new();
    t.host_json(json!({
        "version": "2.0",
        "extensions": {"http": {"routePrefix": "/v1/"}},
        "customHandler": {"description": {"defaultExecutablePath": "python3"}}
    }));
    http_function(
        &t,
        "byid",
        json!({"route": "products/{id:int}", "methods": ["get"]}),
    );
    http_function(&t, "bysomething", json!({"route": "products/{name}"}));
    http_function(&t, "special", json!({"route": "products/special"}));
    http_function(&t, "files", json!({"route": "files/{*path}"}));
    http_function(&t, "off", json!({"route": "off"}));
    t.settings(json!({"AzureWebJobs.off.Disabled": "true"}));
    let app = t.load();
    assert_eq!(app.route_prefix(), "v1");

    let found = |method: Method, path: &str| {
        app.find_route(&method, path)
            .map(|m| (m.function.name.clone(), m.values))
    };
    assert_eq!(
        found(Method::GET, "/v1/products/42"),
        Some(("byid".into(), vec![("id".into(), Some("42".into()))]))
    );
    // The int constraint fails, so the plain parameter route takes it.
    assert_eq!(
        found(Method::GET, "/V1/Products/abc").unwrap().0,
        "bysomething"
    );
    // `methods` is enforced: POST skips the GET-only route.
    assert_eq!(
        found(Method::POST, "/v1/products/42").unwrap().0,
        "bysomething"
    );
    // Literals win over parameters.
    assert_eq!(
        found(Method::GET, "/v1/products/special").unwrap().0,
        "special"
    );
    assert_eq!(
        found(Method::GET, "/v1/files/a/b%20c.txt").unwrap().1,
        vec![("path".into(), Some("a/b c.txt".into()))]
    );
    assert_eq!(found(Method::GET, "/v1/products/42/").unwrap().0, "byid");
    assert_eq!(found(Method::GET, "/api/products/42"), None);
    assert_eq!(found(Method::GET, "/v1/off"), None);
    assert!(app.function("off").unwrap().disabled);
    assert_eq!(found(Method::GET, "/v1/products"), None);
}

/// The paths of issue 14 item 6, which the handler now answers too (runtime `behaviour`
/// test `forwarded_requests_reach_the_function_the_host_routed_them_to`); and templates the
/// host's parser accepts that the simulation used to refuse.
#[test]
fn routes_match_ignoring_case_decoded_and_with_a_trailing_slash() {
    let t = TestApp::new();
    t.custom_handler(json!({"description": {"defaultExecutablePath": "python3"}}));
    http_function(&t, "hello", json!({"methods": ["get"]}));
    http_function(&t, "pages", json!({"route": "pages/{page=1}/"}));
    http_function(&t, "tail", json!({"route": "tail/{a?}/{b?}"}));
    let app = t.load();
    let found = |path: &str| {
        app.find_route(&Method::GET, path)
            .map(|m| (m.function.name.clone(), m.values))
    };
    for path in ["/api/Hello", "/API/HELLO", "/api/%68ello", "/api/hello/"] {
        assert_eq!(found(path), Some(("hello".into(), vec![])), "{path}");
    }
    assert_eq!(
        found("/api/pages"),
        Some(("pages".into(), vec![("page".into(), Some("1".into()))]))
    );
    assert_eq!(
        found("/api/tail/x").unwrap().1,
        vec![("a".into(), Some("x".into())), ("b".into(), None)]
    );
}

#[test]
fn only_inputs_can_be_the_trigger_as_in_the_host() {
    // The host looks for the trigger among `InputBindings` only: an output whose type ends in
    // "Trigger" is neither a second trigger nor, alone, a trigger at all.
    let t = TestApp::new();
    t.function(
        "audited",
        json!([
            {"type": "QUEUETRIGGER", "name": "msg", "queueName": "in"},
            {"type": "auditTrigger", "direction": "out", "name": "audit"}
        ]),
    );
    let app = t.load();
    let audited = app.function("audited").unwrap();
    assert_eq!(audited.trigger().unwrap().name, "msg");
    assert!(!audited.bindings[1].is_trigger());

    t.function(
        "outonly",
        json!([{"type": "auditTrigger", "direction": "out", "name": "audit"}]),
    );
    let err = App::load(t.path()).unwrap_err();
    assert!(
        err.to_string().contains("No trigger binding specified"),
        "{err}"
    );
}

#[test]
fn broken_apps_are_refused_with_the_hosts_words() {
    let t = TestApp::new();
    t.host_json(json!({"version": "2.0", "customHandler": {}}));
    let err = App::load(t.path()).unwrap_err();
    assert!(
        err.to_string().contains("Missing worker Description."),
        "{err}"
    );

    t.custom_handler(json!({"description": {"defaultExecutablePath": "python3"}}));
    t.function(
        "notrigger",
        json!([{"type": "queue", "direction": "out", "name": "q"}]),
    );
    let err = App::load(t.path()).unwrap_err();
    assert!(
        err.to_string().contains("No trigger binding specified"),
        "{err}"
    );

    std::fs::remove_dir_all(t.path().join("notrigger")).unwrap();
    http_function(&t, "badroute", json!({"route": "x/{id:nonsense}"}));
    assert!(matches!(App::load(t.path()), Err(HostError::Route { .. })));

    std::fs::remove_dir_all(t.path().join("badroute")).unwrap();
    std::fs::write(t.path().join("host.json"), "{ not json").unwrap();
    assert!(matches!(App::load(t.path()), Err(HostError::Json { .. })));
}

#[test]
fn launch_expands_arguments_and_injects_the_environment() {
    let t = TestApp::new();
    t.custom_handler(json!({
        "description": {
            "defaultExecutablePath": "%TOOLS%/bin/handler",
            "arguments": ["--port %FUNCTIONS_CUSTOMHANDLER_PORT%", "--mode %MODE%", "--gone %NOT_DEFINED%", 7, true],
            "defaultWorkerPath": "%MODE% worker.js",
            "workerArguments": ["--id=%FUNCTIONS_CUSTOMHANDLER_WORKER_ID%"],
            "workingDirectory": "run"
        }
    }));
    http_function(&t, "hello", json!({}));
    t.settings(json!({"MODE": "from-settings", "ONLY_IN_SETTINGS": "s", "FUNCTIONS_WORKER_RUNTIME": "custom"}));
    let app = t.load();
    let options = HandlerOptions::new()
        .inherit_env(false)
        .env("TOOLS", "/opt/tools")
        .env("MODE", "from-env");
    let launch = Launch::plan(&app, &options, 4321, "0f8fad5b-d9cb-469f-a165-70867728950e");

    assert_eq!(
        launch.program,
        std::path::Path::new("/opt/tools/bin/handler")
    );
    // Elements are not quoted, so spaces split them; the worker path is quoted; undefined
    // variables vanish; config scalars arrive as .NET prints them.
    assert_eq!(
        launch.args,
        [
            "--port",
            "4321",
            "--mode",
            "from-env",
            "--gone",
            "7",
            "True",
            "from-env worker.js",
            "--id=0f8fad5b-d9cb-469f-a165-70867728950e"
        ]
    );
    assert_eq!(launch.working_dir, app.root().join("run"));
    let env = |k: &str| launch.env.get(OsStr::new(k)).map(|v| v.to_str().unwrap());
    assert_eq!(env("FUNCTIONS_CUSTOMHANDLER_PORT"), Some("4321"));
    assert_eq!(env("FUNCTIONS_HTTPWORKER_PORT"), Some("4321"));
    assert_eq!(
        env("FUNCTIONS_CUSTOMHANDLER_WORKER_ID"),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    assert_eq!(
        env("FUNCTIONS_HTTPWORKER_ID"),
        env("FUNCTIONS_CUSTOMHANDLER_WORKER_ID")
    );
    assert_eq!(env("FUNCTIONS_APP_ROOT_PATH"), app.root().to_str());
    // The host's environment wins over local.settings.json.
    assert_eq!(env("MODE"), Some("from-env"));
    assert_eq!(env("ONLY_IN_SETTINGS"), Some("s"));
    assert_eq!(env("PATH"), None);
}

#[test]
fn relative_executables_resolve_against_the_worker_directory_only_if_present() {
    let t = TestApp::new();
    std::fs::create_dir(t.path().join("bin")).unwrap();
    std::fs::write(t.path().join("bin/handler"), "").unwrap();
    http_function(&t, "hello", json!({}));
    t.custom_handler(
        json!({"description": {"defaultExecutablePath": "handler", "workerDirectory": "bin"}}),
    );
    let launch = Launch::plan(&t.load(), &HandlerOptions::new(), 1, "id");
    assert_eq!(launch.program, t.load().root().join("bin/handler"));
    assert_eq!(launch.working_dir, t.load().root());

    t.custom_handler(json!({"description": {"defaultExecutablePath": "python3"}}));
    let launch = Launch::plan(&t.load(), &HandlerOptions::new(), 1, "id");
    assert_eq!(
        launch.program,
        std::path::Path::new("python3"),
        "left for the PATH search"
    );
}

/// `configurationProfile: mcp-custom-handler` (azfn_spec::profile): no route prefix, proxying,
/// and the host's own `http-handler1` on `{*route}`, at the default `function` level unless
/// host.json says otherwise.
#[test]
fn the_mcp_custom_handler_profile_routes_everything_to_the_handler() {
    let t = TestApp::new();
    t.host_json(json!({
        "version": "2.0",
        "configurationProfile": "MCP-Custom-Handler",
        "extensions": {"http": {"routePrefix": "api"}},
        "customHandler": {
            "description": {"defaultExecutablePath": "python3", "arguments": ["handler.py"]},
            "http": {"DefaultAuthorizationLevel": "Anonymous", "routes": [{"route": "ignored"}, {"route": "admin/{*rest}", "authorizationLevel": "admin"}]}
        }
    }));
    let app = t.load();
    assert_eq!(app.route_prefix(), "");
    assert_eq!(app.http_mode(), HttpMode::Proxy);
    let names: Vec<_> = app.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["http-handler1", "http-handler2"]);
    let first = app.function("http-handler1").unwrap();
    assert!(first.is_http_in_and_out());
    assert_eq!(first.route(), Some("{*route}"));
    assert_eq!(
        first.http_trigger().unwrap().setting_str("authLevel"),
        Some("anonymous")
    );
    let second = app.function("http-handler2").unwrap();
    assert_eq!(
        second.http_trigger().unwrap().setting_str("authLevel"),
        Some("admin")
    );
    for method in [Method::GET, Method::POST, Method::DELETE] {
        let found = app.find_route(&method, "/mcp").unwrap();
        assert_eq!(found.function.name, "http-handler1", "{method}");
    }

    t.custom_handler(json!({"description": {"defaultExecutablePath": "python3"}}));
    let mut host: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("host.json")).unwrap()).unwrap();
    host["configurationProfile"] = json!("mcp-custom-handler");
    t.host_json(host);
    let app = t.load();
    assert_eq!(
        app.function("http-handler1")
            .unwrap()
            .http_trigger()
            .unwrap()
            .setting_str("authLevel"),
        Some("function")
    );
}

#[test]
fn a_profile_the_host_does_not_know_and_routes_beside_functions_are_refused() {
    let t = TestApp::new();
    t.host_json(json!({
        "version": "2.0",
        "configurationProfile": "mcp",
        "customHandler": {"description": {"defaultExecutablePath": "python3"}}
    }));
    let err = App::load(t.path()).unwrap_err().to_string();
    assert!(
        err.contains("Configuration profile 'mcp' is not supported"),
        "{err}"
    );

    t.host_json(json!({
        "version": "2.0",
        "configurationProfile": "mcp-custom-handler",
        "customHandler": {"description": {"defaultExecutablePath": "python3"}}
    }));
    http_function(&t, "hello", json!({}));
    let err = App::load(t.path()).unwrap_err().to_string();
    assert!(err.contains("the host refuses both in one app"), "{err}");
    assert!(err.contains("hello"), "{err}");
}
