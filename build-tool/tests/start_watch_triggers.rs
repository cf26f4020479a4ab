//! A reload (`--watch` after a rebuild, or `Host::restart`) replaces the triggers with the
//! reloaded app's: queue pollers move to the new queues, removed functions stop, timers start
//! with their new schedule (and `runOnStartup`), and no queue message is lost on the way.
//!
//! The first tests reload app folders whose handler is `handler.py` through `Host::restart`,
//! the path `--watch` takes after a rebuild; the last one edits a real project under
//! `cargo azfn start --watch`, whose new timer needs storage, so `start` starts Azurite.

mod start_support;

use std::time::Duration;

use azfn_host::start::HostEvent;
use azfn_host::storage::MessageEncoding;
use serde_json::{Value, json};
use start_support::{
    FixtureApp, StartProcess, azurite, azurite_bin, eventually, get_text, new_http_project,
    new_projects_target_dir, queue_contents, start, wait_for,
};

fn queue_trigger(queue: &str) -> Value {
    json!([{"type": "queueTrigger", "direction": "in", "name": "m", "queueName": queue}])
}

fn timer_trigger(schedule: &str, settings: Value) -> Value {
    let mut binding = json!({"type": "timerTrigger", "direction": "in", "name": "t",
                             "schedule": schedule});
    for (key, value) in settings.as_object().unwrap() {
        binding[key] = value.clone();
    }
    json!([binding])
}

const EVERY_SECOND: &str = "*/1 * * * * *";
const YEARLY: &str = "0 0 0 1 1 *";

fn reloaded(event: &HostEvent) -> Option<()> {
    matches!(event, HostEvent::Reloaded).then_some(())
}

/// How many times handler.py was invoked for `function`, once at least `n` times.
async fn invoked(app: &FixtureApp, function: &str, n: usize, timeout: Duration) -> usize {
    eventually(timeout, || {
        let count = app.requests_of(function).len();
        async move { (count >= n).then_some(count) }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_finishes_the_message_in_flight_and_polls_the_new_queues() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[
            ("Slow", queue_trigger("slow-in")),
            ("Work", queue_trigger("first")),
        ],
        json!({"functions": {"Slow": {"sleep": 3}}}),
        json!({"queues": {"maxPollingInterval": "00:00:00.200"}}),
    );
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    let storage = host.storage(None).unwrap();
    storage
        .put_message("slow-in", b"in flight", MessageEncoding::Base64)
        .await
        .unwrap();
    // The handler has it and takes 3 s to answer.
    invoked(&app, "Slow", 1, Duration::from_secs(10)).await;

    // The edit: `Slow` is gone, `Work` polls another queue, and `Added` is new.
    app.remove_function("Slow");
    app.set_function("Work", queue_trigger("second"));
    app.set_function("Added", queue_trigger("added"));
    host.restart().unwrap();
    let mut seen = Vec::new();
    wait_for(&mut events, Duration::from_secs(30), |event| {
        seen.push(event.clone());
        reloaded(event)
    })
    .await;
    let slow: Vec<bool> = seen
        .iter()
        .filter_map(|event| match event {
            HostEvent::Invoked {
                function,
                succeeded,
                ..
            } if function == "Slow" => Some(*succeeded),
            _ => None,
        })
        .collect();
    assert_eq!(
        slow,
        [true],
        "the invocation in flight finished on the old handler before the reload: {seen:?}"
    );
    assert!(
        storage
            .peek_messages("slow-in", 32)
            .await
            .unwrap()
            .is_empty(),
        "deleted after its invocation succeeded"
    );

    for (queue, text) in [
        ("first", "old queue"),
        ("second", "new queue"),
        ("added", "new function"),
    ] {
        storage
            .put_message(queue, text.as_bytes(), MessageEncoding::Base64)
            .await
            .unwrap();
    }
    invoked(&app, "Work", 1, Duration::from_secs(20)).await;
    invoked(&app, "Added", 1, Duration::from_secs(20)).await;
    assert_eq!(
        app.requests_of("Work")[0]["payload"]["Data"]["m"],
        "\"new queue\""
    );
    assert_eq!(
        app.requests_of("Added")[0]["payload"]["Data"]["m"],
        "\"new function\""
    );
    // Nothing polls the old queue any more (ten polling intervals).
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        queue_contents(&storage, "first").await,
        vec![b"old queue".to_vec()]
    );
    assert_eq!(app.requests_of("Work").len(), 1);
    assert_eq!(app.requests_of("Slow").len(), 1);
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_whose_invocation_a_reload_cuts_off_goes_back_to_the_queue() {
    let azurite = azurite().await;
    // A failed message normally stays invisible for a minute (`visibilityTimeout`).
    let app = FixtureApp::new(
        &[("Work", queue_trigger("jobs"))],
        json!({}),
        json!({"queues": {"maxPollingInterval": "00:00:00.200", "visibilityTimeout": "00:01:00"}}),
    );
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    let storage = host.storage(None).unwrap();

    // The next handler takes 8 s to listen: an invocation waits for it...
    app.set_config(json!({"startup_delay": 8}));
    host.restart().unwrap();
    wait_for(&mut events, Duration::from_secs(30), reloaded).await;
    storage
        .put_message("jobs", b"cut off", MessageEncoding::Base64)
        .await
        .unwrap();
    // ... once the poller has taken the message (it is invisible then).
    eventually(Duration::from_secs(6), || {
        let storage = storage.clone();
        async move {
            let visible = storage.peek_messages("jobs", 32).await.unwrap();
            visible.is_empty().then_some(())
        }
    })
    .await;

    // Reloaded again before that handler is ready: the invocation never reaches a handler.
    app.set_config(json!({}));
    host.restart().unwrap();
    let error = wait_for(&mut events, Duration::from_secs(30), |event| match event {
        HostEvent::Invoked {
            function,
            succeeded: false,
            error,
            ..
        } if function == "Work" => error.clone(),
        _ => None,
    })
    .await;
    assert!(error.contains("reloaded"), "{error}");
    // Back on the queue at once, not in a minute: the reloaded app's poller runs it.
    wait_for(&mut events, Duration::from_secs(30), |event| {
        matches!(event, HostEvent::Invoked { function, succeeded: true, .. } if function == "Work")
            .then_some(())
    })
    .await;
    let requests = app.requests_of("Work");
    assert_eq!(requests.len(), 1, "handler.py ran it once: {requests:?}");
    assert_eq!(requests[0]["payload"]["Data"]["m"], "\"cut off\"");
    assert_eq!(requests[0]["payload"]["Metadata"]["DequeueCount"], "2");
    eventually(Duration::from_secs(10), || {
        let storage = storage.clone();
        async move {
            let left = storage.peek_messages("jobs", 32).await.unwrap();
            left.is_empty().then_some(())
        }
    })
    .await;
    assert!(queue_contents(&storage, "jobs-poison").await.is_empty());
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_restarts_timers_with_their_new_schedules() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[
            ("Tick", timer_trigger(YEARLY, json!({"useMonitor": true}))),
            ("Gone", timer_trigger(EVERY_SECOND, json!({}))),
        ],
        json!({}),
        json!({}),
    );
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    invoked(&app, "Gone", 1, Duration::from_secs(10)).await;
    assert!(app.requests_of("Tick").is_empty());

    // `Tick` now fires every second: its stored status (next run on 1 January) belongs to the
    // old schedule. `Gone` is removed; `Boot` is new and runs on start-up.
    app.remove_function("Gone");
    app.set_function(
        "Tick",
        timer_trigger(EVERY_SECOND, json!({"useMonitor": true})),
    );
    app.set_function("Boot", timer_trigger(YEARLY, json!({"runOnStartup": true})));
    host.restart().unwrap();
    wait_for(&mut events, Duration::from_secs(30), reloaded).await;
    let gone = app.requests_of("Gone").len();
    invoked(&app, "Tick", 2, Duration::from_secs(15)).await;
    invoked(&app, "Boot", 1, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        app.requests_of("Gone").len(),
        gone,
        "the removed timer stopped"
    );
    assert_eq!(
        app.requests_of("Boot").len(),
        1,
        "runOnStartup, then not before 1 January"
    );
    assert!(app.requests_of("Tick").len() >= 3, "still every second");
    host.shutdown().await;
    azurite.stop().await;
}

/// How long one rebuild may take on a loaded two-core machine.
const REBUILD: Duration = Duration::from_secs(180);
/// The first build also compiles azfn when the shared target directory does not have it yet.
const FIRST_BUILD: Duration = Duration::from_secs(900);

/// The app's `src/main.rs`: an HTTP function, then `extra`.
fn main_rs(extra: &str) -> String {
    format!(
        r#"use azfn::http_trigger;

#[http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn hello() -> &'static str {{
    "Hello!"
}}
{extra}
fn main() {{
    azfn::run();
}}
"#
    )
}

const TIMER: &str = r#"
#[azfn::timer_trigger(schedule = "*/1 * * * * *", run_on_startup = true)]
async fn tick(timer: azfn::TimerInfo) {
    let _ = timer.is_past_due;
}
"#;

fn lines_with(log: &str, text: &str) -> usize {
    log.lines().filter(|l| l.contains(text)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_runs_the_timer_an_edit_adds_until_an_edit_removes_it() {
    let azurite = azurite_bin();
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let manifest = new_http_project(&dir.path().join("watch-timer-app"));
    let project = manifest.parent().unwrap();
    let main = project.join("src/main.rs");
    std::fs::write(&main, main_rs("")).unwrap();
    let target = new_projects_target_dir();
    let mut host = StartProcess::watch(
        &manifest,
        &target,
        // The project is outside the workspace, where `start` would look for it.
        &[("AZURITE_BIN", azurite.as_os_str())],
    );
    let url = host.url(FIRST_BUILD).await;
    let hello = format!("{url}/api/hello");
    assert_eq!(get_text(&hello).await, Some((200, "Hello!".to_owned())));
    assert!(!host.log().contains("Azurite"), "HTTP only: no storage");
    eprintln!("started after {:?}", started.elapsed());

    // A timer: it needs storage, so Azurite starts, and it fires at once and every second.
    std::fs::write(&main, main_rs(TIMER)).unwrap();
    host.wait_for("three runs of the new timer", REBUILD, |log| {
        (lines_with(log, "Executed 'Functions.tick' (Succeeded") >= 3).then_some(())
    })
    .await;
    let log = host.log();
    assert!(
        log.contains("Started Azurite") || log.contains("Using the storage emulator already"),
        "storage for the timer"
    );
    assert_eq!(lines_with(&log, "Timer fired at startup (runOnStartup)"), 1);
    assert_eq!(lines_with(&log, "Executed 'Functions.tick' (Failed"), 0);
    assert_eq!(get_text(&hello).await, Some((200, "Hello!".to_owned())));
    eprintln!("timer running after {:?}", started.elapsed());

    // Removed again: once the handler restarts, the timer has stopped.
    std::fs::write(&main, main_rs("")).unwrap();
    let restarted = "Restarting the custom handler after a rebuild";
    host.wait_for("the second reload", REBUILD, |log| {
        (lines_with(log, restarted) == 2).then_some(())
    })
    .await;
    let runs = host.count("Executing 'Functions.tick'");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(host.count("Executing 'Functions.tick'"), runs);
    assert_eq!(host.count("Executed 'Functions.tick' (Failed"), 0);
    assert_eq!(get_text(&hello).await, Some((200, "Hello!".to_owned())));
    assert!(!target.join("azfn/debug/watch-timer-app/tick").exists());
    host.assert_running();
    drop(host);
    eprintln!("done after {:?}", started.elapsed());
}
