//! HTTP routes across functions: templates the host cannot load, two functions on one route
//! and method, and routes that land on paths the host uses for something else.
//!
//! The host routes with ASP.NET route templates (`orders/{id:int}`, `files/{*path}`,
//! `items/{page?}`), parsed here as the host parses them, by [`azfn_spec::route`]. Two templates are compared by *shape*: literal segments ignoring case,
//! every parameter alike whatever its name or constraint (`{id:int}` and `{x}` have the same
//! shape; the host's choice between them would depend on constraint precedence rules the user
//! should not have to know), optional parameters and parameters with a default expanded into
//! the paths with and without them.

use std::collections::BTreeMap;

use azfn_spec::record::{FunctionRecord, SourceLocation};
use azfn_spec::route::{self, Part, RouteTemplate};

use crate::error::NameProblem;

/// The route prefix the host uses when `host.json` does not set
/// `extensions.http.routePrefix`.
pub(crate) const DEFAULT_ROUTE_PREFIX: &str = "api";

/// An HTTP function's route as the host sees it.
#[derive(Debug, Clone)]
pub(crate) struct HttpRoute<'a> {
    pub(crate) record: &'a FunctionRecord,
    /// The `route` setting, or the function name.
    pub(crate) template: String,
    /// Lower-case methods, sorted; `None` for every method.
    pub(crate) methods: Option<Vec<String>>,
}

impl<'a> HttpRoute<'a> {
    /// The route of `record`, if it is HTTP-triggered.
    pub(crate) fn of(record: &'a FunctionRecord) -> Option<Self> {
        let trigger = record.function.trigger()?;
        if trigger.kind != "httpTrigger" {
            return None;
        }
        let template = trigger
            .setting_str("route")
            .map_or_else(|| record.name.clone(), str::to_owned);
        let methods = trigger
            .settings
            .get("methods")
            .and_then(|m| m.as_array())
            .map(|methods| {
                let mut methods: Vec<String> = methods
                    .iter()
                    .filter_map(|m| m.as_str())
                    .map(str::to_ascii_lowercase)
                    .collect();
                methods.sort();
                methods.dedup();
                methods
            })
            // The host treats an empty list like no list: every method.
            .filter(|m| !m.is_empty());
        Some(Self {
            record,
            template,
            methods,
        })
    }

    /// `GET,POST` or `ANY`.
    pub(crate) fn methods_label(&self) -> String {
        match &self.methods {
            Some(methods) => methods
                .iter()
                .map(|m| m.to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join(","),
            None => "ANY".to_owned(),
        }
    }

    fn accepts(&self, method: &str) -> bool {
        self.methods
            .as_ref()
            .is_none_or(|m| m.iter().any(|x| x == method))
    }
}

/// The path a request uses: `/` + prefix + template, without doubled slashes.
pub(crate) fn full_path(prefix: &str, template: &str) -> String {
    let template = template
        .strip_prefix("~/")
        .or_else(|| template.strip_prefix('/'))
        .unwrap_or(template);
    let parts: Vec<&str> = prefix
        .split('/')
        .chain(template.split('/'))
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", parts.join("/"))
}

/// One segment of a template as routes are compared: the host's parsed segment
/// ([`azfn_spec::route::Segment`]) and how it was written.
#[derive(Debug, Clone)]
struct Segment {
    parsed: route::Segment,
    /// The segment's text in the template, for complex segments, which are shown as written.
    written: String,
}

impl Segment {
    fn literal(text: &str) -> Self {
        Self {
            parsed: route::Segment {
                parts: vec![Part::Literal(text.to_owned())],
                range: 0..text.len(),
            },
            written: text.to_owned(),
        }
    }

    /// `{x?}` or `{x=default}`: the path may leave it out.
    fn is_optional(&self) -> bool {
        matches!(self.parsed.parts.as_slice(), [Part::Parameter(p)]
            if !p.catch_all && (p.optional || p.default.is_some()))
    }

    /// The shape key: what two routes must agree on to be the same route.
    fn key(&self) -> String {
        match self.parsed.parts.as_slice() {
            [Part::Parameter(p)] if p.catch_all => "{*}".to_owned(),
            parts => parts
                .iter()
                .map(|part| match part {
                    Part::Literal(text) => text.to_lowercase(),
                    Part::Parameter(_) => "{}".to_owned(),
                })
                .collect(),
        }
    }

    fn display(&self) -> String {
        match self.parsed.parts.as_slice() {
            [Part::Literal(text)] => text.clone(),
            [Part::Parameter(p)] if p.catch_all => format!("{{*{}}}", p.name),
            [Part::Parameter(p)] => format!("{{{}}}", p.name),
            _ => self.written.clone(),
        }
    }

    /// Whether the request path segment `name` (a function name) may match this segment.
    fn may_match(&self, name: &str) -> bool {
        match self.parsed.parts.as_slice() {
            [Part::Literal(text)] => text.eq_ignore_ascii_case(name),
            [Part::Parameter(p)] => p.accepts(name),
            _ => {
                let pattern: Vec<char> = self.key().chars().collect();
                let subject: Vec<char> = name.to_lowercase().chars().collect();
                wildcard(&pattern, &subject)
            }
        }
    }
}

/// Matches `subject` against a complex key where each `{}` stands for one or more characters.
fn wildcard(pattern: &[char], subject: &[char]) -> bool {
    match pattern {
        [] => subject.is_empty(),
        ['{', '}', rest @ ..] => (1..=subject.len()).any(|i| wildcard(rest, &subject[i..])),
        [p, rest @ ..] => subject
            .split_first()
            .is_some_and(|(c, tail)| c == p && wildcard(rest, tail)),
    }
}

/// Parses a route template as written in `function.json`, as the host does.
fn parse_template(template: &str) -> Result<Vec<Segment>, String> {
    let parsed = RouteTemplate::parse_or_message(template)?;
    Ok(parsed
        .segments()
        .iter()
        .map(|segment| Segment {
            written: template[segment.range.clone()].to_owned(),
            parsed: segment.clone(),
        })
        .collect())
}

/// The paths a template can match, as segment lists: every optional parameter from the first
/// one on may be left out, as in the runtime's router.
fn expansions(segments: &[Segment]) -> Vec<Vec<Segment>> {
    let first_optional = segments.iter().position(Segment::is_optional);
    let Some(first) = first_optional else {
        return vec![segments.to_vec()];
    };
    let mut paths = vec![segments[..first].to_vec()];
    for end in first + 1..=segments.len() {
        paths.push(segments[..end].to_vec());
    }
    paths
}

fn prefix_segments(prefix: &str) -> Vec<Segment> {
    prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .map(Segment::literal)
        .collect()
}

fn render(segments: &[Segment]) -> String {
    let parts: Vec<String> = segments.iter().map(Segment::display).collect();
    format!("/{}", parts.join("/"))
}

/// Every route problem of `records`, whose HTTP routes start with `prefix`.
pub(super) fn check_routes(records: &[FunctionRecord], prefix: &str) -> Vec<NameProblem> {
    let mut problems = Vec::new();
    let prefix = prefix_segments(prefix);
    // Each HTTP function with every path it matches, prefix included.
    let mut parsed: Vec<(HttpRoute<'_>, Vec<Vec<Segment>>)> = Vec::new();
    for record in records {
        let Some(route) = HttpRoute::of(record) else {
            continue;
        };
        match parse_template(&route.template) {
            Ok(segments) => {
                let paths = expansions(&segments)
                    .into_iter()
                    .map(|path| prefix.iter().cloned().chain(path).collect())
                    .collect();
                parsed.push((route, paths));
            }
            Err(reason) => problems.push(NameProblem::InvalidRoute {
                name: record.name.clone(),
                location: record.source.clone(),
                route: route.template.clone(),
                reason,
            }),
        }
    }
    problems.extend(clashes(&parsed));
    problems.extend(shadows(&parsed, records));
    problems
}

/// Functions that answer a common method on a path of the same shape.
fn clashes(parsed: &[(HttpRoute<'_>, Vec<Vec<Segment>>)]) -> Vec<NameProblem> {
    // Shape key -> (rendered path of the first function there, functions there).
    let mut by_shape: BTreeMap<Vec<String>, (String, Vec<usize>)> = BTreeMap::new();
    for (index, (_, paths)) in parsed.iter().enumerate() {
        for path in paths {
            let key: Vec<String> = path.iter().map(Segment::key).collect();
            let entry = by_shape
                .entry(key)
                .or_insert_with(|| (render(path), Vec::new()));
            if !entry.1.contains(&index) {
                entry.1.push(index);
            }
        }
    }
    let mut problems = Vec::new();
    let mut reported: Vec<Vec<usize>> = Vec::new();
    for (path, members) in by_shape.values() {
        let mut involved: Vec<usize> = Vec::new();
        let mut shared: Option<Vec<String>> = None;
        let mut every_method = false;
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                // Functions named alike are already refused as duplicates; their default
                // routes being alike too is the same mistake, not a second one.
                if parsed[a]
                    .0
                    .record
                    .name
                    .eq_ignore_ascii_case(&parsed[b].0.record.name)
                {
                    continue;
                }
                let overlap = match (&parsed[a].0.methods, &parsed[b].0.methods) {
                    (None, None) => {
                        every_method = true;
                        continue_with(&mut involved, a, b);
                        continue;
                    }
                    (None, Some(m)) | (Some(m), None) => m.clone(),
                    (Some(x), Some(y)) => x.iter().filter(|m| y.contains(m)).cloned().collect(),
                };
                if overlap.is_empty() {
                    continue;
                }
                continue_with(&mut involved, a, b);
                let set = shared.get_or_insert_with(Vec::new);
                for method in overlap {
                    if !set.contains(&method) {
                        set.push(method);
                    }
                }
            }
        }
        if involved.is_empty() {
            continue;
        }
        involved.sort_unstable();
        // Optional parameters give one pair several common shapes; one report is enough.
        if reported.contains(&involved) {
            continue;
        }
        reported.push(involved.clone());
        let methods = if every_method {
            Vec::new()
        } else {
            let mut methods: Vec<String> = shared
                .unwrap_or_default()
                .iter()
                .map(|m| m.to_ascii_uppercase())
                .collect();
            methods.sort();
            methods
        };
        let mut functions: Vec<(String, SourceLocation)> = involved
            .iter()
            .map(|&i| {
                let record = parsed[i].0.record;
                (record.name.clone(), record.source.clone())
            })
            .collect();
        functions.sort_by(|a, b| a.0.cmp(&b.0));
        problems.push(NameProblem::RouteClash {
            path: path.clone(),
            methods,
            functions,
        });
    }
    problems
}

fn continue_with(involved: &mut Vec<usize>, a: usize, b: usize) {
    for i in [a, b] {
        if !involved.contains(&i) {
            involved.push(i);
        }
    }
}

/// HTTP functions the host forwards or proxies (so the handler sees the request's own path)
/// whose path is `POST /{function name}`, the path of a payload-mode invocation, or `GET /`,
/// the readiness probe.
fn shadows(
    parsed: &[(HttpRoute<'_>, Vec<Vec<Segment>>)],
    records: &[FunctionRecord],
) -> Vec<NameProblem> {
    let mut problems = Vec::new();
    for (route, paths) in parsed {
        // Payload-mode functions always arrive as `POST /{their name}`: their route is never
        // seen by the handler.
        if !route.record.function.is_http_in_and_out() {
            continue;
        }
        let name = route.record.name.clone();
        let location = route.record.source.clone();
        if route.accepts("get") && paths.iter().any(Vec::is_empty) {
            problems.push(NameProblem::RouteShadowsHost {
                name: name.clone(),
                location: location.clone(),
                method: "GET",
                path: "/".to_owned(),
                taken: "the host's readiness probe, which the handler answers itself".to_owned(),
            });
        }
        if !route.accepts("post") {
            continue;
        }
        let Some(path) = paths.iter().find(|p| p.len() == 1) else {
            continue;
        };
        let shadowed: Vec<&FunctionRecord> = records
            .iter()
            .filter(|r| path[0].may_match(&r.name))
            .collect();
        if shadowed.is_empty() {
            continue;
        }
        let listed: Vec<String> = shadowed
            .iter()
            .take(3)
            .map(|r| format!("`{}` ({})", r.name, r.source))
            .collect();
        let more = match shadowed.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let (noun, s) = if shadowed.len() == 1 {
            ("function", "")
        } else {
            ("functions", "s")
        };
        problems.push(NameProblem::RouteShadowsHost {
            name,
            location,
            method: "POST",
            path: render(path),
            taken: format!(
                "the path{s} on which the host invokes the {noun} {}{more}",
                listed.join(", ")
            ),
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use azfn_spec::record::RECORD_FORMAT;
    use serde_json::json;

    fn http(
        name: &str,
        line: u32,
        route: Option<&str>,
        methods: Option<&[&str]>,
    ) -> FunctionRecord {
        let mut trigger = json!({"type": "httpTrigger", "direction": "in", "name": "req"});
        if let Some(route) = route {
            trigger["route"] = json!(route);
        }
        if let Some(methods) = methods {
            trigger["methods"] = json!(methods);
        }
        serde_json::from_value(json!({
            "format": RECORD_FORMAT,
            "name": name,
            "rust_fn": name,
            "source": {"file": "src/main.rs", "line": line, "column": 1},
            "function": {"bindings": [trigger, {"type": "http", "direction": "out", "name": "res"}]}
        }))
        .unwrap()
    }

    fn with_queue_output(mut record: FunctionRecord) -> FunctionRecord {
        record.function.bindings.push(
            serde_json::from_value(
                json!({"type": "queue", "direction": "out", "name": "q", "queueName": "q"}),
            )
            .unwrap(),
        );
        record
    }

    fn texts(problems: &[NameProblem]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn full_paths_join_prefix_and_template() {
        assert_eq!(full_path("api", "hello"), "/api/hello");
        assert_eq!(full_path("", "hello"), "/hello");
        assert_eq!(full_path("v1/api/", "/items/{id}"), "/v1/api/items/{id}");
        assert_eq!(full_path("api", ""), "/api");
    }

    #[test]
    fn same_shape_and_method_clash_whatever_the_parameter_names() {
        let records = [
            http("by_id", 3, Some("items/{id:int}"), Some(&["get"])),
            http("by_name", 9, Some("Items/{x}"), Some(&["get", "post"])),
        ];
        let problems = check_routes(&records, "api");
        assert_eq!(
            problems,
            [NameProblem::RouteClash {
                path: "/api/items/{id}".to_owned(),
                methods: vec!["GET".to_owned()],
                functions: vec![
                    ("by_id".to_owned(), records[0].source.clone()),
                    ("by_name".to_owned(), records[1].source.clone()),
                ],
            }]
        );
        let text = problems[0].to_string();
        assert!(
            text.contains("`by_id` (src/main.rs:3:1) and `by_name` (src/main.rs:9:1)"),
            "{text}"
        );
        assert!(
            text.contains("both answer GET on /api/items/{id}"),
            "{text}"
        );
        assert!(text.contains("give one of them another `route`"), "{text}");
    }

    #[test]
    fn different_methods_or_literals_do_not_clash() {
        let records = [
            http("read", 1, Some("items/{id}"), Some(&["get"])),
            http("write", 2, Some("items/{id}"), Some(&["put", "post"])),
            http("special", 3, Some("items/special"), Some(&["get"])),
            http("other", 4, Some("things/{id}"), None),
        ];
        assert!(check_routes(&records, "api").is_empty());
    }

    #[test]
    fn no_methods_means_every_method() {
        let records = [
            http("a", 1, Some("x"), None),
            http("b", 2, Some("X"), Some(&["delete"])),
            http("c", 3, Some("y"), None),
            http("d", 4, Some("y/"), None),
        ];
        let problems = check_routes(&records, "api");
        let texts = texts(&problems);
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(
            texts[0].contains("both answer DELETE on /api/x"),
            "{}",
            texts[0]
        );
        assert!(
            texts[1].contains("both answer every method on /api/y"),
            "{}",
            texts[1]
        );
    }

    #[test]
    fn the_default_route_is_the_function_name() {
        let records = [
            http("hello", 1, None, Some(&["get"])),
            http("greet", 2, Some("HELLO"), Some(&["get"])),
        ];
        let problems = check_routes(&records, "api");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].to_string().contains("on /api/hello,"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn functions_named_alike_are_left_to_the_duplicate_name_check() {
        let records = [
            http("hello", 1, None, None),
            http("HELLO", 2, None, None),
            http("greet", 3, Some("hello"), None),
        ];
        let texts = texts(&check_routes(&records, "api"));
        // Only `greet` clashes with them; `hello`/`HELLO` are one mistake, reported elsewhere.
        assert_eq!(texts.len(), 1, "{texts:#?}");
        assert!(texts[0].starts_with("functions `HELLO` (src/main.rs:2:1), `greet` (src/main.rs:3:1), `hello` (src/main.rs:1:1) all answer every method"), "{}", texts[0]);
    }

    #[test]
    fn optional_parameters_clash_with_the_shorter_route_once() {
        let records = [
            http("list", 1, Some("items"), Some(&["get"])),
            http("page", 2, Some("items/{page?}"), Some(&["get"])),
            http("paged", 3, Some("items/{page=1}"), Some(&["get"])),
        ];
        let texts = texts(&check_routes(&records, "api"));
        // list~page, list~paged (on /api/items), and page~paged (on both paths, reported once).
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(
            texts
                .iter()
                .any(|t| t.contains("`list`") && t.contains("`page`") && t.contains("`paged`")),
            "{texts:#?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("/api/items/{page}")),
            "{texts:#?}"
        );
    }

    #[test]
    fn invalid_templates_are_reported_with_the_reason() {
        let records = [
            http("a", 1, Some("items//x"), None),
            http("b", 2, Some("items/{id"), None),
            http("c", 3, Some("{*rest}/x"), None),
            http("d", 4, Some("x/{}"), None),
            http("e", 5, Some("files/{name}.{ext}"), None),
            http("f", 6, Some("lit/{{braces}}"), None),
        ];
        let texts = texts(&check_routes(&records, "api"));
        assert_eq!(texts.len(), 4, "{texts:#?}");
        assert!(
            texts[0].contains("function `a` (src/main.rs:1:1) has the route `items//x`"),
            "{}",
            texts[0]
        );
        assert!(texts[0].contains("empty segment"), "{}", texts[0]);
        assert!(texts[1].contains("never closes"), "{}", texts[1]);
        assert!(
            texts[2].contains("must be the last segment"),
            "{}",
            texts[2]
        );
        assert!(texts[3].contains("has no name"), "{}", texts[3]);
    }

    #[test]
    fn complex_segments_compare_by_their_literal_parts() {
        let records = [
            http("a", 1, Some("files/{name}.{ext}"), Some(&["get"])),
            http("b", 2, Some("FILES/{base}.{kind:alpha}"), Some(&["get"])),
            http("c", 3, Some("files/{name}-{ext}"), Some(&["get"])),
        ];
        let problems = check_routes(&records, "api");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].to_string().contains("`a`") && problems[0].to_string().contains("`b`"));
    }

    #[test]
    fn with_an_empty_prefix_a_route_on_a_function_name_is_refused() {
        let records = [
            http("hello", 1, None, None),
            http("orders", 2, Some("Reports"), Some(&["post"])),
            http("reports", 3, Some("reports/{id}"), Some(&["get"])),
        ];
        let texts = texts(&check_routes(&records, ""));
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(texts[0].starts_with("function `hello` (src/main.rs:1:1) serves POST /hello, which is the path on which the host invokes the function `hello` (src/main.rs:1:1)"), "{}", texts[0]);
        assert!(texts[0].contains("keep a route prefix"), "{}", texts[0]);
        assert!(
            texts[1].contains("`orders` (src/main.rs:2:1) serves POST /Reports"),
            "{}",
            texts[1]
        );
        assert!(
            texts[1].contains("function `reports` (src/main.rs:3:1)"),
            "{}",
            texts[1]
        );
        // With the default prefix the same routes are fine.
        assert!(check_routes(&records, DEFAULT_ROUTE_PREFIX).is_empty());
    }

    #[test]
    fn parameters_shadow_the_names_their_constraints_accept() {
        let mut records = vec![http("catch", 1, Some("{*path}"), Some(&["post"]))];
        records.extend((0..5).map(|i| {
            with_queue_output(http(
                &format!("f{i}"),
                10 + i,
                Some(&format!("x/f{i}")),
                None,
            ))
        }));
        let texts = texts(&check_routes(&records, ""));
        assert_eq!(texts.len(), 1, "{texts:#?}");
        assert!(
            texts[0].contains("the paths on which the host invokes the functions `catch`"),
            "{}",
            texts[0]
        );
        assert!(texts[0].contains(" and 3 more;"), "{}", texts[0]);

        // `_` is not a letter, so `{word:alpha}` takes none of these names; a number or a
        // bool never is a function name.
        for route in ["{id:int}", "{flag:bool}", "{word:alpha}", "{n:range(1,5)}"] {
            let records = [
                http("by_id", 1, Some(route), None),
                http("by_word", 2, Some("x/y"), None),
            ];
            assert!(check_routes(&records, "").is_empty(), "{route}");
        }
        let records = [http("word", 1, Some("{word:alpha}"), None)];
        assert_eq!(check_routes(&records, "").len(), 1);
    }

    #[test]
    fn payload_mode_functions_never_shadow() {
        let records = [with_queue_output(http("order", 1, None, Some(&["post"])))];
        assert!(check_routes(&records, "").is_empty());
    }

    #[test]
    fn an_empty_route_without_prefix_takes_the_readiness_probe() {
        let records = [http("root", 1, Some(""), Some(&["get"]))];
        let found = texts(&check_routes(&records, ""));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("serves GET /, which is the host's readiness probe"),
            "{}",
            found[0]
        );
        // And with the prefix `api`, the empty route is `/api`, which only a function named
        // `api` would share.
        let records = [
            http("root", 1, Some(""), None),
            http("api", 2, Some("x"), None),
        ];
        let texts = texts(&check_routes(&records, "api"));
        assert_eq!(texts.len(), 1, "{texts:#?}");
        assert!(texts[0].contains("serves POST /api"), "{}", texts[0]);
    }

    #[test]
    fn methods_are_read_case_insensitively() {
        let record = http("a", 1, None, Some(&["GET", "get", "Post"]));
        let route = HttpRoute::of(&record).unwrap();
        assert_eq!(route.methods_label(), "GET,POST");
        let record = http("a", 1, None, Some(&[]));
        assert_eq!(HttpRoute::of(&record).unwrap().methods_label(), "ANY");
    }
}
