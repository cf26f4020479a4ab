//! .NET's `System.Convert` conversions that the host applies to values a handler returns, so
//! that the runtime's test harness and `cargo azfn`'s local host decide them alike.
//!
//! Follows `Convert.FromBase64String` and `Convert.TryFromBase64Chars` of dotnet/runtime's
//! `System.Private.CoreLib`.

/// `System.Convert.FromBase64String`: the decoded bytes, or `None` where .NET throws
/// `FormatException`.
///
/// This decides whether the host turns an output binding's string into bytes (CONTRACT §3.3:
/// every output string of a binding without `dataType: binary`). The rules, from .NET's
/// `Convert.TryFromBase64Chars`:
///
/// * space, tab, CR and LF are ignored anywhere (no other whitespace is);
/// * the remaining characters must be `A–Z a–z 0–9 + /`, a multiple of 4 in number;
/// * `=` padding may only end the input, at most two of them (whitespace between or after them
///   is still ignored);
/// * the empty string (or whitespace only) is valid and decodes to no bytes;
/// * unused low bits of the last character need not be zero (`"YR=="` decodes like `"YQ=="`):
///   .NET does not check them, unlike strict RFC 4648 decoders.
///
/// ```
/// use azfn_spec::convert::from_base64_string;
/// assert_eq!(from_base64_string("abcd").as_deref(), Some(&[0x69, 0xb7, 0x1d][..]));
/// assert_eq!(from_base64_string("hello world"), None);
/// assert_eq!(from_base64_string("").as_deref(), Some(&[][..]));
/// ```
pub fn from_base64_string(text: &str) -> Option<Vec<u8>> {
    let mut sextets = Vec::with_capacity(text.len());
    let mut padding = 0usize;
    for c in text.chars() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            '=' => padding += 1,
            _ if padding > 0 => return None,
            _ => sextets.push(sextet(c)?),
        }
    }
    if padding > 2 || !(sextets.len() + padding).is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for s in sextets {
        acc = (acc << 6) | u32::from(s);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn sextet(c: char) -> Option<u8> {
    Some(match c {
        'A'..='Z' => c as u8 - b'A',
        'a'..='z' => c as u8 - b'a' + 26,
        '0'..='9' => c as u8 - b'0' + 52,
        '+' => 62,
        '/' => 63,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::from_base64_string;

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
}
