//! HTTP route templates as the Functions host reads them: ASP.NET Core's syntax
//! (`products/{id:int}`, `files/{*path}`, `items/{page?}`, `a/{b=default}`, `{{`/`}}` for
//! literal braces, complex segments such as `{name}.{ext}`), how a request path is cut into
//! the segments they match, the matcher, the constraint evaluator and ASP.NET's precedence.
//!
//! The host hands `route` to ASP.NET Core routing, so the rules are aspnetcore's
//! (`src/Http/Routing/src`):
//! - parsing: `Patterns/RoutePatternParser.cs` (segments, escapes, consecutive `/`, a
//!   trailing `/` ignored, `~/` and `/` prefixes, catch-all last, names unique ignoring
//!   case, one parameter after another refused) and `Patterns/RouteParameterParser.cs`
//!   (`*`/`**`, trailing `?`, `:constraint(args)`, `=default`);
//! - constraints: `Constraints/*RouteConstraint.cs`, invariant culture;
//! - matching: `RoutePatternMatcher.cs` (literals compared with `OrdinalIgnoreCase`; an absent
//!   segment takes its default, or is left out when optional; a catch-all takes the rest);
//! - which route wins: not ASP.NET's precedence but the Functions host's own order, from
//!   azure-webjobs-sdk-extensions `src/WebJobs.Extensions.Http/WebJobsRouteBuilder.cs`
//!   (`RouteComparison`), the first matching route in that order taking the request;
//! - constraint names: ASP.NET's default `RouteOptions.ConstraintMap`, which the host's
//!   `DefaultInlineConstraintResolver` uses (`Routing/src/RouteOptions.cs`).
//!
//! Complex segments parse (so templates using them are judged and compared), but
//! [`RouteTemplate::matches`] does not match them: [`RouteTemplate::has_complex_segments`]
//! lets a caller refuse such a template instead of routing wrong. Regular-expression
//! constraints are parsed but not evaluated: there is no regex engine here.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use crate::dotnet::long_try_parse;

/// A parsed route template.
///
/// ```
/// use azfn_spec::route::RouteTemplate;
/// let template = RouteTemplate::parse("products/{id:int}/{tag?}").unwrap();
/// let path = azfn_spec::route::path_segments("/Products/42/");
/// assert_eq!(
///     template.matches(&path).unwrap(),
///     [("id".to_owned(), Some("42".to_owned())), ("tag".to_owned(), None)]
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RouteTemplate {
    segments: Vec<Segment>,
}

/// One `/`-separated segment of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Literal text and parameters, in order; one part unless the segment is complex.
    pub parts: Vec<Part>,
    /// Byte range of the segment in the template.
    pub range: Range<usize>,
}

/// A piece of a segment.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text, escapes resolved (`{{` is `{`).
    Literal(String),
    /// A `{...}` parameter.
    Parameter(Parameter),
}

/// A `{name...}` route parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name, as written.
    pub name: String,
    /// Byte range of the whole `{...}` in the template.
    pub range: Range<usize>,
    /// Byte range of the name in the template.
    pub name_range: Range<usize>,
    /// `{name?}`: the path may leave it out.
    pub optional: bool,
    /// `{*name}` or `{**name}`: the rest of the path.
    pub catch_all: bool,
    /// `{name=value}`: the value when the path leaves it out.
    pub default: Option<String>,
    /// The `:constraint`s, in order.
    pub constraints: Vec<Constraint>,
}

/// An inline route constraint (ASP.NET's default constraint map).
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// `int`: `int.TryParse`.
    Int,
    /// `long`: `long.TryParse`.
    Long,
    /// `bool`: `bool.TryParse`.
    Bool,
    /// `guid`: `Guid.TryParse`.
    Guid,
    /// `alpha`: ASCII letters only.
    Alpha,
    /// `float` and `double`: `double.TryParse` with `NumberStyles.Float | AllowThousands`.
    Double,
    /// `decimal`: `decimal.TryParse` with `NumberStyles.Number`.
    Decimal,
    /// `datetime`: accepted without evaluation (.NET's date parsing is not re-implemented).
    DateTime,
    /// `required`: a non-empty value.
    Required,
    /// `minlength(n)`.
    MinLength(usize),
    /// `maxlength(n)`.
    MaxLength(usize),
    /// `length(n)` (as `Length(n, n)`) or `length(min,max)`.
    Length(usize, usize),
    /// `min(n)`: a `long` at least `n`.
    Min(i64),
    /// `max(n)`: a `long` at most `n`.
    Max(i64),
    /// `range(a,b)`: a `long` in `a..=b`.
    Range(i64, i64),
    /// `regex(pattern)`: parsed, not evaluated.
    Regex(String),
    /// `file`: the value's last `/`-separated part has a `.` followed by something other
    /// than dots (`FileNameRouteConstraint`).
    File,
    /// `nonfile`: not `file`.
    NonFile,
}

/// What is wrong with a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteErrorKind {
    /// `//`: a segment with nothing in it.
    EmptySegment,
    /// A leading `~` not followed by `/`.
    TildeWithoutSlash,
    /// A `{` with no `}` after it.
    UnclosedParameter,
    /// A `}` with no `{` before it (write `}}` for a literal brace).
    UnmatchedCloseBrace,
    /// A `{` inside a parameter.
    BraceInParameter,
    /// A `?` outside a parameter: routes are paths, the rest would be a query string.
    QueryString,
    /// `{}`, `{*}`, `{?}`, or a name with `/`, `{`, `}`, `?` or `*` in it.
    InvalidParameterName {
        /// The name as parsed (empty for `{}`).
        name: String,
        /// Byte range of the whole `{...}`.
        parameter: Range<usize>,
    },
    /// A name used twice, ignoring case.
    DuplicateParameter(String),
    /// A catch-all that is not the last segment.
    CatchAllNotLast(String),
    /// A catch-all sharing its segment with other parts.
    CatchAllInComplexSegment(String),
    /// `{*name?}`.
    OptionalCatchAll(String),
    /// `{name?=value}` or `{name=value?}`.
    OptionalWithDefault(String),
    /// `{a}{b}`: two parameters with no literal between them.
    ConsecutiveParameters,
    /// An optional parameter in a complex segment that is not its last part, or not
    /// preceded by `.`.
    OptionalInComplexSegment(String),
    /// A constraint name ASP.NET does not know.
    UnknownConstraint(String),
    /// A known constraint with missing or wrong arguments; the text is the whole constraint.
    ConstraintArguments(String),
}

/// A problem in a template, with the byte range of the part at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteError {
    /// What is wrong.
    pub kind: RouteErrorKind,
    /// Byte range in the template; never empty unless the template is.
    pub range: Range<usize>,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RouteErrorKind as K;
        match &self.kind {
            K::EmptySegment => f.write_str("it has an empty segment (`//`)"),
            K::TildeWithoutSlash => f.write_str("a leading `~` must be followed by `/`"),
            K::UnclosedParameter => f.write_str("a `{` opens a parameter and never closes it"),
            K::UnmatchedCloseBrace => f.write_str(
                "a `}` closes a parameter it never opened; write `}}` for a literal brace",
            ),
            K::BraceInParameter => {
                f.write_str("a `{` inside a parameter; write `{{` and `}}` for literal braces")
            }
            K::QueryString => f.write_str("it contains `?`: a route is a path, not a query string"),
            K::InvalidParameterName { name, .. } if name.is_empty() => {
                f.write_str("the parameter has no name")
            }
            K::InvalidParameterName { name, .. } => write!(
                f,
                "the parameter name `{name}` is invalid: names cannot contain `/`, `{{`, `}}`, `?` or `*`"
            ),
            K::DuplicateParameter(name) => write!(f, "the parameter `{name}` appears twice"),
            K::CatchAllNotLast(name) => write!(
                f,
                "the catch-all parameter `{{*{name}}}` must be the last segment"
            ),
            K::CatchAllInComplexSegment(name) => write!(
                f,
                "the catch-all parameter `{{*{name}}}` must be a segment of its own"
            ),
            K::OptionalCatchAll(name) => {
                write!(
                    f,
                    "the catch-all parameter `{{*{name}}}` cannot be optional"
                )
            }
            K::OptionalWithDefault(name) => write!(
                f,
                "the parameter `{name}` cannot be both optional and have a default"
            ),
            K::ConsecutiveParameters => f.write_str(
                "two parameters follow each other; separate them with `/` or literal text",
            ),
            K::OptionalInComplexSegment(name) => write!(
                f,
                "the optional parameter `{name}` must end its segment, after a `.`"
            ),
            K::UnknownConstraint(name) => write!(
                f,
                "the constraint `{name}` could not be resolved (known: int, long, bool, guid, \
                 alpha, decimal, double, float, datetime, required, regex, minlength, \
                 maxlength, length, min, max, range, file, nonfile)"
            ),
            K::ConstraintArguments(text) => write!(
                f,
                "the constraint `{text}` has wrong arguments (lengths and bounds are integers: \
                 `minlength(3)`, `length(1,20)`, `range(1,10)`)"
            ),
        }
    }
}

impl std::error::Error for RouteError {}

/// Route values in template order: the parameter name and what the path gave it (`None` for
/// an optional parameter the path left out).
pub type RouteValues = Vec<(String, Option<String>)>;

impl RouteTemplate {
    /// Parses a template as written in `function.json` (a leading `/` or `~/` is allowed,
    /// and a trailing `/` ignored). Every problem is reported, each with its byte range.
    pub fn parse(template: &str) -> Result<Self, Vec<RouteError>> {
        let (parsed, errors) = Self::parse_lenient(template);
        if errors.is_empty() {
            Ok(parsed)
        } else {
            Err(errors)
        }
    }

    /// [`RouteTemplate::parse`], every error in one message (`; `-separated), for code that
    /// reports a template as a whole (emit, the local host).
    pub fn parse_or_message(template: &str) -> Result<Self, String> {
        Self::parse(template).map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Parses as [`parse`](Self::parse) does, but also returns what could be parsed beside
    /// the problems (parameters with a valid name, for instance), for callers that judge the
    /// parameters further.
    pub fn parse_lenient(template: &str) -> (Self, Vec<RouteError>) {
        let mut parser = Parser {
            template,
            errors: Vec::new(),
            names: Vec::new(),
        };
        let segments = parser.segments();
        let mut errors = parser.errors;
        errors.sort_by_key(|e| e.range.start);
        (RouteTemplate { segments }, errors)
    }

    /// The segments, in order (none for the empty template).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Every parameter, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.segments.iter().flat_map(|s| {
            s.parts.iter().filter_map(|p| match p {
                Part::Parameter(p) => Some(p),
                Part::Literal(_) => None,
            })
        })
    }

    /// True when a segment mixes literal text and parameters (`{name}.{ext}`), which
    /// [`matches`](Self::matches) does not match.
    pub fn has_complex_segments(&self) -> bool {
        self.segments.iter().any(|s| s.parts.len() > 1)
    }

    /// Matches path segments (from [`path_segments`], route prefix removed): literals ignoring
    /// case, parameters by their constraints.
    pub fn matches<S: AsRef<str>>(&self, path: &[S]) -> Option<RouteValues> {
        let mut values = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            let value = path.get(index).map(AsRef::as_ref);
            match segment.parts.as_slice() {
                [Part::Literal(literal)] => {
                    if !value.is_some_and(|v| eq_ignore_case(v, literal)) {
                        return None;
                    }
                }
                [Part::Parameter(param)] if param.catch_all => {
                    let rest = path.get(index..).map_or_else(String::new, |rest| {
                        rest.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("/")
                    });
                    if rest.is_empty() {
                        values.push((param.name.clone(), param.default.clone()));
                    } else {
                        if !param.accepts(&rest) {
                            return None;
                        }
                        values.push((param.name.clone(), Some(rest)));
                    }
                    return Some(values);
                }
                [Part::Parameter(param)] => match value {
                    Some("") => return None,
                    Some(value) => {
                        if !param.accepts(value) {
                            return None;
                        }
                        values.push((param.name.clone(), Some(value.to_owned())));
                    }
                    None if param.default.is_some() => {
                        values.push((param.name.clone(), param.default.clone()));
                    }
                    None if param.optional => values.push((param.name.clone(), None)),
                    None => return None,
                },
                _ => return None,
            }
        }
        (path.len() <= self.segments.len()).then_some(values)
    }

    /// The order in which the host tries two routes: `WebJobsRouteBuilder.RouteComparison`,
    /// which sorts the host's routes before the first match wins. Segment by segment, on each
    /// segment's first part: a literal before a parameter, a parameter with more constraints
    /// before one with fewer, different literals by their text ignoring case; then the
    /// longer template first. [`Ordering::Less`] means `self` is tried first.
    pub fn compare_precedence(&self, other: &RouteTemplate) -> Ordering {
        for (i, mine) in self.segments.iter().enumerate() {
            let Some(theirs) = other.segments.get(i) else {
                return Ordering::Less;
            };
            let order = match (&mine.parts[0], &theirs.parts[0]) {
                (Part::Literal(_), Part::Parameter(_)) => Ordering::Less,
                (Part::Parameter(_), Part::Literal(_)) => Ordering::Greater,
                (Part::Parameter(a), Part::Parameter(b)) => {
                    b.constraints.len().cmp(&a.constraints.len())
                }
                (Part::Literal(a), Part::Literal(b)) => compare_ignore_case(a, b),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        if other.segments.len() > self.segments.len() {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

impl Parameter {
    /// True when `value` passes every constraint.
    pub fn accepts(&self, value: &str) -> bool {
        self.constraints.iter().all(|c| c.accepts(value))
    }
}

impl Constraint {
    /// Whether a route value passes this constraint, as ASP.NET's constraint class decides.
    pub fn accepts(&self, value: &str) -> bool {
        // .NET string lengths count UTF-16 code units.
        let length = || value.encode_utf16().count();
        match self {
            Constraint::Int => crate::dotnet::int_try_parse(value).is_some(),
            Constraint::Long => long_try_parse(value).is_some(),
            Constraint::Bool => {
                matches!(value.trim().to_ascii_lowercase().as_str(), "true" | "false")
            }
            Constraint::Guid => is_guid(value),
            Constraint::Alpha => value.bytes().all(|b| b.is_ascii_alphabetic()),
            Constraint::Double => is_double(value),
            Constraint::Decimal => is_decimal(value),
            Constraint::DateTime | Constraint::Regex(_) => true,
            Constraint::Required => !value.is_empty(),
            Constraint::MinLength(n) => length() >= *n,
            Constraint::MaxLength(n) => length() <= *n,
            Constraint::Length(min, max) => (*min..=*max).contains(&length()),
            Constraint::Min(n) => long_try_parse(value).is_some_and(|v| v >= *n),
            Constraint::Max(n) => long_try_parse(value).is_some_and(|v| v <= *n),
            Constraint::Range(a, b) => {
                long_try_parse(value).is_some_and(|v| (*a..=*b).contains(&v))
            }
            Constraint::File => is_file_name(value),
            Constraint::NonFile => !is_file_name(value),
        }
    }

    /// Resolves `name(args)` as ASP.NET's default constraint map does (names ignoring case).
    fn resolve(text: &str) -> Result<Self, RouteErrorKind> {
        let (name, args) = match text.split_once('(') {
            Some((name, rest)) => match rest.strip_suffix(')') {
                Some(args) => (name, Some(args)),
                None => return Err(RouteErrorKind::ConstraintArguments(text.to_owned())),
            },
            None => (text, None),
        };
        let wrong = || RouteErrorKind::ConstraintArguments(text.to_owned());
        let numbers = || -> Result<Vec<i64>, RouteErrorKind> {
            args.ok_or_else(wrong)?
                .split(',')
                .map(|a| a.trim().parse::<i64>().map_err(|_| wrong()))
                .collect()
        };
        let size = |n: i64| usize::try_from(n).map_err(|_| wrong());
        let one = || match numbers()?.as_slice() {
            [n] => Ok(*n),
            _ => Err(wrong()),
        };
        let plain = |c: Constraint| if args.is_none() { Ok(c) } else { Err(wrong()) };
        match name.to_ascii_lowercase().as_str() {
            "int" => plain(Constraint::Int),
            "long" => plain(Constraint::Long),
            "bool" => plain(Constraint::Bool),
            "guid" => plain(Constraint::Guid),
            "alpha" => plain(Constraint::Alpha),
            "double" | "float" => plain(Constraint::Double),
            "decimal" => plain(Constraint::Decimal),
            "datetime" => plain(Constraint::DateTime),
            "required" => plain(Constraint::Required),
            "file" => plain(Constraint::File),
            "nonfile" => plain(Constraint::NonFile),
            "regex" => Ok(Constraint::Regex(args.ok_or_else(wrong)?.to_owned())),
            "minlength" => Ok(Constraint::MinLength(size(one()?)?)),
            "maxlength" => Ok(Constraint::MaxLength(size(one()?)?)),
            "min" => Ok(Constraint::Min(one()?)),
            "max" => Ok(Constraint::Max(one()?)),
            "length" => match numbers()?.as_slice() {
                [n] => Ok(Constraint::Length(size(*n)?, size(*n)?)),
                [a, b] => Ok(Constraint::Length(size(*a)?, size(*b)?)),
                _ => Err(wrong()),
            },
            "range" => match numbers()?.as_slice() {
                [a, b] => Ok(Constraint::Range(*a, *b)),
                _ => Err(wrong()),
            },
            _ => Err(RouteErrorKind::UnknownConstraint(name.to_owned())),
        }
    }
}

/// `FileNameRouteConstraint.IsFileName`.
fn is_file_name(value: &str) -> bool {
    let last = value.rsplit('/').next().unwrap_or(value);
    last.split_once('.')
        .is_some_and(|(_, after)| after.chars().any(|c| c != '.'))
}

/// `Guid.TryParse` for the `D`, `N`, `B` and `P` formats.
fn is_guid(value: &str) -> bool {
    let value = value.trim();
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| value.strip_prefix('(').and_then(|v| v.strip_suffix(')')))
        .unwrap_or(value);
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if inner.len() == value.len() && hex(inner, 32) {
        return true;
    }
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&groups)
            .all(|(&n, g)| hex(g, n))
}

/// White space as `NumberStyles.AllowLeadingWhite`/`AllowTrailingWhite` mean it.
fn trim_dotnet_white(text: &str) -> &str {
    text.trim_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c))
}

/// `double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, Invariant)`:
/// digits with `,` group separators before the point, an exponent, or the invariant
/// culture's `NaN`/`Infinity` (any case, as .NET Core 3.0 and later read them).
fn is_double(value: &str) -> bool {
    let text = trim_dotnet_white(value);
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if ["nan", "infinity"].contains(&unsigned.to_ascii_lowercase().as_str()) {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    exponent_ok && is_grouped_number(mantissa)
}

/// `decimal.TryParse(value, NumberStyles.Number, Invariant)`: a sign before or after, digits
/// with `,` group separators before the point, no exponent.
fn is_decimal(value: &str) -> bool {
    let text = trim_dotnet_white(value);
    let unsigned = text
        .strip_prefix(['+', '-'])
        .or_else(|| text.strip_suffix(['+', '-']))
        .unwrap_or(text);
    is_grouped_number(trim_dotnet_white(unsigned))
}

/// `1,234.5`, `.5`, `5.`: at least one digit, group separators only before the point.
fn is_grouped_number(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = whole.bytes().filter(u8::is_ascii_digit).count()
        + fraction.bytes().filter(u8::is_ascii_digit).count();
    digits > 0
        && !whole.starts_with(',')
        && whole.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// `string.Compare(a, b, StringComparison.OrdinalIgnoreCase)`: upper-cased chars compared by
/// code point.
fn compare_ignore_case(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_uppercase)
        .cmp(b.chars().flat_map(char::to_uppercase))
}

/// `string.Equals(a, b, StringComparison.OrdinalIgnoreCase)`: char by char, upper-cased.
fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (!a.is_ascii() || !b.is_ascii())
            && a.chars()
                .flat_map(char::to_uppercase)
                .eq(b.chars().flat_map(char::to_uppercase))
}

/// A request path as the host's routing matches it: split on `/` after the leading one,
/// each segment percent-decoded (invalid escapes kept as written, invalid UTF-8 replaced), a
/// trailing `/` ignored. `/` is no segment at all.
///
/// ```
/// assert_eq!(azfn_spec::route::path_segments("/api/%68ello/"), ["api", "hello"]);
/// assert!(azfn_spec::route::path_segments("/").is_empty());
/// ```
pub fn path_segments(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/').map(|s| percent_decode(s, false)).collect()
}

/// Percent-decodes `text` as `Uri.UnescapeDataString` does (invalid escapes stay as written,
/// invalid UTF-8 becomes U+FFFD); with `plus_is_space`, a `+` is a space, as in query strings
/// (`%2B` stays a `+`).
///
/// ```
/// use azfn_spec::route::percent_decode;
/// assert_eq!(percent_decode("a%20b+c%2B%zz%", true), "a b c+%zz%");
/// ```
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    if plus_is_space && text.contains('+') {
        let spaced = text.replace('+', " ");
        return percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The path segments after the route prefix (`api`, `v1/api`, or empty), the prefix matched
/// ignoring case; `None` when the path does not start with it.
///
/// ```
/// let path = azfn_spec::route::path_segments("/API/hello");
/// assert_eq!(azfn_spec::route::strip_route_prefix(&path, "api"), Some(&path[1..]));
/// ```
pub fn strip_route_prefix<'p, S: AsRef<str>>(segments: &'p [S], prefix: &str) -> Option<&'p [S]> {
    let mut rest = segments;
    for part in prefix.split('/').filter(|s| !s.is_empty()) {
        let (first, tail) = rest.split_first()?;
        if !eq_ignore_case(first.as_ref(), part) {
            return None;
        }
        rest = tail;
    }
    Some(rest)
}

/// The state of one parse: the template, the problems so far, the names seen.
struct Parser<'t> {
    template: &'t str,
    errors: Vec<RouteError>,
    names: Vec<String>,
}

impl Parser<'_> {
    fn error(&mut self, kind: RouteErrorKind, range: Range<usize>) {
        self.errors.push(RouteError { kind, range });
    }

    fn segments(&mut self) -> Vec<Segment> {
        let template = self.template;
        let bytes = template.as_bytes();
        let start = if template.starts_with("~/") {
            2
        } else if template.starts_with('/') {
            1
        } else if template.starts_with('~') {
            self.error(RouteErrorKind::TildeWithoutSlash, 0..1);
            1
        } else {
            0
        };
        let mut segments = Vec::new();
        let mut i = start;
        while i < bytes.len() {
            if bytes[i] == b'/' {
                // The separator before was consumed with its segment: this one is a second.
                self.error(RouteErrorKind::EmptySegment, i - 1..i + 1);
                i += 1;
                continue;
            }
            let (segment, end, readable) = self.segment(i);
            if !segment.parts.is_empty() {
                segments.push(segment);
            }
            if !readable {
                break;
            }
            // Past the separator; a trailing `/` leaves nothing more to read.
            i = end + 1;
        }
        self.check_catch_alls(&segments);
        segments
    }

    /// The segment starting at byte `start`, where it ends (at a `/` or the end), and
    /// whether the rest of the template can be read (not after an unclosed `{` or a `?`).
    fn segment(&mut self, start: usize) -> (Segment, usize, bool) {
        let template = self.template;
        let bytes = template.as_bytes();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut i = start;
        let mut stop = false;
        while i < bytes.len() && bytes[i] != b'/' {
            match bytes[i] {
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    literal.push('{');
                    i += 2;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    literal.push('}');
                    i += 2;
                }
                b'}' => {
                    self.error(RouteErrorKind::UnmatchedCloseBrace, i..i + 1);
                    i += 1;
                }
                b'{' => {
                    let Some(close) = self.parameter_end(i) else {
                        self.error(RouteErrorKind::UnclosedParameter, i..i + 1);
                        stop = true;
                        break;
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    if let Some(param) = self.parameter(i..close + 1) {
                        parts.push(Part::Parameter(param));
                    }
                    i = close + 1;
                }
                b'?' => {
                    self.error(RouteErrorKind::QueryString, i..bytes.len());
                    stop = true;
                    break;
                }
                _ => {
                    let c = template[i..].chars().next().expect("in bounds");
                    literal.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        let range = start..i;
        self.check_complex(&parts, &range);
        (Segment { parts, range }, i, !stop)
    }

    /// The index of the `}` closing the parameter opened at `open` (`}}` inside is an
    /// escaped brace), reporting a `{` inside it.
    fn parameter_end(&mut self, open: usize) -> Option<usize> {
        let bytes = self.template.as_bytes();
        let mut j = open + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'{' if bytes.get(j + 1) == Some(&b'{') => j += 2,
                b'{' => {
                    self.error(RouteErrorKind::BraceInParameter, j..j + 1);
                    j += 1;
                }
                b'}' if bytes.get(j + 1) == Some(&b'}') => j += 2,
                b'}' => return Some(j),
                _ => j += 1,
            }
        }
        None
    }

    /// Parses the `{...}` at `range` as `RouteParameterParser.ParseRouteParameter` does.
    fn parameter(&mut self, range: Range<usize>) -> Option<Parameter> {
        let inner_start = range.start + 1;
        let inner = &self.template[inner_start..range.end - 1];
        let mut body = 0..inner.len();
        let catch_all = inner.starts_with('*');
        if inner.starts_with("**") {
            body.start = 2;
        } else if catch_all {
            body.start = 1;
        }
        let optional = inner.len() > body.start && inner.ends_with('?');
        if optional {
            body.end -= 1;
        }
        // The name runs to the first `:` or `=` after its first character: a name may start
        // with either.
        let name_end = inner[body.clone()]
            .char_indices()
            .skip(1)
            .find(|(_, c)| matches!(c, ':' | '='))
            .map_or(body.end, |(i, _)| body.start + i);
        let name = unescape(&inner[body.start..name_end]);
        let name_range = inner_start + body.start..inner_start + name_end;
        let mut constraints = Vec::new();
        let mut default = None;
        let mut at = name_end;
        while at < body.end {
            if inner.as_bytes()[at] == b'=' {
                default = Some(unescape(&inner[at + 1..body.end]));
                break;
            }
            // At a `:`: the constraint runs to the next `:` or `=` outside parentheses.
            let text_start = at + 1;
            let mut depth = 0usize;
            let mut end = text_start;
            for (i, c) in inner[text_start..body.end].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    ':' | '=' if depth == 0 => break,
                    _ => {}
                }
                end = text_start + i + c.len_utf8();
            }
            let text = unescape(&inner[text_start..end]);
            match Constraint::resolve(&text) {
                Ok(c) => constraints.push(c),
                Err(kind) => {
                    let constraint_range = inner_start + text_start..inner_start + end;
                    let shown = if constraint_range.is_empty() {
                        range.clone()
                    } else {
                        constraint_range
                    };
                    self.error(kind, shown);
                }
            }
            at = end;
        }
        if catch_all && optional {
            self.error(
                RouteErrorKind::OptionalCatchAll(name.clone()),
                range.clone(),
            );
        }
        if optional && default.is_some() {
            self.error(
                RouteErrorKind::OptionalWithDefault(name.clone()),
                range.clone(),
            );
        }
        if name.is_empty() || name.contains(['/', '{', '}', '?', '*']) {
            let kind = RouteErrorKind::InvalidParameterName {
                name: name.clone(),
                parameter: range.clone(),
            };
            let shown = if name.is_empty() {
                range.clone()
            } else {
                name_range.clone()
            };
            self.error(kind, shown);
            return None;
        }
        if self.names.iter().any(|n| eq_ignore_case(n, &name)) {
            self.error(
                RouteErrorKind::DuplicateParameter(name.clone()),
                range.clone(),
            );
        } else {
            self.names.push(name.clone());
        }
        Some(Parameter {
            name,
            range,
            name_range,
            optional,
            catch_all,
            default,
            constraints,
        })
    }

    /// `RoutePatternParser.IsSegmentValid`: rules for segments of several parts.
    fn check_complex(&mut self, parts: &[Part], range: &Range<usize>) {
        if parts.len() < 2 {
            return;
        }
        for (i, part) in parts.iter().enumerate() {
            let Part::Parameter(param) = part else {
                continue;
            };
            if param.catch_all {
                self.error(
                    RouteErrorKind::CatchAllInComplexSegment(param.name.clone()),
                    param.range.clone(),
                );
            }
            if matches!(parts.get(i + 1), Some(Part::Parameter(_))) {
                self.error(RouteErrorKind::ConsecutiveParameters, range.clone());
            }
            let after_dot =
                matches!(parts.get(i.wrapping_sub(1)), Some(Part::Literal(l)) if l == ".");
            if param.optional && (i + 1 != parts.len() || !after_dot) {
                self.error(
                    RouteErrorKind::OptionalInComplexSegment(param.name.clone()),
                    param.range.clone(),
                );
            }
        }
    }

    /// A catch-all must be the last segment.
    fn check_catch_alls(&mut self, segments: &[Segment]) {
        let Some((_, before_last)) = segments.split_last() else {
            return;
        };
        for segment in before_last {
            if let [Part::Parameter(p)] = segment.parts.as_slice()
                && p.catch_all
            {
                self.error(
                    RouteErrorKind::CatchAllNotLast(p.name.clone()),
                    p.range.clone(),
                );
            }
        }
    }
}

/// Literal braces inside a parameter's text.
fn unescape(text: &str) -> String {
    text.replace("{{", "{").replace("}}", "}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.split('/').map(str::to_string).collect()
    }

    fn parse(template: &str) -> RouteTemplate {
        RouteTemplate::parse(template).unwrap_or_else(|e| panic!("{template}: {e:?}"))
    }

    /// Each error as (the part of the template it points at, its kind).
    fn errors(template: &str) -> Vec<(&str, RouteErrorKind)> {
        RouteTemplate::parse(template)
            .unwrap_err()
            .into_iter()
            .map(|e| (&template[e.range.clone()], e.kind))
            .collect()
    }

    #[test]
    fn constrained_and_optional_parameters() {
        let t = parse("products/{id:int}/{tag?}");
        assert_eq!(
            t.matches(&segs("Products/42")).unwrap(),
            vec![("id".into(), Some("42".into())), ("tag".into(), None)]
        );
        assert!(t.matches(&segs("products/x")).is_none());
        assert!(t.matches(&segs("products/1/a/b")).is_none());
    }

    #[test]
    fn catch_all_takes_the_rest() {
        let t = parse("files/{*path}");
        assert_eq!(
            t.matches(&segs("files/a/b.txt")).unwrap(),
            vec![("path".into(), Some("a/b.txt".into()))]
        );
        assert_eq!(
            t.matches(&segs("files")).unwrap(),
            vec![("path".into(), None)]
        );
        let t = parse("files/{**path=index.html}");
        assert_eq!(
            t.matches(&segs("files")).unwrap(),
            vec![("path".into(), Some("index.html".into()))]
        );
    }

    #[test]
    fn unknown_constraints_are_refused() {
        assert!(RouteTemplate::parse("a/{b:nope}").is_err());
        assert_eq!(
            errors("a/{b:nope}/{c:range(1)}"),
            [
                ("nope", RouteErrorKind::UnknownConstraint("nope".into())),
                (
                    "range(1)",
                    RouteErrorKind::ConstraintArguments("range(1)".into())
                ),
            ]
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b+c%zz%", true), "a b c%zz%");
        assert_eq!(percent_decode("%C3%A9", false), "é");
        assert_eq!(percent_decode("a+b%2B", false), "a+b+");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
    }

    #[test]
    fn paths_are_decoded_and_a_trailing_slash_ignored() {
        assert_eq!(path_segments("/api/Hello"), ["api", "Hello"]);
        assert_eq!(path_segments("/api/%68ello/"), ["api", "hello"]);
        assert_eq!(path_segments("/api//x"), ["api", "", "x"]);
        assert!(path_segments("/").is_empty());
        assert!(path_segments("").is_empty());
        let path = path_segments("/V1/Api/hello");
        assert_eq!(strip_route_prefix(&path, "v1/api/"), Some(&path[2..]));
        assert_eq!(strip_route_prefix(&path, ""), Some(&path[..]));
        assert_eq!(strip_route_prefix(&path, "api"), None);
        assert_eq!(strip_route_prefix(&path[..1], "v1/api"), None);
    }

    #[test]
    fn literals_match_ignoring_case_beyond_ascii() {
        let t = parse("Ärger/{x}");
        assert!(t.matches(&segs("äRGER/1")).is_some());
        assert!(t.matches(&segs("arger/1")).is_none());
    }

    #[test]
    fn parameters_carry_their_ranges() {
        let t = parse("products/{category:alpha}/{id:int?}/{*rest}");
        let params: Vec<&Parameter> = t.parameters().collect();
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["category", "id", "rest"]);
        assert!(params[1].optional && params[2].catch_all);
        assert_eq!(params[0].range, 9..25);
        assert_eq!(params[0].name_range, 10..18);
        assert_eq!(params[2].range, 36..43);
        assert_eq!(params[2].name_range, 38..42);
        assert_eq!(params[0].constraints, [Constraint::Alpha]);
        assert!(parse("a/{{literal}}/b").parameters().next().is_none());
        assert_eq!(
            parse("a/{{literal}}/b").segments()[1].parts,
            [Part::Literal("{literal}".into())]
        );
        assert!(parse("").segments().is_empty());
        assert!(parse("/").segments().is_empty());
        assert_eq!(parse("~/a/").segments().len(), 1);
    }

    #[test]
    fn defaults_constraints_and_names_parse_like_aspnet() {
        let t = parse("{id:int:range(1,10)=5}/{re:regex(^a(b|c)$)}/{:odd}");
        let params: Vec<&Parameter> = t.parameters().collect();
        assert_eq!(
            params[0].constraints,
            [Constraint::Int, Constraint::Range(1, 10)]
        );
        assert_eq!(params[0].default.as_deref(), Some("5"));
        assert_eq!(
            params[1].constraints,
            [Constraint::Regex("^a(b|c)$".into())]
        );
        // A name may start with `:` or `=`.
        assert_eq!(params[2].name, ":odd");
        assert_eq!(
            parse("{x:length(2,3)}")
                .parameters()
                .next()
                .unwrap()
                .constraints,
            [Constraint::Length(2, 3)]
        );
    }

    #[test]
    fn mistakes_are_pointed_at() {
        use RouteErrorKind as K;
        assert_eq!(errors("orders/{id"), [("{", K::UnclosedParameter)]);
        assert_eq!(
            errors("orders/{}"),
            [(
                "{}",
                K::InvalidParameterName {
                    name: String::new(),
                    parameter: 7..9
                }
            )]
        );
        assert_eq!(
            errors("a/{id}/{ID}"),
            [("{ID}", K::DuplicateParameter("ID".into()))]
        );
        assert_eq!(
            errors("a/{*rest}/b"),
            [("{*rest}", K::CatchAllNotLast("rest".into()))]
        );
        assert_eq!(errors("a?b=1"), [("?b=1", K::QueryString)]);
        assert_eq!(errors("a}/b"), [("}", K::UnmatchedCloseBrace)]);
        assert_eq!(errors("items//x"), [("//", K::EmptySegment)]);
        assert_eq!(errors("~a"), [("~", K::TildeWithoutSlash)]);
        assert_eq!(errors("{a}{b}"), [("{a}{b}", K::ConsecutiveParameters)]);
        assert_eq!(
            errors("f.{*rest}"),
            [("{*rest}", K::CatchAllInComplexSegment("rest".into()))]
        );
        assert_eq!(
            errors("{a?}.x"),
            [("{a?}", K::OptionalInComplexSegment("a".into()))]
        );
        assert_eq!(
            errors("{*a?}"),
            [("{*a?}", K::OptionalCatchAll("a".into()))]
        );
        assert_eq!(
            errors("{a=1?}"),
            [("{a=1?}", K::OptionalWithDefault("a".into()))]
        );
        // Only a last `?` makes a parameter optional: here it is part of the name.
        assert_eq!(
            errors("{a?=1}"),
            [(
                "a?",
                K::InvalidParameterName {
                    name: "a?".into(),
                    parameter: 0..6
                }
            )]
        );
        assert_eq!(
            errors("{a{b}"),
            [
                (
                    "a{b",
                    K::InvalidParameterName {
                        name: "a{b".into(),
                        parameter: 0..5
                    }
                ),
                ("{", K::BraceInParameter),
            ]
        );
        // Every mistake at once, in order.
        let found: Vec<&str> = errors("a}/{}/{x").into_iter().map(|(p, _)| p).collect();
        assert_eq!(found, ["}", "{}", "{"]);
        // What parsed is still there beside the errors.
        let (partial, found) = RouteTemplate::parse_lenient("a}/{id}/{x");
        assert_eq!(found.len(), 2);
        assert_eq!(partial.parameters().next().unwrap().name, "id");
        // A trailing `/`, even after a catch-all, is no segment.
        assert!(RouteTemplate::parse("files/{*rest}/").is_ok());
    }

    #[test]
    fn complex_segments_parse_but_do_not_match() {
        let t = parse("files/{name}.{ext?}");
        assert!(t.has_complex_segments());
        assert_eq!(t.segments()[1].parts.len(), 3);
        assert!(t.matches(&segs("files/a.txt")).is_none());
        assert!(!parse("files/{name}").has_complex_segments());
    }

    #[test]
    fn defaults_fill_absent_segments_and_empty_segments_match_nothing() {
        let t = parse("items/{page=1}");
        assert_eq!(
            t.matches(&segs("items")).unwrap(),
            vec![("page".into(), Some("1".into()))]
        );
        assert!(t.matches(&segs("items/")).is_none());
        assert!(parse("a").matches(&Vec::<String>::new()).is_none());
        assert!(parse("").matches(&Vec::<String>::new()).is_some());
        // An optional parameter before a literal: the literal is still needed.
        assert!(parse("{a?}/b").matches(&segs("x")).is_none());
    }

    #[test]
    fn constraints_evaluate_like_dotnet() {
        let accepts = |template: &str, value: &str| {
            let t = parse(template);
            t.matches(&[value]).is_some()
        };
        assert!(accepts("{x:int}", " -42 "));
        assert!(!accepts("{x:int}", "2147483648"));
        assert!(accepts("{x:long}", "2147483648"));
        assert!(accepts("{x:bool}", "TRUE"));
        assert!(!accepts("{x:bool}", "1"));
        assert!(accepts(
            "{x:guid}",
            "{6F9619FF-8B86-D011-B42D-00CF4FC964FF}"
        ));
        assert!(accepts("{x:guid}", "6f9619ff8b86d011b42d00cf4fc964ff"));
        assert!(!accepts("{x:guid}", "6f9619ff-8b86-d011-b42d"));
        assert!(accepts("{x:alpha}", "abcXYZ"));
        assert!(!accepts("{x:alpha}", "ab1"));
        for ok in ["1.5", "-1e3", "1,000.25", "NaN", "-infinity", ".5"] {
            assert!(accepts("{x:double}", ok), "{ok}");
        }
        for bad in ["inf", "1.2.3", "e5", "", ",1"] {
            assert!(!accepts("{x:float}", bad), "{bad}");
        }
        assert!(accepts("{x:decimal}", "1,234.5-"));
        assert!(!accepts("{x:decimal}", "1e3"));
        assert!(!accepts("{x:decimal}", "NaN"));
        assert!(accepts("{x:minlength(2)}", "ab"));
        assert!(!accepts("{x:maxlength(2)}", "abc"));
        // UTF-16 code units, as .NET counts: one emoji is two.
        assert!(!accepts("{x:length(1)}", "😀"));
        assert!(accepts("{x:length(2,3)}", "😀"));
        assert!(accepts("{x:min(5)}", "5"));
        assert!(!accepts("{x:max(5)}", "6"));
        assert!(accepts("{x:range(1,5)}", "3"));
        assert!(!accepts("{x:range(1,5)}", "x"));
        assert!(accepts("{x:regex(^\\d+$)}", "anything"));
        assert!(accepts("{x:datetime}", "anything"));
    }

    #[test]
    fn the_host_tries_literals_then_constrained_parameters_then_longer_routes() {
        let mut templates = [
            "{*rest}",
            "items/{id}",
            "{id}",
            "items/{id:int:min(1)}",
            "items/{id:int}",
            "Items",
            "about",
            "items/{id}/x",
        ];
        templates.sort_by(|a, b| parse(a).compare_precedence(&parse(b)));
        assert_eq!(
            templates,
            [
                "about",
                "items/{id:int:min(1)}",
                "items/{id:int}",
                "items/{id}/x",
                "items/{id}",
                "Items",
                "{*rest}",
                "{id}",
            ]
        );
        assert_eq!(
            parse("a/{x}").compare_precedence(&parse("A/{y}")),
            Ordering::Equal
        );
    }

    #[test]
    fn file_constraints() {
        let t = parse("{*path:file}");
        assert!(t.matches(&segs("a/b.txt")).is_some());
        assert!(t.matches(&segs("a.d/b")).is_none());
        assert!(t.matches(&segs("b..")).is_none());
        assert!(parse("{x:nonfile}").matches(&["readme"]).is_some());
    }
}
