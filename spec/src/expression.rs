//! Binding expressions in binding properties (`notes/{name}.txt`, `%Container%/{rand-guid}`):
//! one parser, the binding data they read, and one evaluator.
//!
//! Where each rule comes from (Azure/azure-webjobs-sdk, `src/Microsoft.Azure.WebJobs.Host`):
//! - `%Setting%` is replaced first, by `NameResolverExtensions.ResolveWholeString`: each `%`
//!   pairs with the next, and a setting that does not resolve is an error.
//! - `Bindings/Path/BindingTemplateParser.cs`: the template is literals, `{{` and `}}`
//!   (one brace each), and `{expression}`; an empty `{}` or a lone brace is an error.
//! - `Bindings/Path/BindingTemplateToken.cs` `NewExpression`: an expression that starts with
//!   `rand-guid` or `datetime` (any case) is a built-in whose format follows its `:`; any other
//!   expression is `a.b.c` with an optional `:format` after the first `:`, made of identifier
//!   characters, letters, digits, `_`, `.` and `-` (`IsValidIdentifier`), with no `-` in its first
//!   part. `Evaluate` looks the first part up in the binding data, then each further part as a
//!   property, ignoring case; only when the first part is absent is a built-in used, and
//!   otherwise the error is "No value for named parameter '...'".
//! - `Bindings/BindingDataPathHelper.cs` `ConvertParameterValueToString`: strings as they are,
//!   numbers in invariant culture, a date with the format or `yyyy-MM-ddTHH-mm-ssK`, a GUID with
//!   the format or `D`, a JSON object or array as nothing.
//! - `Bindings/SystemBindingData.cs`: `{sys.MethodName}`, `{sys.UtcNow}`, `{sys.RandGuid}`;
//!   binding data named `sys` takes precedence.
//! - Azure/azure-functions-host `src/WebJobs.Script/Utility.cs` `ApplyBindingData`: a trigger
//!   value that is a JSON object adds its top-level properties to the binding data, overriding
//!   the trigger's own (arrays and nulls left out, objects kept for `{a.b}`, other values as
//!   text, so `true` reads `True` as .NET writes it).
//!
//! The caller supplies the binding data, the app settings and the clock and GUID source, so
//! evaluation is deterministic in tests.
//!
//! ```
//! use azfn_spec::expression::{BindingData, FixedSystemValues, resolve};
//! let mut data = BindingData::new();
//! data.insert("QueueTrigger", r#"{"name":"second","text":"hi"}"#);
//! data.add_json_properties(r#"{"name":"second","text":"hi"}"#);
//! let sys = FixedSystemValues::default();
//! let path = resolve("%Container%/{Name}.txt", &data, |_| Some("notes".into()), &sys).unwrap();
//! assert_eq!(path, "notes/second.txt");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// A mistake in a template, or a value it needs that is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpressionError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the text that was parsed or evaluated of the part at fault.
    pub range: Range<usize>,
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpressionError {}

fn error(message: impl Into<String>, range: Range<usize>) -> ExpressionError {
    ExpressionError {
        message: message.into(),
        range,
    }
}

/// Replaces each `%Name%` in `text` with `setting(Name)`, as the host's name resolver does
/// before the template is parsed. Error ranges are bytes of `text`.
pub fn resolve_app_settings(
    text: &str,
    setting: impl Fn(&str) -> Option<String>,
) -> Result<String, ExpressionError> {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(offset) = text[i..].find('%') {
        let start = i + offset;
        let Some(len) = text[start + 1..].find('%') else {
            return Err(error(
                format!("the `%` at byte {start} of `{text}` has no closing `%`"),
                start..start + 1,
            ));
        };
        let end = start + 1 + len;
        let name = &text[start + 1..end];
        let value = setting(name).ok_or_else(|| {
            error(
                format!(
                    "`%{name}%` in `{text}` does not resolve to a value: no app setting `{name}`"
                ),
                start..end + 1,
            )
        })?;
        out.push_str(&text[i..start]);
        out.push_str(&value);
        i = end + 1;
    }
    out.push_str(&text[i..]);
    Ok(out)
}

/// A value the host computes itself, used when the binding data has no entry of that name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `{rand-guid}`, `{rand-guid:N}`: a new GUID.
    RandGuid,
    /// `{DateTime}`, `{datetime:yyyy-MM-dd}`: the current UTC time.
    DateTime,
}

impl Builtin {
    const ALL: [(Builtin, &'static str); 2] = [
        (Builtin::RandGuid, "rand-guid"),
        (Builtin::DateTime, "datetime"),
    ];

    /// The built-in an expression denotes: like the host, any expression that *starts* with
    /// its name, ignoring case.
    fn of(expression: &str) -> Option<(Builtin, &'static str)> {
        Builtin::ALL.into_iter().find(|(_, name)| {
            expression
                .get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
        })
    }
}

/// One `{...}` of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expression<'a> {
    /// Byte range of the whole `{...}` in the template.
    pub range: Range<usize>,
    /// The property path, `a.b.c` split at the dots. For a built-in, the one part is its whole
    /// text without the format (`rand-guid`).
    pub path: Vec<&'a str>,
    /// Byte range of the first part of the path in the template.
    pub name_range: Range<usize>,
    /// What follows the `:` (`yyyy-MM-dd`, `N`), if anything does.
    pub format: Option<&'a str>,
    /// The built-in used when the binding data has no entry named `path[0]`.
    pub builtin: Option<Builtin>,
    /// The text the binding data is looked up by first: the path's first part, or for a
    /// built-in the whole expression (as the host does, `{datetime:yyyy}` looks up
    /// `datetime:yyyy`).
    lookup: &'a str,
}

impl<'a> Expression<'a> {
    /// The name the trigger must provide (`name` for `{name}` and `{name.id}`).
    pub fn name(&self) -> &'a str {
        self.path[0]
    }
}

/// A piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// Text copied as it is (`{{` gives `{`).
    Literal(&'a str),
    /// A `{...}` to evaluate.
    Expression(Expression<'a>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template<'a> {
    /// The template text.
    pub text: &'a str,
    /// Its pieces, in order.
    pub tokens: Vec<Token<'a>>,
}

impl<'a> Template<'a> {
    /// The expressions, in order.
    pub fn expressions(&self) -> impl Iterator<Item = &Expression<'a>> {
        self.tokens.iter().filter_map(|t| match t {
            Token::Expression(e) => Some(e),
            Token::Literal(_) => None,
        })
    }

    /// Whether the template has any `{...}`.
    pub fn has_expressions(&self) -> bool {
        self.expressions().next().is_some()
    }

    /// The template's value for `data`, as the host's `BindingTemplate.Bind`.
    pub fn evaluate(
        &self,
        data: &BindingData,
        sys: &dyn SystemValues,
    ) -> Result<String, ExpressionError> {
        let mut out = String::new();
        for token in &self.tokens {
            match token {
                Token::Literal(text) => out.push_str(text),
                Token::Expression(e) => out.push_str(&evaluate(e, self.text, data, sys)?),
            }
        }
        Ok(out)
    }
}

/// Parses a template (after `%Setting%` replacement) as `BindingTemplateParser` does; the
/// first mistake is the error, with its byte range.
pub fn parse(text: &str) -> Result<Template<'_>, ExpressionError> {
    let mut first_error = None;
    let tokens = scan(text, &mut |e| {
        first_error = Some(e);
        false
    });
    match first_error {
        Some(e) => Err(e),
        None => Ok(Template { text, tokens }),
    }
}

/// The expressions of `text`, skipping a `{...}` that is not one and stopping at a brace
/// never closed: for a caller that lists the names a template uses and leaves its mistakes
/// to [`parse`] or to the host.
pub fn expressions(text: &str) -> Vec<Expression<'_>> {
    scan(text, &mut |e| {
        text.as_bytes()[e.range.start] != b'{' || e.range.len() > 1
    })
    .into_iter()
    .filter_map(|t| match t {
        Token::Expression(e) => Some(e),
        Token::Literal(_) => None,
    })
    .collect()
}

/// The tokens of `text`; each mistake goes to `mistake`, which says whether to go on past it.
fn scan<'a>(text: &'a str, mistake: &mut dyn FnMut(ExpressionError) -> bool) -> Vec<Token<'a>> {
    fn flush<'a>(tokens: &mut Vec<Token<'a>>, text: &'a str, from: usize, to: usize) {
        if from < to {
            tokens.push(Token::Literal(&text[from..to]));
        }
    }
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut literal_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'}' if bytes.get(i + 1) == Some(&bytes[i]) => {
                flush(&mut tokens, text, literal_start, i);
                tokens.push(Token::Literal(if bytes[i] == b'{' { "{" } else { "}" }));
                i += 2;
                literal_start = i;
            }
            b'}' => {
                let go_on = mistake(error(
                    format!(
                        "invalid template `{text}`: this `}}` has no opening bracket; write `}}}}` \
                         for a literal brace"
                    ),
                    i..i + 1,
                ));
                if !go_on {
                    break;
                }
                i += 1;
            }
            b'{' => {
                let close = text[i + 1..].find(['{', '}']).map(|n| i + 1 + n);
                let Some(close) = close.filter(|&c| bytes[c] == b'}') else {
                    let go_on = mistake(error(
                        format!(
                            "invalid template `{text}`: this `{{` has no closing bracket; write \
                             `{{{{` for a literal brace"
                        ),
                        i..i + 1,
                    ));
                    if !go_on {
                        break;
                    }
                    i += 1;
                    continue;
                };
                flush(&mut tokens, text, literal_start, i);
                match expression(text, i + 1..close) {
                    Ok(e) => tokens.push(Token::Expression(e)),
                    Err(e) => {
                        if !mistake(e) {
                            break;
                        }
                    }
                }
                i = close + 1;
                literal_start = i;
            }
            _ => i += 1,
        }
    }
    flush(
        &mut tokens,
        text,
        literal_start,
        text.len().max(literal_start),
    );
    tokens
}

/// The expression between the braces at `inner` (bytes of `text`).
fn expression(text: &str, inner: Range<usize>) -> Result<Expression<'_>, ExpressionError> {
    let whole = inner.start - 1..inner.end + 1;
    let body = &text[inner.clone()];
    if body.is_empty() {
        return Err(error(
            format!("invalid template `{text}`: `{{}}` names no parameter"),
            whole,
        ));
    }
    if let Some((builtin, name)) = Builtin::of(body) {
        // Past the name, only `:format` is read; the host ignores anything else.
        let format = body[name.len()..].strip_prefix(':');
        return Ok(Expression {
            range: whole,
            path: vec![&body[..name.len()]],
            name_range: inner.start..inner.start + name.len(),
            format,
            builtin: Some(builtin),
            lookup: body,
        });
    }
    let (path_text, format) = match body.find(':') {
        Some(colon) if colon > 0 => (&body[..colon], Some(&body[colon + 1..])),
        _ => (body, None),
    };
    let mut chars = path_text.chars();
    let valid = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        return Err(error(
            format!(
                "invalid template `{text}`: `{{{body}}}` is not an expression; write a name of \
                 letters, digits and `_` (`{{name}}`), a property path (`{{order.id}}`), or a \
                 built-in (`{{rand-guid}}`, `{{DateTime}}`)"
            ),
            inner.start..inner.start + path_text.len().max(1),
        ));
    }
    let path: Vec<&str> = path_text.split('.').collect();
    let first = path[0];
    if let Some(dash) = first.find('-') {
        return Err(error(
            format!("invalid template `{text}`: the parameter name `{first}` may not contain `-`"),
            inner.start + dash..inner.start + dash + 1,
        ));
    }
    if let Some(empty) = path.iter().position(|p| p.is_empty()) {
        let at: usize = path[..empty].iter().map(|p| p.len() + 1).sum();
        let at = inner.start + at.saturating_sub(1);
        return Err(error(
            format!("invalid template `{text}`: `{{{body}}}` has an empty property name"),
            at..at + 1,
        ));
    }
    Ok(Expression {
        range: whole,
        path,
        name_range: inner.start..inner.start + first.len(),
        format,
        builtin: None,
        lookup: first,
    })
}

/// `%Setting%` replacement, then the template's value: what the host binds a property to.
/// A `%` error's range is in `text`; a `{...}` error's range is in `text` after replacement.
pub fn resolve(
    text: &str,
    data: &BindingData,
    setting: impl Fn(&str) -> Option<String>,
    sys: &dyn SystemValues,
) -> Result<String, ExpressionError> {
    let resolved = resolve_app_settings(text, setting)?;
    parse(&resolved)?.evaluate(data, sys)
}

/// The clock and GUID source behind `{DateTime}`, `{rand-guid}` and `sys`.
pub trait SystemValues {
    /// Now, in UTC.
    fn utc_now(&self) -> OffsetDateTime;
    /// A new GUID.
    fn new_guid(&self) -> Uuid;
}

/// The real clock and random version-4 GUIDs.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl SystemValues for SystemClock {
    fn utc_now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn new_guid(&self) -> Uuid {
        Uuid::new_v4()
    }
}

/// One time and one GUID, for tests.
#[derive(Clone, Copy, Debug)]
pub struct FixedSystemValues {
    /// What [`SystemValues::utc_now`] returns.
    pub now: OffsetDateTime,
    /// What [`SystemValues::new_guid`] returns.
    pub guid: Uuid,
}

impl Default for FixedSystemValues {
    fn default() -> Self {
        FixedSystemValues {
            now: OffsetDateTime::UNIX_EPOCH,
            guid: Uuid::nil(),
        }
    }
}

impl SystemValues for FixedSystemValues {
    fn utc_now(&self) -> OffsetDateTime {
        self.now
    }

    fn new_guid(&self) -> Uuid {
        self.guid
    }
}

/// A fresh version-4 GUID in .NET's default `D` format (lowercase, hyphenated), as the host
/// writes `sys.RandGuid` and invocation ids.
pub fn new_guid() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// The values a trigger provides to binding expressions, by name ignoring case, as the host's
/// binding data dictionaries (`StringComparer.OrdinalIgnoreCase`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BindingData {
    /// Keyed by the lowercased name; the name as given is kept beside the value.
    entries: BTreeMap<String, (String, Value)>,
    method_name: Option<String>,
}

impl BindingData {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` (replacing a value of the same name in any case).
    pub fn insert(&mut self, name: &str, value: impl Into<Value>) {
        self.entries
            .insert(name.to_lowercase(), (name.to_owned(), value.into()));
    }

    /// The value of `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries.get(&name.to_lowercase()).map(|(_, v)| v)
    }

    /// Each name as given, with its value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.values().map(|(k, v)| (k.as_str(), v))
    }

    /// The function's name, for `{sys.MethodName}`.
    pub fn set_method_name(&mut self, name: &str) {
        self.method_name = Some(name.to_owned());
    }

    /// Adds the top-level properties of a trigger value that is a JSON object, as the host's
    /// `ApplyBindingData`: they override what is there; arrays and nulls are left out, objects
    /// kept whole (for `{a.b}`), other values become their text. Anything else is ignored.
    pub fn add_json_properties(&mut self, trigger_value: &str) {
        let trimmed = trigger_value.trim();
        if !(trimmed.starts_with('{') && trimmed.ends_with('}')) {
            return;
        }
        let Ok(Value::Object(properties)) = serde_json::from_str::<Value>(trimmed) else {
            return;
        };
        for (name, value) in properties {
            match value {
                Value::Array(_) | Value::Null => {}
                Value::Object(_) => self.insert(&name, value),
                other => self.insert(&name, scalar_text(&other)),
            }
        }
    }
}

/// A JSON scalar as .NET turns it into text (`(string)JToken`, `JValue.ToString()`).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// What an expression's path reaches.
enum Reached<'v> {
    Json(&'v Value),
    Time(OffsetDateTime),
    Guid(Uuid),
    Text(String),
}

fn evaluate(
    e: &Expression<'_>,
    text: &str,
    data: &BindingData,
    sys: &dyn SystemValues,
) -> Result<String, ExpressionError> {
    let missing = || {
        error(
            format!("No value for named parameter '{}'.", e.lookup),
            e.range.clone(),
        )
    };
    let mut reached = match data.get(e.lookup) {
        Some(value) => Reached::Json(value),
        None => match e.builtin {
            Some(Builtin::RandGuid) => Reached::Guid(sys.new_guid()),
            Some(Builtin::DateTime) => Reached::Time(sys.utc_now()),
            None if e.lookup.eq_ignore_ascii_case("sys") && e.path.len() > 1 => {
                let member = e.path[1];
                let value = match member.to_ascii_lowercase().as_str() {
                    "randguid" => Reached::Guid(sys.new_guid()),
                    "utcnow" => Reached::Time(sys.utc_now()),
                    "methodname" => Reached::Text(data.method_name.clone().unwrap_or_default()),
                    _ => return Err(no_property(member, text, e)),
                };
                if let Some(next) = e.path.get(2) {
                    return Err(no_property(next, text, e));
                }
                return convert(value, e.format, e);
            }
            None => return Err(missing()),
        },
    };
    for member in e.path.iter().skip(1) {
        let Reached::Json(Value::Object(object)) = reached else {
            return Err(no_property(member, text, e));
        };
        let value = object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(member))
            .map(|(_, v)| v)
            .ok_or_else(|| no_property(member, text, e))?;
        reached = Reached::Json(value);
    }
    convert(reached, e.format, e)
}

fn no_property(member: &str, text: &str, e: &Expression<'_>) -> ExpressionError {
    error(
        format!(
            "Error while accessing '{member}': property doesn't exist (in `{}` of `{text}`).",
            &text[e.range.clone()]
        ),
        e.range.clone(),
    )
}

fn convert(
    reached: Reached<'_>,
    format: Option<&str>,
    e: &Expression<'_>,
) -> Result<String, ExpressionError> {
    // A blank format is no format, as in the host.
    let format = format.filter(|f| !f.trim().is_empty());
    match reached {
        // Objects and arrays give nothing, as `ConvertParameterValueToString` returns null.
        Reached::Json(Value::Object(_) | Value::Array(_)) => Ok(String::new()),
        Reached::Json(value) => Ok(scalar_text(value)),
        Reached::Text(text) => Ok(text),
        Reached::Guid(guid) => format_guid(guid, format.unwrap_or("D")).ok_or_else(|| {
            error(
                format!(
                    "`{}` is not a GUID format: use N, D, B, P or X",
                    format.unwrap_or_default()
                ),
                e.range.clone(),
            )
        }),
        Reached::Time(time) => format_datetime(time, format.unwrap_or(DEFAULT_DATETIME_FORMAT))
            .map_err(|m| {
                error(
                    format!("`{}`: {m}", format.unwrap_or_default()),
                    e.range.clone(),
                )
            }),
    }
}

/// The format the host gives a date without one: ISO 8601 with `-` for `:`, so that it can
/// be part of a blob name.
pub const DEFAULT_DATETIME_FORMAT: &str = "yyyy-MM-ddTHH-mm-ssK";

/// A GUID in a .NET `Guid.ToString(format)` format: `N`, `D`, `B`, `P` or `X`, any case.
pub fn format_guid(guid: Uuid, format: &str) -> Option<String> {
    let d = guid.hyphenated().to_string();
    Some(match format {
        "N" | "n" => guid.simple().to_string(),
        "D" | "d" => d,
        "B" | "b" => format!("{{{d}}}"),
        "P" | "p" => format!("({d})"),
        "X" | "x" => {
            let b = guid.as_bytes();
            let hex =
                |r: Range<usize>| -> String { b[r].iter().map(|x| format!("{x:02x}")).collect() };
            let tail: Vec<String> = b[8..].iter().map(|x| format!("0x{x:02x}")).collect();
            format!(
                "{{0x{},0x{},0x{},{{{}}}}}",
                hex(0..4),
                hex(4..6),
                hex(6..8),
                tail.join(",")
            )
        }
        _ => return None,
    })
}

/// The invariant culture's month names, January first: .NET's date formats and NCrontab's month
/// names (`crate::schedule`) are both these.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A UTC time in a .NET `DateTime.ToString(format, CultureInfo.InvariantCulture)` format: the
/// custom specifiers (`yyyy`, `MM`, `MMM`, `dd`, `ddd`, `HH`, `hh`, `mm`, `ss`, `f`…`fffffff`,
/// `F`…, `tt`, `K`, `z`…, `'literal'`, `\c`, `%c`, `:` and `/`) and the invariant culture's
/// standard formats (`d`, `D`, `f`, `F`, `g`, `G`, `M`, `o`, `r`, `s`, `t`, `T`, `u`, `U`,
/// `y`). The time is a UTC `DateTime`, so `K` is `Z` and `z` is `+00`.
pub fn format_datetime(time: OffsetDateTime, format: &str) -> Result<String, String> {
    let time = time.to_offset(time::UtcOffset::UTC);
    if format.chars().count() == 1 {
        let custom = match format {
            "d" => "MM/dd/yyyy",
            "D" => "dddd, dd MMMM yyyy",
            "f" => "dddd, dd MMMM yyyy HH:mm",
            "F" | "U" => "dddd, dd MMMM yyyy HH:mm:ss",
            "g" => "MM/dd/yyyy HH:mm",
            "G" => "MM/dd/yyyy HH:mm:ss",
            "M" | "m" => "MMMM dd",
            "O" | "o" => "yyyy-MM-ddTHH:mm:ss.fffffffK",
            "R" | "r" => "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
            "s" => "yyyy-MM-ddTHH:mm:ss",
            "t" => "HH:mm",
            "T" => "HH:mm:ss",
            "u" => "yyyy-MM-dd HH:mm:ssZ",
            "Y" | "y" => "yyyy MMMM",
            _ => return Err("this is not a date format .NET knows".to_owned()),
        };
        return format_custom(time, custom);
    }
    format_custom(time, format)
}

fn format_custom(t: OffsetDateTime, format: &str) -> Result<String, String> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let pad = |n: u32, width: usize| format!("{n:0width$}");
        match c {
            'y' => {
                let year = t.year().unsigned_abs();
                out.push_str(&match run {
                    1 => (year % 100).to_string(),
                    2 => pad(year % 100, 2),
                    n => pad(year, n),
                });
            }
            'M' => {
                let month = u8::from(t.month());
                out.push_str(&match run {
                    1 => month.to_string(),
                    2 => pad(month.into(), 2),
                    3 => MONTHS[usize::from(month) - 1][..3].to_owned(),
                    _ => MONTHS[usize::from(month) - 1].to_owned(),
                });
            }
            'd' => {
                let day = DAYS[usize::from(t.weekday().number_days_from_monday())];
                out.push_str(&match run {
                    1 => t.day().to_string(),
                    2 => pad(t.day().into(), 2),
                    3 => day[..3].to_owned(),
                    _ => day.to_owned(),
                });
            }
            'H' | 'h' | 'm' | 's' => {
                let n = match c {
                    'H' => u32::from(t.hour()),
                    'h' => u32::from((t.hour() + 11) % 12 + 1),
                    'm' => u32::from(t.minute()),
                    _ => u32::from(t.second()),
                };
                out.push_str(&pad(n, run.min(2)));
            }
            'f' | 'F' => {
                if run > 7 {
                    return Err("more than seven `f` or `F`".to_owned());
                }
                // .NET keeps 100 ns ticks: seven digits, truncated to the run.
                let ticks = format!("{:07}", t.nanosecond() / 100);
                let digits = &ticks[..run];
                if c == 'f' {
                    out.push_str(digits);
                } else {
                    let trimmed = digits.trim_end_matches('0');
                    if trimmed.is_empty() && out.ends_with('.') {
                        out.pop();
                    }
                    out.push_str(trimmed);
                }
            }
            't' => {
                let ampm = if t.hour() < 12 { "AM" } else { "PM" };
                out.push_str(if run == 1 { &ampm[..1] } else { ampm });
            }
            'K' => out.push_str(&"Z".repeat(run)),
            'z' => out.push_str(match run {
                1 => "+0",
                2 => "+00",
                _ => "+00:00",
            }),
            ':' | '/' => out.extend(std::iter::repeat_n(c, run)),
            '\'' | '"' => {
                let Some(len) = chars[i + 1..].iter().position(|&x| x == c) else {
                    return Err(format!("the quote `{c}` is never closed"));
                };
                out.extend(&chars[i + 1..i + 1 + len]);
                i += len + 2;
                continue;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err("`\\` ends the format".to_owned());
                };
                out.push(next);
                i += 2;
                continue;
            }
            // `%` makes a lone specifier custom (`%d`); it prints nothing itself.
            '%' => {
                i += 1;
                continue;
            }
            other => {
                out.extend(std::iter::repeat_n(other, run));
            }
        }
        i += run;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sys() -> FixedSystemValues {
        FixedSystemValues {
            now: time::macros::datetime!(2026-03-04 05:06:07.1234567 UTC),
            guid: Uuid::parse_str("d9ba2785-ee1a-4260-a83b-f57cb54b969e").unwrap(),
        }
    }

    fn eval(template: &str, data: &BindingData) -> Result<String, ExpressionError> {
        parse(template)?.evaluate(data, &sys())
    }

    fn names(template: &str) -> Vec<&str> {
        expressions(template).iter().map(Expression::name).collect()
    }

    #[test]
    fn templates_parse_like_the_host() {
        let t = parse("images/{name}-{data.id}/{{x}}/{sys.randguid}").unwrap();
        let found: Vec<(&str, Range<usize>)> = t
            .expressions()
            .map(|e| (e.name(), e.range.clone()))
            .collect();
        assert_eq!(found, [("name", 7..13), ("data", 14..23), ("sys", 30..44)]);
        assert_eq!(
            t.tokens[4..7],
            [
                Token::Literal("/"),
                Token::Literal("{"),
                Token::Literal("x")
            ]
        );
        let e = parse("{datetime:yyyy}").unwrap().tokens[0].clone();
        let Token::Expression(e) = e else { panic!() };
        assert_eq!(
            (e.name(), e.format, e.builtin),
            ("datetime", Some("yyyy"), Some(Builtin::DateTime))
        );
        let Token::Expression(e) = parse("{rand-guid:N}").unwrap().tokens[0].clone() else {
            panic!()
        };
        assert_eq!(
            (e.name(), e.builtin),
            ("rand-guid", Some(Builtin::RandGuid))
        );
        assert!(!parse("plain").unwrap().has_expressions());
        assert!(parse("").unwrap().tokens.is_empty());
    }

    #[test]
    fn template_mistakes_are_pointed_at() {
        let at = |t: &str| {
            let e = parse(t).unwrap_err();
            (e.message.clone(), t[e.range].to_owned())
        };
        assert!(at("a/{}").0.contains("names no parameter"));
        assert_eq!(at("a/{}").1, "{}");
        assert_eq!(at("a/{name").1, "{");
        assert!(at("a/{name").0.contains("no closing bracket"));
        assert_eq!(at("a/{x{y}").1, "{");
        assert_eq!(at("a}/b").1, "}");
        assert_eq!(at("a/{1st}").1, "1st");
        assert_eq!(at("a/{my-name}").1, "-");
        assert_eq!(at("a/{a..b}").1, ".");
        assert_eq!(at("a/{a b}").1, "a b");
    }

    #[test]
    fn names_are_listed_up_to_and_past_a_mistake() {
        assert_eq!(
            names("images/{name}-{data.id}/{{x}}/{sys.randguid}"),
            ["name", "data", "sys"]
        );
        assert!(names("plain").is_empty());
        assert_eq!(names("{a}/{1st}/{b}"), ["a", "b"]);
        assert_eq!(names("{a}/{b"), ["a"]);
        assert_eq!(expressions("x/{a}")[0].range, 2..5);
    }

    #[test]
    fn binding_data_is_read_ignoring_case_and_through_properties() {
        let mut data = BindingData::new();
        data.insert("QueueTrigger", "hello");
        data.insert(
            "order",
            json!({"Id": 7, "lines": [1], "Address": {"City": "Oslo"}}),
        );
        assert_eq!(eval("q/{queueTrigger}", &data).unwrap(), "q/hello");
        assert_eq!(eval("{ORDER.id}", &data).unwrap(), "7");
        assert_eq!(eval("{order.address.city}", &data).unwrap(), "Oslo");
        // A container gives nothing, as in the host.
        assert_eq!(eval("[{order.lines}]", &data).unwrap(), "[]");
        let e = eval("a/{missing}.txt", &data).unwrap_err();
        assert_eq!(e.message, "No value for named parameter 'missing'.");
        assert_eq!(e.range, 2..11);
        let e = eval("{order.nope}", &data).unwrap_err();
        assert!(e.message.contains("'nope'"), "{e}");
        let e = eval("{queueTrigger.x}", &data).unwrap_err();
        assert!(e.message.contains("'x'"), "{e}");
    }

    #[test]
    fn json_trigger_values_add_their_top_level_properties() {
        let mut data = BindingData::new();
        data.insert("Id", "message-id");
        data.add_json_properties(r#" {"name":"second","text":"hi","id":"mine","n":2,"ok":true,"list":[1],"none":null,"inner":{"a":"b"}} "#);
        assert_eq!(eval("notes/{name}.txt", &data).unwrap(), "notes/second.txt");
        assert_eq!(eval("{Id}", &data).unwrap(), "mine");
        assert_eq!(eval("{n}-{ok}-{inner.a}", &data).unwrap(), "2-True-b");
        assert!(eval("{list}", &data).is_err());
        assert!(eval("{none}", &data).is_err());
        let before = data.clone();
        data.add_json_properties("not json");
        data.add_json_properties("[1,2]");
        data.add_json_properties("{broken");
        assert_eq!(data, before);
    }

    #[test]
    fn builtins_and_sys() {
        let mut data = BindingData::new();
        data.set_method_name("SaveNote");
        let guid = "d9ba2785-ee1a-4260-a83b-f57cb54b969e";
        assert_eq!(eval("{rand-guid}", &data).unwrap(), guid);
        assert_eq!(eval("{sys.randguid}", &data).unwrap(), guid);
        assert_eq!(eval("{Rand-Guid:N}", &data).unwrap(), guid.replace('-', ""));
        assert_eq!(
            eval("{sys.RandGuid:B}", &data).unwrap(),
            format!("{{{guid}}}")
        );
        assert_eq!(eval("{DateTime}", &data).unwrap(), "2026-03-04T05-06-07Z");
        assert_eq!(eval("{sys.utcnow}", &data).unwrap(), "2026-03-04T05-06-07Z");
        assert_eq!(eval("{datetime:yyyy/MM/dd}", &data).unwrap(), "2026/03/04");
        assert_eq!(eval("{sys.UtcNow:yyyyMMdd}", &data).unwrap(), "20260304");
        assert_eq!(eval("{sys.methodname}", &data).unwrap(), "SaveNote");
        assert!(eval("{sys.other}", &data).is_err());
        assert!(eval("{rand-guid:Q}", &data).is_err());
        // Binding data wins over the built-ins.
        data.insert("DateTime", "mine");
        data.insert("sys", json!({"randguid": "user"}));
        assert_eq!(
            eval("{DateTime}/{sys.randguid}", &data).unwrap(),
            "mine/user"
        );
    }

    #[test]
    fn dates_format_like_dotnet() {
        let t = sys().now;
        let f = |format: &str| format_datetime(t, format).unwrap();
        assert_eq!(f(DEFAULT_DATETIME_FORMAT), "2026-03-04T05-06-07Z");
        assert_eq!(f("o"), "2026-03-04T05:06:07.1234567Z");
        assert_eq!(f("s"), "2026-03-04T05:06:07");
        assert_eq!(f("u"), "2026-03-04 05:06:07Z");
        assert_eq!(f("R"), "Wed, 04 Mar 2026 05:06:07 GMT");
        assert_eq!(f("d"), "03/04/2026");
        assert_eq!(f("%d"), "4");
        assert_eq!(f("yy-M-d h:m:s tt"), "26-3-4 5:6:7 AM");
        assert_eq!(f("dddd MMMM"), "Wednesday March");
        assert_eq!(f("HH:mm:ss.fff"), "05:06:07.123");
        assert_eq!(f("ss.FFFFFFF"), "07.1234567");
        assert_eq!(f("'at' HH\\h"), "at 05h");
        assert_eq!(f("zzz"), "+00:00");
        assert!(format_datetime(t, "Q").is_err());
        assert!(format_datetime(t, "'open").is_err());
        let whole = time::macros::datetime!(2026-03-04 05:06:07 UTC);
        assert_eq!(format_datetime(whole, "ss.FFF").unwrap(), "07");
    }

    #[test]
    fn guids_format_like_dotnet() {
        let g = sys().guid;
        assert_eq!(
            format_guid(g, "X").unwrap(),
            "{0xd9ba2785,0xee1a,0x4260,{0xa8,0x3b,0xf5,0x7c,0xb5,0x4b,0x96,0x9e}}"
        );
        assert_eq!(
            format_guid(g, "P").unwrap(),
            "(d9ba2785-ee1a-4260-a83b-f57cb54b969e)"
        );
        let fresh = new_guid();
        assert_eq!((fresh.len(), &fresh[14..15]), (36, "4"));
        assert_ne!(fresh, new_guid());
    }

    #[test]
    fn app_settings_are_replaced_first() {
        let settings = |name: &str| (name == "Container").then(|| "notes".to_owned());
        let data = BindingData::new();
        assert_eq!(
            resolve("%Container%/{rand-guid}", &data, settings, &sys()).unwrap(),
            "notes/d9ba2785-ee1a-4260-a83b-f57cb54b969e"
        );
        let e = resolve_app_settings("a/%Missing%/b", settings).unwrap_err();
        assert_eq!(e.range, 2..11);
        assert!(e.message.contains("no app setting `Missing`"), "{e}");
        let e = resolve_app_settings("a/%open", settings).unwrap_err();
        assert_eq!(e.range, 2..3);
        assert_eq!(resolve_app_settings("plain", settings).unwrap(), "plain");
    }
}
