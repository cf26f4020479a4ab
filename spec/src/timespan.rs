//! .NET's `System.TimeSpan` as the host parses it: timer schedules that are not NCRONTAB
//! (`TimeSpan.TryParse` in the timer extension's `TimerSchedule.Create`), `host.json`
//! durations (`functionTimeout`, the queue `visibilityTimeout`), and retry intervals.
//!
//! [`TimeSpan::parse`] is `TimeSpan.TryParse(string)`, read from dotnet/runtime
//! `System.Private.CoreLib/src/System/Globalization/TimeSpanParse.cs` (`TryParseTimeSpan`): the
//! input is trimmed, split into numbers and the separators between them, and matched by the
//! count of numbers against the invariant patterns, then the current culture's:
//!
//! | numbers | invariant (`-` may start each)      | culture (`d':'h':'mm':'ss'.'FFFFFFF`) |
//! |---------|-------------------------------------|---------------------------------------|
//! | 1       | `d`                                 | `d`                                   |
//! | 2       | `h:m`                               | `h:m`                                 |
//! | 3       | `h:m:s`, `d.h:m`, `h:m:.f`           | `h:m:s`, `d:h:m`, `h:m:.f`            |
//! | 4       | `h:m:s.f`, `d.h:m:s`, `d.h:m:.f`     | `h:m:s.f`, `d:h:m:s`, `d:h:m:.f`      |
//! | 5       | `d.h:m:s.f`                         | `d:h:m:s.f`                           |
//!
//! A pattern matches only when its numbers fit (hours 0–23, minutes and seconds 0–59, days at
//! most 10,675,199, at most seven significant fraction digits), so `24:00:00` is not 24 hours
//! but, by the culture's `d:h:m`, 24 days — as the Functions documentation says of timer
//! schedules. Leading zeros are free (`000:05:00` is five minutes). The culture is taken to
//! write `.` before fractions, as the invariant culture and `en-US` do (the host on Linux runs
//! with one of them).
//!
//! Retry intervals are stricter: the function.json schema's pattern, two-digit `hh:mm:ss` with
//! hours below 24 ([`check_retry_interval`]).
//!
//! ```
//! use azfn_spec::timespan::TimeSpan;
//! assert_eq!(TimeSpan::parse("00:05:00").unwrap().ticks(), 300 * 10_000_000);
//! assert_eq!(TimeSpan::parse("24:00:00"), TimeSpan::parse("24.00:00:00"));
//! assert!(TimeSpan::parse("-1").unwrap().is_negative());
//! assert_eq!(TimeSpan::parse("soon"), None);
//! ```

use std::ops::Range;

use crate::schedule::Problem;

/// A .NET `TimeSpan`: a signed count of 100-nanosecond ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeSpan {
    ticks: i64,
}

const TICKS_PER_SECOND: i64 = 10_000_000;
const TICKS_PER_MILLISECOND: i64 = 10_000;
const MAX_DAYS: u32 = 10_675_199;
const MAX_FRACTION: u32 = 9_999_999;
const FRACTION_DIGITS: u32 = 7;

/// One token of the input: a number (with its count of leading zeros, which matters only for
/// fractions) or the run of non-digits between numbers.
#[derive(Clone, Copy)]
enum Token<'a> {
    Number { value: u32, zeros: u32 },
    Separator(&'a str),
}

/// The literals of one pattern family; `start` is `""` or `"-"`.
struct Literals {
    start: &'static str,
    day_hour: &'static str,
}

const HOUR_MINUTE: &str = ":";
const MINUTE_SECOND: &str = ":";
const SECOND_FRACTION: &str = ".";
/// `MinuteSecondSep + SecondFractionSep`, .NET's "app compat" `h:m:.f` form.
const APP_COMPAT: &str = ":.";

/// Invariant positive, invariant negative, culture positive, culture negative: the order in
/// which `TimeSpanParse` tries them.
const FAMILIES: [Literals; 4] = [
    Literals {
        start: "",
        day_hour: ".",
    },
    Literals {
        start: "-",
        day_hour: ".",
    },
    Literals {
        start: "",
        day_hour: ":",
    },
    Literals {
        start: "-",
        day_hour: ":",
    },
];

/// The numbers of a span in its fields; `None` where the pattern has no such field.
#[derive(Clone, Copy, Default)]
struct Fields {
    days: u32,
    hours: u32,
    minutes: u32,
    seconds: u32,
    fraction: Option<(u32, u32)>,
}

impl TimeSpan {
    /// A span of `ticks` 100-nanosecond ticks.
    pub const fn from_ticks(ticks: i64) -> TimeSpan {
        TimeSpan { ticks }
    }

    /// The span's 100-nanosecond ticks, negative for a negative span.
    pub const fn ticks(self) -> i64 {
        self.ticks
    }

    /// Whether the span is below zero (`-1`, `-00:05:00`).
    pub const fn is_negative(self) -> bool {
        self.ticks < 0
    }

    /// Whether the span is zero.
    pub const fn is_zero(self) -> bool {
        self.ticks == 0
    }

    /// Whole seconds, rounded toward zero (.NET's `(long)TotalSeconds`).
    pub const fn whole_seconds(self) -> i64 {
        self.ticks / TICKS_PER_SECOND
    }

    /// The span as a [`std::time::Duration`], or `None` when it is negative.
    pub fn to_duration(self) -> Option<std::time::Duration> {
        let ticks = u64::try_from(self.ticks).ok()?;
        Some(std::time::Duration::new(
            ticks / TICKS_PER_SECOND as u64,
            (ticks % TICKS_PER_SECOND as u64) as u32 * 100,
        ))
    }

    /// The span as a signed [`time::Duration`].
    pub fn to_time_duration(self) -> time::Duration {
        time::Duration::new(
            self.ticks / TICKS_PER_SECOND,
            (self.ticks % TICKS_PER_SECOND) as i32 * 100,
        )
    }

    /// `TimeSpan.TryParse(text)`: the span, or `None` where .NET fails (see the module docs).
    pub fn parse(text: &str) -> Option<TimeSpan> {
        let tokens = tokenize(text.trim())?;
        let mut separators: Vec<&str> = Vec::new();
        let mut numbers: Vec<(u32, u32)> = Vec::new();
        for token in tokens {
            match token {
                Token::Number { value, zeros } => {
                    // A number first: an empty leading separator, as `ProcessToken` adds.
                    if separators.is_empty() {
                        separators.push("");
                    }
                    numbers.push((value, zeros));
                }
                Token::Separator(s) => separators.push(s),
            }
            if separators.len() > 6 || numbers.len() > 5 {
                return None;
            }
        }
        if separators.len() == numbers.len() {
            separators.push("");
        }
        if numbers.is_empty() || separators.len() != numbers.len() + 1 {
            return None;
        }
        let n = |i: usize| numbers[i].0;
        for family in &FAMILIES {
            let starts =
                separators[0] == family.start && separators[separators.len() - 1].is_empty();
            if !starts {
                continue;
            }
            let inner = &separators[1..separators.len() - 1];
            let candidates: Vec<Fields> = match numbers.len() {
                1 => vec![Fields {
                    days: n(0),
                    ..Fields::default()
                }],
                2 if inner == [HOUR_MINUTE] => vec![Fields {
                    hours: n(0),
                    minutes: n(1),
                    ..Fields::default()
                }],
                3 => {
                    let mut out = Vec::new();
                    if inner == [HOUR_MINUTE, MINUTE_SECOND] {
                        out.push(Fields {
                            hours: n(0),
                            minutes: n(1),
                            seconds: n(2),
                            ..Fields::default()
                        });
                    }
                    if inner == [family.day_hour, HOUR_MINUTE] {
                        out.push(Fields {
                            days: n(0),
                            hours: n(1),
                            minutes: n(2),
                            ..Fields::default()
                        });
                    }
                    if inner == [HOUR_MINUTE, APP_COMPAT] {
                        out.push(Fields {
                            hours: n(0),
                            minutes: n(1),
                            fraction: Some(numbers[2]),
                            ..Fields::default()
                        });
                    }
                    out
                }
                4 => {
                    let mut out = Vec::new();
                    if inner == [HOUR_MINUTE, MINUTE_SECOND, SECOND_FRACTION] {
                        out.push(Fields {
                            hours: n(0),
                            minutes: n(1),
                            seconds: n(2),
                            fraction: Some(numbers[3]),
                            ..Fields::default()
                        });
                    }
                    if inner == [family.day_hour, HOUR_MINUTE, MINUTE_SECOND] {
                        out.push(Fields {
                            days: n(0),
                            hours: n(1),
                            minutes: n(2),
                            seconds: n(3),
                            ..Fields::default()
                        });
                    }
                    if inner == [family.day_hour, HOUR_MINUTE, APP_COMPAT] {
                        out.push(Fields {
                            days: n(0),
                            hours: n(1),
                            minutes: n(2),
                            fraction: Some(numbers[3]),
                            ..Fields::default()
                        });
                    }
                    out
                }
                5 if inner == [family.day_hour, HOUR_MINUTE, MINUTE_SECOND, SECOND_FRACTION] => {
                    vec![Fields {
                        days: n(0),
                        hours: n(1),
                        minutes: n(2),
                        seconds: n(3),
                        fraction: Some(numbers[4]),
                    }]
                }
                _ => Vec::new(),
            };
            for fields in candidates {
                if let Some(ticks) = fields.ticks() {
                    let negative = family.start == "-";
                    return Some(TimeSpan {
                        ticks: if negative { -ticks } else { ticks },
                    });
                }
            }
        }
        None
    }
}

impl Fields {
    /// `TryTimeToTicks`: the positive ticks, or `None` when a field does not fit.
    fn ticks(self) -> Option<i64> {
        if self.days > MAX_DAYS || self.hours > 23 || self.minutes > 59 || self.seconds > 59 {
            return None;
        }
        let fraction = match self.fraction {
            Some((value, zeros)) => normalized_fraction(value, zeros)?,
            None => 0,
        };
        let milliseconds = (i64::from(self.days) * 86_400
            + i64::from(self.hours) * 3_600
            + i64::from(self.minutes) * 60
            + i64::from(self.seconds))
            * 1_000;
        milliseconds
            .checked_mul(TICKS_PER_MILLISECOND)?
            .checked_add(i64::from(fraction))
    }
}

/// `NormalizeAndValidateFraction`: the digits after the separator as ticks (seven digits),
/// rounded half away from zero past the seventh.
fn normalized_fraction(value: u32, zeros: u32) -> Option<u32> {
    if value == 0 {
        return Some(0);
    }
    if zeros == 0 && value > MAX_FRACTION {
        return None;
    }
    let digits = value.ilog10() + 1 + zeros;
    Some(match digits.cmp(&FRACTION_DIGITS) {
        std::cmp::Ordering::Equal => value,
        std::cmp::Ordering::Less => value * 10u32.pow(FRACTION_DIGITS - digits),
        std::cmp::Ordering::Greater => {
            (f64::from(value) / 10f64.powi((digits - FRACTION_DIGITS) as i32)).round() as u32
        }
    })
}

/// `TimeSpanTokenizer.GetNextToken` over the whole input; `None` for a number past
/// 268,435,455 (`TTT.NumOverflow`).
fn tokenize(text: &str) -> Option<Vec<Token<'_>>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            let mut zeros = 0;
            while i < bytes.len() && bytes[i] == b'0' {
                zeros += 1;
                i += 1;
            }
            let mut value: u32 = 0;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                value = value * 10 + u32::from(bytes[i] - b'0');
                if value & 0xF000_0000 != 0 {
                    return None;
                }
                i += 1;
            }
            // All zeros: .NET counts every zero as leading, which only fractions look at.
            tokens.push(Token::Number { value, zeros });
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_digit() {
                i += 1;
            }
            tokens.push(Token::Separator(&text[start..i]));
        }
    }
    Some(tokens)
}

const CLOCK_UNITS: [&str; 3] = ["hours", "minutes", "seconds"];

/// Checks a retry interval (`delay_interval`, `minimum_interval`, `maximum_interval`) against
/// the function.json schema's pattern: `hh:mm:ss`, two digits each, hours at most 23. Every bad
/// part is a problem, pointed at by its byte range.
///
/// ```
/// use azfn_spec::timespan::check_retry_interval;
/// assert_eq!(check_retry_interval("00:00:10").unwrap().whole_seconds(), 10);
/// assert_eq!(check_retry_interval("0:00:10").unwrap_err()[0].range, 0..1);
/// ```
pub fn check_retry_interval(text: &str) -> Result<TimeSpan, Vec<Problem>> {
    let parts = split_ranges(text, ':');
    if parts.len() != 3 {
        return Err(vec![Problem::new(
            format!("`{text}` is not an interval `hh:mm:ss`, e.g. `00:00:10` for ten seconds"),
            0..text.len(),
        )]);
    }
    let mut problems = Vec::new();
    for (i, ((part, _), (max, unit))) in parts
        .iter()
        .zip([23, 59, 59].into_iter().zip(CLOCK_UNITS))
        .enumerate()
    {
        let range = part_range(&parts, i, ':');
        if part.is_empty() {
            problems.push(Problem::new(
                format!(
                    "interval `{text}` has no {unit}; write `hh:mm:ss`, e.g. `00:00:10` for ten \
                     seconds"
                ),
                range,
            ));
        } else if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(Problem::new(
                format!(
                    "`{part}` {unit} in interval `{text}`: write two digits, `hh:mm:ss`, e.g. \
                     `00:00:10` for ten seconds"
                ),
                range,
            ));
        } else if part.parse::<u32>().unwrap_or(0) > max {
            problems.push(Problem::new(
                format!("`{part}` {unit} in interval `{text}`: at most {max}"),
                range,
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // The pattern is a subset of what .NET reads as `h:m:s`.
    TimeSpan::parse(text).ok_or_else(|| {
        vec![Problem::new(
            format!("`{text}` is not an interval `hh:mm:ss`"),
            0..text.len(),
        )]
    })
}

/// The parts of `text` between `separator`s, with their byte ranges.
pub(crate) fn split_ranges(text: &str, separator: char) -> Vec<(&str, Range<usize>)> {
    let mut start = 0;
    text.split(separator)
        .map(|part| {
            let range = start..start + part.len();
            start = range.end + separator.len_utf8();
            (part, range)
        })
        .collect()
}

/// The range to point at for part `i` of `parts` (from [`split_ranges`]): the part, or, when
/// it is empty, the separators around it (`,,` in `1,,2`).
pub(crate) fn part_range(
    parts: &[(&str, Range<usize>)],
    i: usize,
    separator: char,
) -> Range<usize> {
    let range = parts[i].1.clone();
    if !range.is_empty() {
        return range;
    }
    let start = if i > 0 {
        range.start - separator.len_utf8()
    } else {
        range.start
    };
    let end = if i + 1 < parts.len() {
        range.end + separator.len_utf8()
    } else {
        range.end
    };
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The old `parse_timespan` of the local host: `None` where .NET fails, `Some(None)` for a
    /// negative span, else the duration.
    fn parse_timespan(text: &str) -> Option<Option<Duration>> {
        TimeSpan::parse(text).map(TimeSpan::to_duration)
    }

    #[test]
    fn timespans() {
        assert_eq!(
            parse_timespan("00:05:00"),
            Some(Some(Duration::from_secs(300)))
        );
        assert_eq!(
            parse_timespan("1.02:00:00"),
            Some(Some(Duration::from_secs(93_600)))
        );
        assert_eq!(
            parse_timespan("00:00:01.5"),
            Some(Some(Duration::from_millis(1500)))
        );
        assert_eq!(parse_timespan("-1"), Some(None));
        assert_eq!(
            parse_timespan("2"),
            Some(Some(Duration::from_secs(172_800)))
        );
        assert_eq!(parse_timespan("soon"), None);
    }

    /// The local host refused `25:00:00`; .NET reads it by the culture's `d:h:m` pattern
    /// (`TimeSpanParse.ProcessTerminal_HM_S_D`, `FullDHMMatch` on the localized literals).
    #[test]
    fn hours_past_23_are_days() {
        let days = |d: i64| Some(TimeSpan::from_ticks(d * 86_400 * TICKS_PER_SECOND));
        assert_eq!(TimeSpan::parse("24:00:00"), days(24));
        assert_eq!(TimeSpan::parse("25:00:00"), days(25));
        assert_eq!(TimeSpan::parse("1:02:00:00"), TimeSpan::parse("1.02:00:00"));
        // Past 23 in the `d:h:m` reading's hours too: nothing fits.
        assert_eq!(TimeSpan::parse("24:24:00"), None);
        assert_eq!(TimeSpan::parse("00:60:00"), None);
    }

    #[test]
    fn dotnet_forms() {
        let secs = |s: i64| Some(TimeSpan::from_ticks(s * TICKS_PER_SECOND));
        assert_eq!(TimeSpan::parse("1:2"), secs(3_720));
        assert_eq!(TimeSpan::parse(" 000:05:00 "), secs(300));
        assert_eq!(TimeSpan::parse("-00:05:00"), secs(-300));
        assert_eq!(
            TimeSpan::parse("1:2:.5"),
            Some(TimeSpan::from_ticks(3_720 * TICKS_PER_SECOND + 5_000_000))
        );
        assert_eq!(
            TimeSpan::parse("1.00:00:00.0000001"),
            Some(TimeSpan::from_ticks(86_400 * TICKS_PER_SECOND + 1))
        );
        // Rounded past seven digits, half away from zero.
        assert_eq!(
            TimeSpan::parse("00:00:00.00000005"),
            Some(TimeSpan::from_ticks(1))
        );
        assert_eq!(TimeSpan::parse("00:00:00.12345678"), None);
        for refused in [
            "",
            " ",
            "00::00",
            ":05:00",
            "00:05:",
            "00: 05:00",
            "1:2:3:4:5",
            "5m",
            "--1",
            "268435456",
        ] {
            assert_eq!(TimeSpan::parse(refused), None, "{refused:?}");
        }
        assert_eq!(TimeSpan::parse("10675199"), secs(10_675_199 * 86_400));
        assert_eq!(TimeSpan::parse("10675200"), None);
    }

    fn part(text: &str, range: Range<usize>) -> (String, Range<usize>) {
        (text.to_owned(), range)
    }

    fn parts(value: &str, problems: &[Problem]) -> Vec<(String, Range<usize>)> {
        problems
            .iter()
            .map(|p| (value[p.range.clone()].to_owned(), p.range.clone()))
            .collect()
    }

    fn check_interval(text: &str) -> Vec<Problem> {
        check_retry_interval(text).err().unwrap_or_default()
    }

    fn interval_seconds(text: &str) -> i64 {
        check_retry_interval(text).unwrap().whole_seconds()
    }

    #[test]
    fn intervals_follow_the_schema_pattern() {
        assert_eq!(check_interval("00:00:10"), []);
        assert_eq!(check_interval("23:59:59"), []);
        let p = check_interval("10s");
        assert!(p[0].message.contains("not an interval"), "{p:?}");
        assert_eq!(p[0].range, 0..3);
        assert_eq!(
            parts("0:00:10", &check_interval("0:00:10")),
            [part("0", 0..1)]
        );
        assert_eq!(
            parts("00:1m:10", &check_interval("00:1m:10")),
            [part("1m", 3..5)]
        );
        assert_eq!(
            parts("00::10", &check_interval("00::10")),
            [part("::", 2..4)]
        );
        let p = check_interval("24:00:00");
        assert!(p[0].message.contains("at most 23"), "{p:?}");
        assert_eq!(p[0].range, 0..2);
        assert_eq!(check_interval("00:60:00")[0].range, 3..5);
        assert_eq!(check_interval("00:00:60")[0].range, 6..8);
        assert_eq!(
            parts("99:99:99", &check_interval("99:99:99")),
            [part("99", 0..2), part("99", 3..5), part("99", 6..8)]
        );
        assert_eq!(interval_seconds("01:02:03"), 3723);
    }
}
