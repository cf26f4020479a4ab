//! Timer triggers: the NCRONTAB schedule fires, `runOnStartup`, `ScheduleStatus` and
//! `IsPastDue` in the payload (CONTRACT §2.5).

mod start_support;

use std::time::Duration;

use azfn_host::start::HostEvent;
use serde_json::json;
use start_support::{FixtureApp, azurite, eventually, start, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timer_fires_on_its_schedule_with_its_status() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[(
            "Tick",
            json!([{"type": "timerTrigger", "direction": "in", "name": "myTimer",
                    "schedule": "*/1 * * * * *", "runOnStartup": true, "useMonitor": true}]),
        )],
        json!({}),
        json!({}),
    );
    let host = start(app.path(), &azurite).await;
    let requests = eventually(Duration::from_secs(15), || {
        let requests = app.requests_of("Tick");
        async move { (requests.len() >= 3).then_some(requests) }
    })
    .await;
    let first = &requests[0]["payload"];
    assert_eq!(
        first["Data"]["myTimer"]["Schedule"],
        json!({"AdjustForDST": true})
    );
    assert_eq!(first["Data"]["myTimer"]["IsPastDue"], false);
    let status = &first["Data"]["myTimer"]["ScheduleStatus"];
    assert_eq!(
        status["Last"], "0001-01-01T00:00:00",
        "runOnStartup before any run: {status}"
    );
    // Metadata holds only `sys` for timers.
    let keys: Vec<&String> = first["Metadata"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["sys"]);
    // A scheduled tick: Last is the previous occurrence, Next this one.
    let later = &requests[2]["payload"]["Data"]["myTimer"]["ScheduleStatus"];
    assert_ne!(later["Last"], "0001-01-01T00:00:00", "{later}");
    assert!(later["Next"].as_str().unwrap() > later["Last"].as_str().unwrap());
    host.shutdown().await;
    azurite.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_occurrence_runs_at_start_as_past_due() {
    let azurite = azurite().await;
    let app = FixtureApp::new(
        &[(
            "Yearly",
            json!([{"type": "timerTrigger", "direction": "in", "name": "t",
                    "schedule": "0 0 0 1 1 *"}]),
        )],
        json!({}),
        json!({}),
    );
    // The status the extension keeps in `azure-webjobs-hosts`, with a Next long gone.
    let storage = azfn_host::storage::Storage::new(azurite.account()).unwrap();
    let host_id = format!(
        "azfn-local-{}",
        app.path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_ascii_lowercase()
    );
    let mut host_id: String = host_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    host_id.truncate(32);
    let host_id = host_id.trim_end_matches('-');
    storage
        .upload_blob(
            "azure-webjobs-hosts",
            &format!("timers/{host_id}/Host.Functions.Yearly/status"),
            r#"{"Last":"2019-01-01T00:00:00+00:00","Next":"2020-01-01T00:00:00+00:00","LastUpdated":"2019-01-01T00:00:00+00:00"}"#,
        )
        .await
        .unwrap();
    let host = start(app.path(), &azurite).await;
    let mut events = host.subscribe();
    if app.requests_of("Yearly").is_empty() {
        wait_for(&mut events, Duration::from_secs(10), |e| {
            matches!(e, HostEvent::Invoked { .. }).then_some(())
        })
        .await;
    }
    let request = &app.requests_of("Yearly")[0]["payload"]["Data"]["t"];
    assert_eq!(request["IsPastDue"], true, "{request}");
    assert_eq!(
        request["ScheduleStatus"]["Next"],
        "2020-01-01T00:00:00+00:00"
    );
    host.shutdown().await;
    azurite.stop().await;
}
