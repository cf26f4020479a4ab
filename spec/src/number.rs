//! .NET's invariant-culture number parsing, as the host applies it to route values
//! (`int`, `long`, `min`, `max`, `range` constraints) and to numbers in settings.
//!
//! The rules are `System.Number`'s for `NumberStyles.Integer` with `CultureInfo.InvariantCulture`
//! (dotnet/runtime `src/libraries/System.Private.CoreLib/src/System/Number.Parsing.cs`).

/// `int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)`: optional leading
/// and trailing white space, an optional sign, ASCII digits, within `i32`.
///
/// ```
/// use azfn_spec::number::int_try_parse;
/// assert_eq!(int_try_parse(" +201 "), Some(201));
/// assert_eq!(int_try_parse("201.0"), None);
/// ```
pub fn int_try_parse(text: &str) -> Option<i32> {
    long_try_parse(text).and_then(|v| i32::try_from(v).ok())
}

/// `long.TryParse` with the same rules as [`int_try_parse`], within `i64`.
pub fn long_try_parse(text: &str) -> Option<i64> {
    // NumberStyles.AllowLeadingWhite/AllowTrailingWhite mean U+0009..U+000D and U+0020.
    let is_white = |c: char| c == ' ' || ('\t'..='\r').contains(&c);
    let text = text.trim_matches(is_white);
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: i128 = digits.parse().ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}
