//! `cargo azfn start --watch` on a real project: an edit is rebuilt, re-emitted and served; an
//! edit that does not compile leaves the previous build serving; an edit whose handler dies at
//! start-up does not stop the host; and the next good edit recovers, with the new route and
//! the new function in the app folder.
//!
//! A first build that fails does not end `start --watch` either: it waits for the fix.
//!
//! The project is the one `cargo azfn new --template http` generates, in a temporary folder,
//! built into the target directory `tests/new.rs` uses, so azfn is not compiled again. It has
//! HTTP functions only, so `start` needs no storage and starts no Azurite.

mod start_support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use start_support::{StartProcess, get_text, new_http_project, new_projects_target_dir};

/// How long one rebuild may take on a loaded two-core machine.
const REBUILD: Duration = Duration::from_secs(180);
/// The first build also compiles azfn when the shared target directory does not have it yet.
const FIRST_BUILD: Duration = Duration::from_secs(900);

/// The app's `src/main.rs`: `hello` with the attribute arguments `hello_args` and the body
/// `hello_body`, then `extra` (more functions), then `main` with the body `main_body`.
fn main_rs(hello_args: &str, hello_body: &str, extra: &str, main_body: &str) -> String {
    format!(
        r#"use azfn::http::Query;
use azfn::http_trigger;
use serde::Deserialize;

#[derive(Deserialize)]
struct Greeting {{
    name: Option<String>,
}}

#[http_trigger({hello_args})]
async fn hello(Query(greeting): Query<Greeting>) -> String {{
    let name = greeting.name.as_deref().unwrap_or("world");
    {hello_body}
}}
{extra}
fn main() {{
    {main_body}
}}
"#
    )
}

const GET_ANONYMOUS: &str = r#"methods = ["get"], auth_level = "anonymous""#;
const RUN: &str = "azfn::run();";
/// A `hello` body with a type error.
const DOES_NOT_COMPILE: &str =
    "let broken: u32 = \"not a number\";\n    format!(\"Broken, {name}!\")";
/// An app whose handler panics before it listens.
fn crashing_main_rs() -> String {
    main_rs(
        GET_ANONYMOUS,
        r#"format!("Crashed, {name}!")"#,
        "",
        r#"panic!("this handler never starts");"#,
    )
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Polls `GET url` until it answers 200 with `expected`; fails with the last answer.
async fn wait_for_answer(host: &mut StartProcess, url: &str, expected: &str) {
    let deadline = std::time::Instant::now() + REBUILD;
    let mut last = None;
    loop {
        let answer = get_text(url).await;
        if answer
            .as_ref()
            .is_some_and(|(s, b)| *s == 200 && b == expected)
        {
            return;
        }
        last = answer.or(last);
        assert!(
            std::time::Instant::now() < deadline,
            "GET {url} did not answer {expected:?} within {REBUILD:?}; last answer {last:?}"
        );
        host.assert_running();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_rebuilds_restarts_and_survives_a_broken_edit() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let manifest = new_http_project(&dir.path().join("watch-app"));
    let project = manifest.parent().unwrap();
    let main = project.join("src/main.rs");
    std::fs::write(
        &main,
        main_rs(GET_ANONYMOUS, r#"format!("Hello, {name}!")"#, "", RUN),
    )
    .unwrap();
    let target = new_projects_target_dir();
    let app = target.join("azfn/debug/watch-app");

    let mut host = StartProcess::watch(&manifest, &target, &[]);
    let url = host.url(FIRST_BUILD).await;
    let hello = format!("{url}/api/hello?name=Ferris");
    assert_eq!(
        get_text(&hello).await,
        Some((200, "Hello, Ferris!".to_owned()))
    );
    assert!(host.log().contains("(--watch)"));
    assert!(!host.log().contains("Azurite"));
    assert_eq!(
        read_json(&app.join("hello/function.json"))["bindings"][0]["route"],
        Value::Null
    );
    assert_eq!(host.count("(start #"), 1);
    eprintln!("started after {:?}", started.elapsed());

    // 1. A new greeting: rebuilt, re-emitted, and the handler restarted.
    std::fs::write(
        &main,
        main_rs(GET_ANONYMOUS, r#"format!("Howdy, {name}!")"#, "", RUN),
    )
    .unwrap();
    wait_for_answer(&mut host, &hello, "Howdy, Ferris!").await;
    assert!(
        host.log()
            .contains("Restarting the custom handler after a rebuild")
    );
    eprintln!("first rebuild served after {:?}", started.elapsed());

    // 2. An edit that does not compile: the compiler's error is printed and the previous
    // build keeps serving, with the handler it had.
    std::fs::write(&main, main_rs(GET_ANONYMOUS, DOES_NOT_COMPILE, "", RUN)).unwrap();
    host.wait_for("failed rebuild", REBUILD, |log| {
        log.contains("Rebuild failed").then_some(())
    })
    .await;
    assert!(host.log().contains("Still running the previous build"));
    // Cargo's stderr has its own pipe, so it may reach the log a little later.
    host.wait_for("compiler error", Duration::from_secs(10), |log| {
        log.contains("error[E0308]: mismatched types").then_some(())
    })
    .await;
    assert_eq!(
        get_text(&hello).await,
        Some((200, "Howdy, Ferris!".to_owned()))
    );
    assert_eq!(host.count("(start #"), 2);
    eprintln!("broken edit reported after {:?}", started.elapsed());

    // 3. An edit that compiles but whose handler dies at start-up: the host tries it three
    // times, as the Functions host does, then waits for the next edit instead of stopping.
    std::fs::write(&main, crashing_main_rs()).unwrap();
    host.wait_for("handler failing three times", REBUILD, |log| {
        log.contains("waiting for a change to rebuild it")
            .then_some(())
    })
    .await;
    assert_eq!(host.count("Starting the custom handler failed"), 3);
    assert!(host.log().contains("this handler never starts"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    host.assert_running();
    eprintln!("crashing edit waited for after {:?}", started.elapsed());

    // 4. Fixed, with a route and a second function: the app folder and the front door
    // follow.
    std::fs::write(
        &main,
        main_rs(
            &format!(r#"{GET_ANONYMOUS}, route = "greet""#),
            r#"format!("Hi, {name}!")"#,
            "\n#[http_trigger(methods = [\"get\"], auth_level = \"anonymous\")]\n\
             async fn bye() -> &'static str {\n    \"Bye!\"\n}\n",
            RUN,
        ),
    )
    .unwrap();
    wait_for_answer(
        &mut host,
        &format!("{url}/api/greet?name=Ferris"),
        "Hi, Ferris!",
    )
    .await;
    assert_eq!(
        get_text(&format!("{url}/api/bye")).await,
        Some((200, "Bye!".to_owned()))
    );
    assert_eq!(get_text(&hello).await.map(|(s, _)| s), Some(404));
    assert_eq!(
        read_json(&app.join("hello/function.json"))["bindings"][0]["route"],
        "greet"
    );
    assert_eq!(
        read_json(&app.join("bye/function.json"))["bindings"][0]["type"],
        "httpTrigger"
    );
    eprintln!("recovered after {:?}", started.elapsed());

    // A change that the build does not turn into anything new (here a README) is rebuilt,
    // and the handler is left running.
    std::fs::write(project.join("README.md"), "# watch-app\n").unwrap();
    host.wait_for("no-op rebuild", REBUILD, |log| {
        log.contains("the app folder is unchanged").then_some(())
    })
    .await;
    assert_eq!(
        get_text(&format!("{url}/api/greet?name=Ferris")).await,
        Some((200, "Hi, Ferris!".to_owned()))
    );

    // One rebuild per change, and nothing more once the changes stop: neither the build's
    // own writes nor its reads of the sources count as changes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(host.count("File change detected"), 5);
    assert_eq!(host.count("Rebuild failed"), 1);
    assert_eq!(host.count("Starting the custom handler failed"), 3);
    assert_eq!(host.count("(start #"), 3);
    assert_eq!(
        host.count("Restarting the custom handler after a rebuild"),
        2
    );
    host.assert_running();
    drop(host);
    eprintln!("done after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_waits_for_a_fix_when_the_first_build_fails() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let manifest = new_http_project(&dir.path().join("watch-broken-app"));
    let project = manifest.parent().unwrap();
    let main = project.join("src/main.rs");
    std::fs::write(&main, main_rs(GET_ANONYMOUS, DOES_NOT_COMPILE, "", RUN)).unwrap();
    let target = new_projects_target_dir();
    let mut host = StartProcess::watch(&manifest, &target, &[]);
    host.wait_for("the first build failing", FIRST_BUILD, |log| {
        log.contains("The build failed: waiting for a change")
            .then_some(())
    })
    .await;
    // Cargo's stderr has its own pipe, so it may reach the log a little later.
    host.wait_for("compiler error", Duration::from_secs(10), |log| {
        log.contains("error[E0308]: mismatched types").then_some(())
    })
    .await;
    assert!(host.log().contains("`cargo build` failed"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    host.assert_running();
    assert!(!host.log().contains("Host started"));
    // Nothing but an edit builds again: not cargo's own writes (the lock file it updates).
    assert_eq!(host.count("File change detected"), 0);
    eprintln!("failure reported after {:?}", started.elapsed());

    std::fs::write(
        &main,
        main_rs(GET_ANONYMOUS, r#"format!("Fixed, {name}!")"#, "", RUN),
    )
    .unwrap();
    let url = host.url(REBUILD).await;
    assert_eq!(
        get_text(&format!("{url}/api/hello?name=Ferris")).await,
        Some((200, "Fixed, Ferris!".to_owned()))
    );
    assert_eq!(host.count("File change detected: building"), 1);
    assert_eq!(host.count("(start #"), 1);
    assert!(host.log().contains("(--watch)"));
    host.assert_running();
    drop(host);
    eprintln!("done after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_waits_for_a_fix_when_the_first_handler_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = new_http_project(&dir.path().join("watch-crash-app"));
    let main = manifest.parent().unwrap().join("src/main.rs");
    std::fs::write(&main, crashing_main_rs()).unwrap();
    let target = new_projects_target_dir();
    let mut host = StartProcess::watch(&manifest, &target, &[]);
    host.wait_for(
        "the first handler failing three times",
        FIRST_BUILD,
        |log| {
            log.contains("waiting for a change to rebuild it")
                .then_some(())
        },
    )
    .await;
    assert_eq!(host.count("Starting the custom handler failed"), 3);
    assert!(host.log().contains("this handler never starts"));
    assert!(!host.log().contains("Shutting down Functions Host"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    host.assert_running();

    std::fs::write(
        &main,
        main_rs(GET_ANONYMOUS, r#"format!("Fixed, {name}!")"#, "", RUN),
    )
    .unwrap();
    let url = host.url(REBUILD).await;
    wait_for_answer(
        &mut host,
        &format!("{url}/api/hello?name=Ferris"),
        "Fixed, Ferris!",
    )
    .await;
    assert_eq!(host.count("(start #"), 1);
    host.assert_running();
}
