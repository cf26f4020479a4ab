//! Compile-time checks of the attribute macros: every mistake is a compiler error at the token
//! at fault (`tests/ui/fail`, one mistake per file, with the expected messages in the `.stderr`
//! files), and every supported shape compiles (`ui/pass`: every attribute's documented example, and
//! the shapes around them). Regenerate the `.stderr` files with `TRYBUILD=overwrite` and read
//! each one before committing it.

#[test]
fn macro_diagnostics() {
    let t = trybuild::TestCases::new();
    t.pass("../tests/ui/pass/*.rs");
    t.compile_fail("../tests/ui/fail/*.rs");
}
