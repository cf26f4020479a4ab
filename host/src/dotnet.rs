//! The few .NET behaviours the host inherits, re-implemented so that the simulation matches the
//! real host byte for byte where handlers can observe the difference.
//!
//! Each function names the .NET API it copies. They are public because the rules are subtle
//! enough to deserve their own tests, and because a handler author may want to ask "would the
//! host turn this string into bytes?" directly.

pub use azfn_spec::dotnet::{from_base64_string, int_try_parse, long_try_parse};

/// `System.Environment.ExpandEnvironmentVariables` as implemented on Unix: every `%NAME%` whose
/// `NAME` is defined (case-sensitively) is replaced by its value; undefined ones stay as written.
///
/// ```
/// use azfn_host::dotnet::expand_environment_variables;
/// let env = |k: &str| (k == "HOME").then(|| "/home/me".to_string());
/// assert_eq!(expand_environment_variables("%HOME%/x %NOPE%", env), "/home/me/x %NOPE%");
/// ```
pub fn expand_environment_variables(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    // `last` is always 0, the index of a '%' or one past it, so every slice below falls on a
    // char boundary even in non-ASCII text.
    while last < bytes.len() {
        let Some(offset) = bytes[last + 1..].iter().position(|&b| b == b'%') else {
            break;
        };
        let pos = last + 1 + offset;
        if bytes[last] == b'%'
            && let Some(value) = lookup(&text[last + 1..pos])
        {
            out.push_str(&value);
            last = pos + 1;
            continue;
        }
        out.push_str(&text[last..pos]);
        last = pos;
    }
    out.push_str(&text[last..]);
    out
}

/// Deletes every match of the regular expression `%(.+?)%`, as the host's worker process
/// factory does with the `%VAR%` sequences left in the argument string after expansion
/// (CONTRACT §1.2): an undefined `%X%` vanishes instead of reaching the handler.
///
/// ```
/// use azfn_host::dotnet::remove_unexpanded_variables;
/// assert_eq!(remove_unexpanded_variables("--a %X% --b 50%"), "--a  --b 50%");
/// ```
pub fn remove_unexpanded_variables(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // `.+?` needs at least one character other than a newline before the closing '%'.
        if bytes[i] == b'%' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
            let close = bytes[i + 2..]
                .iter()
                .position(|&b| b == b'%' || b == b'\n')
                .map(|p| i + 2 + p)
                .filter(|&j| bytes[j] == b'%');
            if let Some(j) = close {
                out.push_str(&text[copied..i]);
                i = j + 1;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// How .NET on Unix splits `ProcessStartInfo.Arguments` into `argv`
/// (`Process.ParseArgumentsIntoList`, the Windows C runtime rules).
///
/// Arguments are separated by spaces or tabs; double quotes group; `\"` is a literal quote;
/// backslashes are literal unless they precede a quote, where pairs become one backslash;
/// `""` inside quotes is a literal quote.
///
/// ```
/// use azfn_host::dotnet::parse_arguments;
/// assert_eq!(parse_arguments(r#" a "b c" d\"e"#), ["a", "b c", "d\"e"]);
/// ```
pub fn parse_arguments(arguments: &str) -> Vec<String> {
    let chars: Vec<char> = arguments.chars().collect();
    let mut results = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        results.push(next_argument(&chars, &mut i));
    }
    results
}

fn next_argument(chars: &[char], i: &mut usize) -> String {
    let mut current = String::new();
    let mut in_quotes = false;
    while *i < chars.len() {
        let mut backslashes = 0;
        while *i < chars.len() && chars[*i] == '\\' {
            *i += 1;
            backslashes += 1;
        }
        if backslashes > 0 {
            if *i >= chars.len() || chars[*i] != '"' {
                current.extend(std::iter::repeat_n('\\', backslashes));
            } else {
                current.extend(std::iter::repeat_n('\\', backslashes / 2));
                if backslashes % 2 != 0 {
                    current.push('"');
                    *i += 1;
                }
            }
            continue;
        }
        let c = chars[*i];
        if c == '"' {
            if in_quotes && *i + 1 < chars.len() && chars[*i + 1] == '"' {
                current.push('"');
                *i += 1;
            } else {
                in_quotes = !in_quotes;
            }
            *i += 1;
            continue;
        }
        if (c == ' ' || c == '\t') && !in_quotes {
            break;
        }
        current.push(c);
        *i += 1;
    }
    current
}

/// `System.Text.Encodings.Web.UrlEncoder.Default.Encode`: percent-encodes (UTF-8, upper-case
/// hex) everything except `A–Z a–z 0–9 - . _ ~ ! $ ( ) * , ; @`.
///
/// ASP.NET's `QueryHelpers.AddQueryString` uses it, so this is how forwarding mode rebuilds the
/// query string (§4.1).
///
/// ```
/// use azfn_host::dotnet::url_encode;
/// assert_eq!(url_encode("a b&c=d,é"), "a%20b%26c%3Dd,%C3%A9");
/// ```
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'(' | b')' | b'*' | b',' | b';' | b'@'
            );
        if allowed {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_leaves_lone_percents() {
        let env = |k: &str| (k == "A").then(|| "1".to_string());
        assert_eq!(expand_environment_variables("100%", env), "100%");
        assert_eq!(expand_environment_variables("%%A%", env), "%1");
        assert_eq!(expand_environment_variables("é%A%é", env), "é1é");
    }

    #[test]
    fn sanitizer_needs_one_char_and_no_newline() {
        assert_eq!(remove_unexpanded_variables("%%"), "%%");
        assert_eq!(remove_unexpanded_variables("%%x%"), "");
        assert_eq!(remove_unexpanded_variables("%a\nb%"), "%a\nb%");
        assert_eq!(remove_unexpanded_variables("x %é% y"), "x  y");
    }
}
