//! Compile-time checks of the attribute macros: every mistake is a compiler error at the token
//! at fault (`fail/`, one mistake per file, with the expected messages in the `.stderr` files),
//! and every supported shape compiles (`pass/`: every attribute's documented example, and the
//! shapes around them). Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p azfn-ui-tests` and read each one before committing it.
//!
//! A crate of its own, with only the dependencies the files use: trybuild checks them in a
//! project that depends on everything this crate does, built afresh in a clean checkout.

#[test]
fn macro_diagnostics() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
