//! The .NET behaviours the simulated host copies, checked against tables of what .NET does.

use azfn_host::dotnet::{
    expand_environment_variables, int_try_parse, parse_arguments, remove_unexpanded_variables,
    url_encode,
};

#[test]
fn arguments_split_like_dotnet_on_unix() {
    let table: &[(&str, &[&str])] = &[
        (" handler.py", &["handler.py"]),
        (" --port 8080 --verbose", &["--port", "8080", "--verbose"]),
        (r#" "a b" c"#, &["a b", "c"]),
        (r#" a\"b"#, &[r#"a"b"#]),
        (r#" a\\"b c""#, &[r"a\b c"]),
        (r" C:\dir\ x", &[r"C:\dir\", "x"]),
        (r#" "say ""hi""""#, &[r#"say "hi""#]),
        ("\ta\t\tb", &["a", "b"]),
        ("   ", &[]),
    ];
    for (input, expected) in table {
        assert_eq!(parse_arguments(input), *expected, "arguments {input:?}");
    }
}

#[test]
fn environment_expansion_then_sanitising() {
    let env = |name: &str| match name {
        "A" => Some("1".to_string()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    assert_eq!(
        expand_environment_variables("%A%-%EMPTY%-%B%", env),
        "1--%B%"
    );
    // A lone '%' pairs with the next one; the "name" between is undefined, so it stays.
    assert_eq!(
        expand_environment_variables("50% off %A%", env),
        "50% off 1"
    );
    assert_eq!(remove_unexpanded_variables("--x %B% --y"), "--x  --y");
    assert_eq!(remove_unexpanded_variables("50% off"), "50% off");
    assert_eq!(remove_unexpanded_variables("%a%%b%"), "");
}

#[test]
fn query_encoding_uses_the_default_url_encoder_alphabet() {
    assert_eq!(url_encode("AZaz09-._~!$()*,;@"), "AZaz09-._~!$()*,;@");
    assert_eq!(
        url_encode("a b+c&d=e/f?g#h%"),
        "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25"
    );
    assert_eq!(url_encode("ü"), "%C3%BC");
}

#[test]
fn integers_parse_like_int_try_parse() {
    assert_eq!(int_try_parse("201"), Some(201));
    assert_eq!(int_try_parse(" -7\t"), Some(-7));
    assert_eq!(int_try_parse("+0"), Some(0));
    assert_eq!(int_try_parse("2147483648"), None);
    assert_eq!(int_try_parse("1e3"), None);
    assert_eq!(int_try_parse(""), None);
    assert_eq!(int_try_parse("２０１"), None);
}
