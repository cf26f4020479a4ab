//! Checks of the values inside setting strings: HTTP route templates, queue names (timer
//! schedules and retry intervals are `azfn_spec::schedule` and `azfn_spec::timespan`). Each problem carries the byte range of the string it is about, so the
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

impl From<azfn_spec::schedule::Problem> for Problem {
    fn from(problem: azfn_spec::schedule::Problem) -> Problem {
        Problem {
            message: problem.message,
            range: problem.range,
        }
    }
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

/// Checks a Storage queue name ([`azfn_spec::names::check_queue_name`]), unless it holds a
/// binding expression (`{...}`) or an app setting reference (`%...%`), which are resolved at run
/// time.
pub(crate) fn check_queue_name(name: &str) -> Option<Problem> {
    if name.contains(['{', '%']) {
        return None;
    }
    azfn_spec::names::check_queue_name(name).map(|e| problem(e.message, e.range))
}

/// Checks the container of a blob path ([`azfn_spec::names::check_blob_path_container`]),
/// unless it is resolved at run time.
pub(crate) fn check_blob_path(path: &str) -> Option<Problem> {
    azfn_spec::names::check_blob_path_container(path).map(|e| problem(e.message, e.range))
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

    fn part(text: &str, range: Range<usize>) -> (String, Range<usize>) {
        (text.to_owned(), range)
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
        let rendered: Vec<String> = azfn_spec::schedule::parse_setting(schedule)
            .unwrap_err()
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
