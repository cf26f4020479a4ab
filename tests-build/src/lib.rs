//! Compile-time tests of the azfn attribute macros; see `tests/compile.rs`.
