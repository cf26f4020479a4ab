//! The .NET parsing rules the host applies to what a handler sends, where a handler can see the
//! difference from the usual Rust reading.
//!
//! Each function names the .NET API whose behaviour it has. The base64 rule is a thin layer over
//! the `base64` crate: .NET's `Convert.FromBase64String` differs from RFC 4648 only in ignoring
//! some white space and not checking the unused low bits of the last character, which the
//! crate's decoder can be told not to check.

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The standard alphabet with padding required, as .NET counts it, and the unused low bits of
/// the last character not checked (`"YR=="` decodes like `"YQ=="`).
const DOTNET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// `System.Convert.FromBase64String`: the decoded bytes, or `None` where .NET throws
/// `FormatException`.
///
/// The host applies it to every output string of a binding without `dataType: binary`
/// (CONTRACT §3.3), so it decides whether a binding receives text or bytes. The rules, from
/// .NET's `Convert.TryFromBase64Chars`:
///
/// * space, tab, CR and LF are ignored anywhere (no other white space is);
/// * the remaining characters are `A–Z a–z 0–9 + /`, with `=` padding to a multiple of 4;
/// * `=` may only end the input, at most two of them;
/// * the empty string (or white space only) is valid and decodes to no bytes;
/// * unused low bits of the last character need not be zero.
///
/// ```
/// use azfn_spec::dotnet::from_base64_string;
/// assert_eq!(from_base64_string("abcd").as_deref(), Some(&[0x69, 0xb7, 0x1d][..]));
/// assert_eq!(from_base64_string("Y Q = =").as_deref(), Some(&b"a"[..]));
/// assert_eq!(from_base64_string("hello world"), None);
/// assert_eq!(from_base64_string("").as_deref(), Some(&[][..]));
/// ```
pub fn from_base64_string(text: &str) -> Option<Vec<u8>> {
    let is_ignored = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let significant: Vec<u8> = text.bytes().filter(|b| !is_ignored(b)).collect();
    DOTNET_BASE64.decode(significant).ok()
}

/// `int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)`: optional leading
/// and trailing white space, an optional sign, ASCII digits, within `i32`. The host applies it
/// to route values (`int`, `min`, `max`, `range` constraints) and to numbers in an HTTP
/// output's status (dotnet/runtime `System.Private.CoreLib/src/System/Number.Parsing.cs`).
///
/// ```
/// use azfn_spec::dotnet::int_try_parse;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `Convert.FromBase64String` answers for each input.
    #[test]
    fn dotnet_base64_rules() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("abcd", Some(&[0x69, 0xb7, 0x1d])),
            ("", Some(&[])),
            ("  ", Some(&[])),
            ("YQ==", Some(b"a")),
            ("YR==", Some(b"a")),
            ("Y Q = =", Some(b"a")),
            ("YQ=", None),
            ("Y===", None),
            ("abc", None),
            ("hello world", None),
            ("ab=c", None),
            ("a\u{a0}bc", None),
            ("true", Some(&[0xb6, 0xbb, 0x9e])),
        ];
        for (text, expected) in cases {
            assert_eq!(from_base64_string(text).as_deref(), *expected, "{text:?}");
        }
    }

    #[test]
    fn base64_acceptance_matches_convert_from_base64_string() {
        // (input, what Convert.FromBase64String returns; None = FormatException)
        let table: &[(&str, Option<&[u8]>)] = &[
            ("", Some(b"")),
            ("   \r\n\t", Some(b"")),
            ("abcd", Some(&[0x69, 0xb7, 0x1d])),
            ("test", Some(&[0xb5, 0xeb, 0x2d])),
            ("true", Some(&[0xb6, 0xbb, 0x9e])),
            ("Zm9v", Some(b"foo")),
            ("Zm9vYg==", Some(b"foob")),
            ("Zm9vYmE=", Some(b"fooba")),
            ("aGVsbG8gd29ybGQ=", Some(b"hello world")),
            ("YWJj\tZGVm", Some(b"abcdef")),
            ("Zm9v\r\nYmFy", Some(b"foobar")),
            ("Z m 9 v", Some(b"foo")),
            ("Zm9vYg= =", Some(b"foob")),
            ("Zm9vYg==  \n", Some(b"foob")),
            // .NET ignores the unused low bits of the last character.
            ("YR==", Some(b"a")),
            ("hello world", None),
            ("Zm9vYg=", None),
            ("Zm9vY===", None),
            ("Zm9v====", None),
            ("Zm=9vYg=", None),
            ("Zm9vYg==Zm9v", None),
            ("=", None),
            ("====", None),
            ("YQ", None),
            ("abc", None),
            ("{}", None),
            ("Zm9-", None),
            ("Zm9_", None),
            ("Zm9v\u{0b}", None),
            ("Zm9v\u{a0}", None),
            ("Zm9vé", None),
        ];
        for (input, expected) in table {
            assert_eq!(
                from_base64_string(input).as_deref(),
                *expected,
                "Convert.FromBase64String({input:?})"
            );
        }
    }
}
