//! Attribute grammar: `key = value, ...` where a value is a string, a boolean, an integer, a
//! `[list]` of strings, or a nested `key(...)` group (`retry(...)`), checked against the
//! binding catalog.

use std::ops::Range;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, bracketed, parenthesized};

use crate::errors::Errors;
use crate::values::{self, Problem};
use azfn_spec::catalog::{
    self, BindingKind, Direction, RETRY_SETTINGS, Role, Rule, Setting, ValueKind,
};

/// One `key = value`, `key(...)` or bare `key` in an attribute.
pub(crate) struct Arg {
    pub(crate) key: Ident,
    pub(crate) value: ArgValue,
}

/// The value side of an [`Arg`].
pub(crate) enum ArgValue {
    Str(LitStr),
    Bool(syn::LitBool),
    Int(i64, Span),
    List(Vec<LitStr>, Span),
    /// `key(a = 1, ...)`.
    Nested(Vec<Arg>, Span),
    /// A bare key with no value.
    Flag,
}

impl ArgValue {
    fn span(&self, key: &Ident) -> Span {
        match self {
            Self::Str(s) => s.span(),
            Self::Bool(b) => b.span(),
            Self::Int(_, span) | Self::List(_, span) | Self::Nested(_, span) => *span,
            Self::Flag => key.span(),
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = Ident::parse_any(input)?;
        if input.peek(syn::token::Paren) {
            let content;
            let paren = parenthesized!(content in input);
            let args = Punctuated::<Arg, Token![,]>::parse_terminated(&content)?;
            return Ok(Self {
                key,
                value: ArgValue::Nested(args.into_iter().collect(), paren.span.join()),
            });
        }
        if !input.peek(Token![=]) {
            return Ok(Self {
                key,
                value: ArgValue::Flag,
            });
        }
        input.parse::<Token![=]>()?;
        let value = if input.peek(LitStr) {
            ArgValue::Str(input.parse()?)
        } else if input.peek(syn::LitBool) {
            ArgValue::Bool(input.parse()?)
        } else if input.peek(syn::LitInt) {
            let lit: syn::LitInt = input.parse()?;
            ArgValue::Int(lit.base10_parse()?, lit.span())
        } else if input.peek(Token![-]) && input.peek2(syn::LitInt) {
            let minus: Token![-] = input.parse()?;
            let lit: syn::LitInt = input.parse()?;
            ArgValue::Int(-lit.base10_parse::<i64>()?, minus.span)
        } else if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<ListItem, Token![,]>::parse_terminated(&content)?;
            ArgValue::List(
                items.into_iter().map(|i| i.0).collect(),
                bracket.span.join(),
            )
        } else {
            return Err(input.error(
                "expected a literal: a string (`\"...\"`), `true`/`false`, a number or a \
                 `[list]`; the macro reads values at compile time, so constants and expressions \
                 cannot be used",
            ));
        };
        Ok(Self { key, value })
    }
}

/// A list item: a string, or a bare identifier taken as its own name (`[get, post]`).
struct ListItem(LitStr);

impl Parse for ListItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            Ok(Self(input.parse()?))
        } else {
            let ident = Ident::parse_any(input)?;
            Ok(Self(LitStr::new(&ident.to_string(), ident.span())))
        }
    }
}

/// Parses an attribute's arguments.
pub(crate) fn parse_args(tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    let parser = Punctuated::<Arg, Token![,]>::parse_terminated;
    Ok(parser.parse2(tokens)?.into_iter().collect())
}

/// The span of `range` (bytes of the value) inside a string literal, where the compiler can
/// point there (`Literal::subspan`, nightly only); the whole literal otherwise, and always when
/// the literal's source text is not its value (escapes), as positions would then differ.
fn span_within(lit: &LitStr, range: Range<usize>) -> Span {
    let token = lit.token();
    match value_start_in_source(&token.to_string(), &lit.value()) {
        Some(start) if !range.is_empty() => token
            .subspan(start + range.start..start + range.end)
            .unwrap_or_else(|| lit.span()),
        _ => lit.span(),
    }
}

/// Where the value starts in a string literal's source (`"..."`, `r#"..."#`, with or without
/// a suffix), if what lies between the quotes is exactly the value: then a byte range of the
/// value, shifted by this, is a byte range of the source.
fn value_start_in_source(source: &str, value: &str) -> Option<usize> {
    let start = match source.strip_prefix('r') {
        Some(raw) => {
            let hashes = raw.len() - raw.trim_start_matches('#').len();
            raw[hashes..].starts_with('"').then_some(1 + hashes + 1)?
        }
        None => source.starts_with('"').then_some(1)?,
    };
    // A suffix has no quotes, so the last one closes the string.
    let end = source.rfind('"')?;
    (end >= start && &source[start..end] == value).then_some(start)
}

/// An error about `range` (bytes of the value) of a string literal: at that part of the
/// literal where the compiler can point there, with the value and carets under the part in
/// the message for when it cannot (stable Rust).
pub(crate) fn error_within(lit: &LitStr, range: Range<usize>, message: &str) -> syn::Error {
    let text = values::pointed_message(message, &lit.value(), range.clone());
    syn::Error::new(span_within(lit, range), text)
}

fn problem_error(lit: &LitStr, problem: Problem) -> syn::Error {
    error_within(lit, problem.range, &problem.message)
}

/// A binding attribute checked against its catalog entry.
pub(crate) struct ResolvedBinding {
    pub(crate) kind: &'static BindingKind,
    /// The `function.json` `type`: the catalog's, or the generic attribute's `type`.
    pub(crate) json_type: String,
    pub(crate) direction: Direction,
    /// Where the binding goes: the catalog's, or decided by the generic attribute's direction.
    pub(crate) role: Role,
    /// `name = "..."`: the function name on a trigger, the binding name on other bindings.
    pub(crate) name: Option<LitStr>,
    /// The HTTP trigger's `request_name`.
    pub(crate) request_name: Option<LitStr>,
    /// The HTTP trigger's `route`, for checking its parameters against the function.
    pub(crate) route: Option<LitStr>,
    /// `function.json` settings of the binding, in catalog order.
    pub(crate) settings: Vec<(String, serde_json::Value)>,
    /// Function-level settings (`disabled`, `retry`), from a trigger.
    pub(crate) function_settings: Vec<(String, serde_json::Value)>,
}

impl ResolvedBinding {
    pub(crate) fn empty(kind: &'static BindingKind) -> Self {
        Self {
            kind,
            json_type: kind.json_type.to_owned(),
            direction: kind.direction,
            role: kind.role,
            name: None,
            request_name: None,
            route: None,
            settings: Vec::new(),
            function_settings: Vec::new(),
        }
    }
}

/// Checks `args` against `kind`: unknown keys, missing required settings and wrong values are
/// reported to `errors`, each on the token at fault. `attr_span` is where missing settings are
/// reported.
pub(crate) fn resolve(
    kind: &'static BindingKind,
    args: Vec<Arg>,
    attr_span: Span,
    errors: &mut Errors,
) -> ResolvedBinding {
    if kind.json_type.is_empty() {
        return resolve_generic(kind, args, attr_span, errors);
    }
    let mut resolved = ResolvedBinding::empty(kind);
    let mut given: Vec<(&'static str, serde_json::Value)> = Vec::new();
    let mut given_keys: Vec<(&'static str, Span)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for Arg { key, value } in args {
        let key_text = key.unraw().to_string();
        if seen.contains(&key_text) {
            errors.push(syn::Error::new(
                key.span(),
                format!("`{key_text}` is given twice"),
            ));
            continue;
        }
        seen.push(key_text.clone());
        let Some(value) = common_key(kind, &key, &key_text, value, &mut resolved, errors) else {
            continue;
        };
        let Some(setting) = kind.settings.iter().find(|s| s.key == key_text) else {
            let (error, suggestion) = unknown_setting(kind, &key, &key_text);
            errors.push(error);
            if let Some(meant) = suggestion {
                // An unknown key taken for a valid one counts as that one, so that neither a
                // "missing" error nor a rule restates the mistake just reported.
                given_keys.push((meant, key.span()));
            }
            continue;
        };
        if let ValueKind::BindingName = setting.value {
            match value {
                ArgValue::Str(s) => resolved.request_name = Some(s),
                other => errors.push(wrong_type(kind, setting.key, &key, &other, "a string")),
            }
            continue;
        }
        if let (ValueKind::Route, ArgValue::Str(s)) = (setting.value, &value) {
            resolved.route = Some(s.clone());
        }
        // Counted as given for the rules even when its value is wrong: it is wrong, not missing.
        given_keys.push((setting.key, key.span()));
        if let Some(json) = check_value(kind.attr, setting, &key, value, errors) {
            given.push((setting.json, json));
        }
    }
    for setting in kind.settings {
        if matches!(setting.value, ValueKind::BindingName) {
            continue;
        }
        if let Some(pos) = given.iter().position(|(json, _)| *json == setting.json) {
            let (json, value) = given.remove(pos);
            resolved.settings.push((json.to_owned(), value));
        } else if given_keys.iter().any(|(k, _)| *k == setting.key) {
            // Given with a wrong value, or under a wrong name: already reported.
        } else if let Some(default) = setting.default {
            resolved
                .settings
                .push((setting.json.to_owned(), serde_json::Value::from(default)));
        } else if setting.required {
            errors.push(syn::Error::new(
                attr_span,
                format!(
                    "`#[{}]` needs `{}`, e.g. `{} = {}`",
                    kind.attr,
                    setting.key,
                    setting.key,
                    placeholder(setting.value)
                ),
            ));
        }
    }
    check_rules(kind, &given_keys, attr_span, errors);
    resolved
}

/// Handles the keys every attribute of a role takes: `name`, and on triggers `disabled` and
/// `retry`. Hands the value back for any other key.
fn common_key(
    kind: &'static BindingKind,
    key: &Ident,
    key_text: &str,
    value: ArgValue,
    resolved: &mut ResolvedBinding,
    errors: &mut Errors,
) -> Option<ArgValue> {
    match key_text {
        "name" => {
            match value {
                ArgValue::Str(s) => resolved.name = Some(s),
                other => errors.push(syn::Error::new(
                    other.span(key),
                    if kind.role == Role::Trigger {
                        "`name` takes a string, the Azure function name, e.g. \
                         `name = \"MyFunction\"`"
                    } else {
                        "`name` takes a string, the binding name, e.g. `name = \"output1\"`"
                    },
                )),
            }
            None
        }
        "disabled" if kind.role == Role::Trigger => {
            match value {
                ArgValue::Bool(b) => resolved
                    .function_settings
                    .push(("disabled".to_owned(), serde_json::Value::Bool(b.value))),
                other => errors.push(syn::Error::new(
                    other.span(key),
                    "`disabled` takes `true` or `false`, without quotes",
                )),
            }
            None
        }
        "retry" if kind.role == Role::Trigger => {
            if !kind.retry {
                errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "`retry` has no effect on `#[{}]`: the host applies function-level retry \
                         policies only to timer, Event Hubs, Cosmos DB and Kafka triggers; this \
                         trigger retries through its own extension's settings (host.json)",
                        kind.attr
                    ),
                ));
                return None;
            }
            match value {
                ArgValue::Nested(args, _) => {
                    if let Some(retry) = resolve_retry(args, key.span(), errors) {
                        resolved.function_settings.push(("retry".to_owned(), retry));
                    }
                }
                other => errors.push(syn::Error::new(
                    other.span(key),
                    "write `retry(strategy = \"fixedDelay\", max_retry_count = 3, delay_interval \
                     = \"00:00:10\")` or `retry(strategy = \"exponentialBackoff\", max_retry_count \
                     = 5, minimum_interval = \"00:00:10\", maximum_interval = \"00:15:00\")`",
                )),
            }
            None
        }
        _ => Some(value),
    }
}

/// The keys an attribute accepts, for error messages.
fn valid_keys(kind: &BindingKind) -> Vec<&'static str> {
    let mut valid: Vec<&str> = kind.settings.iter().map(|s| s.key).collect();
    valid.push("name");
    if kind.role == Role::Trigger {
        valid.push("disabled");
        if kind.retry {
            valid.push("retry");
        }
    }
    valid
}

fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a key `kind` does not take, and the valid key it was likely meant to be.
fn unknown_setting(
    kind: &BindingKind,
    key: &Ident,
    key_text: &str,
) -> (syn::Error, Option<&'static str>) {
    let valid = valid_keys(kind);
    let listed = format!(" valid settings: {}", backticked(&valid));
    if let Some((_, new)) = kind.renamed.iter().find(|(old, _)| *old == key_text) {
        let error = syn::Error::new(
            key.span(),
            format!(
                "`{key_text}` is an older extension's name; the v4 extension bundle calls it \
                 `{new}`"
            ),
        );
        return (error, Some(*new));
    }
    let snake = to_snake_case(key_text);
    if let Some(meant) = valid.iter().find(|v| **v == snake && snake != key_text) {
        let error = syn::Error::new(
            key.span(),
            format!(
                "settings are written in snake_case: `{snake}` (it becomes `{key_text}` in \
                 function.json)"
            ),
        );
        return (error, Some(*meant));
    }
    let meant = closest(key_text, &valid);
    let hint = meant
        .map(|c| format!(", did you mean `{c}`?"))
        .unwrap_or_else(|| ";".to_owned());
    let error = syn::Error::new(
        key.span(),
        format!(
            "unknown setting `{key_text}` for `#[{}]`{hint}{listed}",
            kind.attr
        ),
    );
    (error, meant)
}

/// The valid key closest to a misspelt one, if it is close enough to be a typo, or the one it
/// abbreviates (`queue` for `queue_name`).
fn closest<'a>(key: &str, valid: &[&'a str]) -> Option<&'a str> {
    let typo = valid
        .iter()
        .map(|v| (edit_distance(key, v), *v))
        .filter(|(d, v)| *d <= 2.max(v.len() / 4) && *d < v.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v);
    typo.or_else(|| {
        let mut prefixed = valid
            .iter()
            .filter(|v| key.len() >= 3 && (v.starts_with(key) || key.starts_with(*v)));
        match (prefixed.next(), prefixed.next()) {
            (Some(only), None) => Some(*only),
            _ => None,
        }
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// `queueName` -> `queue_name`.
pub(crate) fn to_snake_case(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `kql_command` -> `kqlCommand`; a key without `_` is kept as written.
pub(crate) fn to_camel_case(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn placeholder(value: ValueKind) -> &'static str {
    match value {
        ValueKind::Bool => "true",
        ValueKind::Int | ValueKind::IntText => "10",
        ValueKind::Schedule => "\"0 */5 * * * *\"",
        ValueKind::Interval => "\"00:00:10\"",
        ValueKind::ListOf(_) => "[\"...\"]",
        _ => "\"...\"",
    }
}

fn wrong_type(
    kind: &BindingKind,
    key_name: &str,
    key: &Ident,
    value: &ArgValue,
    expected: &str,
) -> syn::Error {
    syn::Error::new(
        value.span(key),
        format!("`{key_name}` of `#[{}]` takes {expected}", kind.attr),
    )
}

fn check_value(
    attr: &str,
    setting: &Setting,
    key: &Ident,
    value: ArgValue,
    errors: &mut Errors,
) -> Option<serde_json::Value> {
    let key_name = setting.key;
    let span = value.span(key);
    let wrong = |expected: &str| {
        syn::Error::new(
            span,
            format!("`{key_name}` of `#[{attr}]` takes {expected}"),
        )
    };
    match (setting.value, value) {
        (ValueKind::Str | ValueKind::BindingName, ArgValue::Str(s)) => {
            Some(serde_json::Value::from(s.value()))
        }
        (ValueKind::Str | ValueKind::BindingName, _) => {
            errors.push(wrong("a string, e.g. `\"...\"`"));
            None
        }
        (ValueKind::Bool, ArgValue::Bool(b)) => Some(serde_json::Value::Bool(b.value)),
        (ValueKind::Bool, ArgValue::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
            errors.push(wrong(&format!(
                "`true` or `false` without quotes: `{key_name} = {}`",
                s.value()
            )));
            None
        }
        (ValueKind::Bool, _) => {
            errors.push(wrong("`true` or `false`"));
            None
        }
        (ValueKind::Int | ValueKind::IntText, ArgValue::Int(n, int_span)) => {
            if n < 0 {
                errors.push(syn::Error::new(
                    int_span,
                    format!("`{key_name}` of `#[{attr}]` cannot be negative"),
                ));
                return None;
            }
            Some(match setting.value {
                ValueKind::IntText => serde_json::Value::from(n.to_string()),
                _ => serde_json::Value::from(n),
            })
        }
        (ValueKind::Int | ValueKind::IntText, ArgValue::Str(s))
            if s.value().parse::<u64>().is_ok() =>
        {
            errors.push(wrong(&format!(
                "a number without quotes: `{key_name} = {}`",
                s.value()
            )));
            None
        }
        (ValueKind::Int | ValueKind::IntText, _) => {
            errors.push(wrong("a number, e.g. `10`"));
            None
        }
        (ValueKind::OneOf(allowed), ArgValue::Str(s)) => match find_allowed(allowed, &s.value()) {
            Some(v) => Some(serde_json::Value::from(v)),
            None => {
                errors.push(syn::Error::new(
                    s.span(),
                    format!(
                        "`{}` is not a valid `{key_name}`; expected one of {}",
                        s.value(),
                        quoted_list(allowed)
                    ),
                ));
                None
            }
        },
        (ValueKind::OneOf(allowed), _) => {
            errors.push(wrong(&format!("one of {}", quoted_list(allowed))));
            None
        }
        (ValueKind::ListOf(allowed), ArgValue::List(items, list_span)) => {
            check_list(key_name, allowed, items, list_span, errors)
        }
        (ValueKind::ListOf(allowed), _) => {
            errors.push(wrong(&format!(
                "a list such as `[{}]`",
                quoted_list(allowed)
            )));
            None
        }
        (ValueKind::Schedule, ArgValue::Str(s)) => {
            let problems = azfn_spec::schedule::parse_setting(&s.value())
                .err()
                .unwrap_or_default();
            let ok = problems.is_empty();
            for p in problems {
                errors.push(problem_error(&s, p.into()));
            }
            ok.then(|| serde_json::Value::from(s.value()))
        }
        (ValueKind::Route, ArgValue::Str(s)) => match values::parse_route(&s.value()) {
            Ok(_) => Some(serde_json::Value::from(s.value())),
            Err(problems) => {
                for p in problems {
                    errors.push(problem_error(&s, p));
                }
                None
            }
        },
        (ValueKind::QueueName, ArgValue::Str(s)) => match values::check_queue_name(&s.value()) {
            None => Some(serde_json::Value::from(s.value())),
            Some(p) => {
                errors.push(problem_error(&s, p));
                None
            }
        },
        (ValueKind::BlobPath, ArgValue::Str(s)) => match values::check_blob_path(&s.value()) {
            None => Some(serde_json::Value::from(s.value())),
            Some(p) => {
                errors.push(problem_error(&s, p));
                None
            }
        },
        (ValueKind::Interval, ArgValue::Str(s)) => {
            let problems = azfn_spec::timespan::check_retry_interval(&s.value())
                .err()
                .unwrap_or_default();
            let ok = problems.is_empty();
            for p in problems {
                errors.push(problem_error(&s, p.into()));
            }
            ok.then(|| serde_json::Value::from(s.value()))
        }
        (ValueKind::Schedule, _) => {
            errors.push(wrong("a string, e.g. `\"0 */5 * * * *\"`"));
            None
        }
        (ValueKind::Interval, _) => {
            errors.push(wrong("a string `\"hh:mm:ss\"`, e.g. `\"00:00:10\"`"));
            None
        }
        (ValueKind::Route | ValueKind::QueueName | ValueKind::BlobPath, _) => {
            errors.push(wrong("a string, e.g. `\"...\"`"));
            None
        }
    }
}

fn check_list(
    key_name: &str,
    allowed: &[&'static str],
    items: Vec<LitStr>,
    list_span: Span,
    errors: &mut Errors,
) -> Option<serde_json::Value> {
    if items.is_empty() {
        errors.push(syn::Error::new(
            list_span,
            format!(
                "`{key_name}` needs at least one of {}; leave `{key_name}` out to accept all",
                quoted_list(allowed)
            ),
        ));
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        match find_allowed(allowed, &item.value()) {
            Some(v) if out.contains(&serde_json::Value::from(v)) => {
                errors.push(syn::Error::new(
                    item.span(),
                    format!("`{}` is listed twice", item.value()),
                ));
                ok = false;
            }
            Some(v) => out.push(serde_json::Value::from(v)),
            None => {
                errors.push(syn::Error::new(
                    item.span(),
                    format!(
                        "`{}` is not a valid `{key_name}` entry; expected {}",
                        item.value(),
                        quoted_list(allowed)
                    ),
                ));
                ok = false;
            }
        }
    }
    ok.then_some(serde_json::Value::Array(out))
}

fn check_rules(
    kind: &BindingKind,
    given: &[(&'static str, Span)],
    attr_span: Span,
    errors: &mut Errors,
) {
    let span_of = |key: &str| given.iter().find(|(k, _)| *k == key).map(|(_, s)| *s);
    for rule in kind.rules {
        match *rule {
            Rule::OneOf(groups) => {
                let alternatives = groups
                    .iter()
                    .map(|g| backticked(g).replacen(", ", " and ", g.len() - 1))
                    .collect::<Vec<_>>()
                    .join(", or ");
                let touched: Vec<&&[&str]> = groups
                    .iter()
                    .filter(|g| g.iter().any(|k| span_of(k).is_some()))
                    .collect();
                match touched.as_slice() {
                    [] => errors.push(syn::Error::new(
                        attr_span,
                        format!("`#[{}]` needs {alternatives}", kind.attr),
                    )),
                    [group] => {
                        let missing: Vec<&str> = group
                            .iter()
                            .copied()
                            .filter(|k| span_of(k).is_none())
                            .collect();
                        if !missing.is_empty() {
                            let present = group.iter().find(|k| span_of(k).is_some()).unwrap();
                            errors.push(syn::Error::new(
                                span_of(present).unwrap_or(attr_span),
                                format!(
                                    "`{present}` needs {} too",
                                    backticked(&missing).replace(", ", " and ")
                                ),
                            ));
                        }
                    }
                    [first, rest @ ..] => {
                        let first_key = first.iter().find(|k| span_of(k).is_some()).unwrap();
                        for group in rest {
                            let key = group.iter().find(|k| span_of(k).is_some()).unwrap();
                            errors.push(syn::Error::new(
                                span_of(key).unwrap_or(attr_span),
                                format!(
                                    "`{key}` cannot be combined with `{first_key}`: `#[{}]` \
                                     takes {alternatives}",
                                    kind.attr
                                ),
                            ));
                        }
                    }
                }
            }
            Rule::AtMostOne(keys) => {
                let present: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| span_of(k).is_some())
                    .collect();
                for key in present.iter().skip(1) {
                    errors.push(syn::Error::new(
                        span_of(key).unwrap_or(attr_span),
                        format!(
                            "`{key}` cannot be combined with `{}`; keep one of them",
                            present[0]
                        ),
                    ));
                }
            }
            Rule::Requires(key, needed) => {
                if let Some(span) = span_of(key)
                    && span_of(needed).is_none()
                {
                    errors.push(syn::Error::new(
                        span,
                        format!("`{key}` needs `{needed}` too"),
                    ));
                }
            }
        }
    }
}

/// `retry(strategy = ..., max_retry_count = ..., intervals...)`, checked against the strategy.
fn resolve_retry(
    args: Vec<Arg>,
    retry_span: Span,
    errors: &mut Errors,
) -> Option<serde_json::Value> {
    let mut strategy: Option<(&str, Span)> = None;
    let mut count: Option<i64> = None;
    let mut intervals: Vec<(&'static Setting, LitStr, Span)> = Vec::new();
    let mut ok = true;
    let mut seen: Vec<String> = Vec::new();
    for Arg { key, value } in args {
        let key_text = key.unraw().to_string();
        if seen.contains(&key_text) {
            errors.push(syn::Error::new(
                key.span(),
                format!("`{key_text}` is given twice"),
            ));
            ok = false;
            continue;
        }
        seen.push(key_text.clone());
        let Some(setting) = RETRY_SETTINGS.iter().find(|s| s.key == key_text) else {
            let valid: Vec<&str> = RETRY_SETTINGS.iter().map(|s| s.key).collect();
            let hint = closest(&key_text, &valid)
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            errors.push(syn::Error::new(
                key.span(),
                format!(
                    "unknown retry setting `{key_text}`; {hint}valid: {}",
                    backticked(&valid)
                ),
            ));
            ok = false;
            continue;
        };
        match (setting.key, value) {
            ("strategy", value) => {
                let span = value.span(&key);
                match check_value("retry", setting, &key, value, errors) {
                    Some(serde_json::Value::String(s)) => {
                        let s: &'static str = if s == "fixedDelay" {
                            "fixedDelay"
                        } else {
                            "exponentialBackoff"
                        };
                        strategy = Some((s, span));
                    }
                    _ => ok = false,
                }
            }
            ("max_retry_count", ArgValue::Int(n, span)) => {
                if n < -1 {
                    errors.push(syn::Error::new(
                        span,
                        "`max_retry_count` is a number of retries, or `-1` to retry forever",
                    ));
                    ok = false;
                } else {
                    count = Some(n);
                }
            }
            ("max_retry_count", other) => {
                errors.push(syn::Error::new(
                    other.span(&key),
                    "`max_retry_count` takes a number, e.g. `max_retry_count = 3` (`-1`: forever)",
                ));
                ok = false;
            }
            (_, ArgValue::Str(s)) => {
                let span = key.span();
                match azfn_spec::timespan::check_retry_interval(&s.value()) {
                    Ok(_) => intervals.push((setting, s, span)),
                    Err(problems) => {
                        for p in problems {
                            errors.push(problem_error(&s, p.into()));
                        }
                        ok = false;
                    }
                }
            }
            (_, other) => {
                errors.push(syn::Error::new(
                    other.span(&key),
                    format!(
                        "`{}` takes a string `\"hh:mm:ss\"`, e.g. `\"00:00:10\"`",
                        setting.key
                    ),
                ));
                ok = false;
            }
        }
    }
    let Some((strategy, _)) = strategy else {
        if ok {
            errors.push(syn::Error::new(
                retry_span,
                "`retry` needs `strategy = \"fixedDelay\"` or `strategy = \"exponentialBackoff\"`",
            ));
        }
        return None;
    };
    if count.is_none() && ok {
        errors.push(syn::Error::new(
            retry_span,
            "`retry` needs `max_retry_count`, e.g. `max_retry_count = 3` (`-1`: forever)",
        ));
        ok = false;
    }
    let (needed, other_strategy): (&[&str], &str) = if strategy == "fixedDelay" {
        (&["delay_interval"], "exponentialBackoff")
    } else {
        (&["minimum_interval", "maximum_interval"], "fixedDelay")
    };
    for (setting, _, span) in &intervals {
        if !needed.contains(&setting.key) {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "`{}` belongs to `{other_strategy}`; `{strategy}` takes {}",
                    setting.key,
                    backticked(needed).replace(", ", " and ")
                ),
            ));
            ok = false;
        }
    }
    for key in needed {
        if !intervals.iter().any(|(s, _, _)| s.key == *key) && ok {
            errors.push(syn::Error::new(
                retry_span,
                format!("`{strategy}` retries need `{key} = \"hh:mm:ss\"`"),
            ));
            ok = false;
        }
    }
    if strategy == "exponentialBackoff" && ok {
        let get = |key: &str| intervals.iter().find(|(s, _, _)| s.key == key);
        if let (Some((_, min, _)), Some((_, max, max_span))) =
            (get("minimum_interval"), get("maximum_interval"))
            && azfn_spec::timespan::check_retry_interval(&min.value()).ok()
                > azfn_spec::timespan::check_retry_interval(&max.value()).ok()
        {
            errors.push(syn::Error::new(
                *max_span,
                format!(
                    "`maximum_interval` ({}) is shorter than `minimum_interval` ({})",
                    max.value(),
                    min.value()
                ),
            ));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut object = serde_json::Map::new();
    object.insert("strategy".into(), strategy.into());
    object.insert("maxRetryCount".into(), count.unwrap_or_default().into());
    for setting in RETRY_SETTINGS {
        if let Some((_, lit, _)) = intervals.iter().find(|(s, _, _)| s.key == setting.key) {
            object.insert(setting.json.into(), lit.value().into());
        }
    }
    Some(serde_json::Value::Object(object))
}

/// The generic attributes: `type` (and `direction` for `#[binding]`) plus settings passed
/// through, `snake_case` keys turned to `camelCase`.
fn resolve_generic(
    kind: &'static BindingKind,
    args: Vec<Arg>,
    attr_span: Span,
    errors: &mut Errors,
) -> ResolvedBinding {
    let is_trigger = kind.role == Role::Trigger;
    let mut resolved = ResolvedBinding::empty(kind);
    let mut json_type: Option<LitStr> = None;
    let mut direction: Option<Direction> = None;
    let mut direction_given = false;
    let mut seen: Vec<String> = Vec::new();
    let mut seen_json: Vec<String> = Vec::new();
    for Arg { key, value } in args {
        let key_text = key.unraw().to_string();
        if seen.contains(&key_text) {
            errors.push(syn::Error::new(
                key.span(),
                format!("`{key_text}` is given twice"),
            ));
            continue;
        }
        seen.push(key_text.clone());
        match key_text.as_str() {
            "type" => match value {
                ArgValue::Str(s) => json_type = Some(s),
                other => errors.push(syn::Error::new(
                    other.span(&key),
                    "`type` takes the binding type as a string, e.g. `type = \"kusto\"`",
                )),
            },
            "direction" if !is_trigger => {
                direction_given = true;
                match &value {
                    ArgValue::Str(s) => match s.value().as_str() {
                        "in" => direction = Some(Direction::In),
                        "out" => direction = Some(Direction::Out),
                        "inout" => direction = Some(Direction::InOut),
                        other => errors.push(syn::Error::new(
                            s.span(),
                            format!(
                                "`{other}` is not a direction; expected \"in\", \"out\" or \
                                 \"inout\""
                            ),
                        )),
                    },
                    other => errors.push(syn::Error::new(
                        other.span(&key),
                        "`direction` takes \"in\", \"out\" or \"inout\"",
                    )),
                }
            }
            "direction" => errors.push(syn::Error::new(
                key.span(),
                "a trigger's direction is always \"in\"; remove `direction`",
            )),
            _ => {
                let Some(value) = common_key(kind, &key, &key_text, value, &mut resolved, errors)
                else {
                    continue;
                };
                let json_key = to_camel_case(&key_text);
                if seen_json.contains(&json_key) {
                    errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "`{key_text}` is `{json_key}` in function.json, which is already given"
                        ),
                    ));
                    continue;
                }
                seen_json.push(json_key.clone());
                let json = match value {
                    ArgValue::Str(s) => serde_json::Value::from(s.value()),
                    ArgValue::Bool(b) => serde_json::Value::Bool(b.value),
                    ArgValue::Int(n, _) => serde_json::Value::from(n),
                    ArgValue::List(items, _) => serde_json::Value::Array(
                        items
                            .iter()
                            .map(|i| serde_json::Value::from(i.value()))
                            .collect(),
                    ),
                    other @ (ArgValue::Nested(..) | ArgValue::Flag) => {
                        errors.push(syn::Error::new(
                            other.span(&key),
                            format!(
                                "`{key_text}` needs a value: a string, `true`/`false`, a number or \
                                 a list of strings"
                            ),
                        ));
                        continue;
                    }
                };
                resolved.settings.push((json_key, json));
            }
        }
    }
    let example = if is_trigger {
        "`type = \"redisPubSubTrigger\"`"
    } else {
        "`type = \"kusto\"`"
    };
    match &json_type {
        None => errors.push(syn::Error::new(
            attr_span,
            format!("`#[{}]` needs the binding type, e.g. {example}", kind.attr),
        )),
        Some(lit) => check_generic_type(kind, lit, errors),
    }
    if !is_trigger && !direction_given {
        errors.push(syn::Error::new(
            attr_span,
            "`#[binding]` needs `direction = \"in\"`, `\"out\"` or `\"inout\"`",
        ));
    }
    resolved.json_type = json_type.map(|t| t.value()).unwrap_or_default();
    if let Some(direction) = direction {
        resolved.direction = direction;
        resolved.role = match direction {
            Direction::In => Role::Input,
            Direction::Out | Direction::InOut => Role::Output,
        };
    }
    resolved
}

fn check_generic_type(kind: &BindingKind, lit: &LitStr, errors: &mut Errors) {
    let value = lit.value();
    let well_formed = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric());
    if !well_formed {
        errors.push(syn::Error::new(
            lit.span(),
            format!("`{value}` is not a binding type: use letters and digits, e.g. `kusto`"),
        ));
        return;
    }
    let dedicated = catalog::attrs_for_type(&value);
    if !dedicated.is_empty() {
        let attrs = dedicated
            .iter()
            .map(|a| format!("`#[{a}]`"))
            .collect::<Vec<_>>()
            .join(" or ");
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "`{value}` has its own attribute, which checks its settings: use {attrs} instead \
                 of `#[{}]`",
                kind.attr
            ),
        ));
        return;
    }
    let is_trigger_type = catalog::is_trigger_type(&value);
    if kind.role == Role::Trigger && !is_trigger_type {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "a trigger's type ends in `Trigger` (e.g. `{value}Trigger`); for a binding that \
                 is not the trigger, use `#[binding(type = \"{value}\", direction = ...)]`"
            ),
        ));
    } else if kind.role != Role::Trigger && is_trigger_type {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "`{value}` is a trigger type and a function has one trigger: use \
                 `#[generic_trigger(type = \"{value}\")]` as the function's trigger"
            ),
        ));
    }
}

fn find_allowed(allowed: &[&'static str], given: &str) -> Option<&'static str> {
    allowed
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(given))
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use azfn_spec::catalog::{
        COSMOS_DB_INPUT, EVENT_GRID_OUTPUT, GENERIC_BINDING, GENERIC_TRIGGER, HTTP_TRIGGER,
        QUEUE_OUTPUT, QUEUE_TRIGGER, SERVICE_BUS_TRIGGER, TIMER_TRIGGER,
    };
    use quote::quote;

    fn resolve_tokens(
        kind: &'static BindingKind,
        tokens: TokenStream,
    ) -> (ResolvedBinding, Vec<String>) {
        let mut errors = Errors::default();
        let args = parse_args(tokens).unwrap();
        let resolved = resolve(kind, args, Span::call_site(), &mut errors);
        let messages = errors.into_messages();
        (resolved, messages)
    }

    fn json(settings: &[(String, serde_json::Value)]) -> serde_json::Value {
        serde_json::Value::Object(settings.iter().cloned().collect())
    }

    #[test]
    fn settings_map_to_function_json_names_with_defaults() {
        let (r, errors) =
            resolve_tokens(&HTTP_TRIGGER, quote!(methods = ["GET", post], name = "Fn"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.name.unwrap().value(), "Fn");
        assert_eq!(
            json(&r.settings),
            serde_json::json!({"methods": ["get", "post"], "authLevel": "function"})
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let (_, errors) = resolve_tokens(
            &QUEUE_OUTPUT,
            quote!(queue = "x", connection = true, data_type = "text"),
        );
        // No "needs `queue_name`" on top: the first error already says what was meant.
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("unknown setting `queue`"));
        assert!(errors[0].contains("did you mean `queue_name`?"));
        assert!(errors[1].contains("takes a string"));
        assert!(errors[2].contains("expected one of"));
        let (_, errors) = resolve_tokens(&QUEUE_OUTPUT, quote!(connection = "c"));
        assert_eq!(
            errors,
            ["`#[queue_output]` needs `queue_name`, e.g. `queue_name = \"...\"`"]
        );
    }

    #[test]
    fn unknown_keys_get_the_likely_fix() {
        let (_, e) = resolve_tokens(&QUEUE_TRIGGER, quote!(queueName = "q"));
        assert!(e[0].contains("snake_case: `queue_name`"), "{e:?}");
        let (_, e) = resolve_tokens(
            &COSMOS_DB_INPUT,
            quote!(connection = "c", database_name = "d", collection_name = "x"),
        );
        assert!(e[0].contains("calls it `container_name`"), "{e:?}");
        assert_eq!(
            closest("conection", &["connection", "name"]),
            Some("connection")
        );
        assert_eq!(closest("zzz", &["connection", "name"]), None);
    }

    #[test]
    fn either_or_requirements() {
        let (_, e) = resolve_tokens(&SERVICE_BUS_TRIGGER, quote!(connection = "c"));
        assert_eq!(
            e,
            [
                "`#[service_bus_trigger]` needs `queue_name`, or `topic_name` and \
              `subscription_name`"
            ]
        );
        let (_, e) = resolve_tokens(&SERVICE_BUS_TRIGGER, quote!(topic_name = "t"));
        assert_eq!(e, ["`topic_name` needs `subscription_name` too"]);
        let (_, e) = resolve_tokens(
            &SERVICE_BUS_TRIGGER,
            quote!(queue_name = "q", topic_name = "t", subscription_name = "s"),
        );
        assert!(
            e[0].starts_with("`topic_name` cannot be combined with `queue_name`"),
            "{e:?}"
        );
        let (r, e) = resolve_tokens(
            &EVENT_GRID_OUTPUT,
            quote!(topic_endpoint_uri = "U", topic_key_setting = "K"),
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            json(&r.settings),
            serde_json::json!({"topicEndpointUri": "U", "topicKeySetting": "K"})
        );
    }

    #[test]
    fn retry_and_disabled_are_function_settings() {
        let (r, e) = resolve_tokens(
            &TIMER_TRIGGER,
            quote!(
                schedule = "0 0 * * * *",
                disabled = false,
                retry(
                    strategy = "exponentialbackoff",
                    max_retry_count = -1,
                    minimum_interval = "00:00:10",
                    maximum_interval = "00:15:00"
                )
            ),
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            json(&r.function_settings),
            serde_json::json!({"disabled": false, "retry": {
                "strategy": "exponentialBackoff", "maxRetryCount": -1,
                "minimumInterval": "00:00:10", "maximumInterval": "00:15:00"}})
        );
        let (_, e) = resolve_tokens(
            &TIMER_TRIGGER,
            quote!(
                schedule = "0 0 * * * *",
                retry(
                    strategy = "fixedDelay",
                    max_retry_count = 2,
                    minimum_interval = "00:00:01"
                )
            ),
        );
        assert!(
            e[0].contains("`minimum_interval` belongs to `exponentialBackoff`"),
            "{e:?}"
        );
        let (_, e) = resolve_tokens(
            &QUEUE_TRIGGER,
            quote!(queue_name = "jobs", retry(strategy = "fixedDelay")),
        );
        assert!(
            e[0].contains("has no effect on `#[queue_trigger]`"),
            "{e:?}"
        );
    }

    #[test]
    fn the_value_starts_after_the_opening_quote_when_the_source_is_the_value() {
        assert_eq!(
            value_start_in_source(r#""0 61 * * * *""#, "0 61 * * * *"),
            Some(1)
        );
        assert_eq!(value_start_in_source(r#"r"ab""#, "ab"), Some(2));
        assert_eq!(value_start_in_source(r###"r#"a"b"#"###, "a\"b"), Some(3));
        assert_eq!(value_start_in_source(r#""ab"suffix"#, "ab"), Some(1));
        assert_eq!(value_start_in_source(r#""""#, ""), Some(1));
        // Escapes: positions in the value are not positions in the source.
        assert_eq!(value_start_in_source(r#""a\tb""#, "a\tb"), None);
        assert_eq!(value_start_in_source(r#""\x41b""#, "Ab"), None);
        assert_eq!(value_start_in_source(r#""a\"""#, "a\""), None);
    }

    /// The byte range of the source an error about `range` of the value in `literal` points
    /// at (proc-macro2's own spans, which, as nightly compilers' do, support `subspan`).
    fn pointed_source(literal: &str, range: Range<usize>) -> Range<usize> {
        let lit: LitStr = syn::parse_str(literal).unwrap();
        let span = span_within(&lit, range);
        let whole = lit.span().byte_range();
        span.byte_range().start - whole.start..span.byte_range().end - whole.start
    }

    #[test]
    fn errors_point_inside_literals_where_spans_allow() {
        let source = r#""0 61 * * * *""#;
        let at = pointed_source(source, 2..4);
        assert_eq!((at.clone(), &source[at]), (3..5, "61"));
        let source = r###"r#"0 61 * * * *"#"###;
        let at = pointed_source(source, 2..4);
        assert_eq!((at.clone(), &source[at]), (5..7, "61"));
        // An escape before the part: the whole literal.
        assert_eq!(pointed_source(r#""0\x20 61 * * * *""#, 2..4), 0..18);
        // Nothing to point at: the whole literal.
        assert_eq!(pointed_source(r#""""#, 0..0), 0..2);
    }

    #[test]
    fn string_value_errors_draw_the_part_at_fault() {
        let (_, e) = resolve_tokens(&TIMER_TRIGGER, quote!(schedule = "0 61 * * * *"));
        assert_eq!(
            e,
            ["`61` is out of range for the minute field (0-59)\n  \"0 61 * * * *\"\n     ^^"]
        );
        let (_, e) = resolve_tokens(
            &TIMER_TRIGGER,
            quote!(
                schedule = "0 0 * * * *",
                retry(
                    strategy = "fixedDelay",
                    max_retry_count = 2,
                    delay_interval = "00:61:0"
                )
            ),
        );
        assert_eq!(
            e,
            [
                "`61` minutes in interval `00:61:0`: at most 59\n  \"00:61:0\"\n      ^^",
                "`0` seconds in interval `00:61:0`: write two digits, `hh:mm:ss`, e.g. \
                 `00:00:10` for ten seconds\n  \"00:61:0\"\n         ^",
            ]
        );
        // The whole value at fault: the message alone.
        let (_, e) = resolve_tokens(&QUEUE_TRIGGER, quote!(queue_name = "ab"));
        assert_eq!(
            e,
            ["queue name `ab` has 2 characters; Storage queue names have 3 to 63"]
        );
    }

    #[test]
    fn generic_keys_pass_through_in_camel_case() {
        let (r, e) = resolve_tokens(
            &GENERIC_BINDING,
            quote!(
                type = "kusto",
                direction = "in",
                kql_command = "T",
                dataFormat = "json",
                take = 3,
                on = true
            ),
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(r.json_type, "kusto");
        assert_eq!(r.role, Role::Input);
        assert_eq!(
            json(&r.settings),
            serde_json::json!({"kqlCommand": "T", "dataFormat": "json", "take": 3, "on": true})
        );
        let (_, e) = resolve_tokens(&GENERIC_BINDING, quote!(type = "Queue", direction = "out"));
        assert!(e[0].contains("use `#[queue_output]`"), "{e:?}");
        assert_eq!(to_camel_case("a_b_c"), "aBC");
        assert_eq!(to_snake_case("queueName"), "queue_name");
    }

    #[test]
    fn a_trigger_type_is_recognised_in_any_case_as_the_host_does() {
        // The host's `IsTrigger` ignores case: `redisListTRIGGER` on an input would be a second
        // trigger, and as the function's trigger it is a trigger.
        let (_, e) = resolve_tokens(
            &GENERIC_BINDING,
            quote!(type = "redisListTRIGGER", direction = "in"),
        );
        assert!(e[0].contains("is a trigger type"), "{e:?}");
        let (r, e) = resolve_tokens(&GENERIC_TRIGGER, quote!(type = "redisListtrigger"));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(r.json_type, "redisListtrigger");
    }
}
