//! The timer trigger: NCRONTAB and TimeSpan schedules, `runOnStartup`, `useMonitor` with
//! `ScheduleStatus` and `IsPastDue` (CONTRACT §2.5).
//!
//! ```
//! use azfn_host::start::timer::Schedule;
//! use time::macros::datetime;
//!
//! let every_five_minutes = Schedule::parse("0 */5 * * * *")?;
//! assert_eq!(
//!     every_five_minutes.next_after(datetime!(2026-01-01 10:02:30 UTC)),
//!     datetime!(2026-01-01 10:05:00 UTC)
//! );
//! # Ok::<(), String>(())
//! ```
//!
//! Times are UTC, as on Linux plans in Azure (`WEBSITE_TIME_ZONE` is not supported on Linux
//! Consumption); `func start` on a laptop would use the machine's time zone instead.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime, Time, Weekday};

use super::format_offset;
use super::outputs::{read_inputs, write_outputs};
use super::queue::finish;
use super::triggers::Scope;
use crate::dotnet::parse_timespan;
use azfn_spec::expression::BindingData;

/// A timer schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Six-field NCRONTAB: `second minute hour day month day-of-week`.
    Cron(Cron),
    /// A TimeSpan (`hh:mm:ss`): fires every interval after the host starts (App Service
    /// plans only in Azure).
    Interval(Duration),
}

/// A parsed six-field NCRONTAB expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    seconds: u64,
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
}

impl Schedule {
    /// Parses a schedule as the timer extension does: a six-field NCRONTAB expression, or a
    /// TimeSpan. Five-field (minute-first) cron is refused, as in Azure.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() == 6 {
            return Cron::parse(&fields).map(Schedule::Cron);
        }
        if fields.len() == 1
            && text.contains(':')
            && let Some(Some(interval)) = parse_timespan(text)
            && !interval.is_zero()
        {
            return Ok(Schedule::Interval(interval));
        }
        let hint = if fields.len() == 5 {
            " (NCRONTAB needs six fields, seconds first: `0 */5 * * * *`)"
        } else {
            ""
        };
        Err(format!(
            "'{text}' was not recognized as a valid cron expression or timespan string{hint}"
        ))
    }

    /// The first occurrence strictly after `after` (for an interval: `after` + interval).
    pub fn next_after(&self, after: OffsetDateTime) -> OffsetDateTime {
        match self {
            Schedule::Interval(interval) => after + *interval,
            Schedule::Cron(cron) => cron.next_after(after),
        }
    }

    /// The time between two occurrences around `at`; the timer's `useMonitor` default is on
    /// only when this is at least a minute.
    fn period(&self, at: OffsetDateTime) -> Duration {
        match self {
            Schedule::Interval(interval) => *interval,
            Schedule::Cron(_) => {
                let first = self.next_after(at);
                let second = self.next_after(first);
                (second - first).try_into().unwrap_or(Duration::ZERO)
            }
        }
    }
}

impl Cron {
    fn parse(fields: &[&str]) -> Result<Cron, String> {
        const MONTHS: [&str; 12] = [
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        let weekdays = parse_field(fields[5], 0, 7, &DAYS, 0, "day of week")?;
        Ok(Cron {
            seconds: parse_field(fields[0], 0, 59, &[], 0, "second")?,
            minutes: parse_field(fields[1], 0, 59, &[], 0, "minute")?,
            hours: parse_field(fields[2], 0, 23, &[], 0, "hour")?,
            days: parse_field(fields[3], 1, 31, &[], 1, "day")?,
            months: parse_field(fields[4], 1, 12, &MONTHS, 1, "month")?,
            // 7 is Sunday too.
            weekdays: (weekdays | (weekdays >> 7)) & 0x7f,
        })
    }

    fn next_after(&self, after: OffsetDateTime) -> OffsetDateTime {
        let has = |set: u64, n: u8| set & (1 << n) != 0;
        let mut t = after
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .unwrap_or(after)
            + Duration::from_secs(1);
        // Bounded: a schedule that can never fire (31 February) gives up after ten years.
        let limit = t + Duration::from_secs(10 * 366 * 86_400);
        while t < limit {
            let date = t.date();
            if !has(self.months, u8::from(date.month())) {
                t = first_of_next_month(date);
                continue;
            }
            if !has(self.days, date.day()) || !has(self.weekdays, weekday_number(date.weekday())) {
                t = start_of_day(date.next_day().unwrap_or(date));
                continue;
            }
            if !has(self.hours, t.hour()) {
                t = t.replace_time(Time::from_hms(t.hour(), 0, 0).unwrap_or(Time::MIDNIGHT))
                    + Duration::from_secs(3600);
                continue;
            }
            if !has(self.minutes, t.minute()) {
                t = t.replace_time(
                    Time::from_hms(t.hour(), t.minute(), 0).unwrap_or(Time::MIDNIGHT),
                ) + Duration::from_secs(60);
                continue;
            }
            if !has(self.seconds, t.second()) {
                t += Duration::from_secs(1);
                continue;
            }
            return t;
        }
        limit
    }
}

fn start_of_day(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_utc()
}

fn first_of_next_month(date: Date) -> OffsetDateTime {
    let (year, month) = if date.month() == time::Month::December {
        (date.year() + 1, time::Month::January)
    } else {
        (date.year(), date.month().next())
    };
    start_of_day(Date::from_calendar_date(year, month, 1).unwrap_or(date))
}

fn weekday_number(day: Weekday) -> u8 {
    day.number_days_from_sunday()
}

/// One field: `*`, `n`, `a-b`, `*/s`, `a-b/s`, `n/s`, names, and lists of those.
fn parse_field(
    text: &str,
    min: u8,
    max: u8,
    names: &[&str],
    name_base: u8,
    what: &str,
) -> Result<u64, String> {
    let bad = |why: &str| format!("invalid {what} field `{text}` in the schedule: {why}");
    let value = |s: &str| -> Result<u8, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u8 + name_base);
        }
        let n: u8 = s
            .parse()
            .map_err(|_| bad(&format!("`{s}` is not a number")))?;
        if n < min || n > max {
            return Err(bad(&format!("{n} is outside {min}-{max}")));
        }
        Ok(n)
    };
    let mut set = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u8>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| bad(&format!("step `{s}`")))?,
            ),
            None => (part, 1),
        };
        let (from, to) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let start = value(range)?;
            // `n/s` means from n to the end, stepping.
            (start, if part.contains('/') { max } else { start })
        };
        if from > to {
            return Err(bad(&format!("range {from}-{to} is reversed")));
        }
        let mut n = from;
        while n <= to {
            set |= 1 << n;
            n = match n.checked_add(step) {
                Some(next) => next,
                None => break,
            };
        }
    }
    Ok(set)
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
            next: schedule.next_after(now),
            last_updated: now,
        };
        return (status, true, false);
    };
    let basis = status.last.unwrap_or(status.last_updated);
    let expected = schedule.next_after(basis);
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
        next: schedule.next_after(at),
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
        .and_then(|s| Schedule::parse(&s))
    {
        Ok(s) => s,
        Err(e) => {
            console.error(format_args!("The function '{function}' cannot run: {e}"));
            return;
        }
    };
    let flag = |key: &str| trigger.setting(key).and_then(Value::as_bool);
    let now = OffsetDateTime::now_utc();
    let monitor = flag("useMonitor").unwrap_or(schedule.period(now) >= Duration::from_secs(60));
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
                    t = schedule.next_after(t);
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
        .unwrap_or_else(|| schedule.next_after(OffsetDateTime::now_utc()));
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
        data.extend(read_inputs(shared, f, &binding).await?);
        let invocation = scope
            .invoke(function, data, Map::new(), &invocation_id)
            .await?;
        write_outputs(shared, f, &invocation, &binding).await
    }
    .await;
    let _ = finish(shared, function, &invocation_id, started, result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn next(expr: &str, after: OffsetDateTime) -> OffsetDateTime {
        Schedule::parse(expr).unwrap().next_after(after)
    }

    #[test]
    fn six_field_ncrontab() {
        let t = datetime!(2026-01-01 10:02:30 UTC);
        assert_eq!(next("0 */5 * * * *", t), datetime!(2026-01-01 10:05:00 UTC));
        assert_eq!(
            next("*/10 * * * * *", t),
            datetime!(2026-01-01 10:02:40 UTC)
        );
        assert_eq!(next("0 30 9 * * *", t), datetime!(2026-01-02 09:30:00 UTC));
        assert_eq!(
            next("0 0 9-17 * * MON-FRI", t),
            datetime!(2026-01-01 11:00:00 UTC)
        );
        // 2026-01-03 is a Saturday.
        assert_eq!(
            next("0 0 10 * * SAT", t),
            datetime!(2026-01-03 10:00:00 UTC)
        );
        assert_eq!(next("0 0 0 1 JAN *", t), datetime!(2027-01-01 00:00:00 UTC));
        assert_eq!(next("0 0 0 29 2 *", t), datetime!(2028-02-29 00:00:00 UTC));
        assert_eq!(
            next("5,45 * * * * *", t),
            datetime!(2026-01-01 10:02:45 UTC)
        );
        assert_eq!(next("0 0 12 * * 7", t), datetime!(2026-01-04 12:00:00 UTC));
    }

    #[test]
    fn timespans_and_refusals() {
        let t = datetime!(2026-01-01 10:00:00 UTC);
        assert_eq!(next("00:00:30", t), datetime!(2026-01-01 10:00:30 UTC));
        let err = Schedule::parse("*/5 * * * *").unwrap_err();
        assert!(err.contains("six fields"), "{err}");
        assert!(
            Schedule::parse("0 61 * * * *")
                .unwrap_err()
                .contains("0-59")
        );
        assert!(Schedule::parse("soon").is_err());
    }

    #[test]
    fn monitor_default_follows_the_period() {
        let t = datetime!(2026-01-01 10:00:00 UTC);
        assert_eq!(
            Schedule::parse("*/1 * * * * *").unwrap().period(t),
            Duration::from_secs(1)
        );
        assert_eq!(
            Schedule::parse("0 */5 * * * *").unwrap().period(t),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn past_due_and_changed_schedules() {
        let hourly = Schedule::parse("0 0 * * * *").unwrap();
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
        let every_minute = Schedule::parse("0 * * * * *").unwrap();
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
        let every_second = Schedule::parse("*/1 * * * * *").unwrap();
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
