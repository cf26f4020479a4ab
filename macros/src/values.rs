//! Checks of the values inside setting strings: timer schedules, HTTP route templates, retry
//! intervals, queue names. Each problem carries the byte range of the string it is about, so the
//! error can point inside the literal where the compiler allows it.

use std::ops::Range;

/// A problem inside a string value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) message: String,
    /// Byte range in the string's value.
    pub(crate) range: Range<usize>,
}

fn problem(message: impl Into<String>, range: Range<usize>) -> Problem {
    Problem {
        message: message.into(),
        range,
    }
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
        // Five fields is classic cron, without the seconds Azure puts first.
        let example = if fields.len() == 5 {
            format!(
                "0 {}",
                fields.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" ")
            )
        } else {
            "0 */5 * * * *".to_owned()
        };
        return vec![problem(
            format!(
                "schedule `{schedule}` has {} field{}; Azure's NCRONTAB has six, seconds first: \
                 `{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}`, e.g. \
                 `{example}`",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
            ),
            0..schedule.len(),
        )];
    }
    let mut problems = Vec::new();
    for ((text, range), field) in fields.into_iter().zip(&CRON_FIELDS) {
        check_cron_field(text, range.start, field, &mut problems);
    }
    problems
}

fn check_cron_field(text: &str, offset: usize, field: &CronField, problems: &mut Vec<Problem>) {
    let mut start = 0;
    for item in text.split(',') {
        let range = offset + start..offset + start + item.len();
        start += item.len() + 1;
        if let Err(message) = check_cron_item(item, field) {
            problems.push(problem(message, range));
        }
    }
}

fn check_cron_item(item: &str, field: &CronField) -> Result<(), String> {
    let name = field.name;
    if item.is_empty() {
        return Err(format!("the {name} field has an empty list item"));
    }
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(0) => {
                return Err(format!(
                    "`{item}`: a step of 0 in the {name} field; steps start at 1, e.g. `*/5`"
                ));
            }
            Ok(_) => {}
            Err(_) => {
                return Err(format!(
                    "`{item}`: the step `{step}` in the {name} field is not a number"
                ));
            }
        }
        if base.is_empty() {
            return Err(format!(
                "`{item}`: a step needs something to step over, e.g. `*/{step}`"
            ));
        }
    }
    if base == "*" {
        return Ok(());
    }
    let quartz =
        base == "?" || base.contains('#') || (field.names.is_empty() && base.contains(['L', 'W']));
    if quartz {
        return Err(format!(
            "`{item}` is not NCRONTAB: it has no `?`, `L`, `W` or `#`; use `*` or a value \
             {}-{} in the {name} field",
            field.min, field.max
        ));
    }
    match base.split_once('-') {
        Some((first, last)) => {
            let first_value = cron_value(first, field)?;
            let last_value = cron_value(last, field)?;
            if first_value > last_value {
                return Err(format!(
                    "`{base}`: ranges do not wrap around in NCRONTAB (it would run {}-{}); \
                     write two ranges, e.g. `{first}-{},{}-{last}`",
                    last_value, first_value, field.max, field.min,
                ));
            }
            Ok(())
        }
        None => cron_value(base, field).map(|_| ()),
    }
}

fn cron_value(text: &str, field: &CronField) -> Result<u32, String> {
    let name = field.name;
    if text.is_empty() {
        return Err(format!("an empty value in the {name} field"));
    }
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

/// Checks a TimeSpan schedule: `hh:mm:ss`, where `hh` of 24 or more is read by .NET as days
/// (`dd:hh:mm`), which the Functions documentation allows too.
fn check_timespan(text: &str) -> Vec<Problem> {
    let parts: Vec<&str> = text.split(':').collect();
    let all = 0..text.len();
    let shape_ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return vec![problem(
            format!(
                "schedule `{text}` is neither NCRONTAB (six fields separated by spaces) nor a \
                 TimeSpan `hh:mm:ss`, e.g. `00:05:00`"
            ),
            all,
        )];
    }
    let numbers: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let mut offset = 0;
    let mut problems = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let range = offset..offset + part.len();
        offset += part.len() + 1;
        if i > 0 && numbers[i] > 59 {
            let unit = if i == 1 { "minutes" } else { "seconds" };
            problems.push(problem(
                format!("`{part}` {unit} in TimeSpan `{text}`: at most 59"),
                range,
            ));
        }
    }
    if problems.is_empty() && numbers.iter().all(|n| *n == 0) {
        problems.push(problem(
            format!("TimeSpan `{text}` is zero: the timer would never wait"),
            all,
        ));
    }
    problems
}

/// Checks a retry interval: `hh:mm:ss` with two-digit fields, hours below 24 (the schema's
/// pattern, and a plain TimeSpan for the host).
pub(crate) fn check_interval(text: &str) -> Option<Problem> {
    let bad = || {
        Some(problem(
            format!("`{text}` is not an interval `hh:mm:ss`, e.g. `00:00:10` for ten seconds"),
            0..text.len(),
        ))
    };
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return bad();
    }
    let limits = [(23, "hours"), (59, "minutes"), (59, "seconds")];
    let mut offset = 0;
    for (part, (max, unit)) in parts.iter().zip(limits) {
        let range = offset..offset + 2;
        offset += 3;
        if part.parse::<u32>().unwrap_or(0) > max {
            return Some(problem(
                format!("`{part}` {unit} in interval `{text}`: at most {max}"),
                range,
            ));
        }
    }
    None
}

/// Seconds of an interval already accepted by [`check_interval`].
pub(crate) fn interval_seconds(text: &str) -> u32 {
    text.split(':')
        .map(|p| p.parse::<u32>().unwrap_or(0))
        .fold(0, |acc, n| acc * 60 + n)
}

/// Checks a Storage queue name, unless it holds a binding expression (`{...}`) or an app
/// setting reference (`%...%`), which are resolved at run time.
pub(crate) fn check_queue_name(name: &str) -> Option<Problem> {
    if name.contains(['{', '%']) {
        return None;
    }
    let all = 0..name.len();
    if let Some(i) = name.find(|c: char| c.is_ascii_uppercase()) {
        return Some(problem(
            format!(
                "queue name `{name}` has an uppercase letter; Storage queue names are lowercase: \
                 `{}`",
                name.to_ascii_lowercase()
            ),
            i..i + 1,
        ));
    }
    if let Some((i, c)) = name
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(problem(
            format!("queue name `{name}` contains `{c}`; use lowercase letters, digits and `-`"),
            i..i + c.len_utf8(),
        ));
    }
    if !(3..=63).contains(&name.len()) {
        return Some(problem(
            format!(
                "queue name `{name}` has {} character{}; Storage queue names have 3 to 63",
                name.len(),
                if name.len() == 1 { "" } else { "s" }
            ),
            all,
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some(problem(
            format!("queue name `{name}` must start and end with a letter or digit"),
            all,
        ));
    }
    if let Some(i) = name.find("--") {
        return Some(problem(
            format!("queue name `{name}` has two hyphens in a row"),
            i..i + 2,
        ));
    }
    None
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

/// Parses an ASP.NET Core route template as the host reads it: `{name}`, `{name:constraint}`,
/// `{name?}`, `{name=default}`, `{*rest}`; `{{` and `}}` are literal braces.
pub(crate) fn parse_route(template: &str) -> Result<Vec<RouteParam>, Vec<Problem>> {
    let mut params: Vec<RouteParam> = Vec::new();
    let mut problems = Vec::new();
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'}' => {
                problems.push(problem(
                    format!(
                        "route `{template}` has a `}}` without its `{{`; write `}}}}` for a \
                         literal brace"
                    ),
                    i..i + 1,
                ));
                i += 1;
            }
            b'{' => {
                let Some(len) = template[i..].find('}') else {
                    problems.push(problem(
                        format!("route `{template}`: this `{{` is never closed"),
                        i..template.len(),
                    ));
                    break;
                };
                let range = i..i + len + 1;
                let inner = &template[i + 1..i + len];
                match route_param(inner, range.clone(), template) {
                    Ok(param) => {
                        if params
                            .iter()
                            .any(|p| p.name.eq_ignore_ascii_case(&param.name))
                        {
                            problems.push(problem(
                                format!(
                                    "route `{template}` has the parameter `{}` twice",
                                    param.name
                                ),
                                range.clone(),
                            ));
                        }
                        params.push(param);
                    }
                    Err(p) => problems.push(p),
                }
                i = range.end;
            }
            b'?' => {
                problems.push(problem(
                    format!(
                        "route `{template}` contains `?`: a route is a path; query parameters \
                         are read with `Query<T>`"
                    ),
                    i..i + 1,
                ));
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(p) = params.iter().find(|p| p.catch_all)
        && !template[p.range.end..].trim_end_matches('/').is_empty()
    {
        problems.push(problem(
            format!(
                "route `{template}`: the catch-all `{{*{}}}` must be the last segment",
                p.name
            ),
            p.range.clone(),
        ));
    }
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(problems)
    }
}

fn route_param(inner: &str, range: Range<usize>, template: &str) -> Result<RouteParam, Problem> {
    let catch_all = inner.starts_with('*');
    let body = inner.trim_start_matches('*');
    let name_end = body.find([':', '?', '=']).unwrap_or(body.len());
    let name = &body[..name_end];
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(problem(
            format!(
                "route `{template}`: `{{{inner}}}` needs a parameter name made of letters, digits \
                 and `_`, e.g. `{{id}}` or `{{id:int}}`"
            ),
            range,
        ));
    }
    Ok(RouteParam {
        name: name.to_owned(),
        range,
        optional: body.ends_with('?'),
        catch_all,
    })
}

/// The `{name}` binding expressions in a setting value (`images/{name}`), which the host fills
/// from trigger data such as route parameters. `{{` is not an expression.
pub(crate) fn binding_expressions(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let Some(close) = after.find('}') else {
            break;
        };
        let inner = &after[..close];
        // `{data.id}` and `{sys.randguid}` name a member; the first segment is what the trigger
        // provides.
        let head = inner.split(['.', ':']).next().unwrap_or(inner);
        out.push(head);
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.message.as_str()).collect()
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
    fn schedule_mistakes_point_at_the_field() {
        let p = check_schedule("0 60 * * * *");
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("minute field (0-59)"), "{p:?}");
        assert_eq!(p[0].range, 2..4);

        let p = check_schedule("*/5 * * * *");
        assert!(p[0].message.contains("has 5 fields"), "{p:?}");
        assert!(p[0].message.contains("`0 */5 * * * *`"), "{p:?}");

        let p = check_schedule("0 0 22-2 * * *");
        assert!(p[0].message.contains("do not wrap"), "{p:?}");
        assert_eq!(p[0].range, 4..8);

        let p = check_schedule("0 */0 * * * *");
        assert!(p[0].message.contains("step of 0"), "{p:?}");

        let p = check_schedule("0 0 0 * Foo 7");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("not a month name"), "{p:?}");
        assert!(p[1].message.contains("Sunday is `0`"), "{p:?}");

        let p = check_schedule("0 0 0 ? * *");
        assert!(p[0].message.contains("not NCRONTAB"), "{p:?}");

        let p = check_schedule("0 0 0 * Ju *");
        assert!(p[0].message.contains("not a month name"), "{p:?}");

        assert!(messages(&check_schedule("00:61:00"))[0].contains("at most 59"));
        assert!(messages(&check_schedule("00:00:00"))[0].contains("zero"));
        assert!(messages(&check_schedule("5 minutes"))[0].contains("has 2 fields"));
        assert!(messages(&check_schedule("1:2"))[0].contains("neither NCRONTAB"));
    }

    #[test]
    fn intervals_follow_the_schema_pattern() {
        assert_eq!(check_interval("00:00:10"), None);
        assert_eq!(check_interval("23:59:59"), None);
        assert!(check_interval("10s").is_some());
        assert!(check_interval("0:00:10").is_some());
        assert_eq!(check_interval("24:00:00").unwrap().range, 0..2);
        assert_eq!(check_interval("00:60:00").unwrap().range, 3..5);
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
        assert_eq!(check_queue_name("Orders").unwrap().range, 0..1);
        assert!(check_queue_name("ab").unwrap().message.contains("3 to 63"));
        assert!(check_queue_name("a_b").unwrap().message.contains("`_`"));
        assert!(
            check_queue_name("a--b")
                .unwrap()
                .message
                .contains("two hyphens")
        );
        assert!(
            check_queue_name("-ab")
                .unwrap()
                .message
                .contains("start and end")
        );
    }

    #[test]
    fn routes_parse_like_the_host() {
        let params = parse_route("products/{category:alpha}/{id:int?}/{*rest}").unwrap();
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["category", "id", "rest"]);
        assert!(params[1].optional && params[2].catch_all);
        assert_eq!(params[0].range, 9..25);
        assert!(parse_route("a/{{literal}}/b").unwrap().is_empty());
        assert!(parse_route("").unwrap().is_empty());

        let p = parse_route("orders/{id").unwrap_err();
        assert!(p[0].message.contains("never closed"), "{p:?}");
        let p = parse_route("orders/{}").unwrap_err();
        assert!(p[0].message.contains("parameter name"), "{p:?}");
        let p = parse_route("a/{id}/{ID}").unwrap_err();
        assert!(p[0].message.contains("twice"), "{p:?}");
        let p = parse_route("a/{*rest}/b").unwrap_err();
        assert!(p[0].message.contains("last segment"), "{p:?}");
        let p = parse_route("a?b=1").unwrap_err();
        assert!(p[0].message.contains("Query"), "{p:?}");
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
