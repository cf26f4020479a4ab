//! Timer schedules: what the timer trigger accepts, what it means, and when it fires.
//!
//! **How the host reads a schedule** (Azure/azure-webjobs-sdk-extensions,
//! `src/WebJobs.Extensions/Extensions/Timers/Scheduling/`): `TimerSchedule.Create` resolves
//! `%AppSetting%` references (`INameResolver.ResolveWholeString`), then tries
//! `CronSchedule.TryCreate` — NCrontab's `CrontabSchedule.TryParse` with `IncludingSeconds`
//! unless the value has exactly five space-separated fields (`CronSchedule.HasSeconds`) — and
//! only if that fails, `TimeSpan.TryParse` ([`crate::timespan`]), giving a `ConstantSchedule`
//! that fires every interval (`now + interval`). Anything else stops the function: "The
//! schedule expression '…' was not recognized as a valid cron expression or timespan string."
//!
//! **NCRONTAB** (atifaziz/NCrontab 3.3.3, the version the extension references; `NCrontab/`
//! `CrontabSchedule.cs`, `CrontabField.cs`, `CrontabFieldImpl.cs`):
//! - fields are split on the space character only (`StringSeparatorStock.Space`), empty ones
//!   dropped: `{second} {minute} {hour} {day} {month} {day-of-week}`;
//! - ranges: second and minute 0–59, hour 0–23, day 1–31, month 1–12, day-of-week 0–6 with
//!   Sunday 0 — `7` is refused ("higher than the maximum allowable value");
//! - a field is a `,` list (a leading `,` is not a list); an item is `*`, `n`, `a-b`, each with
//!   an optional `/step`; `n/step` runs from `n` to the field's maximum;
//! - numbers are `int.Parse` (invariant), taken when the value starts with a digit; otherwise a
//!   month or day-of-week name, matched case-insensitively **by prefix** against the full
//!   English names in order (`CompareInfo.IsPrefix(name, value, IgnoreCase)`): `Mon`,
//!   `MONDAY`, `Monday` and `Mo` are all Monday, `Ju` is June, `Mondays` is nothing;
//! - a reversed range is swapped (`22-2` is `2-22`), a step below 1 is 1;
//! - day-of-month and day-of-week must **both** match (unlike Vixie cron's "either"):
//!   `CrontabSchedule.TryGetNextOccurrence` finds the next date by day and month, then moves
//!   on a day while the weekday is not in the set;
//! - no occurrence before year 10000 gives `DateTime.MaxValue` (here `None`).
//!
//! **Where azfn is stricter than the host**, refusing both at compile time and in the local
//! host, because the host would read something else than was likely meant, or than older
//! extension versions read:
//! - five fields: the extension reads them as classic minute-first cron with the second 0
//!   (`HasSeconds`, since azure-webjobs-sdk-extensions#310), but Azure's documentation
//!   defines six fields, and the message shows the six-field form to write instead;
//! - a reversed range, a step of 0 (or below), a name shorter than three letters;
//! - a TimeSpan that is zero or negative (the timer would never wait), or that has no `:`
//!   (`5` is five days to .NET, but more likely a truncated cron expression).
//!
//! Times are UTC, as on Linux plans in Azure (`WEBSITE_TIME_ZONE` is not supported on Linux
//! Consumption), so the extension's daylight-saving adjustments (`CronSchedule
//! .TryAdjustAmbiguousTime`) never apply.
//!
//! ```
//! use azfn_spec::schedule::Schedule;
//! use time::macros::datetime;
//!
//! let weekday_mornings = Schedule::parse("0 0 9 * * Monday-Friday").unwrap();
//! assert_eq!(
//!     weekday_mornings.next_after(datetime!(2026-01-02 10:00 UTC)),
//!     Some(datetime!(2026-01-05 09:00 UTC))
//! );
//! assert!(Schedule::parse("0 0 9 * * 7").is_err());
//! ```

use std::ops::Range;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::timespan::{TimeSpan, part_range, split_ranges};

/// A problem inside a setting's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong and how to fix it.
    pub message: String,
    /// Byte range in the value of the part at fault: never empty unless the value is (a
    /// compiler span cannot point at nothing), the whole value when no part is to blame.
    pub range: Range<usize>,
}

impl Problem {
    pub(crate) fn new(message: impl Into<String>, range: Range<usize>) -> Problem {
        Problem {
            message: message.into(),
            range,
        }
    }
}

/// A timer schedule the host accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Six-field NCRONTAB: `second minute hour day month day-of-week`.
    Cron(Cron),
    /// A TimeSpan: fires every interval after the host starts (`ConstantSchedule`; App
    /// Service plans only in Azure). Always positive.
    Interval(TimeSpan),
}

/// A schedule setting as written in an attribute: a schedule, or an app setting reference
/// that the host resolves at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleSetting<'a> {
    /// `%Name%`: the schedule is the value of app setting `Name`, parsed when it is known.
    AppSetting(&'a str),
    /// A schedule written out.
    Schedule(Schedule),
}

/// The name in an app setting reference `%Name%`, if the whole value is one.
///
/// ```
/// assert_eq!(azfn_spec::schedule::app_setting_reference("%TimerSchedule%"), Some("TimerSchedule"));
/// assert_eq!(azfn_spec::schedule::app_setting_reference("0 %M% * * * *"), None);
/// ```
pub fn app_setting_reference(value: &str) -> Option<&str> {
    let name = value.strip_prefix('%')?.strip_suffix('%')?;
    (!name.is_empty() && !name.contains('%')).then_some(name)
}

/// Parses a `schedule` setting as written: an app setting reference, else a schedule
/// ([`Schedule::parse`]).
pub fn parse_setting(value: &str) -> Result<ScheduleSetting<'_>, Vec<Problem>> {
    match app_setting_reference(value) {
        Some(name) => Ok(ScheduleSetting::AppSetting(name)),
        None => Schedule::parse(value).map(ScheduleSetting::Schedule),
    }
}

/// A parsed six-field NCRONTAB expression: the set of values of each field, bit `n` for `n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    seconds: Field,
    minutes: Field,
    hours: Field,
    days: Field,
    months: Field,
    weekdays: Field,
}

/// The values of one field, bit `n` for value `n`; never empty once parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Field(u64);

impl Field {
    /// `CrontabField.Next`: the first value at or after `start`.
    fn next(self, start: u32) -> Option<u32> {
        if start >= 64 {
            return None;
        }
        let above = self.0 >> start;
        (above != 0).then(|| start + above.trailing_zeros())
    }

    /// `CrontabField.GetFirst`.
    fn first(self) -> u32 {
        self.0.trailing_zeros()
    }

    fn contains(self, value: u32) -> bool {
        value < 64 && self.0 & (1 << value) != 0
    }
}

/// One NCRONTAB field's kind: its name, its range, and its value names (NCrontab's,
/// matched by prefix).
struct FieldKind {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELD_KINDS: [FieldKind; 6] = [
    FieldKind {
        name: "second",
        min: 0,
        max: 59,
        names: &[],
    },
    FieldKind {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    FieldKind {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    FieldKind {
        name: "day",
        min: 1,
        max: 31,
        names: &[],
    },
    FieldKind {
        name: "month",
        min: 1,
        max: 12,
        names: &crate::expression::MONTHS,
    },
    FieldKind {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: &[
            "Sunday",
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
        ],
    },
];

/// NCrontab's (and `CronSchedule.HasSeconds`') fields: split on spaces, empty ones dropped,
/// with their byte ranges.
fn fields(text: &str) -> Vec<(&str, Range<usize>)> {
    split_ranges(text, ' ')
        .into_iter()
        .filter(|(field, _)| !field.is_empty())
        .collect()
}

impl Schedule {
    /// Parses a resolved schedule value as the timer extension does (see the module docs),
    /// with azfn's stricter refusals. Every problem found is returned, each pointing at its
    /// part of `text`.
    pub fn parse(text: &str) -> Result<Schedule, Vec<Problem>> {
        // A `:` is never part of NCRONTAB, so this decides nothing the host's cron-first
        // order would decide otherwise; it only picks the better message.
        if text.contains(':') {
            return parse_interval(text).map(Schedule::Interval);
        }
        let fields = fields(text);
        if fields.len() != 6 {
            return Err(vec![field_count_problem(text, &fields)]);
        }
        let mut problems = Vec::new();
        let mut sets = [Field(0); 6];
        for (((field, range), kind), set) in fields.into_iter().zip(&FIELD_KINDS).zip(&mut sets) {
            match parse_field(field, range.start, kind) {
                Ok(parsed) => *set = parsed,
                Err(mut found) => problems.append(&mut found),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let [seconds, minutes, hours, days, months, weekdays] = sets;
        Ok(Schedule::Cron(Cron {
            seconds,
            minutes,
            hours,
            days,
            months,
            weekdays,
        }))
    }

    /// The first occurrence strictly after `after` (for an interval: `after` + interval), as
    /// the host computes it: `None` when a cron schedule has none before year 10000 (NCrontab
    /// returns `DateTime.MaxValue`), or when an interval would pass the end of time.
    pub fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Schedule::Interval(interval) => after.checked_add(interval.to_time_duration()),
            Schedule::Cron(cron) => cron.next_after(after),
        }
    }

    /// The occurrences after `after`, each the next after the one before
    /// (`TimerSchedule.GetNextOccurrences`).
    pub fn occurrences_after(
        &self,
        after: OffsetDateTime,
    ) -> impl Iterator<Item = OffsetDateTime> + '_ {
        std::iter::successors(self.next_after(after), move |t| self.next_after(*t))
    }
}

/// The message for a value that is neither six fields nor a TimeSpan.
fn field_count_problem(text: &str, fields: &[(&str, Range<usize>)]) -> Problem {
    let words: Vec<&str> = fields.iter().map(|(w, _)| *w).collect();
    let example = match words.len() {
        // Classic cron, without the seconds Azure puts first.
        5 => format!("0 {}", words.join(" ")),
        // Quartz's year (or more) after the six.
        7.. => words[..6].join(" "),
        _ => "0 */5 * * * *".to_owned(),
    };
    // Too many: the fields after the sixth (a Quartz year) are the ones to remove.
    let range = match fields.get(6) {
        Some((_, extra)) => extra.start..text.len(),
        None => 0..text.len(),
    };
    Problem::new(
        format!(
            "schedule `{text}` has {} field{}; Azure's NCRONTAB has six fields, seconds first: \
             `{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}`, e.g. \
             `{example}`",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" },
        ),
        range,
    )
}

/// Parses one field, `offset` bytes into the schedule: each item of its `,` list.
fn parse_field(text: &str, offset: usize, kind: &FieldKind) -> Result<Field, Vec<Problem>> {
    let items = split_ranges(text, ',');
    let mut set = 0u64;
    let mut problems = Vec::new();
    for (i, (item, range)) in items.iter().enumerate() {
        let result = if item.is_empty() {
            Err((
                format!(
                    "the {} field has an empty list item; separate values with single commas, \
                     e.g. `1,15`",
                    kind.name
                ),
                part_range(&items, i, ','),
            ))
        } else {
            parse_item(item, kind).map_err(|(message, within)| {
                (
                    message,
                    range.start + within.start..range.start + within.end,
                )
            })
        };
        match result {
            Ok(bits) => set |= bits,
            Err((message, within)) => problems.push(Problem::new(
                message,
                offset + within.start..offset + within.end,
            )),
        }
    }
    if problems.is_empty() {
        Ok(Field(set))
    } else {
        Err(problems)
    }
}

/// Parses one non-empty list item of a field into its values; a problem's range is in bytes
/// of `item`.
fn parse_item(item: &str, kind: &FieldKind) -> Result<u64, (String, Range<usize>)> {
    let name = kind.name;
    // NCrontab takes a `/` as a step only after something (`IndexOf('/') > 0`).
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(step)),
        None => (item, None),
    };
    let mut every = 1;
    if let Some(step) = step {
        let slash = base.len();
        let step_range = slash + 1..item.len();
        match crate::dotnet::int_try_parse(step) {
            Some(n) if n >= 1 => every = n as u32,
            // NCrontab reads it as a step of 1.
            Some(_) => {
                return Err((
                    format!(
                        "`{item}`: a step of {step} in the {name} field; steps start at 1, e.g. \
                         `*/5`"
                    ),
                    step_range,
                ));
            }
            None if step.is_empty() => {
                return Err((
                    format!("`{item}`: the `/` in the {name} field needs a step, e.g. `*/5`"),
                    slash..slash + 1,
                ));
            }
            None => {
                return Err((
                    format!("`{item}`: the step `{step}` in the {name} field is not a number"),
                    step_range,
                ));
            }
        }
        if base.is_empty() {
            return Err((
                format!("`{item}`: a step needs something to step over, e.g. `*/{step}`"),
                0..item.len(),
            ));
        }
    }
    let (first, last) = if base == "*" {
        (kind.min, kind.max)
    } else {
        let base_range = 0..base.len();
        let quartz = base == "?"
            || base.contains('#')
            || (kind.names.is_empty() && base.contains(['L', 'W']));
        if quartz {
            return Err((
                format!(
                    "`{base}` is not NCRONTAB: it has no `?`, `L`, `W` or `#`; use `*` or a value \
                     {}-{} in the {name} field",
                    kind.min, kind.max
                ),
                base_range,
            ));
        }
        // NCrontab takes a `-` as a range only after something (`IndexOf('-') > 0`).
        match base.split_once('-') {
            None => {
                let value = field_value(base, kind).map_err(|message| (message, base_range))?;
                (value, if step.is_some() { kind.max } else { value })
            }
            Some((first, last)) => {
                let hyphen = first.len();
                if first.is_empty() || last.is_empty() {
                    return Err((
                        format!(
                            "`{base}`: a range needs a value on each side of `-`, e.g. `{}-{}` \
                             in the {name} field",
                            kind.min, kind.max
                        ),
                        hyphen..hyphen + 1,
                    ));
                }
                let first_value =
                    field_value(first, kind).map_err(|message| (message, 0..hyphen))?;
                let last_value =
                    field_value(last, kind).map_err(|message| (message, hyphen + 1..base.len()))?;
                if first_value > last_value {
                    // NCrontab swaps the ends.
                    return Err((
                        format!(
                            "`{base}`: ranges do not wrap around in NCRONTAB (it would run \
                             {}-{}); write two ranges, e.g. `{first}-{},{}-{last}`",
                            last_value, first_value, kind.max, kind.min,
                        ),
                        base_range,
                    ));
                }
                (first_value, last_value)
            }
        }
    };
    Ok((first..=last)
        .step_by(every as usize)
        .fold(0, |bits, value| bits | 1 << value))
}

/// The value of a non-empty number or name in a field (`CrontabFieldImpl.ParseValue`, then
/// `CrontabField.Accumulate`'s range check).
fn field_value(text: &str, kind: &FieldKind) -> Result<u32, String> {
    let name = kind.name;
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let out_of_range = || {
            let sunday = if kind.names.len() == 7 && text.trim_end() == "7" {
                "; Sunday is `0`"
            } else {
                ""
            };
            format!(
                "`{text}` is out of range for the {name} field ({}-{}){sunday}",
                kind.min, kind.max
            )
        };
        return match crate::dotnet::int_try_parse(text) {
            Some(value) if (kind.min as i32..=kind.max as i32).contains(&value) => Ok(value as u32),
            Some(_) => Err(out_of_range()),
            // All digits and still no `int`: too big.
            None if text.bytes().all(|b| b.is_ascii_digit()) => Err(out_of_range()),
            None if kind.names.is_empty() => Err(format!(
                "`{text}` is not a number; the {name} field takes {}-{}",
                kind.min, kind.max
            )),
            None => Err(unknown_name(text, kind)),
        };
    }
    if kind.names.is_empty() {
        return Err(format!(
            "`{text}` is not a number; the {name} field takes {}-{}",
            kind.min, kind.max
        ));
    }
    let lower = text.to_ascii_lowercase();
    let found = kind
        .names
        .iter()
        .position(|n| n.to_ascii_lowercase().starts_with(&lower));
    match found {
        Some(i) if text.len() >= 3 => Ok(kind.min + i as u32),
        Some(i) => Err(format!(
            "`{text}` is not a {name} name: NCRONTAB would read it as `{}`, which is easy to \
             misread; write at least three letters, e.g. `{}`",
            kind.names[i],
            &kind.names[i][..3],
        )),
        None => Err(unknown_name(text, kind)),
    }
}

fn unknown_name(text: &str, kind: &FieldKind) -> String {
    format!(
        "`{text}` is not a {} name; use a number {}-{} or a name such as `{}` or `{}`",
        kind.name,
        kind.min,
        kind.max,
        &kind.names[0][..3],
        kind.names[0],
    )
}

/// Parses a schedule with a `:` as a TimeSpan; when .NET refuses it, finds the parts to blame.
fn parse_interval(text: &str) -> Result<TimeSpan, Vec<Problem>> {
    if let Some(span) = TimeSpan::parse(text) {
        if span.is_zero() {
            return Err(vec![Problem::new(
                format!("TimeSpan `{text}` is zero: the timer would never wait"),
                0..text.len(),
            )]);
        }
        if span.is_negative() {
            return Err(vec![Problem::new(
                format!("TimeSpan `{text}` is negative: the timer would never wait"),
                0..text.len(),
            )]);
        }
        return Ok(span);
    }
    let neither = || {
        vec![Problem::new(
            format!(
                "schedule `{text}` is neither NCRONTAB (six fields separated by spaces) nor a \
                 TimeSpan `hh:mm:ss`, e.g. `00:05:00`"
            ),
            0..text.len(),
        )]
    };
    let trimmed = text.trim();
    if trimmed.contains(char::is_whitespace) {
        return Err(neither());
    }
    let lead = text.len() - text.trim_start().len();
    let parts: Vec<(&str, Range<usize>)> = split_ranges(trimmed, ':')
        .into_iter()
        .map(|(part, range)| (part, range.start + lead..range.end + lead))
        .collect();
    // `hh:mm:ss`, or past 23 hours .NET's `dd:hh:mm`; `d.hh:mm:ss` is told by its `.`.
    let units: &[&str] = match parts.len() {
        3 if parts[0].0.parse::<u32>().is_ok_and(|h| h > 23) => &["days", "hours", "minutes"],
        3 => &["hours", "minutes", "seconds"],
        4 => &["days", "hours", "minutes", "seconds"],
        _ => return Err(neither()),
    };
    let maxima: &[u32] = match units.len() {
        3 if units[0] == "days" => &[10_675_199, 23, 59],
        3 => &[23, 59, 59],
        _ => &[10_675_199, 23, 59, 59],
    };
    let mut problems = Vec::new();
    for (i, (((part, range), unit), max)) in parts.iter().zip(units).zip(maxima).enumerate() {
        // `d.hh` first and `ss.fffffff` last are .NET's too.
        let number = match (i, part.split_once('.')) {
            (0, Some((_, hours))) if units.len() == 3 => hours,
            (_, Some((seconds, _))) if i + 1 == parts.len() && *unit == "seconds" => seconds,
            _ => part,
        };
        let range = if range.is_empty() {
            part_range(&parts, i, ':')
        } else {
            range.clone()
        };
        if part.is_empty() {
            problems.push(Problem::new(
                format!("TimeSpan `{text}` has no {unit}; write `hh:mm:ss`, e.g. `00:05:00`"),
                range,
            ));
        } else if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(Problem::new(
                format!(
                    "`{part}` {unit} in TimeSpan `{text}`: write digits, `hh:mm:ss`, e.g. \
                     `00:05:00`"
                ),
                range,
            ));
        } else if number.parse::<u64>().map_or(true, |n| n > u64::from(*max)) {
            problems.push(Problem::new(
                format!("`{part}` {unit} in TimeSpan `{text}`: at most {max}"),
                range,
            ));
        }
    }
    if problems.is_empty() {
        return Err(neither());
    }
    Err(problems)
}

impl Cron {
    /// The first occurrence strictly after `after`, in UTC (`CrontabSchedule
    /// .GetNextOccurrence`): sub-second parts of `after` are dropped.
    pub fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let after = after.to_offset(UtcOffset::UTC);
        let mut base = PrimitiveDateTime::new(after.date(), after.time());
        // `TryGetNextOccurrence` recurses from the day's last second while the weekday is
        // wrong; a loop does the same without the stack.
        loop {
            match self.candidate_after(base)? {
                Candidate::Found(t) => return Some(t.assume_utc()),
                Candidate::WrongWeekday(day_end) => base = day_end,
            }
        }
    }

    /// One pass of `TryGetNextOccurrence`, field by field as NCrontab carries over.
    fn candidate_after(&self, base: PrimitiveDateTime) -> Option<Candidate> {
        let seconds = self.seconds;
        let (base_year, base_month, base_day) = (
            base.year(),
            u32::from(u8::from(base.month())),
            u32::from(base.day()),
        );
        let (base_hour, base_minute) = (u32::from(base.hour()), u32::from(base.minute()));
        let mut year = base_year;
        let mut month = base_month;
        let mut day = base_day;
        let mut hour = base_hour;
        let mut minute = base_minute;

        let mut second = match seconds.next(u32::from(base.second()) + 1) {
            Some(s) => s,
            None => {
                minute += 1;
                seconds.first()
            }
        };

        match self.minutes.next(minute) {
            None => {
                second = seconds.first();
                minute = self.minutes.first();
                hour += 1;
            }
            Some(m) => {
                minute = m;
                if m > base_minute {
                    second = seconds.first();
                }
            }
        }

        // As NCrontab: running out of hours leaves the second alone (the day's change
        // resets it below).
        match self.hours.next(hour) {
            None => {
                minute = self.minutes.first();
                hour = self.hours.first();
                day += 1;
            }
            Some(h) => {
                hour = h;
                if h > base_hour {
                    second = seconds.first();
                    minute = self.minutes.first();
                }
            }
        }

        let mut next_day = self.days.next(day);
        loop {
            match next_day {
                None => {
                    second = seconds.first();
                    minute = self.minutes.first();
                    hour = self.hours.first();
                    day = self.days.first();
                    month += 1;
                }
                Some(d) => {
                    day = d;
                    if d > base_day {
                        second = seconds.first();
                        minute = self.minutes.first();
                        hour = self.hours.first();
                    }
                }
            }

            match self.months.next(month) {
                None => {
                    second = seconds.first();
                    minute = self.minutes.first();
                    hour = self.hours.first();
                    day = self.days.first();
                    month = self.months.first();
                    year += 1;
                }
                Some(m) => {
                    if m > base_month {
                        second = seconds.first();
                        minute = self.minutes.first();
                        hour = self.hours.first();
                        day = self.days.first();
                    }
                    month = m;
                }
            }

            if year > 9999 {
                return None;
            }
            let month_of_year = Month::try_from(month as u8).ok()?;
            let date_changed = day != base_day || month != base_month || year != base_year;
            if day > 28
                && date_changed
                && day > u32::from(time::util::days_in_month(month_of_year, year))
            {
                if year >= 9999 && month >= 12 && day >= 31 {
                    return None;
                }
                next_day = None;
                continue;
            }
            let date = Date::from_calendar_date(year, month_of_year, day as u8).ok()?;
            let time = Time::from_hms(hour as u8, minute as u8, second as u8).ok()?;
            if self
                .weekdays
                .contains(u32::from(date.weekday().number_days_from_sunday()))
            {
                return Some(Candidate::Found(PrimitiveDateTime::new(date, time)));
            }
            let day_end = Time::from_hms(23, 59, 59).ok()?;
            return Some(Candidate::WrongWeekday(PrimitiveDateTime::new(
                date, day_end,
            )));
        }
    }
}

enum Candidate {
    Found(PrimitiveDateTime),
    /// The date's weekday is not in the set: search again from the end of that day.
    WrongWeekday(PrimitiveDateTime),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn check_schedule(schedule: &str) -> Vec<Problem> {
        parse_setting(schedule).err().unwrap_or_default()
    }

    fn messages(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.message.as_str()).collect()
    }

    /// Each problem as (the part of `value` it points at, its range), checking on the way
    /// that the range is a part the compiler can point at: non-empty, inside the value, on
    /// character boundaries.
    fn parts(value: &str, problems: &[Problem]) -> Vec<(String, Range<usize>)> {
        problems
            .iter()
            .map(|p| {
                assert!(
                    !p.range.is_empty() || value.is_empty(),
                    "empty range in {value:?}: {p:?}"
                );
                let part = value
                    .get(p.range.clone())
                    .unwrap_or_else(|| panic!("range outside {value:?}: {p:?}"));
                (part.to_owned(), p.range.clone())
            })
            .collect()
    }

    fn schedule_parts(schedule: &str) -> Vec<(String, Range<usize>)> {
        parts(schedule, &check_schedule(schedule))
    }

    fn part(text: &str, range: Range<usize>) -> (String, Range<usize>) {
        (text.to_owned(), range)
    }

    fn next(expr: &str, after: OffsetDateTime) -> OffsetDateTime {
        Schedule::parse(expr).unwrap().next_after(after).unwrap()
    }

    #[test]
    fn documented_schedules_are_accepted() {
        for schedule in [
            "0 */5 * * * *",
            "0 0 * * * *",
            "0 0 */2 * * *",
            "0 0 9-17 * * *",
            "0 30 9 * * *",
            "0 30 9 * * 1-5",
            "0 30 9 * Jan Mon",
            "0 0 0 1 JANUARY-march SUN,sat",
            "5/10 1,2,3 0-23/4 1-31 1-12 0-6",
            "%TimerSchedule%",
            "00:05:00",
            "1:00:00",
            "24:00:00",
        ] {
            assert!(
                check_schedule(schedule).is_empty(),
                "{schedule}: {:?}",
                check_schedule(schedule)
            );
        }
    }

    #[test]
    fn schedule_values_are_pointed_at() {
        let p = check_schedule("0 61 * * * *");
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("minute field (0-59)"), "{p:?}");
        assert_eq!(p[0].range, 2..4);
        // A list item, a range's end, a name.
        assert_eq!(schedule_parts("0 1,99 * * * *"), [part("99", 4..6)]);
        assert_eq!(schedule_parts("0 0 9-24 * * *"), [part("24", 6..8)]);
        assert_eq!(schedule_parts("0 0 x-5 * * *"), [part("x", 4..5)]);
        assert_eq!(schedule_parts("0 0 0 * * MON-FOO"), [part("FOO", 14..17)]);
        assert_eq!(schedule_parts("0 0 0 * * 1-12/2"), [part("12", 12..14)]);
        assert_eq!(schedule_parts("0 0 0 * * Mo"), [part("Mo", 10..12)]);
        let p = check_schedule("0 0 0 * Ju *");
        assert!(p[0].message.contains("not a month name"), "{p:?}");
        assert_eq!(p[0].range, 8..10);
        // Two mistakes, two problems, each at its own field.
        let p = check_schedule("0 0 0 * Foo 7");
        assert_eq!(
            parts("0 0 0 * Foo 7", &p),
            [part("Foo", 8..11), part("7", 12..13)]
        );
        assert!(p[0].message.contains("not a month name"), "{p:?}");
        assert!(p[1].message.contains("Sunday is `0`"), "{p:?}");
    }

    #[test]
    fn schedule_steps_and_ranges_are_pointed_at() {
        let p = check_schedule("0 */0 * * * *");
        assert!(p[0].message.contains("step of 0"), "{p:?}");
        assert!(p[0].message.contains("e.g. `*/5`"), "{p:?}");
        assert_eq!(p[0].range, 4..5);
        assert_eq!(schedule_parts("0 */x * * * *"), [part("x", 4..5)]);
        assert_eq!(schedule_parts("0 5,*/ * * * *"), [part("/", 5..6)]);
        assert_eq!(schedule_parts("0 /5 * * * *"), [part("/5", 2..4)]);

        let p = check_schedule("0 0 22-2 * * *");
        assert!(p[0].message.contains("do not wrap"), "{p:?}");
        assert!(p[0].message.contains("`22-23,0-2`"), "{p:?}");
        assert_eq!(p[0].range, 4..8);
        // A reversed range with a step: the range, not the step.
        assert_eq!(schedule_parts("0 5-2/2 * * * *"), [part("5-2", 2..5)]);
        assert_eq!(schedule_parts("0 5- * * * *"), [part("-", 3..4)]);
        assert_eq!(schedule_parts("0 -5 * * * *"), [part("-", 2..3)]);
        // An empty list item: the commas around it.
        assert_eq!(schedule_parts("0 1,,2 * * * *"), [part(",,", 3..5)]);
        assert_eq!(schedule_parts("0 1, * * * *"), [part(",", 3..4)]);
        assert_eq!(schedule_parts("0 ,1 * * * *"), [part(",", 2..3)]);

        let p = check_schedule("0 0 0 ? * *");
        assert!(p[0].message.contains("not NCRONTAB"), "{p:?}");
        assert_eq!(p[0].range, 6..7);
        assert_eq!(schedule_parts("0 0 0 * * 5#3"), [part("5#3", 10..13)]);
        assert_eq!(schedule_parts("0 0 0 L * *"), [part("L", 6..7)]);
    }

    #[test]
    fn schedule_shape_mistakes_are_about_the_whole_value_or_the_extra_fields() {
        let p = check_schedule("*/5 * * * *");
        assert!(p[0].message.contains("has 5 fields"), "{p:?}");
        assert!(p[0].message.contains("`0 */5 * * * *`"), "{p:?}");
        assert_eq!(p[0].range, 0..11);
        assert!(messages(&check_schedule("5 minutes"))[0].contains("has 2 fields"));
        // A Quartz year: the field after the sixth.
        let p = check_schedule("0 0 0 * * * 2030");
        assert!(p[0].message.contains("e.g. `0 0 0 * * *`"), "{p:?}");
        assert_eq!(schedule_parts("0 0 0 * * * 2030"), [part("2030", 12..16)]);
        assert_eq!(
            schedule_parts("0 0 0 * * * 2030 x"),
            [part("2030 x", 12..18)]
        );
        assert_eq!(check_schedule("")[0].range, 0..0);
    }

    #[test]
    fn timespan_parts_are_pointed_at() {
        let p = check_schedule("00:61:00");
        assert!(p[0].message.contains("at most 59"), "{p:?}");
        assert_eq!(p[0].range, 3..5);
        assert_eq!(schedule_parts("00:00:75"), [part("75", 6..8)]);
        assert_eq!(schedule_parts("00:5x:00"), [part("5x", 3..5)]);
        assert_eq!(schedule_parts("00::00"), [part("::", 2..4)]);
        assert_eq!(schedule_parts(":05:00"), [part(":", 0..1)]);
        assert_eq!(schedule_parts("00:05:"), [part(":", 5..6)]);
        // Every bad part at once.
        assert_eq!(
            schedule_parts("00:60:60"),
            [part("60", 3..5), part("60", 6..8)]
        );
        let p = check_schedule("00:00:00");
        assert!(p[0].message.contains("zero"), "{p:?}");
        assert_eq!(p[0].range, 0..8);
        // A time of day in a cron field is not a TimeSpan with a strange hour.
        let p = check_schedule("0 0 12:30:00 * * *");
        assert!(p[0].message.contains("neither NCRONTAB"), "{p:?}");
        assert_eq!(p[0].range, 0..18);
    }

    /// The compile-time check refused these, the local host accepted them, and .NET's
    /// `TimeSpan.TryParse` accepts them: `h:m`, leading zeros, `d.hh:mm:ss`, spaces around.
    #[test]
    fn timespans_read_as_dotnet_does() {
        let t = datetime!(2026-01-01 10:00:00 UTC);
        assert_eq!(next("1:2", t), datetime!(2026-01-01 11:02:00 UTC));
        assert_eq!(next("000:05:00", t), datetime!(2026-01-01 10:05:00 UTC));
        assert_eq!(next("1.02:00:00", t), datetime!(2026-01-02 12:00:00 UTC));
        assert_eq!(next(" 00:00:30 ", t), datetime!(2026-01-01 10:00:30 UTC));
        assert_eq!(next("24:00:00", t), datetime!(2026-01-25 10:00:00 UTC));
        let p = check_schedule("-00:05:00");
        assert!(p[0].message.contains("negative"), "{p:?}");
        // Past 23, the first part is days and the second hours.
        assert_eq!(schedule_parts("24:24:00"), [part("24", 3..5)]);
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
        assert_eq!(next("0 0 12 * * 0", t), datetime!(2026-01-04 12:00:00 UTC));
    }

    /// Issue 13: the compile-time check accepted day names the local host refused
    /// ("`Monday` is not a number"). NCrontab matches names by prefix, case-insensitively.
    #[test]
    fn full_day_and_month_names_are_accepted() {
        let t = datetime!(2026-01-01 10:02:30 UTC);
        // 2026-01-05 is a Monday.
        assert_eq!(
            next("0 0 9 * * Monday", t),
            datetime!(2026-01-05 09:00:00 UTC)
        );
        assert_eq!(
            next("0 0 9 * * monday", t),
            datetime!(2026-01-05 09:00:00 UTC)
        );
        assert_eq!(
            next("0 0 9 * * Mond", t),
            datetime!(2026-01-05 09:00:00 UTC)
        );
        assert_eq!(
            next("0 0 9 1 February *", t),
            datetime!(2026-02-01 09:00:00 UTC)
        );
        assert_eq!(
            next("0 0 9 * * Wednesday-Friday", t),
            datetime!(2026-01-01 09:00:00 UTC) + time::Duration::days(1)
        );
        // Not a prefix of any name.
        let p = check_schedule("0 0 9 * * Mondays");
        assert!(p[0].message.contains("not a day-of-week name"), "{p:?}");
        assert_eq!(p[0].range, 10..17);
    }

    /// Issue 13: the local host read day-of-week `7` as Sunday; NCrontab's day-of-week field
    /// is 0-6 (`CrontabFieldImpl.DayOfWeek`), so the host refuses it.
    #[test]
    fn day_of_week_seven_is_refused() {
        let p = Schedule::parse("0 0 12 * * 7").unwrap_err();
        assert!(p[0].message.contains("Sunday is `0`"), "{p:?}");
        assert!(Schedule::parse("0 0 12 * * 5-7").is_err());
    }

    #[test]
    fn day_of_month_and_day_of_week_must_both_match() {
        // Friday the 13th: 2026-02-13 is the first after New Year.
        let t = datetime!(2026-01-01 00:00:00 UTC);
        assert_eq!(
            next("0 0 0 13 * FRI", t),
            datetime!(2026-02-13 00:00:00 UTC)
        );
        // Never: no occurrence before year 10000, like NCrontab's `DateTime.MaxValue`.
        let never = Schedule::parse("0 0 0 30 2 *").unwrap();
        assert_eq!(never.next_after(t), None);
        // 31 only in the months that have it.
        let last = Schedule::parse("0 0 0 31 * *").unwrap();
        let found: Vec<_> = last.occurrences_after(t).take(3).collect();
        assert_eq!(
            found,
            [
                datetime!(2026-01-31 00:00:00 UTC),
                datetime!(2026-03-31 00:00:00 UTC),
                datetime!(2026-05-31 00:00:00 UTC)
            ]
        );
    }

    #[test]
    fn carries_and_sub_seconds() {
        let next_year = datetime!(2026-12-31 23:59:59.5 UTC);
        assert_eq!(
            next("* * * * * *", next_year),
            datetime!(2027-01-01 00:00:00 UTC)
        );
        assert_eq!(
            next("30 0 0 * * *", datetime!(2026-01-01 23:30:10 UTC)),
            datetime!(2026-01-02 00:00:30 UTC)
        );
        assert_eq!(
            next("0,30 * 5 * * *", datetime!(2026-01-01 10:20:05 UTC)),
            datetime!(2026-01-02 05:00:00 UTC)
        );
        // An instant in another offset is read in UTC: 08:00 there.
        assert_eq!(
            next("0 0 9 * * *", datetime!(2026-01-01 10:00:00 +02:00)),
            datetime!(2026-01-01 09:00:00 UTC)
        );
    }

    #[test]
    fn timespans_and_refusals() {
        let t = datetime!(2026-01-01 10:00:00 UTC);
        assert_eq!(next("00:00:30", t), datetime!(2026-01-01 10:00:30 UTC));
        let err = messages(&Schedule::parse("*/5 * * * *").unwrap_err()).join("\n");
        assert!(err.contains("six fields"), "{err}");
        assert!(messages(&Schedule::parse("0 61 * * * *").unwrap_err())[0].contains("0-59"));
        assert!(Schedule::parse("soon").is_err());
        // Five days to .NET, refused by azfn.
        assert!(Schedule::parse("5").is_err());
    }

    /// A plain search for the next matching second, skipping whole months, days, hours and
    /// minutes that cannot match: the reference the port of NCrontab's carrying is checked
    /// against. Gives up after ten years.
    fn reference_next(cron: &Cron, after: OffsetDateTime) -> Option<OffsetDateTime> {
        use time::Duration;
        let start_of_day = |d: Date| d.with_time(Time::MIDNIGHT).assume_utc();
        let mut t = after.replace_nanosecond(0).unwrap() + Duration::seconds(1);
        let limit = t + Duration::days(3660);
        while t < limit {
            let date = t.date();
            if !cron.months.contains(u32::from(u8::from(date.month()))) {
                let (y, m) = match date.month() {
                    Month::December => (date.year() + 1, Month::January),
                    m => (date.year(), m.next()),
                };
                t = start_of_day(Date::from_calendar_date(y, m, 1).unwrap());
            } else if !cron.days.contains(u32::from(date.day()))
                || !cron
                    .weekdays
                    .contains(u32::from(date.weekday().number_days_from_sunday()))
            {
                t = start_of_day(date.next_day()?);
            } else if !cron.hours.contains(u32::from(t.hour())) {
                t = t.replace_time(Time::from_hms(t.hour(), 0, 0).unwrap()) + Duration::hours(1);
            } else if !cron.minutes.contains(u32::from(t.minute())) {
                t = t.replace_time(Time::from_hms(t.hour(), t.minute(), 0).unwrap())
                    + Duration::minutes(1);
            } else if !cron.seconds.contains(u32::from(t.second())) {
                t += Duration::seconds(1);
            } else {
                return Some(t);
            }
        }
        None
    }

    #[test]
    fn ncrontab_carrying_finds_the_first_matching_second() {
        let schedules = [
            "* * * * * *",
            "0 */5 * * * *",
            "*/7 3,59 * * * *",
            "30 0 0 * * *",
            "0,30 * 5 * * *",
            "0 0 9-17/2 * * MON-FRI",
            "59 59 23 31 * *",
            "0 0 0 29 2 *",
            "0 0 0 13 * FRI",
            "15 45 6 1,15,31 Jan,Apr,Dec Sun-Tue",
            "5/20 10-20/3 22 * 3-11/4 6",
        ];
        // Base times spread over years, days of the month and times of day, ends included.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut bases = vec![
            datetime!(2026-12-31 23:59:59 UTC),
            datetime!(2028-02-28 23:59:59.9 UTC),
            datetime!(2026-01-31 23:59:59 UTC),
        ];
        for _ in 0..200 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let seconds = (state % (4 * 366 * 86_400)) as i64;
            bases.push(datetime!(2026-01-01 00:00:00 UTC) + time::Duration::seconds(seconds));
        }
        for schedule in schedules {
            let Ok(Schedule::Cron(cron)) = Schedule::parse(schedule) else {
                panic!("{schedule}");
            };
            for base in &bases {
                assert_eq!(
                    cron.next_after(*base),
                    reference_next(&cron, *base),
                    "{schedule} after {base}"
                );
            }
        }
    }
}
