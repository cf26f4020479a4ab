//! Checks of the values inside setting strings: timer schedules, HTTP route templates, retry
//! intervals, queue names. Each problem carries the byte range of the string it is about, so the
//! error can point inside the literal where the compiler allows it.

use std::ops::Range;

use azfn_spec::route::{Parameter, RouteError, RouteErrorKind, RouteTemplate};

/// A problem inside a string value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) message: String,
    /// Byte range in the string's value of the part at fault: never empty unless the value is
    /// (a compiler span cannot point at nothing), the whole value when no part is to blame.
    pub(crate) range: Range<usize>,
}

fn problem(message: impl Into<String>, range: Range<usize>) -> Problem {
    Problem {
        message: message.into(),
        range,
    }
}

/// `message`, then `value` quoted on its own line with carets under `range` (bytes of
/// `value`): on stable Rust an error's span covers the whole string literal, so the message
/// itself has to point inside it. Nothing is added when `range` is the whole value, which the
/// span shows already. rustc indents a message's later lines under its first, after `error: `.
pub(crate) fn pointed_message(message: &str, value: &str, range: Range<usize>) -> String {
    if range == (0..value.len()) {
        return message.to_owned();
    }
    // Two columns of indent set the value apart from the text; one more for the quote.
    let mut line = String::from("  \"");
    let mut before = line.chars().count();
    let mut width = 0;
    for (i, c) in value.char_indices() {
        let shown = shown_char(c);
        let columns = shown.chars().count();
        if i < range.start {
            before += columns;
        } else if i < range.end {
            width += columns;
        }
        line.push_str(&shown);
    }
    line.push('"');
    format!(
        "{message}\n{line}\n{}{}",
        " ".repeat(before),
        "^".repeat(width.max(1))
    )
}

/// A character as the diagram shows it: escaped as in a Rust string literal, so that the line
/// reads as one and a control character cannot break it. Columns are counted in characters,
/// which misaligns the carets only after a double-width character.
fn shown_char(c: char) -> String {
    match c {
        '"' => "\\\"".to_owned(),
        '\\' => "\\\\".to_owned(),
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        c if c.is_control() => format!("\\u{{{:x}}}", u32::from(c)),
        c => c.to_string(),
    }
}

/// The parts of `text` between `separator`s, with their byte ranges.
fn split_ranges(text: &str, separator: char) -> Vec<(&str, Range<usize>)> {
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
fn part_range(parts: &[(&str, Range<usize>)], i: usize, separator: char) -> Range<usize> {
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

/// An app setting reference, `%Name%`: the host substitutes it at start-up, so its value cannot
/// be checked here.
pub(crate) fn is_app_setting_reference(value: &str) -> bool {
    value.len() > 2
        && value.starts_with('%')
        && value.ends_with('%')
        && !value[1..value.len() - 1].contains('%')
}

/// The words of `text` split on whitespace, with their byte ranges.
fn words(text: &str) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((&text[s..i], s..i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((&text[s..], s..text.len()));
    }
    out
}

/// One NCRONTAB field: its name, its range, and its value names (NCrontab's, matched by prefix).
struct CronField {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const CRON_FIELDS: [CronField; 6] = [
    CronField {
        name: "second",
        min: 0,
        max: 59,
        names: &[],
    },
    CronField {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    CronField {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    CronField {
        name: "day",
        min: 1,
        max: 31,
        names: &[],
    },
    CronField {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
    },
    CronField {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: &[
            "sunday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
        ],
    },
];

/// Checks a timer schedule: six-field NCRONTAB (`{second} {minute} {hour} {day} {month}
/// {day-of-week}`), a TimeSpan (`hh:mm:ss`), or an app setting reference.
///
/// The grammar is NCrontab's (lists, ranges, `*`, steps, month and day names), made stricter
/// where NCrontab silently reads something else than was likely meant: a reversed range
/// (`22-2` is read as `2-22`), a step of `0` (read as `1`), or a name shorter than three
/// letters (`Ju` is June).
pub(crate) fn check_schedule(schedule: &str) -> Vec<Problem> {
    if is_app_setting_reference(schedule) {
        return Vec::new();
    }
    if schedule.contains(':') {
        return check_timespan(schedule);
    }
    let fields = words(schedule);
    if fields.len() != 6 {
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
            Some((_, extra)) => extra.start..schedule.len(),
            None => 0..schedule.len(),
        };
        return vec![problem(
            format!(
                "schedule `{schedule}` has {} field{}; Azure's NCRONTAB has six, seconds first: \
                 `{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}`, e.g. \
                 `{example}`",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
            ),
            range,
        )];
    }
    let mut problems = Vec::new();
    for ((text, range), field) in fields.into_iter().zip(&CRON_FIELDS) {
        check_cron_field(text, range.start, field, &mut problems);
    }
    problems
}

/// Checks one field, `offset` bytes into the schedule: each item of its `,` list.
fn check_cron_field(text: &str, offset: usize, field: &CronField, problems: &mut Vec<Problem>) {
    let items = split_ranges(text, ',');
    for (i, (item, range)) in items.iter().enumerate() {
        let result = if item.is_empty() {
            Err((
                format!(
                    "the {} field has an empty list item; separate values with single commas, \
                     e.g. `1,15`",
                    field.name
                ),
                part_range(&items, i, ','),
            ))
        } else {
            check_cron_item(item, field).map_err(|(message, within)| {
                (
                    message,
                    range.start + within.start..range.start + within.end,
                )
            })
        };
        if let Err((message, within)) = result {
            problems.push(problem(message, offset + within.start..offset + within.end));
        }
    }
}

/// Checks one non-empty list item of a field; a problem's range is in bytes of `item`.
fn check_cron_item(item: &str, field: &CronField) -> Result<(), (String, Range<usize>)> {
    let name = field.name;
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        let slash = base.len();
        let step_range = slash + 1..item.len();
        match step.parse::<u32>() {
            Ok(0) => {
                return Err((
                    format!(
                        "`{item}`: a step of 0 in the {name} field; steps start at 1, e.g. `*/5`"
                    ),
                    step_range,
                ));
            }
            Ok(_) => {}
            Err(_) if step.is_empty() => {
                return Err((
                    format!("`{item}`: the `/` in the {name} field needs a step, e.g. `*/5`"),
                    slash..slash + 1,
                ));
            }
            Err(_) => {
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
    if base == "*" {
        return Ok(());
    }
    let base_range = 0..base.len();
    let quartz =
        base == "?" || base.contains('#') || (field.names.is_empty() && base.contains(['L', 'W']));
    if quartz {
        return Err((
            format!(
                "`{base}` is not NCRONTAB: it has no `?`, `L`, `W` or `#`; use `*` or a value \
                 {}-{} in the {name} field",
                field.min, field.max
            ),
            base_range,
        ));
    }
    let Some((first, last)) = base.split_once('-') else {
        return cron_value(base, field)
            .map(|_| ())
            .map_err(|message| (message, base_range));
    };
    let hyphen = first.len();
    if first.is_empty() || last.is_empty() {
        return Err((
            format!(
                "`{base}`: a range needs a value on each side of `-`, e.g. `{}-{}` in the {name} \
                 field",
                field.min, field.max
            ),
            hyphen..hyphen + 1,
        ));
    }
    let first_value = cron_value(first, field).map_err(|message| (message, 0..hyphen))?;
    let last_value =
        cron_value(last, field).map_err(|message| (message, hyphen + 1..base.len()))?;
    if first_value > last_value {
        return Err((
            format!(
                "`{base}`: ranges do not wrap around in NCRONTAB (it would run {}-{}); write two \
                 ranges, e.g. `{first}-{},{}-{last}`",
                last_value, first_value, field.max, field.min,
            ),
            base_range,
        ));
    }
    Ok(())
}

/// The value of a non-empty number or name in a field.
fn cron_value(text: &str, field: &CronField) -> Result<u32, String> {
    let name = field.name;
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let value: u32 = text.parse().map_err(|_| {
            format!(
                "`{text}` is out of range for the {name} field ({}-{})",
                field.min, field.max
            )
        })?;
        if value < field.min || value > field.max {
            let sunday = if field.names.len() == 7 && value == 7 {
                "; Sunday is `0`"
            } else {
                ""
            };
            return Err(format!(
                "`{text}` is out of range for the {name} field ({}-{}){sunday}",
                field.min, field.max
            ));
        }
        return Ok(value);
    }
    if field.names.is_empty() {
        return Err(format!(
            "`{text}` is not a number; the {name} field takes {}-{}",
            field.min, field.max
        ));
    }
    let lower = text.to_ascii_lowercase();
    let found = field
        .names
        .iter()
        .position(|n| n.starts_with(&lower))
        .filter(|_| lower.len() >= 3);
    match found {
        Some(i) => Ok(field.min + i as u32),
        None => Err(format!(
            "`{text}` is not a {name} name; use a number {}-{} or a name such as `{}`",
            field.min,
            field.max,
            capitalized_abbreviation(field.names[0]),
        )),
    }
}

fn capitalized_abbreviation(name: &str) -> String {
    let mut out: String = name[..3].to_owned();
    out[..1].make_ascii_uppercase();
    out
}

const CLOCK_UNITS: [&str; 3] = ["hours", "minutes", "seconds"];

/// Checks a TimeSpan schedule: `hh:mm:ss`, where `hh` of 24 or more is read by .NET as days
/// (`dd:hh:mm`), which the Functions documentation allows too.
fn check_timespan(text: &str) -> Vec<Problem> {
    let parts = split_ranges(text, ':');
    if parts.len() != 3 || text.contains(char::is_whitespace) {
        return vec![problem(
            format!(
                "schedule `{text}` is neither NCRONTAB (six fields separated by spaces) nor a \
                 TimeSpan `hh:mm:ss`, e.g. `00:05:00`"
            ),
            0..text.len(),
        )];
    }
    let mut problems = Vec::new();
    for (i, ((part, _), unit)) in parts.iter().zip(CLOCK_UNITS).enumerate() {
        let range = part_range(&parts, i, ':');
        if part.is_empty() {
            problems.push(problem(
                format!("TimeSpan `{text}` has no {unit}; write `hh:mm:ss`, e.g. `00:05:00`"),
                range,
            ));
        } else if part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(problem(
                format!(
                    "`{part}` {unit} in TimeSpan `{text}`: write one or two digits, `hh:mm:ss`, \
                     e.g. `00:05:00`"
                ),
                range,
            ));
        } else if i > 0 && part.parse::<u32>().unwrap_or(0) > 59 {
            problems.push(problem(
                format!("`{part}` {unit} in TimeSpan `{text}`: at most 59"),
                range,
            ));
        }
    }
    if problems.is_empty() && parts.iter().all(|(p, _)| p.bytes().all(|b| b == b'0')) {
        problems.push(problem(
            format!("TimeSpan `{text}` is zero: the timer would never wait"),
            0..text.len(),
        ));
    }
    problems
}

/// Checks a retry interval: `hh:mm:ss` with two-digit fields, hours below 24 (the schema's
/// pattern, and a plain TimeSpan for the host).
pub(crate) fn check_interval(text: &str) -> Vec<Problem> {
    let parts = split_ranges(text, ':');
    if parts.len() != 3 {
        return vec![problem(
            format!("`{text}` is not an interval `hh:mm:ss`, e.g. `00:00:10` for ten seconds"),
            0..text.len(),
        )];
    }
    let mut problems = Vec::new();
    for (i, ((part, _), (max, unit))) in parts
        .iter()
        .zip([23, 59, 59].into_iter().zip(CLOCK_UNITS))
        .enumerate()
    {
        let range = part_range(&parts, i, ':');
        if part.is_empty() {
            problems.push(problem(
                format!(
                    "interval `{text}` has no {unit}; write `hh:mm:ss`, e.g. `00:00:10` for ten \
                     seconds"
                ),
                range,
            ));
        } else if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(problem(
                format!(
                    "`{part}` {unit} in interval `{text}`: write two digits, `hh:mm:ss`, e.g. \
                     `00:00:10` for ten seconds"
                ),
                range,
            ));
        } else if part.parse::<u32>().unwrap_or(0) > max {
            problems.push(problem(
                format!("`{part}` {unit} in interval `{text}`: at most {max}"),
                range,
            ));
        }
    }
    problems
}

/// Seconds of an interval already accepted by [`check_interval`].
pub(crate) fn interval_seconds(text: &str) -> u32 {
    text.split(':')
        .map(|p| p.parse::<u32>().unwrap_or(0))
        .fold(0, |acc, n| acc * 60 + n)
}

/// Checks a Storage queue name ([`azfn_spec::names::check_queue_name`]), unless it holds a
/// binding expression (`{...}`) or an app setting reference (`%...%`), which are resolved at run
/// time.
pub(crate) fn check_queue_name(name: &str) -> Option<Problem> {
    if name.contains(['{', '%']) {
        return None;
    }
    azfn_spec::names::check_queue_name(name).map(|e| problem(e.message, e.range))
}

/// One `{parameter}` of an HTTP route template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteParam {
    pub(crate) name: String,
    /// Byte range of the whole `{...}` in the template.
    pub(crate) range: Range<usize>,
    pub(crate) optional: bool,
    pub(crate) catch_all: bool,
}

/// Parses an ASP.NET Core route template as the host reads it (with
/// [`azfn_spec::route::RouteTemplate`]), and asks more of parameter names than the host does:
/// letters, digits and `_`, so that a `Path` struct can name its fields after them.
pub(crate) fn parse_route(template: &str) -> Result<Vec<RouteParam>, Vec<Problem>> {
    let (parsed, errors) = RouteTemplate::parse_lenient(template);
    let mut problems: Vec<Problem> = errors
        .into_iter()
        .map(|e| route_problem(template, e))
        .collect();
    let mut params = Vec::new();
    for param in parsed.parameters() {
        match route_param(param, template) {
            Ok(param) => params.push(param),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(params)
    } else {
        // In the order of the template, as a reader goes through it.
        problems.sort_by_key(|p| p.range.start);
        Err(problems)
    }
}

/// A problem the host's parser found, in the words of the macros.
fn route_problem(template: &str, error: RouteError) -> Problem {
    let message = match &error.kind {
        RouteErrorKind::UnmatchedCloseBrace => format!(
            "route `{template}` has a `}}` without its `{{`; write `}}}}` for a literal brace"
        ),
        RouteErrorKind::UnclosedParameter => {
            format!("route `{template}`: this `{{` is never closed")
        }
        RouteErrorKind::InvalidParameterName { parameter, .. } => {
            invalid_name_message(template, &template[parameter.start + 1..parameter.end - 1])
        }
        RouteErrorKind::DuplicateParameter(name) => {
            format!("route `{template}` has the parameter `{name}` twice")
        }
        RouteErrorKind::QueryString => format!(
            "route `{template}` contains `?`: a route is a path; query parameters are read \
             with `Query<T>`"
        ),
        RouteErrorKind::CatchAllNotLast(name) => {
            format!("route `{template}`: the catch-all `{{*{name}}}` must be the last segment")
        }
        _ => format!("route `{template}`: {error}"),
    };
    problem(message, error.range)
}

fn invalid_name_message(template: &str, inner: &str) -> String {
    format!(
        "route `{template}`: `{{{inner}}}` needs a parameter name made of letters, digits and \
         `_`, e.g. `{{id}}` or `{{id:int}}`"
    )
}

fn route_param(param: &Parameter, template: &str) -> Result<RouteParam, Problem> {
    let name = &param.name;
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        let inner = &template[param.range.start + 1..param.range.end - 1];
        return Err(problem(
            invalid_name_message(template, inner),
            param.name_range.clone(),
        ));
    }
    Ok(RouteParam {
        name: name.clone(),
        range: param.range.clone(),
        optional: param.optional,
        catch_all: param.catch_all,
    })
}

/// The names the `{...}` binding expressions in a setting value (`images/{name}`) read from
/// the trigger's data, such as route parameters ([`azfn_spec::expression::expressions`]):
/// `name` for `{name}` and `{name.id}`.
pub(crate) fn binding_expressions(value: &str) -> Vec<&str> {
    azfn_spec::expression::expressions(value)
        .iter()
        .map(azfn_spec::expression::Expression::name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(schedule_parts("000:05:00"), [part("000", 0..3)]);
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
        assert!(messages(&check_schedule("1:2"))[0].contains("neither NCRONTAB"));
        // A time of day in a cron field is not a TimeSpan with a strange hour.
        let p = check_schedule("0 0 12:30:00 * * *");
        assert!(p[0].message.contains("neither NCRONTAB"), "{p:?}");
        assert_eq!(p[0].range, 0..18);
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

    #[test]
    fn queue_names_follow_storage_rules() {
        for ok in [
            "orders",
            "a-b-1",
            "abc",
            "{queueTrigger}-copy",
            "%QueueName%",
        ] {
            assert_eq!(check_queue_name(ok), None, "{ok}");
        }
        let at = |name: &str| {
            let p = check_queue_name(name).unwrap();
            let part = parts(name, std::slice::from_ref(&p)).remove(0);
            (p.message, part)
        };
        assert_eq!(at("Orders").1, part("O", 0..1));
        assert_eq!(at("new-Orders").1, part("O", 4..5));
        let (message, at_underscore) = at("a_b");
        assert!(message.contains("`_`"), "{message}");
        assert_eq!(at_underscore, part("_", 1..2));
        assert_eq!(at("añb").1, part("ñ", 1..3));
        let (message, at_hyphens) = at("a--b");
        assert!(message.contains("two hyphens"), "{message}");
        assert_eq!(at_hyphens, part("--", 1..3));
        let (message, at_start) = at("-ab");
        assert!(message.contains("start and end"), "{message}");
        assert_eq!(at_start, part("-", 0..1));
        assert_eq!(at("ab-").1, part("-", 2..3));
        let (message, all) = at("ab");
        assert!(message.contains("3 to 63"), "{message}");
        assert_eq!(all, part("ab", 0..2));
        let long = format!("{}xyz", "q".repeat(63));
        assert_eq!(at(&long).1, part("xyz", 63..66));
    }

    /// Issue 14 item 11: `Orders_Queue` was answered with "use `orders_queue`", which the
    /// next build refused for its underscore.
    #[test]
    fn the_queue_name_suggested_is_accepted() {
        let p = check_queue_name("Orders_Queue").unwrap();
        assert!(p.message.contains("`orders-queue`"), "{}", p.message);
        assert!(!p.message.contains("orders_queue"), "{}", p.message);
        assert_eq!(check_queue_name("orders-queue"), None);
    }

    #[test]
    fn routes_parse_like_the_host() {
        let params = parse_route("products/{category:alpha}/{id:int?}/{*rest}").unwrap();
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["category", "id", "rest"]);
        assert!(params[1].optional && params[2].catch_all);
        assert_eq!(params[0].range, 9..25);
        assert_eq!(params[2].range, 36..43);
        assert!(parse_route("a/{{literal}}/b").unwrap().is_empty());
        assert!(parse_route("").unwrap().is_empty());
    }

    #[test]
    fn route_mistakes_are_pointed_at() {
        let route_parts = |route: &str| {
            let problems = parse_route(route).unwrap_err();
            (messages(&problems).join("\n"), parts(route, &problems))
        };
        let (m, p) = route_parts("orders/{id");
        assert!(m.contains("never closed"), "{m}");
        assert_eq!(p, [part("{", 7..8)]);
        let (m, p) = route_parts("orders/{}");
        assert!(m.contains("parameter name"), "{m}");
        assert_eq!(p, [part("{}", 7..9)]);
        assert_eq!(route_parts("a/{1st:int}").1, [part("1st", 3..6)]);
        assert_eq!(route_parts("a/{*my-rest}").1, [part("my-rest", 4..11)]);
        let (m, p) = route_parts("a/{id}/{ID}");
        assert!(m.contains("twice"), "{m}");
        assert_eq!(p, [part("{ID}", 7..11)]);
        let (m, p) = route_parts("a/{*rest}/b");
        assert!(m.contains("last segment"), "{m}");
        assert_eq!(p, [part("{*rest}", 2..9)]);
        let (m, p) = route_parts("a?b=1");
        assert!(m.contains("Query"), "{m}");
        assert_eq!(p, [part("?b=1", 1..5)]);
        assert_eq!(route_parts("a}/b").1, [part("}", 1..2)]);
        // Every mistake at once.
        assert_eq!(
            route_parts("a}/{}/{x").1,
            [part("}", 1..2), part("{}", 3..5), part("{", 6..7)]
        );
    }

    #[test]
    fn routes_the_host_refuses_are_refused_where_they_are_wrong() {
        let route_parts = |route: &str| {
            let problems = parse_route(route).unwrap_err();
            (messages(&problems).join("\n"), parts(route, &problems))
        };
        let (m, p) = route_parts("orders//{id}");
        assert!(m.starts_with("route `orders//{id}`: "), "{m}");
        assert!(m.contains("empty segment"), "{m}");
        assert_eq!(p, [part("//", 6..8)]);
        let (m, p) = route_parts("orders/{id:integer}");
        assert!(m.contains("`integer` could not be resolved"), "{m}");
        assert_eq!(p, [part("integer", 11..18)]);
        assert_eq!(route_parts("{a}{b}").1, [part("{a}{b}", 0..6)]);
        // A host-valid name the macros still refuse, beside the host's own problems.
        assert_eq!(
            route_parts("a}/{1st}").1,
            [part("}", 1..2), part("1st", 4..7)]
        );
        assert!(parse_route("files/{name}.{ext?}/{*rest}/").is_ok());
        assert!(parse_route("files/{name:file}").is_ok());
    }

    #[test]
    fn messages_point_inside_the_value() {
        assert_eq!(
            pointed_message("bad minute", "0 61 * * * *", 2..4),
            "bad minute\n  \"0 61 * * * *\"\n     ^^"
        );
        assert_eq!(pointed_message("m", "abc", 0..1), "m\n  \"abc\"\n   ^");
        assert_eq!(pointed_message("m", "abc", 2..3), "m\n  \"abc\"\n     ^");
        // The whole value: the span says it already.
        assert_eq!(pointed_message("m", "abc", 0..3), "m");
        assert_eq!(pointed_message("m", "", 0..0), "m");
        // Escaped characters take the columns of their escapes; other characters one each.
        assert_eq!(
            pointed_message("m", "a\tb\"ñ", 4..6),
            "m\n  \"a\\tb\\\"ñ\"\n         ^"
        );
        assert_eq!(pointed_message("m", "a\tb", 1..2), "m\n  \"a\\tb\"\n    ^^");
        // Every problem renders with its carets under its own part.
        let schedule = "0 0 0 * Foo 7";
        let rendered: Vec<String> = check_schedule(schedule)
            .iter()
            .map(|p| pointed_message(&p.message, schedule, p.range.clone()))
            .collect();
        assert!(
            rendered[0].ends_with("\n  \"0 0 0 * Foo 7\"\n           ^^^"),
            "{rendered:?}"
        );
        assert!(
            rendered[1].ends_with("\n  \"0 0 0 * Foo 7\"\n               ^"),
            "{rendered:?}"
        );
    }

    #[test]
    fn binding_expressions_are_found() {
        assert_eq!(
            binding_expressions("images/{name}-{data.id}/{{x}}/{sys.randguid}"),
            ["name", "data", "sys"]
        );
        assert!(binding_expressions("plain").is_empty());
    }
}
