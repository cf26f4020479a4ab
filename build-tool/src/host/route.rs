//! ASP.NET route templates, as far as HTTP triggers use them: `products/{id:int}`,
//! `files/{*path}`, `items/{name?}`, `a/{b=default}`.
//!
//! Supported: literal segments (matched case-insensitively), whole-segment parameters with
//! constraints, optional parameters, defaults and a final catch-all. Not supported: segments
//! that mix literal text and parameters (`file.{ext}`); loading an app that uses one fails
//! with [`HostError::Route`](super::HostError::Route) rather than silently routing wrong.

/// A parsed route template.
#[derive(Clone, Debug)]
pub(crate) struct RouteTemplate {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Param(Param),
}

#[derive(Clone, Debug)]
struct Param {
    name: String,
    optional: bool,
    catch_all: bool,
    default: Option<String>,
    constraints: Vec<Constraint>,
}

#[derive(Clone, Debug)]
enum Constraint {
    Int,
    Long,
    Bool,
    Guid,
    Alpha,
    Number,
    DateTime,
    Required,
    MinLength(usize),
    MaxLength(usize),
    Length(usize, usize),
    Min(i64),
    Max(i64),
    Range(i64, i64),
    /// Regular expressions are accepted but not evaluated: there is no regex engine here.
    Regex,
}

/// One route value: the parameter name and what the path gave it (`None` for an optional
/// parameter the path left out).
pub(crate) type RouteValues = Vec<(String, Option<String>)>;

impl RouteTemplate {
    /// Parses a template as written in function.json (a leading `/` or `~/` is allowed).
    pub(crate) fn parse(template: &str) -> Result<Self, String> {
        let trimmed = template
            .strip_prefix("~/")
            .or_else(|| template.strip_prefix('/'))
            .unwrap_or(template);
        let mut segments = Vec::new();
        if trimmed.is_empty() {
            return Ok(RouteTemplate { segments });
        }
        let parts: Vec<&str> = trimmed.split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            if part.is_empty() {
                return Err("empty segment (`//`)".into());
            }
            let opens = part.matches('{').count() - 2 * part.matches("{{").count();
            if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'))
                && !part.starts_with("{{")
            {
                let param = parse_param(inner)?;
                if param.catch_all && index + 1 != parts.len() {
                    return Err(format!(
                        "catch-all parameter `{}` must be the last segment",
                        param.name
                    ));
                }
                segments.push(Segment::Param(param));
            } else if opens > 0 {
                return Err(format!(
                    "segment `{part}` mixes literal text and parameters, which this simulation does not support"
                ));
            } else {
                segments.push(Segment::Literal(part.replace("{{", "{").replace("}}", "}")));
            }
        }
        // Optional and defaulted parameters may only be followed by more of the same.
        let mut seen_optional = false;
        for segment in &segments {
            match segment {
                Segment::Param(p) if p.optional || p.default.is_some() || p.catch_all => {
                    seen_optional = true
                }
                _ if seen_optional => {
                    return Err("an optional parameter must be at the end of the template".into());
                }
                _ => {}
            }
        }
        Ok(RouteTemplate { segments })
    }

    /// Matches path segments (already split on `/` and percent-decoded, prefix removed).
    pub(crate) fn matches(&self, path: &[String]) -> Option<RouteValues> {
        let mut values = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Literal(literal) => {
                    if !path.get(index)?.to_lowercase().eq(&literal.to_lowercase()) {
                        return None;
                    }
                }
                Segment::Param(param) if param.catch_all => {
                    let rest = path.get(index..).map(|r| r.join("/")).unwrap_or_default();
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
                Segment::Param(param) => match path.get(index) {
                    Some(value) if !value.is_empty() => {
                        if !param.accepts(value) {
                            return None;
                        }
                        values.push((param.name.clone(), Some(value.clone())));
                    }
                    Some(_) => return None,
                    None if param.default.is_some() => {
                        values.push((param.name.clone(), param.default.clone()))
                    }
                    None if param.optional => values.push((param.name.clone(), None)),
                    None => return None,
                },
            }
        }
        (path.len() <= self.segments.len()).then_some(values)
    }

    /// ASP.NET's inbound precedence: lower sorts first, so literals beat constrained
    /// parameters, which beat plain parameters, which beat catch-alls.
    pub(crate) fn precedence(&self) -> Vec<u8> {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 1,
                Segment::Param(p) if p.catch_all => 5,
                Segment::Param(p) if !p.constraints.is_empty() => 3,
                Segment::Param(_) => 4,
            })
            .collect()
    }
}

impl Param {
    fn accepts(&self, value: &str) -> bool {
        self.constraints.iter().all(|c| c.accepts(value))
    }
}

impl Constraint {
    fn accepts(&self, value: &str) -> bool {
        use super::dotnet::long_try_parse;
        let chars = value.chars().count();
        match self {
            Constraint::Int => super::dotnet::int_try_parse(value).is_some(),
            Constraint::Long => long_try_parse(value).is_some(),
            Constraint::Bool => {
                matches!(value.trim().to_ascii_lowercase().as_str(), "true" | "false")
            }
            Constraint::Guid => is_guid(value),
            Constraint::Alpha => value.bytes().all(|b| b.is_ascii_alphabetic()),
            Constraint::Number => value.trim().parse::<f64>().is_ok(),
            Constraint::DateTime | Constraint::Regex => true,
            Constraint::Required => !value.is_empty(),
            Constraint::MinLength(n) => chars >= *n,
            Constraint::MaxLength(n) => chars <= *n,
            Constraint::Length(min, max) => (*min..=*max).contains(&chars),
            Constraint::Min(n) => long_try_parse(value).is_some_and(|v| v >= *n),
            Constraint::Max(n) => long_try_parse(value).is_some_and(|v| v <= *n),
            Constraint::Range(a, b) => {
                long_try_parse(value).is_some_and(|v| (*a..=*b).contains(&v))
            }
        }
    }
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

fn parse_param(inner: &str) -> Result<Param, String> {
    let (catch_all, rest) = match inner.strip_prefix("**").or_else(|| inner.strip_prefix('*')) {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (rest, default) = match split_outside_parens(rest, '=').as_slice() {
        [body] => (body.to_string(), None),
        [body, default] => (body.to_string(), Some(default.to_string())),
        _ => return Err(format!("`{{{inner}}}` has more than one default")),
    };
    let (rest, optional) = match rest.strip_suffix('?') {
        Some(r) => (r.to_string(), true),
        None => (rest, false),
    };
    if optional && default.is_some() {
        return Err(format!(
            "`{{{inner}}}` cannot be both optional and have a default"
        ));
    }
    let mut parts = split_outside_parens(&rest, ':').into_iter();
    let name = parts.next().unwrap_or_default();
    if name.is_empty()
        || name
            .chars()
            .any(|c| matches!(c, '{' | '}' | '/' | '?' | '*' | '=' | ':'))
    {
        return Err(format!("`{{{inner}}}` has no valid parameter name"));
    }
    let constraints = parts
        .map(|c| parse_constraint(&c))
        .collect::<Result<_, _>>()?;
    Ok(Param {
        name,
        optional,
        catch_all,
        default,
        constraints,
    })
}

fn parse_constraint(text: &str) -> Result<Constraint, String> {
    let (name, args) = match text.split_once('(') {
        Some((name, rest)) => (
            name,
            rest.strip_suffix(')')
                .ok_or_else(|| format!("constraint `{text}` is missing `)`"))?,
        ),
        None => (text, ""),
    };
    let numbers = || -> Result<Vec<i64>, String> {
        args.split(',')
            .map(|a| {
                a.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("constraint `{text}` needs numeric arguments"))
            })
            .collect()
    };
    let one = || -> Result<i64, String> {
        match numbers()?.as_slice() {
            [n] => Ok(*n),
            _ => Err(format!("constraint `{text}` takes one argument")),
        }
    };
    let size =
        |n: i64| usize::try_from(n).map_err(|_| format!("constraint `{text}` needs a length"));
    Ok(match name.to_ascii_lowercase().as_str() {
        "int" => Constraint::Int,
        "long" => Constraint::Long,
        "bool" => Constraint::Bool,
        "guid" => Constraint::Guid,
        "alpha" => Constraint::Alpha,
        "decimal" | "double" | "float" => Constraint::Number,
        "datetime" => Constraint::DateTime,
        "required" => Constraint::Required,
        "regex" => Constraint::Regex,
        "minlength" => Constraint::MinLength(size(one()?)?),
        "maxlength" => Constraint::MaxLength(size(one()?)?),
        "min" => Constraint::Min(one()?),
        "max" => Constraint::Max(one()?),
        "length" => match numbers()?.as_slice() {
            [n] => Constraint::Length(size(*n)?, size(*n)?),
            [a, b] => Constraint::Length(size(*a)?, size(*b)?),
            _ => return Err(format!("constraint `{text}` takes one or two arguments")),
        },
        "range" => match numbers()?.as_slice() {
            [a, b] => Constraint::Range(*a, *b),
            _ => return Err(format!("constraint `{text}` takes two arguments")),
        },
        other => {
            return Err(format!(
                "the constraint `{other}` could not be resolved (known: int, long, bool, guid, alpha, \
                 decimal, double, float, datetime, required, regex, minlength, maxlength, length, \
                 min, max, range)"
            ));
        }
    })
}

fn split_outside_parens(text: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == separator && depth == 0 {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// Percent-decodes `text` the way `Uri.UnescapeDataString` does (invalid escapes stay as
/// written); with `plus_is_space`, `+` first becomes a space, as in query strings.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.split('/').map(str::to_string).collect()
    }

    #[test]
    fn constrained_and_optional_parameters() {
        let t = RouteTemplate::parse("products/{id:int}/{tag?}").unwrap();
        assert_eq!(
            t.matches(&segs("Products/42")).unwrap(),
            vec![("id".into(), Some("42".into())), ("tag".into(), None)]
        );
        assert!(t.matches(&segs("products/x")).is_none());
        assert!(t.matches(&segs("products/1/a/b")).is_none());
    }

    #[test]
    fn catch_all_takes_the_rest() {
        let t = RouteTemplate::parse("files/{*path}").unwrap();
        assert_eq!(
            t.matches(&segs("files/a/b.txt")).unwrap(),
            vec![("path".into(), Some("a/b.txt".into()))]
        );
    }

    #[test]
    fn mixed_segments_are_refused() {
        assert!(RouteTemplate::parse("file.{ext}").is_err());
        assert!(RouteTemplate::parse("a/{b:nope}").is_err());
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b+c%zz%", true), "a b c%zz%");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}
