//! The timer trigger: NCRONTAB and TimeSpan schedules, `runOnStartup`, `useMonitor` with
//! `ScheduleStatus` and `IsPastDue` (CONTRACT §2.5).
//!
//! What a schedule means and when it fires is `azfn_spec::schedule`, the same rule the
//! `#[timer_trigger]` attribute checks at compile time; this module runs it.
//!
//! ```
//! use azfn_host::start::timer::{next_occurrence, schedule_from_setting};
//! use time::macros::datetime;
//!
//! let every_five_minutes = schedule_from_setting("0 */5 * * * *")?;
//! assert_eq!(
//!     next_occurrence(&every_five_minutes, datetime!(2026-01-01 10:02:30 UTC)),
//!     datetime!(2026-01-01 10:05:00 UTC)
//! );
//! # Ok::<(), String>(())
//! ```
//!
//! Times are UTC, as on Linux plans in Azure (`WEBSITE_TIME_ZONE` is not supported on Linux
//! Consumption); `func start` on a laptop would use the machine's time zone instead.

use std::time::{Duration, Instant};

use azfn_spec::schedule::Schedule;
use serde_json::{Map, Value, json};
use time::{OffsetDateTime, PrimitiveDateTime};

use super::dates::format_offset;
use super::scope::Scope;
use super::shared::finish;
use azfn_spec::expression::BindingData;

/// The schedule of a timer function from its `schedule` setting with app settings resolved,
/// or the message the host stops the function with (`TimerSchedule.Create`), followed by what
/// is wrong.
pub fn schedule_from_setting(resolved: &str) -> Result<Schedule, String> {
    Schedule::parse(resolved).map_err(|problems| {
        let why: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        format!(
            "The schedule expression '{resolved}' was not recognized as a valid cron expression \
             or timespan string: {}",
            why.join("; ")
        )
    })
}

/// The first occurrence strictly after `after`; a schedule that never fires gives the end of
/// time, as NCrontab gives `DateTime.MaxValue`.
pub fn next_occurrence(schedule: &Schedule, after: OffsetDateTime) -> OffsetDateTime {
    schedule
        .next_after(after)
        .unwrap_or(PrimitiveDateTime::MAX.assume_utc())
}

/// The time between two occurrences around `at`; the timer's `useMonitor` default is on
/// only when this is at least a minute.
fn period(schedule: &Schedule, at: OffsetDateTime) -> Duration {
    match schedule {
        Schedule::Interval(interval) => interval.to_duration().unwrap_or(Duration::ZERO),
        Schedule::Cron(_) => {
            let first = next_occurrence(schedule, at);
            let second = next_occurrence(schedule, first);
            (second - first).try_into().unwrap_or(Duration::ZERO)
        }
    }
}

/// The timer's persisted status (`useMonitor`), as the extension keeps it in the
/// `azure-webjobs-hosts` container.
#[derive(Clone, Debug)]
struct Status {
    last: Option<OffsetDateTime>,
    next: OffsetDateTime,
    last_updated: OffsetDateTime,
}

impl Status {
    fn to_json(&self) -> Value {
        json!({
            "Last": self.last.map_or_else(|| "0001-01-01T00:00:00".to_string(), format_offset),
            "Next": format_offset(self.next),
            "LastUpdated": format_datetime_fraction(self.last_updated),
        })
    }

    fn from_json(value: &Value) -> Option<Status> {
        let parse = |key: &str| -> Option<OffsetDateTime> {
            let text = value.get(key)?.as_str()?;
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
        };
        Some(Status {
            last: parse("Last"),
            next: parse("Next")?,
            last_updated: parse("LastUpdated")?,
        })
    }
}

/// Newtonsoft's round-trip `DateTime` with offset: fraction only when non-zero.
fn format_datetime_fraction(t: OffsetDateTime) -> String {
    let base = format_offset(t);
    let ticks = t.nanosecond() / 100;
    if ticks == 0 {
        return base;
    }
    let fraction = format!("{ticks:07}");
    let fraction = fraction.trim_end_matches('0');
    format!("{}.{fraction}+00:00", &base[..19])
}

/// `ScheduleMonitor.CheckPastDueAsync`: the status to go on with, whether it differs from
/// the stored one (so it is saved), and whether an occurrence was missed while no host ran.
/// A recorded `Next` that the schedule does not give from the time it was computed from
/// (`Last`, else `LastUpdated`) means the schedule changed: `Next` is then recomputed.
fn check_past_due(
    stored: Option<Status>,
    schedule: &Schedule,
    now: OffsetDateTime,
) -> (Status, bool, bool) {
    let Some(status) = stored else {
        let status = Status {
            last: None,
            next: next_occurrence(schedule, now),
            last_updated: now,
        };
        return (status, true, false);
    };
    let basis = status.last.unwrap_or(status.last_updated);
    let expected = next_occurrence(schedule, basis);
    let (status, changed) = if status.next == expected {
        (status, false)
    } else {
        let status = Status {
            last: None,
            next: expected,
            last_updated: basis,
        };
        (status, true)
    };
    let past_due = now > status.next;
    (status, changed, past_due)
}

/// The status after an invocation at `at`, which becomes `Last` (to the second, as stored, so
/// that [`check_past_due`] recognises the schedule at the next start).
fn ran_at(schedule: &Schedule, at: OffsetDateTime) -> Status {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    Status {
        last: Some(at),
        next: next_occurrence(schedule, at),
        last_updated: OffsetDateTime::now_utc(),
    }
}

/// Runs one timer-triggered function until its scope ends. Each start (the host's, or a
/// reload's) is a host start for the timer: `runOnStartup` fires, and a monitored schedule
/// whose recorded occurrence has passed runs at once, past due.
pub(crate) async fn run(scope: Scope, function: String) {
    let shared = &scope.shared;
    let app = scope.app.clone();
    let Some(f) = app.function(&function) else {
        return;
    };
    let Some(trigger) = f.trigger() else { return };
    let console = shared.console().clone();
    let schedule = match trigger
        .setting_str("schedule")
        .ok_or_else(|| "the timer trigger has no `schedule`".to_string())
        .and_then(|s| shared.resolve_settings(s))
        .and_then(|s| schedule_from_setting(&s))
    {
        Ok(s) => s,
        Err(e) => {
            console.error(format_args!("The function '{function}' cannot run: {e}"));
            return;
        }
    };
    let flag = |key: &str| trigger.setting(key).and_then(Value::as_bool);
    let now = OffsetDateTime::now_utc();
    let monitor = flag("useMonitor").unwrap_or(period(&schedule, now) >= Duration::from_secs(60));
    let run_on_startup = flag("runOnStartup").unwrap_or(false);
    let status_blob = format!(
        "timers/{}/Host.Functions.{function}/status",
        shared.host_id()
    );
    let storage = if monitor {
        match shared.storage(trigger.setting_str("connection")) {
            Ok(s) => Some(s),
            Err(e) => {
                console.warn(format_args!(
                    "`{function}`: schedule status kept in memory only ({e})"
                ));
                None
            }
        }
    } else {
        None
    };

    let (mut status, past_due) = if monitor {
        let stored = match &storage {
            Some(s) => s
                .download_blob("azure-webjobs-hosts", &status_blob)
                .await
                .ok()
                .flatten()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|v| Status::from_json(&v)),
            None => None,
        };
        let (status, changed, past_due) = check_past_due(stored, &schedule, now);
        if changed {
            save(&storage, &status_blob, &status).await;
        }
        (Some(status), past_due)
    } else {
        (None, false)
    };
    console.info(format_args!(
        "The next 5 occurrences of the '{function}' schedule will be:\n{}",
        {
            let mut t = now;
            (0..5)
                .map(|_| {
                    t = next_occurrence(&schedule, t);
                    format!("  {}", format_offset(t))
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
    ));

    // A monitored schedule whose recorded next occurrence has passed was missed while the
    // host was down: it runs at once, past due.
    if (past_due || run_on_startup) && !scope.ended() {
        let reason = if past_due {
            "Timer missed a scheduled occurrence while the host was down"
        } else {
            "Timer fired at startup (runOnStartup)"
        };
        let at = OffsetDateTime::now_utc();
        tick(&scope, &function, reason, past_due, status.as_ref()).await;
        if past_due && let Some(s) = status.as_mut() {
            *s = ran_at(&schedule, at);
            save(&storage, &status_blob, s).await;
        }
    }

    let mut next = status
        .as_ref()
        .map(|s| s.next)
        .filter(|n| *n > OffsetDateTime::now_utc())
        .unwrap_or_else(|| next_occurrence(&schedule, OffsetDateTime::now_utc()));
    if let Some(s) = status.as_mut()
        && s.next != next
    {
        s.next = next;
        save(&storage, &status_blob, s).await;
    }
    loop {
        let wait: Duration = (next - OffsetDateTime::now_utc())
            .try_into()
            .unwrap_or(Duration::ZERO);
        if !scope.sleep(wait).await {
            break;
        }
        tick(&scope, &function, "Timer fired", false, status.as_ref()).await;
        // The next occurrence after this one, or after now when the invocation outlasted it.
        let ran = ran_at(&schedule, next.max(OffsetDateTime::now_utc()));
        next = ran.next;
        if let Some(s) = status.as_mut() {
            *s = ran;
            save(&storage, &status_blob, s).await;
        }
    }
}

async fn save(storage: &Option<crate::storage::Storage>, blob: &str, status: &Status) {
    if let Some(storage) = storage {
        // Best effort, like the extension: a failed status write only costs a past-due check.
        let _ = storage
            .upload_blob(
                "azure-webjobs-hosts",
                blob,
                status.to_json().to_string().into_bytes(),
            )
            .await;
    }
}

async fn tick(
    scope: &Scope,
    function: &str,
    reason: &str,
    past_due: bool,
    status: Option<&Status>,
) {
    let shared = &*scope.shared;
    let app = scope.app.clone();
    let Some(f) = app.function(function) else {
        return;
    };
    let Some(trigger) = f.trigger() else { return };
    let invocation_id = crate::new_guid();
    let started = Instant::now();
    shared.console().info(format_args!(
        "Executing 'Functions.{function}' (Reason='{reason} at {}.', Id={invocation_id})",
        format_offset(OffsetDateTime::now_utc())
    ));
    let timer = json!({
        "Schedule": {"AdjustForDST": true},
        "ScheduleStatus": status.map_or(Value::Null, Status::to_json),
        "IsPastDue": past_due,
    });
    let result: Result<Vec<String>, String> = async {
        let binding = BindingData::default();
        let mut data = Map::new();
        data.insert(trigger.name.clone(), timer);
        scope
            .run_bindings(f, &binding, data, Map::new(), &invocation_id)
            .await
    }
    .await;
    let _ = finish(shared, function, &invocation_id, started, result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn parse(expr: &str) -> Schedule {
        schedule_from_setting(expr).unwrap()
    }

    #[test]
    fn monitor_default_follows_the_period() {
        let t = datetime!(2026-01-01 10:00:00 UTC);
        assert_eq!(period(&parse("*/1 * * * * *"), t), Duration::from_secs(1));
        assert_eq!(period(&parse("0 */5 * * * *"), t), Duration::from_secs(300));
    }

    #[test]
    fn past_due_and_changed_schedules() {
        let hourly = parse("0 0 * * * *");
        let now = datetime!(2026-01-01 10:30:00 UTC);
        // Never ran: not past due, the next occurrence from now.
        let (status, changed, past_due) = check_past_due(None, &hourly, now);
        assert_eq!(status.next, datetime!(2026-01-01 11:00:00 UTC));
        assert!(changed && !past_due);
        // Ran at 9:00, recorded 10:00 next, and no host ran at 10:00: past due.
        let ran = ran_at(&hourly, datetime!(2026-01-01 09:00:00.25 UTC));
        assert_eq!(ran.last, Some(datetime!(2026-01-01 09:00:00 UTC)));
        let (status, changed, past_due) = check_past_due(Some(ran.clone()), &hourly, now);
        assert_eq!(status.next, datetime!(2026-01-01 10:00:00 UTC));
        assert!(!changed && past_due);
        // The same record read with another schedule: Next is recomputed from Last.
        let every_minute = parse("0 * * * * *");
        let (status, changed, past_due) = check_past_due(Some(ran), &every_minute, now);
        assert_eq!(status.next, datetime!(2026-01-01 09:01:00 UTC));
        assert_eq!(status.last, None);
        assert!(changed && past_due);
        // A yearly schedule recorded at 10:29 and now every second: due since 10:29:01.
        let yearly = Status {
            last: None,
            next: datetime!(2027-01-01 00:00:00 UTC),
            last_updated: datetime!(2026-01-01 10:29:00.5 UTC),
        };
        let every_second = parse("*/1 * * * * *");
        let (status, changed, past_due) = check_past_due(Some(yearly), &every_second, now);
        assert_eq!(status.next, datetime!(2026-01-01 10:29:01 UTC));
        assert!(changed && past_due);
    }

    #[test]
    fn status_round_trips() {
        let status = Status {
            last: None,
            next: datetime!(2026-01-01 10:05:00 UTC),
            last_updated: datetime!(2026-01-01 10:02:30.25 UTC),
        };
        let json = status.to_json();
        assert_eq!(json["Last"], "0001-01-01T00:00:00");
        assert_eq!(json["LastUpdated"], "2026-01-01T10:02:30.25+00:00");
        let back = Status::from_json(&json).unwrap();
        assert_eq!(back.next, status.next);
        assert_eq!(back.last, None);
    }
}
